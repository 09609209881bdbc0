/* Module state (size > 0) is not supported by HPy 0.9: the module is refused. */
#include "hpy.h"

HPyDef_METH(f, "f", HPyFunc_NOARGS)
static HPy f_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *module_defines[] = { &f, NULL };
static HPyModuleDef moduledef = { .size = 16, .defines = module_defines };

HPy_MODINIT(module_state, moduledef)
