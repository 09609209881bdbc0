/* The context itself: one per interpreter, shared by every binary loaded into it. */
#include "hmc.h"
#include "hdbg.h"

static HPyContext g_context;
static int g_filled;

HPyContext *hmc_context(void)
{
    if (!g_filled) {
        /* Tools and tests read the mode from the name's start, as HPy words it. */
        g_context.name = "HPy Universal ABI (hpy-matrix, CPython backend)";
        g_context.abi_version = HPY_ABI_VERSION;
        hmc_fill_context(&g_context);
        g_filled = 1;
    }
    return &g_context;
}

/* The debug and trace layers over the context, made on first use and kept for the life of the
   interpreter: modules loaded with them keep their context pointer for as long. They answer as
   HPy's debug and trace modes do, which is what tools and tests written for HPy expect. */
static HDbg *g_debug;
static HTrace *g_trace;

HDbg *hmc_debug(void)
{
    if (g_debug == NULL) {
        g_debug = hdbg_new(hmc_context());
        if (g_debug != NULL)
            hdbg_set_policy(g_debug, HDBG_AS_HPY);
    }
    return g_debug;
}

HTrace *hmc_trace(void)
{
    if (g_trace == NULL)
        g_trace = htr_new(hmc_context());
    return g_trace;
}

void hmc_missing(const char *api_name, const char *member)
{
    PyErr_Format(PyExc_SystemError, "%s (%s) is not supported by the cpython backend", api_name, member);
}

PyObject *hmc_builtins(void)
{
    /* h_Builtins is the dict of builtins, as PyEval_GetBuiltins() gives it outside any frame:
       borrowed, alive as long as the interpreter; the context constant owns no reference, like
       every other constant. */
    PyObject *builtins = PyImport_AddModule("builtins");
    return builtins == NULL ? NULL : PyModule_GetDict(builtins);
}
