/* Deliberately buggy: each function but `clean` makes one mistake that the debug layer must
   catch (suites/debug/debug.test.ts). On a plain backend several of them are undefined
   behaviour, so the suite only runs on debug backends. */
#include "hpy.h"

/* Correct code over the paths the layer checks: dups, closes, both builders, a tracker and
   UTF-8 data read while its handle is open. Returns (x, len(utf8(x)) or -1 for a non-str). */
HPyDef_METH(clean, "clean", HPyFunc_O)
static HPy clean_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    HPyTracker ht = HPyTracker_New(ctx, 2);
    if (ht._i == 0)
        return HPy_NULL;
    HPy copy = HPy_Dup(ctx, x);
    if (HPyTracker_Add(ctx, ht, copy) < 0) {
        HPy_Close(ctx, copy);
        HPyTracker_Close(ctx, ht);
        return HPy_NULL;
    }
    HPy_ssize_t n = -1;
    if (HPyUnicode_Check(ctx, copy)) {
        if (HPyUnicode_AsUTF8AndSize(ctx, copy, &n) == NULL) {
            HPyTracker_Close(ctx, ht);
            return HPy_NULL;
        }
    }
    HPy length = HPyLong_FromSsize_t(ctx, n);
    if (HPy_IsNull(length) || HPyTracker_Add(ctx, ht, length) < 0) {
        HPyTracker_Close(ctx, ht);
        return HPy_NULL;
    }
    HPyListBuilder lb = HPyListBuilder_New(ctx, 2);
    HPyListBuilder_Set(ctx, lb, 0, copy);
    HPyListBuilder_Set(ctx, lb, 1, length);
    HPy list = HPyListBuilder_Build(ctx, lb);
    HPyTupleBuilder tb = HPyTupleBuilder_New(ctx, 2);
    HPyTupleBuilder_Set(ctx, tb, 0, copy);
    HPyTupleBuilder_Set(ctx, tb, 1, length);
    HPy tuple = HPyTupleBuilder_Build(ctx, tb);
    HPyTracker_Close(ctx, ht);
    if (HPy_IsNull(list)) {
        HPy_Close(ctx, tuple);
        return HPy_NULL;
    }
    HPy_Close(ctx, list);
    return tuple;
}

/* Mistake: the int is never closed. */
HPyDef_METH(leak, "leak", HPyFunc_NOARGS)
static HPy leak_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyLong_FromInt64_t(ctx, 123456);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake: a handle used after HPy_Close. */
HPyDef_METH(use_after_close, "use_after_close", HPyFunc_NOARGS)
static HPy use_after_close_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy h = HPyLong_FromInt64_t(ctx, 1);
    HPy_Close(ctx, h);
    return HPy_Repr(ctx, h);
}

/* Mistake: the same handle closed twice. */
HPyDef_METH(double_close, "double_close", HPyFunc_NOARGS)
static HPy double_close_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy h = HPyLong_FromInt64_t(ctx, 2);
    HPy_Close(ctx, h);
    HPy_Close(ctx, h);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake: an argument is borrowed, so closing it is the caller's business. */
HPyDef_METH(close_arg, "close_arg", HPyFunc_O)
static HPy close_arg_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    HPy_Close(ctx, x);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake: context constants are not ours to close. */
HPyDef_METH(close_constant, "close_constant", HPyFunc_NOARGS)
static HPy close_constant_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy_Close(ctx, ctx->h_None);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake: a constant returned as if it were a new handle (HPy_Dup is needed). */
HPyDef_METH(return_constant, "return_constant", HPyFunc_NOARGS)
static HPy return_constant_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return ctx->h_None;
}

/* Mistake: a list builder set after it was built. */
HPyDef_METH(list_builder_after_build, "list_builder_after_build", HPyFunc_NOARGS)
static HPy list_builder_after_build_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyListBuilder b = HPyListBuilder_New(ctx, 1);
    HPyListBuilder_Set(ctx, b, 0, ctx->h_None);
    HPy list = HPyListBuilder_Build(ctx, b);
    if (HPy_IsNull(list))
        return HPy_NULL;
    HPyListBuilder_Set(ctx, b, 0, ctx->h_True);
    HPy_Close(ctx, list);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake: a tuple builder built after it was cancelled. Build fails, which is cleared so that
   the call itself succeeds and the finding is all that is left. */
HPyDef_METH(tuple_builder_after_cancel, "tuple_builder_after_cancel", HPyFunc_NOARGS)
static HPy tuple_builder_after_cancel_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyTupleBuilder b = HPyTupleBuilder_New(ctx, 1);
    HPyTupleBuilder_Cancel(ctx, b);
    HPy t = HPyTupleBuilder_Build(ctx, b);
    if (!HPy_IsNull(t))
        HPy_Close(ctx, t);
    HPyErr_Clear(ctx);
    return HPy_Dup(ctx, ctx->h_None);
}

/* The same mistake, with Build's failure for the caller: SystemError from the layer, or under
   HPy's policy MemoryError, as HPy's Build of a dead builder. */
HPyDef_METH(built_after_cancel, "built_after_cancel", HPyFunc_NOARGS)
static HPy built_after_cancel_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyTupleBuilder b = HPyTupleBuilder_New(ctx, 1);
    HPyTupleBuilder_Cancel(ctx, b);
    return HPyTupleBuilder_Build(ctx, b);
}

/* Mistake: a tracker added to after it was closed. */
HPyDef_METH(tracker_after_close, "tracker_after_close", HPyFunc_NOARGS)
static HPy tracker_after_close_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyTracker ht = HPyTracker_New(ctx, 1);
    HPyTracker_Close(ctx, ht);
    HPy h = HPyLong_FromInt64_t(ctx, 3);
    if (HPyTracker_Add(ctx, ht, h) < 0)
        HPyErr_Clear(ctx);
    HPy_Close(ctx, h);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake: UTF-8 data read after the handle it came from was closed. */
HPyDef_METH(utf8_after_close, "utf8_after_close", HPyFunc_O)
static HPy utf8_after_close_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    HPy copy = HPy_Dup(ctx, s);
    HPy_ssize_t n;
    volatile const char *data = HPyUnicode_AsUTF8AndSize(ctx, copy, &n);
    if (data == NULL) {
        HPy_Close(ctx, copy);
        return HPy_NULL;
    }
    HPy_Close(ctx, copy);
    return HPyLong_FromInt64_t(ctx, (unsigned char)data[0]);
}

/* Mistake: the data of HPyBytes_AsString is read-only. */
HPyDef_METH(bytes_write, "bytes_write", HPyFunc_O)
static HPy bytes_write_impl(HPyContext *ctx, HPy self, HPy b)
{
    (void)self;
    volatile char *data = (volatile char *)HPyBytes_AsString(ctx, b);
    if (data == NULL)
        return HPy_NULL;
    data[0] = 'X';
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake (in two calls): a context kept past the call it was given to, then used. */
static HPyContext *kept_ctx;

HPyDef_METH(keep_ctx, "keep_ctx", HPyFunc_NOARGS)
static HPy keep_ctx_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    kept_ctx = ctx;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(use_kept_ctx, "use_kept_ctx", HPyFunc_NOARGS)
static HPy use_kept_ctx_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    (void)ctx;
    return HPyLong_FromInt64_t(kept_ctx, 7);
}

/* Mistake: failure signalled without an exception. */
HPyDef_METH(null_without_error, "null_without_error", HPyFunc_NOARGS)
static HPy null_without_error_impl(HPyContext *ctx, HPy self)
{
    (void)ctx;
    (void)self;
    return HPy_NULL;
}

/* Mistake: success returned with an exception still set. */
HPyDef_METH(result_with_error, "result_with_error", HPyFunc_NOARGS)
static HPy result_with_error_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyErr_SetString(ctx, ctx->h_ValueError, "oops");
    return HPyLong_FromInt64_t(ctx, 1);
}

/* The mistakes below go through the layer's fast paths: argument handles opened and closed in
   bulk around each call, results handed back without a lookup, builders from a pool. */

/* Mistake (in two calls): an argument handle kept past its call, then used. */
static HPy kept_arg;

HPyDef_METH(keep_arg, "keep_arg", HPyFunc_O)
static HPy keep_arg_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    kept_arg = x;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(use_kept_arg, "use_kept_arg", HPyFunc_NOARGS)
static HPy use_kept_arg_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPy_Repr(ctx, kept_arg);
}

/* Mistake (in two calls): UTF-8 data of an argument kept past its call, then read. */
static volatile const char *kept_utf8;

HPyDef_METH(keep_utf8_of_arg, "keep_utf8_of_arg", HPyFunc_O)
static HPy keep_utf8_of_arg_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    HPy_ssize_t n;
    kept_utf8 = HPyUnicode_AsUTF8AndSize(ctx, s, &n);
    if (kept_utf8 == NULL)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(read_kept_utf8, "read_kept_utf8", HPyFunc_NOARGS)
static HPy read_kept_utf8_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyLong_FromInt64_t(ctx, (unsigned char)kept_utf8[0]);
}

/* Mistake: an argument returned as the result without HPy_Dup (the caller would own it twice). */
HPyDef_METH(return_arg, "return_arg", HPyFunc_VARARGS)
static HPy return_arg_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)ctx; (void)self;
    return nargs > 0 ? args[nargs - 1] : HPy_NULL;
}

/* Mistake: a handle closed twice, the second time as a tracker closes what it holds. */
HPyDef_METH(close_tracked, "close_tracked", HPyFunc_NOARGS)
static HPy close_tracked_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyTracker ht = HPyTracker_New(ctx, 1);
    HPy h = HPyLong_FromInt64_t(ctx, 4);
    if (HPyTracker_Add(ctx, ht, h) < 0)
        HPyErr_Clear(ctx);
    HPy_Close(ctx, h);
    HPyTracker_Close(ctx, ht);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake: a list builder handed to a tuple builder function. */
HPyDef_METH(builder_wrong_kind, "builder_wrong_kind", HPyFunc_NOARGS)
static HPy builder_wrong_kind_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyListBuilder lb = HPyListBuilder_New(ctx, 1);
    HPyTupleBuilder_Cancel(ctx, (HPyTupleBuilder){ lb._lst });
    HPyListBuilder_Cancel(ctx, lb);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Correct code, many times over: `n` rounds of the calls above done right. With a closed-handle
   queue shorter than what a round closes, every handle record is reused many times. */
HPyDef_METH(churn, "churn", HPyFunc_O)
static HPy churn_impl(HPyContext *ctx, HPy self, HPy n)
{
    (void)self;
    int64_t rounds = HPyLong_AsInt64_t(ctx, n);
    if (rounds == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    for (int64_t i = 0; i < rounds; i++) {
        HPy items[3];
        for (int k = 0; k < 3; k++)
            items[k] = HPyLong_FromInt64_t(ctx, i + k);
        HPy t = HPyTuple_FromArray(ctx, items, 3);
        for (int k = 0; k < 3; k++)
            HPy_Close(ctx, items[k]);
        HPyListBuilder lb = HPyListBuilder_New(ctx, 1);
        HPyListBuilder_Set(ctx, lb, 0, t);
        HPy l = HPyListBuilder_Build(ctx, lb);
        HPy_Close(ctx, t);
        if (HPy_IsNull(l))
            return HPy_NULL;
        HPy_Close(ctx, l);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake (in two calls): a handle closed and kept, then used after `churn` in between. */
static HPy kept_closed;

HPyDef_METH(keep_closed, "keep_closed", HPyFunc_NOARGS)
static HPy keep_closed_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    kept_closed = HPyLong_FromInt64_t(ctx, 5);
    HPy_Close(ctx, kept_closed);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(use_kept_closed, "use_kept_closed", HPyFunc_NOARGS)
static HPy use_kept_closed_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPy_Repr(ctx, kept_closed);
}

/* Mistakes: arguments HPy's debug mode refuses. Each returns what the context function gives. */
HPyDef_METH(substring_of, "substring_of", HPyFunc_O)
static HPy substring_of_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    return HPyUnicode_Substring(ctx, x, 0, 1);
}

HPyDef_METH(type_name_of, "type_name_of", HPyFunc_O)
static HPy type_name_of_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    const char *name = HPyType_GetName(ctx, x);
    return name == NULL ? HPy_NULL : HPyUnicode_FromString(ctx, name);
}

HPyDef_METH(is_subtype, "is_subtype", HPyFunc_VARARGS)
static HPy is_subtype_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    (void)nargs;
    int r = HPyType_IsSubtype(ctx, args[0], args[1]);
    if (r < 0 || HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyBool_FromLong(ctx, r);
}

HPyDef_METH(type_check, "type_check", HPyFunc_VARARGS)
static HPy type_check_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    (void)nargs;
    int r = HPy_TypeCheck(ctx, args[0], args[1]);
    if (HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyBool_FromLong(ctx, r);
}

/* The keyword names are a list, not a tuple. */
HPyDef_METH(call_with_list_kwnames, "call_with_list_kwnames", HPyFunc_O)
static HPy call_with_list_kwnames_impl(HPyContext *ctx, HPy self, HPy f)
{
    (void)self;
    HPy names = HPyList_New(ctx, 0);
    if (HPy_IsNull(names))
        return HPy_NULL;
    HPy r = HPy_Call(ctx, f, NULL, 0, names);
    HPy_Close(ctx, names);
    return r;
}

/* An object's struct read as if its type had the Object shape; the pointer is not used. */
HPyDef_METH(as_struct_of, "as_struct_of", HPyFunc_O)
static HPy as_struct_of_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    if (_HPy_AsStruct_Object(ctx, x) == NULL && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

/* Mistake: the name of a type read after the handle it came from was closed. */
HPyDef_METH(type_name_after_close, "type_name_after_close", HPyFunc_O)
static HPy type_name_after_close_impl(HPyContext *ctx, HPy self, HPy type)
{
    (void)self;
    HPy t = HPy_Dup(ctx, type);
    const char *name = HPyType_GetName(ctx, t);
    HPy_Close(ctx, t);
    if (name == NULL)
        return HPy_NULL;
    return HPyLong_FromLong(ctx, ((volatile const char *)name)[0]);
}

/* Mistake: a context kept by a call and used by a nested call while the first one waits for it
   (call it with use_kept_ctx). */
HPyDef_METH(keep_ctx_and_call, "keep_ctx_and_call", HPyFunc_O)
static HPy keep_ctx_and_call_impl(HPyContext *ctx, HPy self, HPy f)
{
    (void)self;
    kept_ctx = ctx;
    return HPy_CallTupleDict(ctx, f, HPy_NULL, HPy_NULL);
}

/* A type whose mistakes are named after it: a slot and a method failing without an exception. */
HPyDef_SLOT(Thing_multiply, HPy_nb_multiply)
static HPy Thing_multiply_impl(HPyContext *ctx, HPy a, HPy b)
{
    (void)ctx;
    (void)a;
    (void)b;
    return HPy_NULL;
}

HPyDef_METH(Thing_broken, "broken", HPyFunc_NOARGS)
static HPy Thing_broken_impl(HPyContext *ctx, HPy self)
{
    (void)ctx;
    (void)self;
    return HPy_NULL;
}

static HPyDef *Thing_defines[] = { &Thing_multiply, &Thing_broken, NULL };
static HPyType_Spec Thing_spec = { .name = "debug.Thing", .defines = Thing_defines };

HPyDef_SLOT(debug_exec, HPy_mod_exec)
static int debug_exec_impl(HPyContext *ctx, HPy m)
{
    return HPyHelpers_AddType(ctx, m, "Thing", &Thing_spec, NULL) ? 0 : -1;
}

static HPyDef *module_defines[] = {
    &clean, &leak, &use_after_close, &double_close, &close_arg, &close_constant, &return_constant,
    &list_builder_after_build, &tuple_builder_after_cancel, &tracker_after_close, &utf8_after_close,
    &bytes_write, &keep_ctx, &use_kept_ctx, &null_without_error, &result_with_error,
    &keep_arg, &use_kept_arg, &keep_utf8_of_arg, &read_kept_utf8, &return_arg, &close_tracked, &builder_wrong_kind,
    &churn, &keep_closed, &use_kept_closed, &substring_of, &type_name_of, &is_subtype, &type_check,
    &call_with_list_kwnames, &as_struct_of, &type_name_after_close, &keep_ctx_and_call, &built_after_cancel,
    &debug_exec, NULL,
};

static HPyModuleDef moduledef = {
    .doc = "One mistake per function, for the debug layer to catch",
    .defines = module_defines,
};

HPy_MODINIT(debug, moduledef)
