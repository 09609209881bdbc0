/* An example HPy extension, written by `hpy-matrix init` to show what a suite tests: one
   function, `add`. {{built}} */
#include "hpy.h"

HPyDef_METH(add, "add", HPyFunc_VARARGS, .doc = "add(a, b) -> a + b")
static HPy add_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy a, b;
    /* The arguments are borrowed: nothing here to close. */
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO:add", &a, &b))
        return HPy_NULL;
    return HPy_Add(ctx, a, b);
}

static HPyDef *module_defines[] = {
    &add,
    NULL
};

static HPyModuleDef moduledef = {
    .doc = "An example HPy extension written by hpy-matrix init.",
    .defines = module_defines,
};

HPy_MODINIT(example, moduledef)
