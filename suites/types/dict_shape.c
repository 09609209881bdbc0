/* The types suite's extension for the Dict builtin shape. HPy added it after 0.9.0, with
   ctx->h_DictType and _HPy_AsStruct_Dict appended to the context and the ABI version left at
   0.0: a host with HPy 0.9.0 has neither, so the tests of this file are skipped there and
   hpytypes.c keeps to the shapes 0.9.0 has. */
#include <stddef.h>
#include "hpy.h"

typedef struct {
    long extra;
} DictSubObject;

HPyDef_MEMBER(DictSub_extra, "extra", HPyMember_LONG, offsetof(DictSubObject, extra))

HPyDef_METH(DictSub_payload_extra, "payload_extra", HPyFunc_NOARGS)
static HPy DictSub_payload_extra_impl(HPyContext *ctx, HPy self)
{
    DictSubObject *o = (DictSubObject *)_HPy_AsStruct_Dict(ctx, self);
    return HPyLong_FromLong(ctx, o->extra);
}

static HPyDef *DictSub_defines[] = { &DictSub_extra, &DictSub_payload_extra, NULL };

static HPyType_Spec DictSub_spec = {
    .name = "dict_shape.DictSub",
    .basicsize = sizeof(DictSubObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .builtin_shape = HPyType_BuiltinShape_Dict,
    .defines = DictSub_defines,
};

HPyDef_METH(builtin_shape, "builtin_shape", HPyFunc_O)
static HPy builtin_shape_impl(HPyContext *ctx, HPy self, HPy type)
{
    (void)self;
    HPyType_BuiltinShape shape = _HPyType_GetBuiltinShape(ctx, type);
    if (shape == (HPyType_BuiltinShape)-2)
        return HPy_NULL;
    return HPyLong_FromLong(ctx, (long)shape);
}

HPyDef_SLOT(exec, HPy_mod_exec)
static int exec_impl(HPyContext *ctx, HPy module)
{
    HPyType_SpecParam params[] = { { HPyType_SpecParam_Base, ctx->h_DictType }, { (HPyType_SpecParam_Kind)0, HPy_NULL } };
    return HPyHelpers_AddType(ctx, module, "DictSub", &DictSub_spec, params) ? 0 : -1;
}

static HPyDef *module_defines[] = { &builtin_shape, &exec, NULL };

static HPyModuleDef moduledef = {
    .doc = "The types suite's extension for the Dict shape, added to HPy after 0.9.0.",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(dict_shape, moduledef)
