/* A module made by HPy_mod_create: the object it returns acts as the module. */
#include "hpy.h"

HPyDef_SLOT(create, HPy_mod_create)
static HPy create_impl(HPyContext *ctx, HPy spec)
{
    HPy name = HPy_GetAttr_s(ctx, spec, "name");
    if (HPy_IsNull(name))
        return HPy_NULL;
    HPy r = HPy_BuildValue(ctx, "{s:O,s:s}", "spec_name", name, "made_by", "HPy_mod_create");
    HPy_Close(ctx, name);
    return r;
}

static HPyDef *module_defines[] = { &create, NULL };
static HPyModuleDef moduledef = { .defines = module_defines };

HPy_MODINIT(module_create, moduledef)
