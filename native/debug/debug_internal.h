/* Shared state of the debug context's files. One HDbg per debug instance; every context it
   hands out (the base one and the per-call ones) is followed in memory by its hdbg_ctxinfo,
   which names the instance (hdbg_info_of), and points to it through _private too (for
   hdbg_from_ctx, which must tell our contexts from others).
   Single-threaded: HPy 0.9 extensions run under the GIL or on the reference backend's one
   thread.

   Handles and builders are 64-byte records in pools (debug_pool.c): one reserved address range
   per pool, and a queue of the indices of retired records, oldest first, whose newest entries
   are remembered (the closed-handle queue) and the older ones reused, oldest first. A handle is
   the address of its record, so telling whether a value is one of ours is a subtraction and one
   comparison, and no memory outside the pool is read. The functions on every call's path are
   the inline ones below; what they do not handle (a finding, a full pool, stack traces, raw
   data) is in debug_handles.c. */
#ifndef HDBG_INTERNAL_H
#define HDBG_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clock_gettime, asprintf, dladdr */
#endif
#include "hdbg.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define HDBG_CTX_MAGIC 0x6864626763747821ULL    /* "hdbgctx!" */
#define HDBG_RING 16       /* per-call contexts, reused in turn */
#define HDBG_SMALL_ARRAY 16

#define HDBG_LIKELY(x) __builtin_expect(!!(x), 1)
/* The paths of every call: inlined even into the largest shims. */
#define HDBG_HOT static inline __attribute__((always_inline))
#define HDBG_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* A record's state. The usable ones are the odd ones: OPEN, OPEN_RAW (open, with char * data
   handed out for it, which its close must protect: the inline paths leave it to the slow ones)
   and CONSTANT. CLOSED: closed, and recognized as such while the queue remembers it
   (hdbg_closed_known); FREE: never used. */
enum { H_FREE = 0, H_OPEN = 1, H_CLOSED = 2, H_CONSTANT = 3, H_OPEN_RAW = 5 };

struct hdbg_raw;

struct HDbgHandle {
    HPy inner;
    uint64_t id;
    const char *opened_by;  /* the context function that returned it */
    const void *opened_in;  /* the key of the extension function that was running (hdbg_fn_name) */
    uint64_t retired_at;    /* the pool's retirement count when it was closed */
    int64_t generation;
    /* Not char types: a store to them cannot alias the pools' fields, which then stay in
       registers across the inline paths. */
    uint16_t state;
    /* An argument wrapper: the caller owns the inner handle, so closing must not close it. */
    uint16_t borrowed;
    uint32_t stack_depth;
    void **stack;           /* allocation stack, when stack traces are on (buffer kept on reuse) */
};
_Static_assert(sizeof(HDbgHandle) <= 64, "a handle is one record of a pool");

/* ---- pools of 64-byte records (debug_pool.c) ---- */

#define HDBG_RECORD 64
#define HDBG_RECORD_SHIFT 6

/* Retired records wait in one queue of indices, in the order they were retired. The newest `max`
   of them are remembered (a stale use of one is recognized); the older ones, at the head, are
   free and taken again oldest first, as the list of free handles was before. Forgetting writes
   nothing to a record: each retired record keeps the retirement count it got, and the queue
   remembers the newest `qlen - qfree`, so a record is remembered when fewer retirements than
   that followed its own (hdbg_pool_remembers).
   As HPy's closed queue, a lowered `max` takes effect gradually: each retirement forgets one
   record, and while more than `max` are remembered a take reuses the oldest remembered one
   (hdbg_pool_take_slow), so the queue shrinks by one per take. */
struct hdbg_pool {
    char *base;              /* the reserved range; records [0, used) have been handed out */
    uint32_t used, committed, reserved;
    uint32_t *q;             /* a power of two >= committed (a record is in it at most once) */
    uint32_t qmask;          /* its capacity - 1 */
    uint32_t qhead, qlen;    /* entries [qhead, qhead + qlen), wrapping */
    uint32_t qfree;          /* how many entries at the head are free */
    uint32_t max;            /* how many retired records are remembered */
    uint64_t retired;        /* retirements so far */
};

/* Reserves room for `reserved` records (address space only). 0 on success. */
int hdbg_pool_init(struct hdbg_pool *p, uint32_t reserved);
void hdbg_pool_free(struct hdbg_pool *p);
/* Hands out a record never used before (committing more of the range when needed); -1 when the
   range is used up or memory is short. */
int64_t hdbg_pool_fresh(struct hdbg_pool *p);
/* How many retired records to remember (a lower limit takes effect gradually, see above). */
void hdbg_pool_set_max(struct hdbg_pool *p, int64_t n);
/* hdbg_pool_take when no free record may be taken: the oldest remembered one while more than
   `max` are remembered, else a new one (-1 when the range is used up or memory is short). */
int64_t hdbg_pool_take_slow(struct hdbg_pool *p);
/* Returns a record taken but never handed out: it is the next one taken. */
void hdbg_pool_give_back(struct hdbg_pool *p, uint32_t i);

static inline void *hdbg_pool_at(const struct hdbg_pool *p, uint32_t i) { return p->base + ((size_t)i << HDBG_RECORD_SHIFT); }
static inline uint32_t hdbg_pool_index(const struct hdbg_pool *p, const void *r)
{
    return (uint32_t)(((const char *)r - p->base) >> HDBG_RECORD_SHIFT);
}
/* The queue's k-th entry from the head. */
static inline uint32_t *hdbg_pool_q(const struct hdbg_pool *p, uint32_t k)
{
    return &p->q[(p->qhead + k) & p->qmask];
}
/* How many retired records are remembered now. */
static inline uint32_t hdbg_pool_remembered(const struct hdbg_pool *p) { return p->qlen - p->qfree; }
/* Whether a free record may be taken now (n of them): not while a lowered limit is taking effect. */
static inline bool hdbg_pool_has_free(const struct hdbg_pool *p, size_t n)
{
    return p->qfree >= n && hdbg_pool_remembered(p) <= p->max;
}
/* Whether a record retired with count `retired_at` is still remembered. */
static inline bool hdbg_pool_remembers(const struct hdbg_pool *p, uint64_t retired_at)
{
    return p->retired - retired_at < (uint64_t)(p->qlen - p->qfree);
}

/* The record at address v, or NULL when v is not the address of a record handed out: the
   offset rotated right by 6 is below `used` only when it is a multiple of 64 and in range. */
static inline void *hdbg_pool_find(const struct hdbg_pool *p, uintptr_t v)
{
    uintptr_t off = v - (uintptr_t)p->base;
    uintptr_t rot = (off >> HDBG_RECORD_SHIFT) | (off << (8 * sizeof(uintptr_t) - HDBG_RECORD_SHIFT));
    if (rot >= p->used)
        return NULL;
    if (v == 0)
        __builtin_unreachable(); /* a record's address: callers need not test it for NULL */
    return (void *)v;
}

/* The free record at the head of the queue (there must be one). */
HDBG_HOT uint32_t hdbg_pool_pop(struct hdbg_pool *p)
{
    uint32_t i = p->q[p->qhead];
    p->qhead = (p->qhead + 1) & p->qmask;
    p->qfree--;
    p->qlen--;
    return i;
}

/* A record to use, or -1 when the pool cannot grow. */
HDBG_HOT int64_t hdbg_pool_take(struct hdbg_pool *p)
{
    if (HDBG_LIKELY(hdbg_pool_has_free(p, 1)))
        return hdbg_pool_pop(p);
    return hdbg_pool_take_slow(p);
}

/* Queues record i as retired and returns the retirement count to keep in the record. The oldest
   remembered record beyond `max` is forgotten. */
HDBG_HOT uint64_t hdbg_pool_retire(struct hdbg_pool *p, uint32_t i)
{
    uint32_t len = p->qlen;
    p->q[(p->qhead + len) & p->qmask] = i;
    p->qlen = ++len;
    if (len - p->qfree > p->max)
        p->qfree++;
    return ++p->retired;
}

/* ---- builders and trackers handed to the extension ---- */

enum { B_FREE = 0, B_LIST = 1, B_TUPLE, B_TRACKER };
enum { B_OPEN = 1, B_DONE = 2 };
struct hdbg_builder {
    intptr_t inner;       /* the inner builder */
    HPy *items;           /* a tracker's debug handles (the buffer is kept when the record is reused) */
    size_t length, capacity;
    const char *ended_by; /* "HPyListBuilder_Build"... */
    uint64_t retired_at;  /* see hdbg_pool_remembers */
    uint16_t kind, state;
};
_Static_assert(sizeof(struct hdbg_builder) <= 64, "a builder is one record of a pool");

struct hdbg_ctxinfo {
    uint64_t magic;
    HDbg *d;
    /* > 0 while the context may be used: the base context always; one of the ring while the call
       it was given to runs and is the innermost one (a nested call's context replaces it, as in
       HPy, so that a callback cannot reuse its caller's). */
    int valid;
    int busy; /* calls begun with this context and not ended (the ring hands out free ones first) */
};

/* A call into extension code that has begun and not ended: its context, and the key of the
   extension function that ran before it (restored when it ends). */
struct hdbg_call {
    struct hdbg_ctxinfo *ci;
    const void *outer;
};

/* A context and its info, one after the other: the info is found from the context pointer by
   arithmetic, one load fewer on the way to the instance in every context function. */
struct hdbg_callctx {
    HPyContext ctx;
    struct hdbg_ctxinfo info;
};
_Static_assert(offsetof(struct hdbg_callctx, info) == sizeof(HPyContext), "a context's info follows it");

static inline struct hdbg_ctxinfo *hdbg_info_of(HPyContext *ctx) { return (struct hdbg_ctxinfo *)(ctx + 1); }

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
    HPyContext base; /* first, followed by its info (hdbg_info_of) */
    struct hdbg_ctxinfo base_info;
    HPyContext *inner;

    /* The running extension function, as a key for hdbg_fn_name: the impl's address (called
       through a trampoline) or its interned name (hdbg_enter); NULL outside any call. */
    const void *current;
    struct hdbg_pool handles;
    uint64_t next_id;
    int64_t generation;
    int stack_limit;
    /* Added to the records an inline open needs: 0, or 2^31 while stack traces are on (so that
       no number of free records is enough: stacks are captured on the slow path). */
    uint32_t open_gate;
    HDbgPolicy policy;
    struct hdbg_pool builders;
    int64_t closed_max; /* as set: the pools remember at most what they can hold */

    struct hdbg_callctx ring[HDBG_RING];
    unsigned ring_next;
    /* The calls running, innermost last. When the stack cannot grow (no memory), `untracked`
       counts the calls begun without an entry (innermost, their contexts valid throughout), and
       `untracked_outer` is the key to restore when the last of them ends. */
    struct hdbg_call *calls;
    uint32_t depth, calls_cap, untracked;
    const void *untracked_outer;

    /* The lengths of the last keyword-name tuples seen (hdbg_vector_length), each held with an
       inner handle of its own, so that the same handle is the same tuple. */
    struct {
        HPy held;
        size_t length;
    } kwnames[4];
    unsigned kwnames_next;

    /* The char * data of each H_OPEN_RAW handle, by record index (NULL for the others). */
    struct hdbg_raw **raw_of;
    uint32_t raw_of_cap;
    struct hdbg_raw *raw_closed_head, *raw_closed_tail; /* protected, oldest first */
    int64_t raw_closed_bytes, raw_max;

    HDbgHook on_handle, on_builder;
    void *hook_arg;

    struct hdbg_finding_rec *findings;
    size_t nfindings, findings_cap;

    struct hdbg_name *names; /* open addressing, power-of-two size */
    size_t names_cap, names_count;
    char **interned; /* names given to hdbg_enter, copied once (open addressing) */
    size_t interned_cap, interned_count;
};

void hdbg_ctx_misuse(HDbg *d, const char *fn);

static inline HDbg *hdbg_get(HPyContext *ctx, const char *fn)
{
    struct hdbg_ctxinfo *ci = hdbg_info_of(ctx);
    if (HDBG_UNLIKELY(ci->valid <= 0))
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
/* The name of the extension function behind a key (HDbg.current, HDbgHandle.opened_in): NULL for
   no key, "<extension code>" for a function without a name. */
const char *hdbg_fn_name(HDbg *d, const void *key);
static inline const char *hdbg_current_name(HDbg *d) { return hdbg_fn_name(d, d->current); }
size_t hdbg_string_hash(const char *s);
/* A copy of `name` that lives as long as the instance, one per distinct name (NULL when memory
   is short): callers through koffi pass strings that die when the call returns, and findings
   point at the name later. */
const char *hdbg_intern(HDbg *d, const char *name);
/* The end of a call into extension code: the result checked against the exception state. */
HPy hdbg_take_result(HDbg *d, HPy dh);

/* debug_handles.c: the slow paths and the rest */
HDbgHandle *hdbg_open_slow(HDbg *d, HPy inner, const char *by, uint16_t borrowed);
void hdbg_open_failed(HDbg *d, HPy inner, uint16_t borrowed);
HPy hdbg_constant(HDbg *d, HPy inner);
/* The handle behind `dh` if it may be used; NULL otherwise, with a finding recorded. */
HDbgHandle *hdbg_check(HDbg *d, HPy dh, const char *fn);
/* A SystemError saying why `dh` cannot be used, for functions that must report failure. */
void hdbg_raise_bad(HDbg *d, HPy dh, const char *fn);
bool hdbg_unwrap_slow(HDbg *d, HPy dh, HPy *out, const char *fn, bool raise);
HPy *hdbg_unwrap_array(HDbg *d, const HPy *a, size_t n, HPy *small, const char *fn);
void hdbg_array_done(HPy *a, HPy *small);
/* Closes a debug handle (the inner one too unless it is borrowed) when it has more than its
   fields to close: raw data. */
void hdbg_close_slow(HDbg *d, HDbgHandle *h);
void hdbg_release_arg_closed(HDbg *d, HDbgHandle *h);
void hdbg_handles_free(HDbg *d);
/* The open handles of generation >= gen, in the order they were opened (malloc'd; NULL when
   there are none or memory is short). */
HDbgHandle **hdbg_open_sorted(HDbg *d, int64_t gen, size_t *count);
void hdbg_builder_retire(HDbg *d, struct hdbg_builder *b, const char *by);
void hdbg_builders_free(HDbg *d);

/* ---- the handles' hot paths ---- */

/* The record of a debug handle of this instance (in any state), or NULL. */
static inline HDbgHandle *hdbg_record(HDbg *d, HPy dh) { return (HDbgHandle *)hdbg_pool_find(&d->handles, (uintptr_t)dh._i); }
static inline bool hdbg_usable(const HDbgHandle *h) { return (h->state & 1) != 0; }
static inline bool hdbg_is_open(const HDbgHandle *h) { return h->state == H_OPEN || h->state == H_OPEN_RAW; }

/* A record just taken from the pool, filled in as an open handle (the fast and slow opens share it). */
HDBG_HOT HDbgHandle *hdbg_fill_open(HDbg *d, HDbgHandle *h, HPy inner, const char *by, uint16_t borrowed)
{
    h->inner = inner;
    h->id = d->next_id++;
    h->opened_by = by;
    h->opened_in = d->current;
    h->generation = d->generation;
    h->state = H_OPEN;
    h->borrowed = borrowed;
    h->stack_depth = 0;
    return h;
}

HDBG_HOT HDbgHandle *hdbg_open_handle(HDbg *d, HPy inner, const char *by, uint16_t borrowed)
{
    struct hdbg_pool *p = &d->handles;
    if (HDBG_UNLIKELY(!hdbg_pool_has_free(p, 1 + d->open_gate)))
        return hdbg_open_slow(d, inner, by, borrowed);
    return hdbg_fill_open(d, (HDbgHandle *)hdbg_pool_at(p, hdbg_pool_pop(p)), inner, by, borrowed);
}

/* A new debug handle for an inner handle the extension will own (NULL stays NULL). */
HDBG_HOT HPy hdbg_wrap(HDbg *d, HPy inner, const char *by)
{
    if (HPy_IsNull(inner))
        return HPy_NULL;
    HDbgHandle *h = hdbg_open_handle(d, inner, by, 0);
    if (HDBG_UNLIKELY(h == NULL)) {
        hdbg_open_failed(d, inner, 0);
        return HPy_NULL;
    }
    return (HPy){ (intptr_t)h };
}

/* The inner handle of `dh` (NULL stays NULL). On a bad handle: false, with a finding and, for
   hdbg_unwrap, a SystemError; a void function cannot report one and just does nothing. */
HDBG_HOT bool hdbg_unwrap(HDbg *d, HPy dh, HPy *out, const char *fn)
{
    HDbgHandle *h = hdbg_record(d, dh);
    if (HDBG_LIKELY(h != NULL && hdbg_usable(h))) {
        *out = h->inner;
        return true;
    }
    /* Through a local of its own: *out stays in a register on the inline path. */
    HPy slow = HPy_NULL;
    bool ok = hdbg_unwrap_slow(d, dh, &slow, fn, true);
    *out = slow;
    return ok;
}

HDBG_HOT bool hdbg_unwrap_void(HDbg *d, HPy dh, HPy *out, const char *fn)
{
    HDbgHandle *h = hdbg_record(d, dh);
    if (HDBG_LIKELY(h != NULL && hdbg_usable(h))) {
        *out = h->inner;
        return true;
    }
    HPy slow = HPy_NULL;
    bool ok = hdbg_unwrap_slow(d, dh, &slow, fn, false);
    *out = slow;
    return ok;
}

/* Marks an open handle closed and remembers it in the closed queue; the record the queue
   forgets becomes free. */
HDBG_HOT void hdbg_retire(HDbg *d, HDbgHandle *h)
{
    h->state = H_CLOSED;
    h->retired_at = hdbg_pool_retire(&d->handles, hdbg_pool_index(&d->handles, h));
}
/* A closed handle the closed queue still remembers. */
static inline bool hdbg_closed_known(const HDbg *d, const HDbgHandle *h)
{
    return h->state == H_CLOSED && hdbg_pool_remembers(&d->handles, h->retired_at);
}

/* Closes an open debug handle; the inner one too unless it is borrowed. */
HDBG_HOT void hdbg_close_handle(HDbg *d, HDbgHandle *h)
{
    if (HDBG_UNLIKELY(h->state != H_OPEN)) {
        hdbg_close_slow(d, h);
        return;
    }
    if (!h->borrowed)
        d->inner->ctx_Close(d->inner, h->inner);
    hdbg_retire(d, h);
}

/* Argument handles of a call into extension code: borrowed (the caller keeps the inner handle),
   opened before the call and closed after it, all at once. */
HDBG_HOT void hdbg_open_args(HDbg *d, const HPy *inner, HPy *out, size_t n)
{
    struct hdbg_pool *p = &d->handles;
    if (HDBG_LIKELY(hdbg_pool_has_free(p, n + d->open_gate))) {
        uint64_t id0 = d->next_id, id = id0;
        const void *in = d->current;
        int64_t gen = d->generation;
        uint32_t head = p->qhead, mask = p->qmask;
        /* In locals: the stores below are of pointers, which may alias the pool's (as the
           compiler sees it), and it would load these again for every handle. */
        char *base = p->base;
        const uint32_t *q = p->q;
        for (size_t i = 0; i < n; i++) {
            if (HPy_IsNull(inner[i])) {
                out[i] = HPy_NULL;
                continue;
            }
            HDbgHandle *h = (HDbgHandle *)(base + ((size_t)q[head] << HDBG_RECORD_SHIFT));
            head = (head + 1) & mask;
            h->inner = inner[i];
            h->id = id++;
            h->opened_by = "argument";
            h->opened_in = in;
            h->generation = gen;
            h->state = H_OPEN;
            h->borrowed = 1;
            h->stack_depth = 0;
            out[i] = (HPy){ (intptr_t)h };
        }
        uint32_t taken = (uint32_t)(id - id0);
        p->qhead = head;
        p->qfree -= taken;
        p->qlen -= taken;
        d->next_id = id;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        HDbgHandle *h = HPy_IsNull(inner[i]) ? NULL : hdbg_open_slow(d, inner[i], "argument", 1);
        out[i] = (HPy){ (intptr_t)h };
    }
}

HDBG_HOT void hdbg_close_args(HDbg *d, const HPy *dh, size_t n)
{
    struct hdbg_pool *p = &d->handles;
    char *base = p->base;
    uint32_t *q = p->q;
    uint32_t mask = p->qmask, head = p->qhead, len = p->qlen, nfree = p->qfree, max = p->max;
    uint64_t retired = p->retired;
    for (size_t i = 0; i < n; i++) {
        HDbgHandle *h = (HDbgHandle *)dh[i]._i;
        if (h == NULL)
            continue;
        if (HDBG_UNLIKELY(h->state != H_OPEN)) {
            /* Closed by the callee, or with raw data: the slow path, with the queue as it is. */
            p->qlen = len;
            p->qfree = nfree;
            p->retired = retired;
            hdbg_release_arg_closed(d, h);
            len = p->qlen;
            nfree = p->qfree;
            retired = p->retired;
            continue;
        }
        h->state = H_CLOSED;
        h->retired_at = ++retired;
        q[(head + len) & mask] = (uint32_t)(((char *)h - base) >> HDBG_RECORD_SHIFT);
        len++;
        if (len - nfree > max)
            nfree++;
    }
    p->qlen = len;
    p->qfree = nfree;
    p->retired = retired;
}

/* The argument handles of a call: k handles then an array of n, opened together into one
   buffer (`small` when they fit, which holds k + HDBG_SMALL_ARRAY). */
HDBG_HOT HPy *hdbg_open_frame(HDbg *d, const HPy *in, size_t k, const HPy *a, size_t n, HPy *small)
{
    HPy *out = n <= HDBG_SMALL_ARRAY ? small : malloc((k + n) * sizeof(HPy));
    if (HDBG_UNLIKELY(out == NULL)) {
        out = small; /* no memory: the impl sees the first few at most */
        n = HDBG_SMALL_ARRAY;
    }
    hdbg_open_args(d, in, out, k);
    hdbg_open_args(d, a, out + k, n);
    return out;
}

HDBG_HOT void hdbg_close_frame(HDbg *d, HPy *h, size_t k, size_t n, HPy *small)
{
    hdbg_close_args(d, h, k + (h == small && n > HDBG_SMALL_ARRAY ? HDBG_SMALL_ARRAY : n));
    if (h != small)
        free(h);
}

/* ---- calls into extension code ---- */

size_t hdbg_kwnames_length(HDbg *d, HPy u_kwnames);

/* How many handles a vectorcall passes: the positional ones, then one per keyword name. A call
   site passes the same keyword-name tuple every time (it is a constant of the calling code), so
   the last few lengths are kept, each with the tuple held through an inner handle of ours: while
   we hold it, an inner handle equal to ours is that tuple, whatever the inner context's handles
   are (with handles that are object addresses, as cpython's, the caller's handle is ours). */
HDBG_HOT size_t hdbg_vector_length(HDbg *d, size_t nargs, HPy u_kwnames)
{
    /* PY_VECTORCALL_ARGUMENTS_OFFSET: the top bit of nargsf. */
    size_t n = nargs & ~((size_t)1 << (8 * sizeof(size_t) - 1));
    if (HPy_IsNull(u_kwnames))
        return n;
    intptr_t k = u_kwnames._i;
    if (d->kwnames[0].held._i == k)
        return n + d->kwnames[0].length;
    if (d->kwnames[1].held._i == k)
        return n + d->kwnames[1].length;
    if (d->kwnames[2].held._i == k)
        return n + d->kwnames[2].length;
    if (d->kwnames[3].held._i == k)
        return n + d->kwnames[3].length;
    return n + hdbg_kwnames_length(d, u_kwnames);
}

extern const char hdbg_unnamed_key;

/* hdbg_enter_key when the ring's next context is busy or the call stack must grow. */
HPyContext *hdbg_enter_slow(HDbg *d, const void *key);
void hdbg_leave_untracked(HDbg *d, HPyContext *call_ctx);

/* Starts a call of the extension function behind `key` (its impl, or its interned name; not
   NULL: hdbg_enter gives unnamed code a key of its own) and returns the context for it. */
HDBG_HOT HPyContext *hdbg_enter_key(HDbg *d, const void *key)
{
    /* The next context of the ring, unless an outer call still runs with it. */
    unsigned i = d->ring_next;
    struct hdbg_ctxinfo *ci = &d->ring[i].info;
    if (HDBG_UNLIKELY(ci->busy || d->depth == d->calls_cap))
        return hdbg_enter_slow(d, key);
    d->ring_next = (i + 1) % HDBG_RING;
    if (d->depth > 0)
        d->calls[d->depth - 1].ci->valid--; /* the caller's context waits for this call */
    d->calls[d->depth++] = (struct hdbg_call){ ci, d->current };
    ci->busy = 1;
    ci->valid = 1;
    /* The name is looked up when a finding needs it (hdbg_fn_name), not on every call. */
    d->current = key;
    return &d->ring[i].ctx;
}

extern volatile int hdbg_raw_faults_pending;
void hdbg_raw_flush_faults(HDbg *d);

/* The end of the innermost call, begun with hdbg_enter_key. */
HDBG_HOT void hdbg_leave_call(HDbg *d, HPyContext *call_ctx)
{
    if (HDBG_UNLIKELY(d->untracked > 0)) {
        hdbg_leave_untracked(d, call_ctx);
    } else {
        /* Counters, not flags: with calls nested deeper than the ring, two calls share a context
           and the inner one's end must not invalidate the outer one's. */
        struct hdbg_call *c = &d->calls[--d->depth];
        c->ci->valid--;
        c->ci->busy--;
        d->current = c->outer;
        if (d->depth > 0)
            d->calls[d->depth - 1].ci->valid++;
    }
    if (HDBG_UNLIKELY(hdbg_raw_faults_pending))
        hdbg_raw_flush_faults(d);
}

/* The result of a call into extension code, for the caller: a new handle's inner handle (its
   record goes to the closed queue), or what hdbg_take_result makes of anything else. */
HDBG_HOT HPy hdbg_end_result(HDbg *d, HPy dh)
{
    HPyContext *ic = d->inner;
    HDbgHandle *h = hdbg_record(d, dh);
    if (HDBG_LIKELY(h != NULL && h->state == H_OPEN) && !ic->ctx_Err_Occurred(ic)) {
        hdbg_retire(d, h);
        return h->inner;
    }
    return hdbg_take_result(d, dh);
}

/* debug_checks.c: the arguments HPy's debug mode refuses (`message` is HPy's) */
void hdbg_check_type(HDbg *d, HPy u, const char *fn, const char *message);
void hdbg_check_unicode(HDbg *d, HPy u, const char *fn, const char *message);
bool hdbg_check_kwnames(HDbg *d, HPy u, const char *fn, const char *message);
void hdbg_check_shape(HDbg *d, HPy u, int shape, const char *fn, const char *shape_short);

/* debug_rawdata.c */
/* A protected copy of `data` (`len` bytes, then a NUL), which `by` returned for handle h. */
const char *hdbg_raw_copy(HDbg *d, HDbgHandle *h, const char *data, size_t len, const char *by);
void hdbg_raw_on_close(HDbg *d, HDbgHandle *h);
/* hdbg_raw_faults_pending: set by the SIGSEGV handler when it has caught an access to protected
   data; the end of every call then runs hdbg_raw_flush_faults, which records the findings. */
void hdbg_raw_free_all(HDbg *d);

/* generated */
void hdbg_fill_functions(HPyContext *ctx);
void hdbg_fill_constants(HDbg *d, HPyContext *ctx);
/* "HPy_nb_multiply" for 29; NULL for a number no slot has. */
const char *hdbg_slot_name(int slot);
#include "autogen_debug_special.h"

#endif /* HDBG_INTERNAL_H */
