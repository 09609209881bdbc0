/* A module with no doc, no defines and no globals. */
#include "hpy.h"

static HPyModuleDef moduledef = { .doc = NULL };

HPy_MODINIT(module_bare, moduledef)
