/* hpy-matrix's own HPy 0.9 headers, for universal binaries.
   Extensions written against HPy 0.9 compile unchanged; the result imports no Python symbol
   and reaches the interpreter only through the HPyContext it is given.
   With HPY_ABI_HYBRID (HPy's migration path) the same binary may also use CPython's C API:
   Python.h is included here, and HPy_AsPyObject/HPy_FromPyObject and the legacy fields
   (legacy_slots, legacy_methods) take CPython's real types. Such a binary loads only where
   CPython runs it.
   Layout-dependent parts live in the generated hpy/autogen_*.h files. */
#ifndef HPy_H
#define HPy_H

#if defined(HPY_ABI_CPYTHON)
#  error "hpy-matrix headers build universal (or hybrid) binaries: do not define HPY_ABI_CPYTHON"
#endif
#if defined(HPY_ABI_HYBRID)
#  if defined(HPY_ABI_UNIVERSAL)
#    error "HPY_ABI_HYBRID and HPY_ABI_UNIVERSAL are both defined: choose one"
#  endif
#  define HPY_ABI "hybrid"
#  define PY_SSIZE_T_CLEAN
#  include <Python.h>
#else
#  ifndef HPY_ABI_UNIVERSAL
#    define HPY_ABI_UNIVERSAL
#  endif
#  define HPY_ABI "universal"
#endif

/* Python.h in the same translation unit would let CPython symbols leak into a binary that must
   load on every implementation. */
#if defined(Py_PYTHON_H) && !defined(HPY_MATRIX_HOST) && !defined(HPY_ABI_HYBRID)
#  error "Python.h was included before hpy.h: a universal HPy binary must not use the CPython API"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define HPY_ABI_VERSION 0
#define HPY_ABI_VERSION_MINOR 0
#define HPY_ABI_TAG "hpy0"

#include <stdlib.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#  define _HPy_HIDDEN __attribute__((visibility("hidden")))
#  define _HPy_UNUSED __attribute__((unused))
#  define _HPy_NO_RETURN __attribute__((__noreturn__))
#else
#  define _HPy_HIDDEN
#  define _HPy_UNUSED
#  define _HPy_NO_RETURN
#endif
#define _HPy_UNUSED_ARG(x) (__HPy_UNUSED_TAGGED ## x) _HPy_UNUSED

/* Functions that exist only for CPython interop turn every call into a compile error:
   `unavailable` rejects the call in the front end; `error` (older compilers) only when the
   call survives optimisation. */
#define _HPy_LEGACY_MSG "legacy CPython interop is unavailable in a universal HPy binary"
#if defined(HPY_ABI_HYBRID)
#  define _HPy_LEGACY
#elif defined(__has_attribute)
#  if __has_attribute(unavailable)
#    define _HPy_LEGACY __attribute__((unavailable(_HPy_LEGACY_MSG)))
#  elif __has_attribute(error)
#    define _HPy_LEGACY __attribute__((error(_HPy_LEGACY_MSG)))
#  endif
#endif
#ifndef _HPy_LEGACY
#  define _HPy_LEGACY
#endif

/* Wrappers are static inline in every includer; unused ones must not warn. */
#define HPyAPI_FUNC _HPy_UNUSED static inline
#define HPyAPI_INLINE_HELPER HPyAPI_FUNC
#define HPyAPI_HELPER _HPy_HIDDEN
#define HPyAPI_IMPL _HPy_HIDDEN

#ifndef HPy_EXPORTED_SYMBOL
#  if defined(_WIN32) || defined(__CYGWIN__)
#    define HPy_EXPORTED_SYMBOL __declspec(dllexport)
#  else
#    define HPy_EXPORTED_SYMBOL __attribute__((visibility("default")))
#  endif
#endif

/* Handles and tokens: one intptr_t each, passed by value; 0 means NULL. */
typedef struct _HPy_s { intptr_t _i; } HPy;
typedef struct { intptr_t _i; } HPyField;
typedef struct { intptr_t _i; } HPyGlobal;
typedef struct { intptr_t _lst; } HPyListBuilder;
typedef struct { intptr_t _tup; } HPyTupleBuilder;
typedef struct { intptr_t _i; } HPyTracker;
typedef struct { intptr_t _i; } HPyThreadState;

#define _hconv(v) ((HPy){ (v) })
#define _hfconv(v) ((HPyField){ (v) })
#define HPy_NULL _hconv(0)
#define HPy_IsNull(h) ((h)._i == 0)
#define HPyField_NULL _hfconv(0)
#define HPyField_IsNull(f) ((f)._i == 0)

static inline HPy HPy_FromVoidP(void *p) { return _hconv((intptr_t)p); }
static inline void *HPy_AsVoidP(HPy h) { return (void *)h._i; }

typedef intptr_t HPy_ssize_t;
typedef intptr_t HPy_hash_t;
typedef uint32_t HPy_UCS4;
#define HPY_SSIZE_T_MAX INTPTR_MAX
#define HPY_SSIZE_T_MIN (-HPY_SSIZE_T_MAX - 1)

typedef struct _HPyContext_s HPyContext;

#include "hpy/autogen_enums.h"
#include "hpy/cpy_types.h"
#include "hpy/hpyfunc.h"
#include "hpy/hpydef.h"
#include "hpy/hpytype.h"
#include "hpy/hpymodule.h"
#include "hpy/macros.h"
#include "hpy/autogen_ctx.h"
#include "hpy/autogen_api.h"
#include "hpy/runtime_helpers.h"
#include "hpy/inline_helpers.h"

#ifdef __cplusplus
}
#endif
#endif /* HPy_H */
