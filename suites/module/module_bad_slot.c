/* Only HPy_mod_create and HPy_mod_exec are allowed in a module: a type slot is refused. */
#include "hpy.h"

HPyDef_SLOT(repr, HPy_tp_repr)
static HPy repr_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyUnicode_FromString(ctx, "no");
}

static HPyDef *module_defines[] = { &repr, NULL };
static HPyModuleDef moduledef = { .defines = module_defines };

HPy_MODINIT(module_bad_slot, moduledef)
