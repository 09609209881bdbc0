/* The objects suite's extension: HPySlice_Unpack, slice keys through the item protocol, HPy_ASCII
   and HPy_Bytes, HPy_Str, HPy_Hash, HPy_RichCompare, HPy_HasAttr, HPy_SetAttr and HPyErr_NoMemory:
   context functions HPy 0.9.0 has (after09.c has those added later).
   Each function is a thin wrapper so that the tests drive the context function directly. */
#include <string.h>
#include "hpy.h"
#include "null_outcome.h"

HPyDef_METH(slice_unpack, "slice_unpack", HPyFunc_O)
static HPy slice_unpack_impl(HPyContext *ctx, HPy self, HPy slice)
{
    (void)self;
    HPy_ssize_t start = 11, stop = 22, step = 33;
    if (HPySlice_Unpack(ctx, slice, &start, &stop, &step) < 0)
        return HPy_NULL;
    return HPy_BuildValue(ctx, "(nnn)", start, stop, step);
}

/* Unpack then HPySlice_AdjustIndices: (start, stop, step, slicelength). */
HPyDef_METH(slice_indices, "slice_indices", HPyFunc_VARARGS)
static HPy slice_indices_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy slice;
    HPy_ssize_t length, start, stop, step;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "On", &slice, &length))
        return HPy_NULL;
    if (HPySlice_Unpack(ctx, slice, &start, &stop, &step) < 0)
        return HPy_NULL;
    HPy_ssize_t n = HPySlice_AdjustIndices(ctx, length, &start, &stop, step);
    return HPy_BuildValue(ctx, "(nnnn)", start, stop, step, n);
}

/* Applies a slice through the generic item protocol: obj[slice]. */
HPyDef_METH(getitem, "getitem", HPyFunc_VARARGS)
static HPy getitem_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "getitem() takes 2 arguments");
        return HPy_NULL;
    }
    return HPy_GetItem(ctx, args[0], args[1]);
}

HPyDef_METH(setitem, "setitem", HPyFunc_VARARGS)
static HPy setitem_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "setitem() takes 3 arguments");
        return HPy_NULL;
    }
    if (HPy_SetItem(ctx, args[0], args[1], args[2]) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, args[0]);
}

HPyDef_METH(delitem, "delitem", HPyFunc_VARARGS)
static HPy delitem_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "delitem() takes 2 arguments");
        return HPy_NULL;
    }
    if (HPy_DelItem(ctx, args[0], args[1]) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, args[0]);
}

HPyDef_METH(ascii, "ascii", HPyFunc_O)
static HPy ascii_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    return HPy_ASCII(ctx, obj);
}

HPyDef_METH(bytes, "bytes", HPyFunc_O)
static HPy bytes_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    return HPy_Bytes(ctx, obj);
}

/* HPy_Bytes(b) of an exact bytes object gives the same object. */
HPyDef_METH(bytes_is_same, "bytes_is_same", HPyFunc_O)
static HPy bytes_is_same_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    HPy b = HPy_Bytes(ctx, obj);
    if (HPy_IsNull(b))
        return HPy_NULL;
    int same = HPy_Is(ctx, b, obj);
    HPy_Close(ctx, b);
    return HPyBool_FromLong(ctx, same);
}

/* Each context function of this file given a NULL handle: the name of the function to try. */
HPyDef_METH(with_null, "with_null", HPyFunc_O)
static HPy with_null_impl(HPyContext *ctx, HPy self, HPy which)
{
    (void)self;
    const char *name = HPyUnicode_AsUTF8AndSize(ctx, which, NULL);
    if (name == NULL)
        return HPy_NULL;
    HPy_ssize_t a, b, c;
    HPy r = HPy_NULL;
    int status = 0;
    if (strcmp(name, "Slice_Unpack") == 0) status = HPySlice_Unpack(ctx, HPy_NULL, &a, &b, &c);
    else if (strcmp(name, "ASCII") == 0) r = HPy_ASCII(ctx, HPy_NULL);
    else if (strcmp(name, "Bytes") == 0) r = HPy_Bytes(ctx, HPy_NULL);
    else {
        HPyErr_SetString(ctx, ctx->h_ValueError, "unknown function");
        return HPy_NULL;
    }
    (void)status;
    return null_outcome(ctx, r);
}

/* HPy_Str, HPy_Hash, HPy_RichCompare, HPy_HasAttr, HPy_SetAttr: the protocol functions with
   a handle for the name, as the object protocol tests call them. */
HPyDef_METH(str, "str", HPyFunc_O)
static HPy str_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    return HPy_Str(ctx, obj);
}

HPyDef_METH(hash, "hash", HPyFunc_O)
static HPy hash_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    HPy_hash_t h = HPy_Hash(ctx, obj);
    if (h == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromSsize_t(ctx, h);
}

/* rich_compare(a, b, op) with op one of HPy_LT..HPy_GE (0..5). */
HPyDef_METH(rich_compare, "rich_compare", HPyFunc_VARARGS)
static HPy rich_compare_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy a, b;
    int op;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OOi", &a, &b, &op))
        return HPy_NULL;
    return HPy_RichCompare(ctx, a, b, op);
}

HPyDef_METH(has_attr, "has_attr", HPyFunc_VARARGS)
static HPy has_attr_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "has_attr() takes 2 arguments");
        return HPy_NULL;
    }
    return HPyBool_FromLong(ctx, HPy_HasAttr(ctx, args[0], args[1]));
}

/* set_attr(obj, name, value) -> obj; value None deletes (HPy_NULL). */
HPyDef_METH(set_attr, "set_attr", HPyFunc_VARARGS)
static HPy set_attr_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "set_attr() takes 3 arguments");
        return HPy_NULL;
    }
    HPy value = HPy_Is(ctx, args[2], ctx->h_None) ? HPy_NULL : args[2];
    if (HPy_SetAttr(ctx, args[0], args[1], value) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, args[0]);
}

/* HPyErr_NoMemory: a MemoryError with no message. */
HPyDef_METH(no_memory, "no_memory", HPyFunc_NOARGS)
static HPy no_memory_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyErr_NoMemory(ctx);
    return HPy_NULL;
}

static HPyDef *module_defines[] = {
    &slice_unpack, &slice_indices, &getitem, &setitem, &delitem, &ascii, &bytes, &bytes_is_same,
    &with_null, &str, &hash, &rich_compare, &has_attr, &set_attr, &no_memory, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The objects suite's extension.",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(objects, moduledef)
