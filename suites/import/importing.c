/* The import suite's extension: HPyImport_ImportModule, and Leave/Reenter around C work. */
#include "hpy.h"

HPyDef_METH(import_module, "import_module", HPyFunc_O)
static HPy import_module_impl(HPyContext *ctx, HPy self, HPy name)
{
    (void)self;
    const char *s = HPyUnicode_AsUTF8AndSize(ctx, name, NULL);
    if (s == NULL)
        return HPy_NULL;
    return HPyImport_ImportModule(ctx, s);
}

/* Importing twice gives the same module object. */
HPyDef_METH(import_twice_same, "import_twice_same", HPyFunc_O)
static HPy import_twice_same_impl(HPyContext *ctx, HPy self, HPy name)
{
    (void)self;
    const char *s = HPyUnicode_AsUTF8AndSize(ctx, name, NULL);
    if (s == NULL)
        return HPy_NULL;
    HPy a = HPyImport_ImportModule(ctx, s);
    if (HPy_IsNull(a))
        return HPy_NULL;
    HPy b = HPyImport_ImportModule(ctx, s);
    int same = !HPy_IsNull(b) && HPy_Is(ctx, a, b);
    HPy_Close(ctx, a);
    HPy_Close(ctx, b);
    return HPyBool_FromLong(ctx, same);
}

/* operator.add(a, b) through an imported module */
HPyDef_METH(call_operator_add, "call_operator_add", HPyFunc_VARARGS)
static HPy call_operator_add_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "call_operator_add(a, b)");
    HPy op = HPyImport_ImportModule(ctx, "operator");
    if (HPy_IsNull(op))
        return HPy_NULL;
    HPy add = HPy_GetAttr_s(ctx, op, "add");
    HPy_Close(ctx, op);
    if (HPy_IsNull(add))
        return HPy_NULL;
    HPy r = HPy_Call(ctx, add, args, 2, HPy_NULL);
    HPy_Close(ctx, add);
    return r;
}

/* Sums 1..n in C between HPy_LeavePythonExecution and HPy_ReenterPythonExecution. */
HPyDef_METH(sum_outside_python, "sum_outside_python", HPyFunc_O)
static HPy sum_outside_python_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    long n = HPyLong_AsLong(ctx, arg);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    long sum = 0;
    HPyThreadState state = HPy_LeavePythonExecution(ctx);
    for (long i = 1; i <= n; i++)
        sum += i;
    HPy_ReenterPythonExecution(ctx, state);
    return HPyLong_FromLong(ctx, sum);
}

static HPyDef *module_defines[] = { &import_module, &import_twice_same, &call_operator_add, &sum_outside_python, NULL };
static HPyModuleDef moduledef = { .doc = "The import suite's extension.", .defines = module_defines };

HPy_MODINIT(importing, moduledef)
