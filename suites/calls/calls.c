/* The calls suite's extension: HPy_Call (vectorcall style, keyword names in a tuple),
   HPy_CallMethod (receiver in args[0]), HPy_CallTupleDict and the CallMethodTupleDict
   helpers, HPyCallable_Check. */
#include "hpy.h"

#define MAX_ARGS 8

/* echo(*args, **kwargs) -> (args, kwargs): what a KEYWORDS function receives. */
HPyDef_METH(echo, "echo", HPyFunc_KEYWORDS)
static HPy echo_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    HPy pos = HPyTuple_FromArray(ctx, (HPy *)args, (HPy_ssize_t)nargs);
    HPy kw = HPyDict_New(ctx);
    HPy_ssize_t nkw = HPy_IsNull(kwnames) ? 0 : HPy_Length(ctx, kwnames);
    for (HPy_ssize_t i = 0; i < nkw; i++) {
        HPy name = HPy_GetItem_i(ctx, kwnames, i);
        HPy_SetItem(ctx, kw, name, args[nargs + (size_t)i]);
        HPy_Close(ctx, name);
    }
    HPy r = HPyTuple_Pack(ctx, 2, pos, kw);
    HPy_Close(ctx, pos);
    HPy_Close(ctx, kw);
    return r;
}

/* Fills items with the elements of list `pos` followed by the values of dict `kw` (or None),
   and *kwnames with a tuple of its keys (HPy_NULL for None). Returns the number of
   positional items, or -1 on error. The caller closes items[0..total) and *kwnames. */
static HPy_ssize_t
unpack(HPyContext *ctx, HPy pos, HPy kw, HPy *items, HPy_ssize_t *total, HPy *kwnames)
{
    HPy_ssize_t npos = HPy_Length(ctx, pos);
    if (npos < 0)
        return -1;
    HPy_ssize_t nkw = 0;
    HPy keys = HPy_NULL;
    if (!HPy_Is(ctx, kw, ctx->h_None)) {
        keys = HPyDict_Keys(ctx, kw);
        if (HPy_IsNull(keys))
            return -1;
        nkw = HPy_Length(ctx, keys);
    }
    if (npos + nkw > MAX_ARGS) {
        HPy_Close(ctx, keys);
        HPyErr_SetString(ctx, ctx->h_ValueError, "too many arguments for this test");
        return -1;
    }
    for (HPy_ssize_t i = 0; i < npos; i++)
        items[i] = HPy_GetItem_i(ctx, pos, i);
    HPy names[MAX_ARGS];
    for (HPy_ssize_t i = 0; i < nkw; i++) {
        names[i] = HPy_GetItem_i(ctx, keys, i);
        items[npos + i] = HPy_GetItem(ctx, kw, names[i]);
    }
    *kwnames = HPy_IsNull(keys) ? HPy_NULL : HPyTuple_FromArray(ctx, names, nkw);
    for (HPy_ssize_t i = 0; i < nkw; i++)
        HPy_Close(ctx, names[i]);
    HPy_Close(ctx, keys);
    *total = npos + nkw;
    return npos;
}

static void
close_all(HPyContext *ctx, HPy *items, HPy_ssize_t n, HPy kwnames)
{
    for (HPy_ssize_t i = 0; i < n; i++)
        HPy_Close(ctx, items[i]);
    HPy_Close(ctx, kwnames);
}

/* call(f, positional_list, kwargs_dict_or_None) through HPy_Call */
HPyDef_METH(call, "call", HPyFunc_VARARGS)
static HPy call_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "call(f, args, kwargs)");
        return HPy_NULL;
    }
    HPy items[MAX_ARGS];
    HPy kwnames = HPy_NULL;
    HPy_ssize_t total = 0;
    HPy_ssize_t npos = unpack(ctx, args[1], args[2], items, &total, &kwnames);
    if (npos < 0)
        return HPy_NULL;
    HPy r = HPy_Call(ctx, args[0], items, (size_t)npos, kwnames);
    close_all(ctx, items, total, kwnames);
    return r;
}

/* call_method(name, receiver, positional_list, kwargs_dict_or_None) through HPy_CallMethod */
HPyDef_METH(call_method, "call_method", HPyFunc_VARARGS)
static HPy call_method_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 4) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "call_method(name, receiver, args, kwargs)");
        return HPy_NULL;
    }
    HPy items[MAX_ARGS + 1];
    HPy kwnames = HPy_NULL;
    HPy_ssize_t total = 0;
    HPy_ssize_t npos = unpack(ctx, args[2], args[3], items + 1, &total, &kwnames);
    if (npos < 0)
        return HPy_NULL;
    items[0] = args[1];
    HPy r = HPy_CallMethod(ctx, args[0], items, (size_t)npos + 1, kwnames);
    close_all(ctx, items + 1, total, kwnames);
    return r;
}

/* call_empty_kwnames(f, positional_list): HPy_Call with a kwnames tuple of length 0 */
HPyDef_METH(call_empty_kwnames, "call_empty_kwnames", HPyFunc_VARARGS)
static HPy call_empty_kwnames_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "call_empty_kwnames(f, args)");
        return HPy_NULL;
    }
    HPy items[MAX_ARGS];
    HPy kwnames = HPy_NULL;
    HPy_ssize_t total = 0;
    HPy_ssize_t npos = unpack(ctx, args[1], ctx->h_None, items, &total, &kwnames);
    if (npos < 0)
        return HPy_NULL;
    HPy empty = HPyTuple_FromArray(ctx, NULL, 0);
    HPy r = HPy_Call(ctx, args[0], items, (size_t)npos, empty);
    HPy_Close(ctx, empty);
    close_all(ctx, items, total, kwnames);
    return r;
}

static HPy
null_if_none(HPyContext *ctx, HPy h)
{
    return HPy_Is(ctx, h, ctx->h_None) ? HPy_NULL : h;
}

/* call_tuple_dict(f, args_or_None, kw_or_None): None stands for HPy_NULL */
HPyDef_METH(call_tuple_dict, "call_tuple_dict", HPyFunc_VARARGS)
static HPy call_tuple_dict_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "call_tuple_dict(f, args, kw)");
        return HPy_NULL;
    }
    return HPy_CallTupleDict(ctx, args[0], null_if_none(ctx, args[1]), null_if_none(ctx, args[2]));
}

/* tuple_of(list) -> tuple, to hand CallTupleDict a real tuple */
HPyDef_METH(tuple_of, "tuple_of", HPyFunc_O)
static HPy tuple_of_impl(HPyContext *ctx, HPy self, HPy list)
{
    (void)self;
    HPy items[MAX_ARGS];
    HPy kwnames = HPy_NULL;
    HPy_ssize_t total = 0;
    HPy_ssize_t n = unpack(ctx, list, ctx->h_None, items, &total, &kwnames);
    if (n < 0)
        return HPy_NULL;
    HPy t = HPyTuple_FromArray(ctx, items, n);
    close_all(ctx, items, total, kwnames);
    return t;
}

/* method_tuple_dict_s(name, receiver, args_or_None, kw_or_None) via HPy_CallMethodTupleDict_s */
HPyDef_METH(method_tuple_dict_s, "method_tuple_dict_s", HPyFunc_VARARGS)
static HPy method_tuple_dict_s_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 4) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "method_tuple_dict_s(name, receiver, args, kw)");
        return HPy_NULL;
    }
    const char *name = HPyUnicode_AsUTF8AndSize(ctx, args[0], NULL);
    if (name == NULL)
        return HPy_NULL;
    return HPy_CallMethodTupleDict_s(ctx, name, args[1], null_if_none(ctx, args[2]), null_if_none(ctx, args[3]));
}

/* method_tuple_dict(name, receiver, args_or_None, kw_or_None) via HPy_CallMethodTupleDict */
HPyDef_METH(method_tuple_dict, "method_tuple_dict", HPyFunc_VARARGS)
static HPy method_tuple_dict_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 4) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "method_tuple_dict(name, receiver, args, kw)");
        return HPy_NULL;
    }
    return HPy_CallMethodTupleDict(ctx, args[0], args[1], null_if_none(ctx, args[2]), null_if_none(ctx, args[3]));
}

HPyDef_METH(callable_check, "callable_check", HPyFunc_O)
static HPy callable_check_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    return HPyLong_FromLong(ctx, HPyCallable_Check(ctx, arg));
}

static HPyDef *module_defines[] = {
    &echo, &call, &call_method, &call_empty_kwnames, &call_tuple_dict, &tuple_of,
    &method_tuple_dict_s, &method_tuple_dict, &callable_check, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The calls suite's extension.",
    .defines = module_defines,
};

HPy_MODINIT(calls, moduledef)
