/* Signatures of the C functions an extension hands to the host, and the macros that declare
   them and build their CPython-style trampolines. */
#ifndef HPY_HPYFUNC_H
#define HPY_HPYFUNC_H

/* The generic function pointer stored in defs; the real type follows from the signature. */
typedef void *(*HPyCFunction)(void);

/* Any function pointer converts through void(*)(void) without -Wcast-function-type noise;
   the host casts back to the exact type chosen by the signature before calling. */
#define _HPy_CFUNC(f) ((HPyCFunction)(void (*)(void))(f))
#define _HPy_FPTR(T, f) ((T)(void (*)(void))(f))

typedef void (*HPyFunc_Capsule_Destructor)(const char *name, void *pointer, void *context);
typedef int (*HPyFunc_visitproc)(HPyField *, void *);

typedef struct {
    void *buf;
    HPy obj;
    HPy_ssize_t len;
    HPy_ssize_t itemsize;
    int readonly;
    int ndim;
    char *format;
    HPy_ssize_t *shape;
    HPy_ssize_t *strides;
    HPy_ssize_t *suboffsets;
    void *internal;
} HPy_buffer;

/* For tp_traverse impls: report one field; a non-zero answer from the host ends the walk. */
#define HPy_VISIT(field)                                   \
    do {                                                   \
        if (!HPyField_IsNull(*(field))) {                  \
            int _hpy_visit_rc = visit((field), arg);       \
            if (_hpy_visit_rc)                             \
                return _hpy_visit_rc;                      \
        }                                                  \
    } while (0)

/* The enum constant makes a misspelt SIG fail with a readable error at the enum rather than
   an obscure one at a pasted macro name. */
#define HPyFunc_DECLARE(SYM, SIG) \
    enum { SYM##_sig = SIG };     \
    _HPyFunc_DECLARE_##SIG(SYM)

#define HPyFunc_TRAMPOLINE(SYM, IMPL, SIG) \
    enum { SYM##_sig = SIG };              \
    _HPyFunc_TRAMPOLINE_##SIG(SYM, IMPL)

#include "hpy/autogen_hpyfunc.h"

#endif /* HPY_HPYFUNC_H */
