/* The arguments HPy 0.9.0's debug mode refuses, and its words for them. The generated wrappers
   call these once the handles are unwrapped (gen-debug.mjs, CHECKS). A refused argument is a
   finding (HDBG_INVALID_ARGUMENT) and the call goes on to the inner context, which answers as it
   would without the layer (a TypeError, mostly), except a call whose keyword names are not a
   tuple; under HDBG_AS_HPY it is a fatal error, as in HPy. */

#include "debug_internal.h"

void hdbg_check_type(HDbg *d, HPy u, const char *fn, const char *message)
{
    HPyContext *ic = d->inner;
    if (!HPy_IsNull(u) && !ic->ctx_TypeCheck(ic, u, ic->h_TypeType))
        hdbg_report(d, HDBG_INVALID_ARGUMENT, fn, NULL, "%s", message);
}

void hdbg_check_unicode(HDbg *d, HPy u, const char *fn, const char *message)
{
    HPyContext *ic = d->inner;
    if (!HPy_IsNull(u) && !ic->ctx_Unicode_Check(ic, u))
        hdbg_report(d, HDBG_INVALID_ARGUMENT, fn, NULL, "%s", message);
}

bool hdbg_check_kwnames(HDbg *d, HPy u, const char *fn, const char *message)
{
    HPyContext *ic = d->inner;
    if (HPy_IsNull(u) || ic->ctx_Tuple_Check(ic, u))
        return true;
    hdbg_report(d, HDBG_INVALID_ARGUMENT, fn, NULL, "%s", message);
    /* How many keyword values follow the positional ones is the tuple's length: without one, the
       layer cannot tell which handles to unwrap, and the call does not go on. */
    hdbg_raise(d, "%s (debug layer)", message);
    return false;
}

static const char *shape_name(int shape)
{
    switch (shape) {
    case HPyType_BuiltinShape_Legacy: return "HPyType_BuiltinShape_Legacy";
    case HPyType_BuiltinShape_Object: return "HPyType_BuiltinShape_Object";
    case HPyType_BuiltinShape_Type: return "HPyType_BuiltinShape_Type";
    case HPyType_BuiltinShape_Long: return "HPyType_BuiltinShape_Long";
    case HPyType_BuiltinShape_Float: return "HPyType_BuiltinShape_Float";
    case HPyType_BuiltinShape_Unicode: return "HPyType_BuiltinShape_Unicode";
    case HPyType_BuiltinShape_Tuple: return "HPyType_BuiltinShape_Tuple";
    case HPyType_BuiltinShape_List: return "HPyType_BuiltinShape_List";
    case HPyType_BuiltinShape_Dict: return "HPyType_BuiltinShape_Dict";
    default: return "<unknown shape>";
    }
}

void hdbg_check_shape(HDbg *d, HPy u, int shape, const char *fn, const char *shape_short)
{
    HPyContext *ic = d->inner;
    if (HPy_IsNull(u))
        return;
    HPy type = ic->ctx_Type(ic, u);
    if (HPy_IsNull(type))
        return;
    int actual = (int)ic->ctx_Type_GetBuiltinShape(ic, type);
    ic->ctx_Close(ic, type);
    if (actual != shape)
        hdbg_report(d, HDBG_INVALID_ARGUMENT, fn, NULL,
                    "Invalid usage of _HPy_AsStruct_%s. Expected shape HPyType_BuiltinShape_%s but got %s", shape_short,
                    shape_short, shape_name(actual));
}
