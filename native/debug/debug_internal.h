/* Shared state of the debug context's files. One HDbg per debug instance; every context it
   hands out (the base one and the per-call ones) points back to it through _private.
   Single-threaded: HPy 0.9 extensions run under the GIL or on the reference backend's one
   thread. */
#ifndef HDBG_INTERNAL_H
#define HDBG_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clock_gettime, asprintf, dladdr */
#endif
#include "hdbg.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define HDBG_CTX_MAGIC 0x6864626763747821ULL    /* "hdbgctx!" */
#define HDBG_HANDLE_MAGIC 0x68646267686e646cULL /* "hdbghndl" */
#define HDBG_BUILDER_MAGIC 0x6864626762756c64ULL
#define HDBG_RING 16       /* per-call contexts, reused in turn */
#define HDBG_SMALL_ARRAY 16

enum { H_OPEN = 1, H_CLOSED = 2, H_CONSTANT = 3 };

struct hdbg_raw;

struct HDbgHandle {
    uint64_t magic;
    HPy inner;
    uint64_t id;
    int64_t generation;
    uint8_t state;
    /* An argument wrapper: the caller owns the inner handle, so closing must not close it. */
    uint8_t borrowed;
    const char *opened_by; /* the context function that returned it */
    const char *opened_in; /* the extension function that was running */
    HDbgHandle *prev, *next; /* open list, closed queue or free list */
    struct hdbg_raw *raw;    /* char * data handed out for it, protected on close */
    void **stack;
    int stack_depth;
};

struct hdbg_list {
    HDbgHandle *head, *tail;
    int64_t count;
};

/* Builders and trackers handed to the extension: [magic, kind, state, inner | items]. */
enum { B_LIST = 1, B_TUPLE, B_TRACKER };
enum { B_OPEN = 1, B_DONE = 2 };
struct hdbg_builder {
    uint64_t magic;
    int kind, state;
    intptr_t inner; /* the inner builder */
    HPy *items;     /* a tracker's debug handles */
    size_t length, capacity;
    const char *ended_by; /* "HPyListBuilder_Build"... */
    struct hdbg_builder *next_done;
};

struct hdbg_ctxinfo {
    uint64_t magic;
    HDbg *d;
    int active; /* calls running with this context */
    const char *outer_name; /* the extension function name to restore when this call ends */
};

struct hdbg_name {
    const void *impl;
    const char *name;
};

struct hdbg_finding_rec {
    HDbgFinding pub;
    char *message;
    char *object;
    void **stack;
};

struct HDbg {
    HPyContext base; /* first: hdbg_from_ctx checks _private */
    struct hdbg_ctxinfo base_info;
    HPyContext *inner;
    HPyContext ring[HDBG_RING];
    struct hdbg_ctxinfo ring_info[HDBG_RING];
    unsigned ring_next;
    const char *current; /* the running extension function, for findings */

    uint64_t next_id;
    int64_t generation;
    struct hdbg_list open, closed, free;
    int64_t closed_max;
    HDbgHandle *constants; /* an array, one per handle member */
    size_t nconstants;

    struct hdbg_builder *done_head, *done_tail;
    int64_t done_count;

    struct hdbg_raw *raw_closed_head, *raw_closed_tail; /* protected, oldest first */
    int64_t raw_closed_bytes, raw_max;

    int stack_limit;
    bool fatal;
    HDbgHook on_handle, on_builder;
    void *hook_arg;

    struct hdbg_finding_rec *findings;
    size_t nfindings, findings_cap;

    struct hdbg_name *names; /* open addressing, power-of-two size */
    size_t names_cap, names_count;
    char **interned; /* names given to hdbg_enter, copied once (open addressing) */
    size_t interned_cap, interned_count;
};

static inline HDbg *hdbg_get(HPyContext *ctx, const char *fn)
{
    struct hdbg_ctxinfo *ci = (struct hdbg_ctxinfo *)ctx->_private;
    void hdbg_ctx_misuse(HDbg *d, const char *fn);
    if (ci->active <= 0)
        hdbg_ctx_misuse(ci->d, fn);
    return ci->d;
}

/* debug_ctx.c */
void hdbg_report(HDbg *d, HDbgKind kind, const char *fn, const HDbgHandle *h, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A finding about an object, whose description (type and repr) is kept apart from the message. */
void hdbg_report_object(HDbg *d, HDbgKind kind, const char *fn, const HDbgHandle *h, const char *object,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void hdbg_raise(HDbg *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hdbg_describe(HDbg *d, HPy inner, char *buf, size_t size);
const char *hdbg_name_of(HDbg *d, const void *impl);
size_t hdbg_string_hash(const char *s);
HPyContext *hdbg_enter_impl(HDbg *d, const void *impl, const char *name);
size_t hdbg_vector_length(HDbg *d, size_t nargs, HPy u_kwnames);

/* debug_handles.c */
HDbgHandle *hdbg_open_handle(HDbg *d, HPy inner, const char *by);
HPy hdbg_wrap(HDbg *d, HPy inner, const char *by);
HPy hdbg_constant(HDbg *d, HPy inner);
/* Small integers and misaligned values cannot be ours, and reading them could crash. */
static inline bool hdbg_is_handle(HPy dh)
{
    return (uintptr_t)dh._i >= 4096 && (dh._i & 7) == 0 && ((HDbgHandle *)dh._i)->magic == HDBG_HANDLE_MAGIC;
}

/* The handle behind `dh` if it may be used; NULL otherwise, with a finding recorded. */
HDbgHandle *hdbg_check(HDbg *d, HPy dh, const char *fn);
/* A SystemError saying why `dh` cannot be used, for functions that must report failure. */
void hdbg_raise_bad(HDbg *d, HPy dh, const char *fn);
/* The inner handle of `dh` (NULL stays NULL). On a bad handle: false, with a finding and, for
   hdbg_unwrap, a SystemError; a void function cannot report one and just does nothing. */
bool hdbg_unwrap(HDbg *d, HPy dh, HPy *out, const char *fn);
bool hdbg_unwrap_void(HDbg *d, HPy dh, HPy *out, const char *fn);
HPy *hdbg_unwrap_array(HDbg *d, const HPy *a, size_t n, HPy *small, const char *fn);
void hdbg_array_done(HPy *a, HPy *small);
/* Closes a debug handle; the inner one too unless it is borrowed. */
void hdbg_close_handle(HDbg *d, HDbgHandle *h);
void hdbg_handles_free(HDbg *d);
void hdbg_builder_retire(HDbg *d, struct hdbg_builder *b, const char *by);
void hdbg_builders_free(HDbg *d);

/* debug_rawdata.c */
/* A protected copy of `data`, which `by` returned for handle h. */
const char *hdbg_raw_copy(HDbg *d, HDbgHandle *h, const char *data, size_t size, const char *by);
void hdbg_raw_on_close(HDbg *d, HDbgHandle *h);
void hdbg_raw_flush_faults(HDbg *d);
void hdbg_raw_free_all(HDbg *d);

/* generated */
void hdbg_fill_functions(HPyContext *ctx);
void hdbg_fill_constants(HDbg *d, HPyContext *ctx);
#include "autogen_debug_special.h"

#endif /* HDBG_INTERNAL_H */
