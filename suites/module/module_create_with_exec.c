/* HPy_mod_create must be the only define: this module also has an exec slot. */
#include "hpy.h"

HPyDef_SLOT(create, HPy_mod_create)
static HPy create_impl(HPyContext *ctx, HPy spec)
{
    (void)spec;
    return HPyDict_New(ctx);
}

HPyDef_SLOT(exec_module, HPy_mod_exec)
static int exec_module_impl(HPyContext *ctx, HPy module)
{
    (void)ctx;
    (void)module;
    return 0;
}

static HPyDef *module_defines[] = { &create, &exec_module, NULL };
static HPyModuleDef moduledef = { .defines = module_defines };

HPy_MODINIT(module_create_with_exec, moduledef)
