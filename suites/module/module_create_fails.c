/* HPy_mod_create that raises: the import fails with its exception. */
#include "hpy.h"

HPyDef_SLOT(create, HPy_mod_create)
static HPy create_impl(HPyContext *ctx, HPy spec)
{
    (void)spec;
    HPyErr_SetString(ctx, ctx->h_RuntimeError, "create slot failed on purpose");
    return HPy_NULL;
}

static HPyDef *module_defines[] = { &create, NULL };
static HPyModuleDef moduledef = { .defines = module_defines };

HPy_MODINIT(module_create_fails, moduledef)
