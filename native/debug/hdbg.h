/* The debug and trace contexts ("hdbg", "htr"): HPy contexts that wrap any inner context
   pointer (the cpython backend's, the reference backend's, or another layer) and forward every
   call to it.

   Debug hands the extension its own handles (pointers to HDbgHandle) and checks every use of
   them; what it finds is recorded as data (HDbgFinding), or answered as HPy's own debug mode
   answers it (HDbgPolicy). Trace hands out the inner handles unchanged and counts calls and time per
   context function.

   Both are compiled into the cpython host library (hpy_matrix.universal) and, on their own,
   into the layers library the reference backend loads through koffi. Nothing here includes
   Python.h. */
#ifndef HDBG_H
#define HDBG_H

#include "hpy.h"
#include <stdint.h>

#if defined(__GNUC__)
#  define HDBG_API __attribute__((visibility("default")))
/* For the layers' own per-thread state (see debug_special.c). */
#  define HDBG_TLS_FAST __attribute__((tls_model("initial-exec")))
#else
#  define HDBG_API
#  define HDBG_TLS_FAST
#endif

/* ---- debug ---- */

typedef struct HDbg HDbg;
typedef struct HDbgHandle HDbgHandle;

typedef enum {
    HDBG_LEAK,                /* a handle still open when a leak check ran */
    HDBG_USE_AFTER_CLOSE,     /* a closed handle passed to a context function */
    HDBG_DOUBLE_CLOSE,        /* a handle closed twice, or an argument handle closed by the callee */
    HDBG_INVALID_HANDLE,      /* a value that is not a debug handle of this context */
    HDBG_CLOSE_CONSTANT,      /* HPy_Close on a context constant (ctx->h_None...) */
    HDBG_RETURN_CONSTANT,     /* a context constant returned without HPy_Dup */
    HDBG_BUILDER_REUSE,       /* a list/tuple builder or tracker used after Build, Cancel or Close */
    HDBG_RAW_DATA_AFTER_CLOSE,/* char * data read after its handle was closed */
    HDBG_RAW_DATA_WRITE,      /* char * data from a read-only getter written to */
    HDBG_CTX_OUTSIDE_CALL,    /* an HPyContext * used after the call it was given to returned */
    HDBG_NULL_WITHOUT_ERROR,  /* an error result (NULL, -1) without an exception set */
    HDBG_RESULT_WITH_ERROR,   /* a result with an exception set */
    HDBG_INVALID_ARGUMENT,    /* an argument HPy's debug mode refuses (a non-type for a type...) */
    HDBG_KIND_COUNT
} HDbgKind;

typedef struct {
    HDbgKind kind;
    const char *kind_name;   /* "leak", "use-after-close"... */
    const char *function;    /* the context function or extension function where it was found */
    uint64_t handle_id;      /* 0 when no handle is involved */
    const char *message;
    const char *object;      /* type and repr of the object involved (leaks, constants), or NULL */
    int stack_depth;         /* allocation stack of the handle, when traces are enabled */
    void *const *stack;
} HDbgFinding;

/* A debug context over `inner`, which must outlive it. */
HDBG_API HDbg *hdbg_new(HPyContext *inner);
HDBG_API void hdbg_free(HDbg *d);
/* The context to give HPyInitGlobalContext_* and module creation: valid for the whole life
   of the instance. */
HDBG_API HPyContext *hdbg_base_ctx(HDbg *d);
HDBG_API HPyContext *hdbg_inner_ctx(HDbg *d);
/* The instance a context belongs to; NULL when `ctx` is not a debug context. */
HDBG_API HDbg *hdbg_from_ctx(HPyContext *ctx);

/* How misuse is answered: two configurations of one layer.
   HDBG_FINDINGS (a new instance's): every misuse is a finding, kept as data; a call that cannot go
   on fails with SystemError; nothing aborts. What the matrix runner reports.
   HDBG_AS_HPY: as HPy 0.9.0's debug mode, for the drop-in hpy_matrix.universal. A misused handle
   or builder calls its hook (hdbg_set_hooks) and the call goes on as HPy's does (a closed handle
   still reaches its object; a dead builder is one whose creation failed), or without a hook is
   a fatal error of the inner context with HPy's words; a context used outside its call prints
   "Error: Wrong HPy Context!" and aborts; an argument HPy refuses is a fatal error with HPy's
   message; char * data read after its handle closed, or written to, faults (SIGSEGV). Nothing
   is recorded but the leak checks asked for. */
typedef enum { HDBG_FINDINGS = 0, HDBG_AS_HPY = 1 } HDbgPolicy;
HDBG_API void hdbg_set_policy(HDbg *d, HDbgPolicy policy);
HDBG_API HDbgPolicy hdbg_policy(HDbg *d);

/* Options. The limits are HPy's: closed handles remembered, bytes of protected raw data kept,
   frames captured per handle (0: no stack traces). */
HDBG_API void hdbg_set_closed_queue_max(HDbg *d, int64_t n);
HDBG_API int64_t hdbg_closed_queue_max(HDbg *d);
HDBG_API void hdbg_set_raw_data_max(HDbg *d, int64_t bytes);
HDBG_API int64_t hdbg_raw_data_max(HDbg *d);
HDBG_API void hdbg_set_stack_limit(HDbg *d, int frames);
/* Called after a finding of kind USE_AFTER_CLOSE/DOUBLE_CLOSE/INVALID_HANDLE/CLOSE_CONSTANT
   (handle; RETURN_CONSTANT too under HDBG_AS_HPY, where it is HPy's closed constant) or
   BUILDER_REUSE (builder); NULL for none. */
typedef void (*HDbgHook)(HDbg *d, const HDbgFinding *f, void *arg);
HDBG_API void hdbg_set_hooks(HDbg *d, HDbgHook on_handle, HDbgHook on_builder, void *arg);

/* Generations: every handle remembers the generation it was opened in. */
HDBG_API int64_t hdbg_new_generation(HDbg *d);

/* Calls into extension code by a backend without trampolines (the reference backend): enter
   gives the context for the call, args are wrapped (borrowed: the caller keeps the inner
   handle) and released after, the result is taken over (the caller gets the inner handle and
   owns it). `name` names the extension function in findings. */
HDBG_API HPyContext *hdbg_enter(HDbg *d, const char *name);
HDBG_API void hdbg_leave(HDbg *d, HPyContext *call_ctx);
HDBG_API HPy hdbg_wrap_arg(HDbg *d, HPy inner);
HDBG_API void hdbg_release_arg(HDbg *d, HPy dh);
HDBG_API HPy hdbg_take_result(HDbg *d, HPy dh);
/* Takes over a handle the extension handed back outside a result (a buffer's obj). */
HDBG_API HPy hdbg_take_owned(HDbg *d, HPy dh, const char *fn);
/* Checks a status result (-1 is an error) against the exception state. */
HDBG_API void hdbg_check_status(HDbg *d, int64_t status);

/* Names extension functions for findings: every meth/slot/get/set in `defines` (NULL-ended),
   prefixed with `owner.` when owner is not NULL. */
HDBG_API void hdbg_name_defines(HDbg *d, HPyDef *const *defines, const char *owner);

/* Findings, in order; the storage lives until hdbg_clear_findings or hdbg_free. */
HDBG_API size_t hdbg_finding_count(HDbg *d);
HDBG_API const HDbgFinding *hdbg_finding(HDbg *d, size_t i);
HDBG_API void hdbg_clear_findings(HDbg *d);
/* Records a LEAK finding for every handle opened in generation >= gen and still open, and
   returns how many. */
HDBG_API size_t hdbg_check_leaks(HDbg *d, int64_t gen);
/* Findings from `from` on as a JSON array (malloc'd; free with hdbg_free_string). */
HDBG_API char *hdbg_findings_json(HDbg *d, size_t from);
HDBG_API void hdbg_free_string(char *s);

/* Handles, for hpy_matrix.universal._debug. A handle's record is reused once the closed queue
   forgets it, and these describe the record as it is now, as HPy's DebugHandle does: its latest
   handle, open or closed. A record lives as long as the instance. */
HDBG_API size_t hdbg_open_handles(HDbg *d, int64_t gen, HDbgHandle **out, size_t cap);
HDBG_API size_t hdbg_closed_handles(HDbg *d, int64_t gen, HDbgHandle **out, size_t cap);
HDBG_API int hdbg_handle_is_closed(const HDbgHandle *h);
/* The object of an open handle; HPy_NULL once closed (it may be gone). */
HDBG_API HPy hdbg_handle_inner(const HDbgHandle *h);
/* Bytes of char * data kept for the handle (the terminating NUL included), or -1. */
HDBG_API int64_t hdbg_handle_raw_data_size(HDbg *d, const HDbgHandle *h);
HDBG_API int hdbg_handle_stack(const HDbgHandle *h, void *const **frames);
/* Closes an open handle on the extension's behalf (HPy's DebugHandle._force_close). */
HDBG_API void hdbg_force_close(HDbg *d, HDbgHandle *h);
/* "symbol+0xoff (library)" for a captured frame, into buf. */
HDBG_API void hdbg_symbolize(void *frame, char *buf, size_t size);

/* ---- trace ---- */

typedef struct HTrace HTrace;

HDBG_API HTrace *htr_new(HPyContext *inner);
HDBG_API void htr_free(HTrace *t);
HDBG_API HPyContext *htr_ctx(HTrace *t);
HDBG_API HTrace *htr_from_ctx(HPyContext *ctx);
/* Function members, in layout order: names ("ctx_Dup") and per-member figures. */
HDBG_API size_t htr_function_count(void);
HDBG_API const char *htr_function_name(size_t i);
HDBG_API uint64_t htr_call_count(HTrace *t, size_t i);
/* Nanoseconds spent in member i, including extension code it called back into, while durations
   were on (htr_set_durations). */
HDBG_API uint64_t htr_duration_ns(HTrace *t, size_t i);
/* Durations: on for a new instance. Off, a context function costs one increment on top of the
   inner one and no clock is read. */
HDBG_API void htr_set_durations(HTrace *t, int on);
HDBG_API int htr_durations(HTrace *t);
HDBG_API void htr_reset(HTrace *t);
HDBG_API HPyContext *htr_enter(HTrace *t);
/* Called with the member's index when a context function is entered and when it returns
   (hpy.trace's set_trace_functions); NULL for none. */
typedef void (*HTraceHook)(HTrace *t, size_t member, void *arg);
HDBG_API void htr_set_hooks(HTrace *t, HTraceHook on_enter, HTraceHook on_exit, void *arg);
/* Ticks per second of the clock the durations are measured with, and its name: "tsc" (the
   time-stamp counter, where it is invariant) or "monotonic" (CLOCK_MONOTONIC; also with
   HPY_MATRIX_TRACE_CLOCK=monotonic in the environment). */
HDBG_API uint64_t htr_clock_frequency(void);
HDBG_API const char *htr_clock_name(void);
/* {"ctx_Dup": [count, ns], ...} for members called at least once (malloc'd). */
HDBG_API char *htr_counts_json(HTrace *t);

#endif /* HDBG_H */
