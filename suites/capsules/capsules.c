/* The capsules suite's extension: capsules (with a destructor that records its calls),
   context variables, Leave/Reenter, _HPy_Dump, and Compile_s/EvalCode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hpy.h"

/* What the destructor saw, for the tests: calls, last name, last payload value, last context. */
static int destructor_calls = 0;
static char last_name[64];
static long last_value = 0;
static intptr_t last_context = 0;

HPyCapsule_DESTRUCTOR(payload_destructor)
static void payload_destructor_impl(const char *name, void *pointer, void *context)
{
    destructor_calls++;
    strncpy(last_name, name ? name : "<NULL>", sizeof last_name - 1);
    last_value = *(long *)pointer;
    last_context = (intptr_t)context;
    free(pointer);
}

/* A second destructor, to check that Capsule_Set replaces the first. */
static int other_destructor_calls = 0;
HPyCapsule_DESTRUCTOR(other_destructor)
static void other_destructor_impl(const char *name, void *pointer, void *context)
{
    (void)name; (void)context;
    other_destructor_calls++;
    free(pointer);
}

static int opt_utf8(HPyContext *ctx, HPy h, const char **out)
{
    if (HPy_Is(ctx, h, ctx->h_None)) {
        *out = NULL;
        return 1;
    }
    *out = HPyUnicode_AsUTF8AndSize(ctx, h, NULL);
    return *out != NULL;
}

/* Names handed to the context must outlive the capsule: keep a copy of each for good. */
static const char *keep_name(const char *name)
{
    static char *kept[64];
    static int nkept = 0;
    if (name == NULL)
        return NULL;
    for (int i = 0; i < nkept; i++)
        if (strcmp(kept[i], name) == 0)
            return kept[i];
    if (nkept == 64)
        return "too-many-names";
    size_t n = strlen(name) + 1;
    kept[nkept] = malloc(n);
    memcpy(kept[nkept], name, n);
    return kept[nkept++];
}

/* capsule_new(value, name or None, destructor: 0 none, 1 payload, 2 other) */
HPyDef_METH(capsule_new, "capsule_new", HPyFunc_VARARGS)
static HPy capsule_new_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    long value;
    int which;
    HPy h_name;
    const char *name;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "lOi", &value, &h_name, &which))
        return HPy_NULL;
    if (!opt_utf8(ctx, h_name, &name))
        return HPy_NULL;
    long *payload = malloc(sizeof(long));
    *payload = value;
    HPyCapsule_Destructor *d = which == 1 ? &payload_destructor : which == 2 ? &other_destructor : NULL;
    HPy cap = HPyCapsule_New(ctx, payload, keep_name(name), d);
    if (HPy_IsNull(cap))
        free(payload);
    return cap;
}

HPyDef_METH(capsule_new_null_pointer, "capsule_new_null_pointer", HPyFunc_NOARGS)
static HPy capsule_new_null_pointer_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyCapsule_New(ctx, NULL, "name", NULL);
}

/* A destructor struct with its impl missing. */
HPyDef_METH(capsule_new_bad_destructor, "capsule_new_bad_destructor", HPyFunc_NOARGS)
static HPy capsule_new_bad_destructor_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    static long payload = 1;
    static HPyCapsule_Destructor broken;
    broken.cpy_trampoline = payload_destructor.cpy_trampoline;
    broken.impl = NULL;
    return HPyCapsule_New(ctx, &payload, "name", &broken);
}

/* get_value(capsule, name or None): *(long *)HPyCapsule_GetPointer(capsule, name) */
HPyDef_METH(get_value, "get_value", HPyFunc_VARARGS)
static HPy get_value_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy cap, h_name;
    const char *name;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &cap, &h_name))
        return HPy_NULL;
    if (!opt_utf8(ctx, h_name, &name))
        return HPy_NULL;
    long *p = HPyCapsule_GetPointer(ctx, cap, name);
    if (p == NULL)
        return HPy_NULL;
    return HPyLong_FromLong(ctx, *p);
}

/* get_name(capsule) -> str, or None for a NULL name */
HPyDef_METH(get_name, "get_name", HPyFunc_O)
static HPy get_name_impl(HPyContext *ctx, HPy self, HPy cap)
{
    (void)self;
    const char *name = HPyCapsule_GetName(ctx, cap);
    if (name == NULL) {
        if (HPyErr_Occurred(ctx))
            return HPy_NULL;
        return HPy_Dup(ctx, ctx->h_None);
    }
    return HPyUnicode_FromString(ctx, name);
}

HPyDef_METH(get_context, "get_context", HPyFunc_O)
static HPy get_context_impl(HPyContext *ctx, HPy self, HPy cap)
{
    (void)self;
    void *c = HPyCapsule_GetContext(ctx, cap);
    if (c == NULL && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromInt64_t(ctx, (int64_t)(intptr_t)c);
}

HPyDef_METH(get_destructor, "get_destructor", HPyFunc_O)
static HPy get_destructor_impl(HPyContext *ctx, HPy self, HPy cap)
{
    (void)self;
    void *d = HPyCapsule_Get(ctx, cap, HPyCapsule_key_Destructor, NULL);
    if (d == NULL && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyBool_FromLong(ctx, d != NULL);
}

HPyDef_METH(set_context, "set_context", HPyFunc_VARARGS)
static HPy set_context_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy cap;
    long value;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Ol", &cap, &value))
        return HPy_NULL;
    if (HPyCapsule_SetContext(ctx, cap, (void *)(intptr_t)value) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(set_name, "set_name", HPyFunc_VARARGS)
static HPy set_name_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy cap, h_name;
    const char *name;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &cap, &h_name))
        return HPy_NULL;
    if (!opt_utf8(ctx, h_name, &name))
        return HPy_NULL;
    if (HPyCapsule_SetName(ctx, cap, keep_name(name)) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

/* set_value(capsule, value): a new payload (the old one is left to leak); value None: NULL. */
HPyDef_METH(set_value, "set_value", HPyFunc_VARARGS)
static HPy set_value_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy cap, h_value;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &cap, &h_value))
        return HPy_NULL;
    long *payload = NULL;
    if (!HPy_Is(ctx, h_value, ctx->h_None)) {
        long v = HPyLong_AsLong(ctx, h_value);
        if (v == -1 && HPyErr_Occurred(ctx))
            return HPy_NULL;
        payload = malloc(sizeof(long));
        *payload = v;
    }
    if (HPyCapsule_SetPointer(ctx, cap, payload) < 0) {
        free(payload);
        return HPy_NULL;
    }
    return HPy_Dup(ctx, ctx->h_None);
}

/* set_destructor(capsule, 0 none / 1 payload / 2 other) */
HPyDef_METH(set_destructor, "set_destructor", HPyFunc_VARARGS)
static HPy set_destructor_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy cap;
    int which;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Oi", &cap, &which))
        return HPy_NULL;
    HPyCapsule_Destructor *d = which == 1 ? &payload_destructor : which == 2 ? &other_destructor : NULL;
    if (HPyCapsule_SetDestructor(ctx, cap, d) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(is_valid, "is_valid", HPyFunc_VARARGS)
static HPy is_valid_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy cap, h_name;
    const char *name;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &cap, &h_name))
        return HPy_NULL;
    if (!opt_utf8(ctx, h_name, &name))
        return HPy_NULL;
    int r = HPyCapsule_IsValid(ctx, cap, name);
    if (HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, r);
}

/* destructor_log() -> (calls, last name, last value, last context, calls of the other one) */
HPyDef_METH(destructor_log, "destructor_log", HPyFunc_NOARGS)
static HPy destructor_log_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPy_BuildValue(ctx, "(islli)", destructor_calls, last_name, last_value, (long)last_context,
                          other_destructor_calls);
}

/* --- context variables ------------------------------------------------------------------- */

/* cv_new(name, default): the default is NULL when `default` is the module's `missing`. */
static HPyGlobal g_missing;

static HPy opt_default(HPyContext *ctx, HPy h, HPy *owned)
{
    HPy missing = HPyGlobal_Load(ctx, g_missing);
    int is_missing = HPy_Is(ctx, h, missing);
    HPy_Close(ctx, missing);
    *owned = HPy_NULL;
    return is_missing ? HPy_NULL : h;
}

HPyDef_METH(cv_new, "cv_new", HPyFunc_VARARGS)
static HPy cv_new_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    const char *name;
    HPy dflt, owned;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "sO", &name, &dflt))
        return HPy_NULL;
    return HPyContextVar_New(ctx, name, opt_default(ctx, dflt, &owned));
}

/* cv_get(var, default) -> (status, found, value or None) */
HPyDef_METH(cv_get, "cv_get", HPyFunc_VARARGS)
static HPy cv_get_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy var, dflt, owned;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &var, &dflt))
        return HPy_NULL;
    HPy result = HPy_NULL;
    int32_t status = HPyContextVar_Get(ctx, var, opt_default(ctx, dflt, &owned), &result);
    /* On an error *result is not specified: official HPy leaves it uninitialised. */
    if (status < 0)
        return HPy_NULL;
    int found = !HPy_IsNull(result);
    HPy r = HPy_BuildValue(ctx, "(iiO)", (int)status, found, found ? result : ctx->h_None);
    if (found)
        HPy_Close(ctx, result);
    return r;
}

HPyDef_METH(cv_set, "cv_set", HPyFunc_VARARGS)
static HPy cv_set_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "cv_set() takes 2 arguments");
        return HPy_NULL;
    }
    return HPyContextVar_Set(ctx, args[0], args[1]);
}

/* --- Leave/Reenter, Dump, eval ----------------------------------------------------------- */

/* Leaves Python, runs plain C, comes back: the result proves the C part ran. */
HPyDef_METH(sum_without_python, "sum_without_python", HPyFunc_O)
static HPy sum_without_python_impl(HPyContext *ctx, HPy self, HPy n)
{
    (void)self;
    long limit = HPyLong_AsLong(ctx, n);
    if (limit == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    long total = 0;
    HPy_BEGIN_LEAVE_PYTHON(ctx)
    for (long i = 1; i <= limit; i++)
        total += i;
    HPy_END_LEAVE_PYTHON(ctx)
    return HPyLong_FromLong(ctx, total);
}

/* Reenter with a token that Leave did not return, then with the right one. */
HPyDef_METH(reenter_wrong_token, "reenter_wrong_token", HPyFunc_NOARGS)
static HPy reenter_wrong_token_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyThreadState t = HPy_LeavePythonExecution(ctx);
    HPyThreadState wrong = { t._i + 1000 };
    HPy_ReenterPythonExecution(ctx, wrong);
    int failed = HPyErr_Occurred(ctx);
    HPy_ReenterPythonExecution(ctx, t);
    if (failed)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

/* Leave twice without Reenter. */
HPyDef_METH(leave_twice, "leave_twice", HPyFunc_NOARGS)
static HPy leave_twice_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyThreadState t = HPy_LeavePythonExecution(ctx);
    HPyThreadState t2 = HPy_LeavePythonExecution(ctx);
    int failed = HPyErr_Occurred(ctx);
    if (!failed)
        HPy_ReenterPythonExecution(ctx, t2);
    HPy_ReenterPythonExecution(ctx, t);
    if (failed)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(dump, "dump", HPyFunc_O)
static HPy dump_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    _HPy_Dump(ctx, obj);
    return HPyBool_FromLong(ctx, HPyErr_Occurred(ctx));
}

/* Dump leaves a pending exception as it is. */
HPyDef_METH(dump_keeps_error, "dump_keeps_error", HPyFunc_O)
static HPy dump_keeps_error_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    HPyErr_SetString(ctx, ctx->h_KeyError, "pending");
    _HPy_Dump(ctx, obj);
    int still = HPyErr_ExceptionMatches(ctx, ctx->h_KeyError);
    HPyErr_Clear(ctx);
    return HPyBool_FromLong(ctx, still);
}

/* eval_expr(source): Compile_s as an expression, then EvalCode with fresh globals. */
HPyDef_METH(eval_expr, "eval_expr", HPyFunc_O)
static HPy eval_expr_impl(HPyContext *ctx, HPy self, HPy source)
{
    (void)self;
    const char *src = HPyUnicode_AsUTF8AndSize(ctx, source, NULL);
    if (src == NULL)
        return HPy_NULL;
    HPy code = HPy_Compile_s(ctx, src, "<eval_expr>", HPy_SourceKind_Expr);
    if (HPy_IsNull(code))
        return HPy_NULL;
    HPy globals = HPyDict_New(ctx);
    HPy result = HPy_EvalCode(ctx, code, globals, globals);
    HPy_Close(ctx, globals);
    HPy_Close(ctx, code);
    return result;
}

HPyDef_METH(eval_null_code, "eval_null_code", HPyFunc_NOARGS)
static HPy eval_null_code_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy globals = HPyDict_New(ctx);
    HPy result = HPy_EvalCode(ctx, ctx->h_None, globals, globals);
    HPy_Close(ctx, globals);
    return result;
}

HPyDef_SLOT(exec_module, HPy_mod_exec)
static int exec_module_impl(HPyContext *ctx, HPy module)
{
    HPy missing = HPy_Call(ctx, ctx->h_BaseObjectType, NULL, 0, HPy_NULL);
    if (HPy_IsNull(missing))
        return -1;
    HPyGlobal_Store(ctx, &g_missing, missing);
    int err = HPy_SetAttr_s(ctx, module, "missing", missing);
    HPy_Close(ctx, missing);
    return err;
}

static HPyDef *module_defines[] = {
    &capsule_new, &capsule_new_null_pointer, &capsule_new_bad_destructor, &get_value, &get_name,
    &get_context, &get_destructor, &set_context, &set_name, &set_value, &set_destructor, &is_valid,
    &destructor_log, &cv_new, &cv_get, &cv_set, &sum_without_python, &reenter_wrong_token,
    &leave_twice, &dump, &dump_keeps_error, &eval_expr, &eval_null_code, &exec_module, NULL
};

static HPyGlobal *module_globals[] = { &g_missing, NULL };

static HPyModuleDef moduledef = {
    .doc = "The capsules suite's extension.",
    .size = 0,
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(capsules, moduledef)
