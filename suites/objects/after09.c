/* The objects suite's second extension: context functions added to HPy after 0.9.0 (iteration,
   HPySlice_New, HPy_GetSlice/SetSlice/DelSlice, HPyList_Insert). HPy's master appended them to
   the context without raising the ABI version, so a host with HPy 0.9.0 lacks them: the tests of
   this file are skipped there, and objects.c keeps to what 0.9.0 has.
   Each function is a thin wrapper so that the tests drive the context function directly. */
#include <string.h>
#include "hpy.h"
#include "null_outcome.h"

HPyDef_METH(get_iter, "get_iter", HPyFunc_O)
static HPy get_iter_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    return HPy_GetIter(ctx, obj);
}

/* iter_next(it) -> (True, item) or (False, None) at exhaustion, which must leave no error. */
HPyDef_METH(iter_next, "iter_next", HPyFunc_O)
static HPy iter_next_impl(HPyContext *ctx, HPy self, HPy it)
{
    (void)self;
    HPy item = HPyIter_Next(ctx, it);
    if (HPy_IsNull(item)) {
        if (HPyErr_Occurred(ctx))
            return HPy_NULL;
        return HPy_BuildValue(ctx, "(OO)", ctx->h_False, ctx->h_None);
    }
    HPy result = HPy_BuildValue(ctx, "(OO)", ctx->h_True, item);
    HPy_Close(ctx, item);
    return result;
}

/* The usual loop: GetIter, then Iter_Next until NULL, collecting into a list. */
HPyDef_METH(iter_collect, "iter_collect", HPyFunc_O)
static HPy iter_collect_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    HPy it = HPy_GetIter(ctx, obj);
    if (HPy_IsNull(it))
        return HPy_NULL;
    HPy list = HPyList_New(ctx, 0);
    HPy item;
    while (!HPy_IsNull(item = HPyIter_Next(ctx, it))) {
        int err = HPyList_Append(ctx, list, item);
        HPy_Close(ctx, item);
        if (err < 0)
            break;
    }
    HPy_Close(ctx, it);
    if (HPyErr_Occurred(ctx)) {
        HPy_Close(ctx, list);
        return HPy_NULL;
    }
    return list;
}

HPyDef_METH(iter_check, "iter_check", HPyFunc_O)
static HPy iter_check_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    return HPyBool_FromLong(ctx, HPyIter_Check(ctx, obj));
}

HPyDef_METH(get_slice, "get_slice", HPyFunc_VARARGS)
static HPy get_slice_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy obj;
    HPy_ssize_t start, end;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Onn", &obj, &start, &end))
        return HPy_NULL;
    return HPy_GetSlice(ctx, obj, start, end);
}

/* set_slice(obj, start, end, value): value None is passed as HPy_NULL (deletion). */
HPyDef_METH(set_slice, "set_slice", HPyFunc_VARARGS)
static HPy set_slice_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy obj, value;
    HPy_ssize_t start, end;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OnnO", &obj, &start, &end, &value))
        return HPy_NULL;
    if (HPy_Is(ctx, value, ctx->h_None))
        value = HPy_NULL;
    if (HPy_SetSlice(ctx, obj, start, end, value) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, obj);
}

HPyDef_METH(del_slice, "del_slice", HPyFunc_VARARGS)
static HPy del_slice_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy obj;
    HPy_ssize_t start, end;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Onn", &obj, &start, &end))
        return HPy_NULL;
    if (HPy_DelSlice(ctx, obj, start, end) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, obj);
}

/* slice_new(start, stop, step): each argument as given. */
HPyDef_METH(slice_new, "slice_new", HPyFunc_VARARGS)
static HPy slice_new_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "slice_new() takes 3 arguments");
        return HPy_NULL;
    }
    return HPySlice_New(ctx, args[0], args[1], args[2]);
}

/* HPySlice_New with NULL bounds: slice(None, None, None). */
HPyDef_METH(slice_new_nulls, "slice_new_nulls", HPyFunc_NOARGS)
static HPy slice_new_nulls_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPySlice_New(ctx, HPy_NULL, HPy_NULL, HPy_NULL);
}

HPyDef_METH(list_insert, "list_insert", HPyFunc_VARARGS)
static HPy list_insert_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy list, item;
    HPy_ssize_t index;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OnO", &list, &index, &item))
        return HPy_NULL;
    if (HPyList_Insert(ctx, list, index, item) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, list);
}

HPyDef_METH(list_insert_null, "list_insert_null", HPyFunc_O)
static HPy list_insert_null_impl(HPyContext *ctx, HPy self, HPy list)
{
    (void)self;
    if (HPyList_Insert(ctx, list, 0, HPy_NULL) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, list);
}

/* Each context function of this file given a NULL handle: the name of the function to try. */
HPyDef_METH(with_null, "with_null", HPyFunc_O)
static HPy with_null_impl(HPyContext *ctx, HPy self, HPy which)
{
    (void)self;
    const char *name = HPyUnicode_AsUTF8AndSize(ctx, which, NULL);
    if (name == NULL)
        return HPy_NULL;
    HPy r = HPy_NULL;
    int status = 0;
    if (strcmp(name, "GetIter") == 0) r = HPy_GetIter(ctx, HPy_NULL);
    else if (strcmp(name, "Iter_Next") == 0) r = HPyIter_Next(ctx, HPy_NULL);
    else if (strcmp(name, "GetSlice") == 0) r = HPy_GetSlice(ctx, HPy_NULL, 0, 1);
    else if (strcmp(name, "SetSlice") == 0) status = HPy_SetSlice(ctx, HPy_NULL, 0, 1, ctx->h_None);
    else if (strcmp(name, "DelSlice") == 0) status = HPy_DelSlice(ctx, HPy_NULL, 0, 1);
    else if (strcmp(name, "List_Insert") == 0) status = HPyList_Insert(ctx, HPy_NULL, 0, ctx->h_None);
    else {
        HPyErr_SetString(ctx, ctx->h_ValueError, "unknown function");
        return HPy_NULL;
    }
    (void)status;
    return null_outcome(ctx, r);
}

static HPyDef *module_defines[] = {
    &get_iter, &iter_next, &iter_collect, &iter_check, &get_slice, &set_slice, &del_slice,
    &slice_new, &slice_new_nulls, &list_insert, &list_insert_null, &with_null, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The objects suite's extension of context functions added after HPy 0.9.0.",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(after09, moduledef)
