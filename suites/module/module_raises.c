/* A module whose second exec slot raises: importing it fails with that exception. */
#include "hpy.h"

HPyDef_SLOT(exec_ok, HPy_mod_exec)
static int exec_ok_impl(HPyContext *ctx, HPy module)
{
    return HPy_SetAttr_s(ctx, module, "partial", ctx->h_True);
}

HPyDef_SLOT(exec_fails, HPy_mod_exec)
static int exec_fails_impl(HPyContext *ctx, HPy module)
{
    (void)module;
    HPyErr_SetString(ctx, ctx->h_ValueError, "exec slot failed on purpose");
    return -1;
}

static HPyDef *module_defines[] = { &exec_ok, &exec_fails, NULL };
static HPyModuleDef moduledef = { .defines = module_defines };

HPy_MODINIT(module_raises, moduledef)
