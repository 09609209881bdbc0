/* Shared by the ctx_*.c area files: the context members that are thin layers over the
   CPython C API. */
#ifndef HMC_CTX_COMMON_H
#define HMC_CTX_COMMON_H

#include "hmc.h"

#define P(h) hmc_h2py(h)
#define H(o) hmc_py2h(o)

/* CPython dereferences most arguments without a check: a NULL handle, or a NULL pointer where
   one is required, becomes a SystemError instead of a crash. */
#define REQUIRE_(x, what, err)                                                               \
    do {                                                                                     \
        if ((x) == NULL) {                                                                   \
            PyErr_SetString(PyExc_SystemError, "NULL " what " passed to an HPy function");   \
            return err;                                                                      \
        }                                                                                    \
    } while (0)
#define REQUIRE_H(h, err) REQUIRE_(P(h), "handle", err)
#define REQUIRE_PTR(p, err) REQUIRE_(p, "pointer", err)

#endif /* HMC_CTX_COMMON_H */
