/* The smallest HPy function there is, to time one call from TypeScript into an extension. */
#include "hpy.h"

HPyDef_METH(nothing, "nothing", HPyFunc_NOARGS, .doc = "nothing(): None")
static HPy nothing_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *module_defines[] = { &nothing, NULL };

static HPyModuleDef moduledef = {
    .doc = "bench/reference: a NOARGS function returning None",
    .defines = module_defines,
};

HPy_MODINIT(noargs, moduledef)
