/* char * data handed out by Bytes_AsString, Bytes_AS_STRING, Unicode_AsUTF8AndSize and
   Type_GetName: the extension gets a read-only copy in pages of its own. When the handle closes
   the pages become inaccessible, and stay so while the closed queue remembers the handle and the
   copies kept fit in the instance's budget, as in HPy (a copy that does not fit is freed at once).
   A write to an open copy, or any access to a closed one, faults. Under HDBG_FINDINGS the SIGSEGV
   handler recognizes our pages, notes the fault, makes the pages accessible again and lets the
   instruction run, so the finding is recorded instead of the process dying; under HDBG_AS_HPY
   the fault is left to kill the process, as HPy's protected copies do. */

#include "debug_internal.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { R_OPEN = 1, R_CLOSED, R_UNPROTECTED };
enum { F_NONE = 0, F_WRITE, F_AFTER_CLOSE };

struct hdbg_raw {
    struct hdbg_raw *next_all; /* the process-wide registry the signal handler walks */
    struct hdbg_raw *next_closed;
    HDbg *d;
    char *base;
    size_t mapped, size; /* size: the data and its terminating NUL, as HPy counts it */
    uint64_t handle_id;
    uint64_t retired_at; /* its handle's, once closed (hdbg_pool_remembers) */
    uint32_t index;      /* its handle's record */
    const char *by;
    const void *in; /* key of the extension function that asked for it (hdbg_fn_name) */
    volatile sig_atomic_t state, fault, reported;
};

/* Process-wide because signal handlers are; each entry names its instance. */
static struct hdbg_raw *volatile g_all;
volatile int hdbg_raw_faults_pending;
static struct sigaction g_previous;
static int g_installed;

static struct hdbg_raw *find(const char *addr)
{
    for (struct hdbg_raw *r = g_all; r != NULL; r = r->next_all)
        if (addr >= r->base && addr < r->base + r->mapped)
            return r;
    return NULL;
}

static void on_segv(int sig, siginfo_t *info, void *uctx)
{
    struct hdbg_raw *r = find((const char *)info->si_addr);
    if (r != NULL && r->state != R_UNPROTECTED && r->d->policy == HDBG_FINDINGS) {
        r->fault = r->state == R_CLOSED ? F_AFTER_CLOSE : F_WRITE;
        r->state = R_UNPROTECTED;
        hdbg_raw_faults_pending = 1;
        mprotect(r->base, r->mapped, PROT_READ | PROT_WRITE);
        return; /* the faulting access runs again and succeeds */
    }
    /* Not ours: whoever handled SIGSEGV before us does, or the process dies of it. */
    if (g_previous.sa_flags & SA_SIGINFO) {
        if (g_previous.sa_sigaction != NULL) {
            g_previous.sa_sigaction(sig, info, uctx);
            return;
        }
    } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN && g_previous.sa_handler != NULL) {
        g_previous.sa_handler(sig);
        return;
    }
    signal(SIGSEGV, SIG_DFL);
}

static void install(void)
{
    if (g_installed)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &g_previous) == 0)
        g_installed = 1;
}

/* The copy handed out for handle h (kept by record index: records have no room for it). */
static struct hdbg_raw **slot(HDbg *d, const HDbgHandle *h)
{
    uint32_t i = hdbg_pool_index(&d->handles, h);
    return i < d->raw_of_cap ? &d->raw_of[i] : NULL;
}

static struct hdbg_raw *raw_of(HDbg *d, const HDbgHandle *h)
{
    struct hdbg_raw **s = slot(d, h);
    return s != NULL ? *s : NULL;
}

/* The copy last handed out for the handle now in record h, or NULL. */
static struct hdbg_raw *raw_of_handle(HDbg *d, const HDbgHandle *h)
{
    struct hdbg_raw *r = raw_of(d, h);
    return r != NULL && r->handle_id == h->id ? r : NULL;
}

const char *hdbg_raw_copy(HDbg *d, HDbgHandle *h, const char *data, size_t len, const char *by)
{
    struct hdbg_raw *old = raw_of_handle(d, h);
    if (old != NULL && old->size == len + 1 && memcmp(old->base, data, len) == 0)
        return old->base; /* asked again for the same handle */
    if (slot(d, h) == NULL) {
        uint32_t cap = d->handles.committed;
        struct hdbg_raw **t = realloc(d->raw_of, (size_t)cap * sizeof *t);
        if (t == NULL)
            return data; /* unprotected, but the call still works */
        memset(t + d->raw_of_cap, 0, (size_t)(cap - d->raw_of_cap) * sizeof *t);
        d->raw_of = t;
        d->raw_of_cap = cap;
    }
    install();
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t mapped = (len + 1 + page - 1) / page * page;
    char *base = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct hdbg_raw *r = malloc(sizeof *r);
    if (base == MAP_FAILED || r == NULL) {
        if (base != MAP_FAILED)
            munmap(base, mapped);
        free(r);
        return data; /* unprotected, but the call still works */
    }
    memcpy(base, data, len);
    base[len] = 0;
    mprotect(base, mapped, PROT_READ);
    *r = (struct hdbg_raw){ .d = d, .base = base, .mapped = mapped, .size = len + 1, .handle_id = h->id,
                            .index = hdbg_pool_index(&d->handles, h), .by = by, .in = d->current, .state = R_OPEN };
    r->next_all = g_all;
    g_all = r;
    /* One copy per handle is remembered; an earlier one stays registered until freed. */
    *slot(d, h) = r;
    h->state = H_OPEN_RAW; /* its close takes the slow path, which protects the copy */
    return base;
}

static void unregister(struct hdbg_raw *r)
{
    for (struct hdbg_raw *volatile *p = &g_all; *p != NULL; p = &(*p)->next_all) {
        if (*p == r) {
            *p = r->next_all;
            break;
        }
    }
}

static void report(HDbg *d, struct hdbg_raw *r)
{
    if (r->fault == F_NONE || r->reported)
        return;
    r->reported = 1;
    const char *in = r->in ? hdbg_fn_name(d, r->in) : "<no call>";
    if (r->fault == F_WRITE)
        hdbg_report(d, HDBG_RAW_DATA_WRITE, in, NULL,
                    "'%s' wrote to the read-only data of handle %llu returned by %s", in,
                    (unsigned long long)r->handle_id, r->by);
    else
        hdbg_report(d, HDBG_RAW_DATA_AFTER_CLOSE, in, NULL,
                    "data returned by %s for handle %llu was used after the handle was closed", r->by,
                    (unsigned long long)r->handle_id);
}

static void destroy(struct hdbg_raw *r)
{
    unregister(r);
    munmap(r->base, r->mapped);
    free(r);
}

/* Frees a copy; the record of its handle no longer points to it. */
static void release(HDbg *d, struct hdbg_raw *r)
{
    report(d, r);
    if (r->index < d->raw_of_cap && d->raw_of[r->index] == r)
        d->raw_of[r->index] = NULL;
    destroy(r);
}

/* The copies kept for closed handles live as long as the closed queue remembers their handles,
   as HPy frees a handle's data when the handle leaves its queue. Both are in closing order. */
static void release_forgotten(HDbg *d)
{
    struct hdbg_raw *r;
    while ((r = d->raw_closed_head) != NULL && !hdbg_pool_remembers(&d->handles, r->retired_at)) {
        d->raw_closed_head = r->next_closed;
        if (d->raw_closed_head == NULL)
            d->raw_closed_tail = NULL;
        d->raw_closed_bytes -= (int64_t)r->size;
        release(d, r);
    }
}

void hdbg_raw_on_close(HDbg *d, HDbgHandle *h)
{
    struct hdbg_raw *r = raw_of_handle(d, h);
    if (r == NULL)
        return;
    release_forgotten(d);
    if (d->raw_closed_bytes + (int64_t)r->size > d->raw_max) {
        release(d, r); /* as HPy: what does not fit in the budget is freed now */
        return;
    }
    report(d, r);
    if (r->state == R_OPEN) {
        r->state = R_CLOSED;
        mprotect(r->base, r->mapped, PROT_NONE);
    }
    r->retired_at = h->retired_at;
    r->next_closed = NULL;
    if (d->raw_closed_tail)
        d->raw_closed_tail->next_closed = r;
    else
        d->raw_closed_head = r;
    d->raw_closed_tail = r;
    d->raw_closed_bytes += (int64_t)r->size;
}

void hdbg_raw_flush_faults(HDbg *d)
{
    int others = 0; /* faults on another instance's data, which its own flush records */
    hdbg_raw_faults_pending = 0;
    for (struct hdbg_raw *r = g_all; r != NULL; r = r->next_all) {
        if (r->fault == F_NONE || r->reported)
            continue;
        if (r->d == d)
            report(d, r);
        else
            others = 1;
    }
    if (others)
        hdbg_raw_faults_pending = 1;
}

void hdbg_raw_free_all(HDbg *d)
{
    struct hdbg_raw *volatile *p = &g_all;
    while (*p != NULL) {
        struct hdbg_raw *r = *p;
        if (r->d == d) {
            *p = r->next_all;
            munmap(r->base, r->mapped);
            free(r);
        } else {
            p = &r->next_all;
        }
    }
    d->raw_closed_head = d->raw_closed_tail = NULL;
    d->raw_closed_bytes = 0;
    free(d->raw_of);
    d->raw_of = NULL;
    d->raw_of_cap = 0;
}

int64_t hdbg_handle_raw_data_size(HDbg *d, const HDbgHandle *h)
{
    release_forgotten(d);
    struct hdbg_raw *r = raw_of_handle(d, h);
    return r != NULL ? (int64_t)r->size : -1;
}
