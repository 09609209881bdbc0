/* Debug handles off the inline paths of debug_internal.h: a pool that must grow, stack traces,
   raw data, every finding about a handle; and builders, trackers and the introspection that
   hpy_matrix.universal._debug offers. */

#include "debug_internal.h"
#include <execinfo.h>
#include <stdlib.h>
#include <string.h>

static void capture(HDbg *d, HDbgHandle *h)
{
    void *frames[256];
    int n = backtrace(frames, d->stack_limit < 256 ? d->stack_limit : 256);
    if (n <= 0) {
        h->stack_depth = 0;
        return;
    }
    void **copy = realloc(h->stack, (size_t)n * sizeof(void *));
    if (copy == NULL) {
        h->stack_depth = 0;
        return;
    }
    memcpy(copy, frames, (size_t)n * sizeof(void *));
    h->stack = copy;
    h->stack_depth = (uint32_t)n;
}

HDbgHandle *hdbg_open_slow(HDbg *d, HPy inner, const char *by, uint16_t borrowed)
{
    int64_t i = hdbg_pool_take(&d->handles);
    if (i < 0)
        return NULL;
    HDbgHandle *h = hdbg_fill_open(d, (HDbgHandle *)hdbg_pool_at(&d->handles, (uint32_t)i), inner, by, borrowed);
    if (d->stack_limit > 0)
        capture(d, h);
    return h;
}

void hdbg_open_failed(HDbg *d, HPy inner, uint16_t borrowed)
{
    /* Out of memory (or of handles): the extension gets the NULL of a failed call. */
    if (!borrowed)
        d->inner->ctx_Close(d->inner, inner);
    d->inner->ctx_Err_NoMemory(d->inner);
}

HPy hdbg_constant(HDbg *d, HPy inner)
{
    /* Constants are records of the pool too (so they pass the same check), never closed. */
    int64_t i = hdbg_pool_take(&d->handles);
    if (i < 0)
        return inner;
    HDbgHandle *h = (HDbgHandle *)hdbg_pool_at(&d->handles, (uint32_t)i);
    h->inner = inner;
    h->id = d->next_id++;
    h->opened_by = "the context";
    h->state = H_CONSTANT;
    return (HPy){ (intptr_t)h };
}

HDbgHandle *hdbg_check(HDbg *d, HPy dh, const char *fn)
{
    HDbgHandle *h = hdbg_record(d, dh);
    /* Any other value, or a record the closed queue has forgotten, is not a handle we gave out. */
    if (h == NULL || h->state == H_FREE || (h->state == H_CLOSED && !hdbg_closed_known(d, h))) {
        hdbg_report(d, HDBG_INVALID_HANDLE, fn, NULL, "%s got %#lx, which is not a handle of this context",
                    fn, (unsigned long)dh._i);
        /* HDBG_AS_HPY, after the hook: a closed handle still reaches its object, as in HPy. */
        return d->policy == HDBG_AS_HPY && h != NULL && h->state == H_CLOSED ? h : NULL;
    }
    if (h->state == H_CLOSED) {
        const char *in = d->current ? hdbg_current_name(d) : "<no call>";
        hdbg_report(d, HDBG_USE_AFTER_CLOSE, fn, h, "%s got handle %llu in '%s', which was closed (opened by %s)", fn,
                    (unsigned long long)h->id, in, h->opened_by);
        return d->policy == HDBG_AS_HPY ? h : NULL;
    }
    return h;
}

void hdbg_raise_bad(HDbg *d, HPy dh, const char *fn)
{
    HDbgHandle *h = hdbg_record(d, dh);
    if (h != NULL && hdbg_closed_known(d, h))
        hdbg_raise(d, "%s: handle %llu was already closed (debug layer)", fn, (unsigned long long)h->id);
    else
        hdbg_raise(d, "%s: invalid handle %#lx (debug layer)", fn, (unsigned long)dh._i);
}

bool hdbg_unwrap_slow(HDbg *d, HPy dh, HPy *out, const char *fn, bool raise)
{
    if (HPy_IsNull(dh)) {
        *out = HPy_NULL; /* the inner context reports NULL handles itself */
        return true;
    }
    HDbgHandle *h = hdbg_check(d, dh, fn);
    if (h != NULL) {
        *out = h->inner;
        return true;
    }
    if (raise)
        hdbg_raise_bad(d, dh, fn);
    return false;
}

HPy *hdbg_unwrap_array(HDbg *d, const HPy *a, size_t n, HPy *small, const char *fn)
{
    HPy *out = n <= HDBG_SMALL_ARRAY ? small : malloc(n * sizeof(HPy));
    if (out == NULL) {
        d->inner->ctx_Err_NoMemory(d->inner);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!hdbg_unwrap(d, a[i], &out[i], fn)) {
            hdbg_array_done(out, small);
            return NULL;
        }
    }
    return out;
}

void hdbg_array_done(HPy *a, HPy *small)
{
    if (a != small)
        free(a);
}

void hdbg_close_slow(HDbg *d, HDbgHandle *h)
{
    bool raw = h->state == H_OPEN_RAW;
    if (!h->borrowed)
        d->inner->ctx_Close(d->inner, h->inner);
    hdbg_retire(d, h);
    if (raw)
        hdbg_raw_on_close(d, h); /* after: its copy is kept as long as the queue keeps the handle */
}

void hdbg_release_arg_closed(HDbg *d, HDbgHandle *h)
{
    if (h->state == H_OPEN_RAW) {
        hdbg_close_slow(d, h); /* open, with raw data to protect */
        return;
    }
    const char *in = d->current ? hdbg_current_name(d) : "?";
    hdbg_report(d, HDBG_DOUBLE_CLOSE, in, h, "argument handle %llu was closed by '%s', which does not own it",
                (unsigned long long)h->id, in);
}

HPy hdbg_wrap_arg(HDbg *d, HPy inner)
{
    HPy out;
    hdbg_open_args(d, &inner, &out, 1);
    return out;
}

void hdbg_release_arg(HDbg *d, HPy dh)
{
    hdbg_close_args(d, &dh, 1);
}

HPy hdbg_take_owned(HDbg *d, HPy dh, const char *fn)
{
    if (HPy_IsNull(dh))
        return HPy_NULL;
    /* Findings keep the name: a caller through koffi passes a string that dies with the call. */
    const char *kept = hdbg_intern(d, fn);
    fn = kept != NULL ? kept : "<extension code>";
    HDbgHandle *h = hdbg_check(d, dh, fn);
    if (h == NULL) {
        hdbg_raise_bad(d, dh, fn);
        return HPy_NULL;
    }
    /* A constant, or (HDBG_AS_HPY) a closed handle: the caller gets a reference of its own. */
    if (h->state == H_CONSTANT || h->state == H_CLOSED)
        return d->inner->ctx_Dup(d->inner, h->inner);
    HPy inner = h->inner;
    h->borrowed = 1; /* the inner handle is the caller's now */
    hdbg_close_handle(d, h);
    return inner;
}

void hdbg_handles_free(HDbg *d)
{
    /* Open handles are the extension's leaks: their inner handles are left to the inner
       context, which may already be gone. */
    struct hdbg_pool *p = &d->handles;
    for (uint32_t i = 0; i < p->used; i++)
        free(((HDbgHandle *)hdbg_pool_at(p, i))->stack);
    hdbg_pool_free(p);
}

void hdbg_builder_retire(HDbg *d, struct hdbg_builder *b, const char *by)
{
    b->state = B_DONE;
    b->ended_by = by;
    b->length = 0; /* a tracker's buffer stays with the record for its next use */
    b->retired_at = hdbg_pool_retire(&d->builders, hdbg_pool_index(&d->builders, b));
}

void hdbg_builders_free(HDbg *d)
{
    struct hdbg_pool *p = &d->builders;
    for (uint32_t i = 0; i < p->used; i++)
        free(((struct hdbg_builder *)hdbg_pool_at(p, i))->items);
    hdbg_pool_free(p);
}

/* ---- introspection ---- */

static int by_id(const void *a, const void *b)
{
    uint64_t x = (*(HDbgHandle *const *)a)->id, y = (*(HDbgHandle *const *)b)->id;
    return x < y ? -1 : x > y;
}

/* The open handles of generation >= gen, in the order they were opened (malloc'd; NULL when
   there are none or memory is short). */
HDbgHandle **hdbg_open_sorted(HDbg *d, int64_t gen, size_t *count)
{
    struct hdbg_pool *p = &d->handles;
    size_t n = 0, cap = 0;
    HDbgHandle **all = NULL;
    for (uint32_t i = 0; i < p->used; i++) {
        HDbgHandle *h = (HDbgHandle *)hdbg_pool_at(p, i);
        if (!hdbg_is_open(h) || h->generation < gen)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            HDbgHandle **t = realloc(all, cap * sizeof *t);
            if (t == NULL)
                break;
            all = t;
        }
        all[n++] = h;
    }
    if (n > 1)
        qsort(all, n, sizeof *all, by_id);
    *count = n;
    return all;
}

size_t hdbg_open_handles(HDbg *d, int64_t gen, HDbgHandle **out, size_t cap)
{
    size_t n;
    HDbgHandle **all = hdbg_open_sorted(d, gen, &n);
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = all[i];
    free(all);
    return n;
}

size_t hdbg_closed_handles(HDbg *d, int64_t gen, HDbgHandle **out, size_t cap)
{
    struct hdbg_pool *p = &d->handles;
    size_t n = 0;
    /* The remembered part of the queue, oldest first. */
    for (uint32_t k = p->qfree; k < p->qlen; k++) {
        HDbgHandle *h = (HDbgHandle *)hdbg_pool_at(p, *hdbg_pool_q(p, k));
        if (h->state != H_CLOSED || h->generation < gen)
            continue;
        if (n < cap)
            out[n] = h;
        n++;
    }
    return n;
}

int hdbg_handle_is_closed(const HDbgHandle *h) { return !hdbg_is_open(h); }
HPy hdbg_handle_inner(const HDbgHandle *h) { return hdbg_is_open(h) ? h->inner : HPy_NULL; }

int hdbg_handle_stack(const HDbgHandle *h, void *const **frames)
{
    *frames = h->stack;
    return h->stack_depth;
}

void hdbg_force_close(HDbg *d, HDbgHandle *h)
{
    if (hdbg_record(d, (HPy){ (intptr_t)h }) == h && hdbg_is_open(h))
        hdbg_close_handle(d, h);
}
