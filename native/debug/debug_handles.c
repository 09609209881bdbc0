/* Debug handles: open list, bounded queue of closed ones (so a stale use is still recognized),
   free list; and the builders and trackers that are retired the same way. */

#include "debug_internal.h"
#include <execinfo.h>
#include <stdlib.h>
#include <string.h>

static void list_push(struct hdbg_list *l, HDbgHandle *h)
{
    h->next = NULL;
    h->prev = l->tail;
    if (l->tail)
        l->tail->next = h;
    else
        l->head = h;
    l->tail = h;
    l->count++;
}

static void list_remove(struct hdbg_list *l, HDbgHandle *h)
{
    if (h->prev)
        h->prev->next = h->next;
    else
        l->head = h->next;
    if (h->next)
        h->next->prev = h->prev;
    else
        l->tail = h->prev;
    h->prev = h->next = NULL;
    l->count--;
}

static void free_stack(HDbgHandle *h)
{
    free(h->stack);
    h->stack = NULL;
    h->stack_depth = 0;
}

HDbgHandle *hdbg_open_handle(HDbg *d, HPy inner, const char *by)
{
    HDbgHandle *h = d->free.head;
    if (h != NULL) {
        list_remove(&d->free, h);
    } else {
        h = malloc(sizeof *h);
        if (h == NULL)
            return NULL;
        h->stack = NULL;
        h->stack_depth = 0;
    }
    h->magic = HDBG_HANDLE_MAGIC;
    h->inner = inner;
    h->id = d->next_id++;
    h->generation = d->generation;
    h->state = H_OPEN;
    h->borrowed = 0;
    h->opened_by = by;
    h->opened_in = d->current;
    h->raw = NULL;
    if (d->stack_limit > 0) {
        void *frames[256];
        int n = backtrace(frames, d->stack_limit < 256 ? d->stack_limit : 256);
        void **copy = realloc(h->stack, n * sizeof(void *));
        if (copy != NULL) {
            memcpy(copy, frames, n * sizeof(void *));
            h->stack = copy;
            h->stack_depth = n;
        }
    } else if (h->stack != NULL) {
        free_stack(h);
    }
    list_push(&d->open, h);
    return h;
}

HPy hdbg_wrap(HDbg *d, HPy inner, const char *by)
{
    if (HPy_IsNull(inner))
        return HPy_NULL;
    HDbgHandle *h = hdbg_open_handle(d, inner, by);
    if (h == NULL) {
        /* Out of memory: the extension gets the NULL of a failed call. */
        d->inner->ctx_Close(d->inner, inner);
        d->inner->ctx_Err_NoMemory(d->inner);
        return HPy_NULL;
    }
    return (HPy){ (intptr_t)h };
}

HPy hdbg_constant(HDbg *d, HPy inner)
{
    /* Constants are allocated together once; they never enter the lists. */
    if (d->constants == NULL) {
        d->constants = calloc(128, sizeof(HDbgHandle));
        d->nconstants = 0;
    }
    if (d->constants == NULL || d->nconstants == 128)
        return inner;
    HDbgHandle *h = &d->constants[d->nconstants++];
    h->magic = HDBG_HANDLE_MAGIC;
    h->inner = inner;
    h->id = d->next_id++;
    h->state = H_CONSTANT;
    h->opened_by = "the context";
    return (HPy){ (intptr_t)h };
}

HDbgHandle *hdbg_check(HDbg *d, HPy dh, const char *fn)
{
    HDbgHandle *h = (HDbgHandle *)dh._i;
    /* Small integers and misaligned values cannot be ours; reading them would crash. */
    if (!hdbg_is_handle(dh)) {
        hdbg_report(d, HDBG_INVALID_HANDLE, fn, NULL, "%s got %#lx, which is not a handle of this context",
                    fn, (unsigned long)dh._i);
        return NULL;
    }
    if (h->state == H_CLOSED) {
        const char *in = d->current ? d->current : "<no call>";
        hdbg_report(d, HDBG_USE_AFTER_CLOSE, fn, h, "%s got handle %llu in '%s', which was closed (opened by %s)", fn,
                    (unsigned long long)h->id, in, h->opened_by);
        return NULL;
    }
    return h;
}

void hdbg_raise_bad(HDbg *d, HPy dh, const char *fn)
{
    HDbgHandle *h = (HDbgHandle *)dh._i;
    if (hdbg_is_handle(dh) && h->state == H_CLOSED)
        hdbg_raise(d, "%s: handle %llu was already closed (debug layer)", fn, (unsigned long long)h->id);
    else
        hdbg_raise(d, "%s: invalid handle %#lx (debug layer)", fn, (unsigned long)dh._i);
}

bool hdbg_unwrap_void(HDbg *d, HPy dh, HPy *out, const char *fn)
{
    if (HPy_IsNull(dh)) {
        *out = HPy_NULL; /* the inner context reports NULL handles itself */
        return true;
    }
    HDbgHandle *h = hdbg_check(d, dh, fn);
    if (h == NULL)
        return false;
    *out = h->inner;
    return true;
}

bool hdbg_unwrap(HDbg *d, HPy dh, HPy *out, const char *fn)
{
    if (hdbg_unwrap_void(d, dh, out, fn))
        return true;
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

static void retire(HDbg *d, HDbgHandle *h)
{
    h->state = H_CLOSED;
    list_push(&d->closed, h);
    while (d->closed.count > d->closed_max) {
        HDbgHandle *old = d->closed.head;
        list_remove(&d->closed, old);
        old->magic = 0;
        list_push(&d->free, old);
    }
}

void hdbg_close_handle(HDbg *d, HDbgHandle *h)
{
    list_remove(&d->open, h);
    if (h->raw != NULL)
        hdbg_raw_on_close(d, h);
    if (!h->borrowed)
        d->inner->ctx_Close(d->inner, h->inner);
    retire(d, h);
}

HPy hdbg_take_owned(HDbg *d, HPy dh, const char *fn)
{
    if (HPy_IsNull(dh))
        return HPy_NULL;
    HDbgHandle *h = hdbg_check(d, dh, fn);
    if (h == NULL) {
        hdbg_raise_bad(d, dh, fn);
        return HPy_NULL;
    }
    if (h->state == H_CONSTANT)
        return d->inner->ctx_Dup(d->inner, h->inner);
    HPy inner = h->inner;
    h->borrowed = 1; /* the inner handle is the caller's now */
    hdbg_close_handle(d, h);
    return inner;
}

static void free_list(struct hdbg_list *l)
{
    HDbgHandle *h = l->head;
    while (h != NULL) {
        HDbgHandle *next = h->next;
        free(h->stack);
        free(h);
        h = next;
    }
    l->head = l->tail = NULL;
    l->count = 0;
}

void hdbg_handles_free(HDbg *d)
{
    /* Open handles are the extension's leaks: their inner handles are left to the inner
       context, which may already be gone. */
    free_list(&d->open);
    free_list(&d->closed);
    free_list(&d->free);
    free(d->constants);
    d->constants = NULL;
}

void hdbg_builder_retire(HDbg *d, struct hdbg_builder *b, const char *by)
{
    b->state = B_DONE;
    b->ended_by = by;
    free(b->items);
    b->items = NULL;
    b->next_done = NULL;
    if (d->done_tail)
        d->done_tail->next_done = b;
    else
        d->done_head = b;
    d->done_tail = b;
    d->done_count++;
    while (d->done_count > d->closed_max && d->done_head != NULL) {
        struct hdbg_builder *old = d->done_head;
        d->done_head = old->next_done;
        if (d->done_head == NULL)
            d->done_tail = NULL;
        d->done_count--;
        old->magic = 0;
        free(old);
    }
}

void hdbg_builders_free(HDbg *d)
{
    while (d->done_head != NULL) {
        struct hdbg_builder *b = d->done_head;
        d->done_head = b->next_done;
        free(b);
    }
    d->done_tail = NULL;
    d->done_count = 0;
}

/* ---- introspection ---- */

static size_t collect(struct hdbg_list *l, int64_t gen, HDbgHandle **out, size_t cap)
{
    size_t n = 0;
    for (HDbgHandle *h = l->head; h != NULL; h = h->next) {
        if (h->generation < gen)
            continue;
        if (n < cap)
            out[n] = h;
        n++;
    }
    return n;
}

size_t hdbg_open_handles(HDbg *d, int64_t gen, HDbgHandle **out, size_t cap) { return collect(&d->open, gen, out, cap); }
size_t hdbg_closed_handles(HDbg *d, int64_t gen, HDbgHandle **out, size_t cap) { return collect(&d->closed, gen, out, cap); }
uint64_t hdbg_handle_id(const HDbgHandle *h) { return h->id; }
int hdbg_handle_is_closed(const HDbgHandle *h) { return h->state == H_CLOSED; }
HPy hdbg_handle_inner(const HDbgHandle *h) { return h->inner; }
const char *hdbg_handle_opened_by(const HDbgHandle *h) { return h->opened_by; }

int hdbg_handle_stack(const HDbgHandle *h, void *const **frames)
{
    *frames = h->stack;
    return h->stack_depth;
}

int hdbg_handle_alive(const HDbgHandle *h, uint64_t id)
{
    return h->magic == HDBG_HANDLE_MAGIC && h->id == id;
}

void hdbg_force_close(HDbg *d, HDbgHandle *h)
{
    if (h->magic == HDBG_HANDLE_MAGIC && h->state == H_OPEN)
        hdbg_close_handle(d, h);
}
