/* The debug instance: its contexts, the calls into extension code, findings and names. */

#include "debug_internal.h"
#include <dlfcn.h>
#include <execinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const KIND_NAMES[HDBG_KIND_COUNT] = {
    [HDBG_LEAK] = "leak",
    [HDBG_USE_AFTER_CLOSE] = "use-after-close",
    [HDBG_DOUBLE_CLOSE] = "double-close",
    [HDBG_INVALID_HANDLE] = "invalid-handle",
    [HDBG_CLOSE_CONSTANT] = "close-constant",
    [HDBG_RETURN_CONSTANT] = "return-constant",
    [HDBG_BUILDER_REUSE] = "builder-reuse",
    [HDBG_RAW_DATA_AFTER_CLOSE] = "raw-data-after-close",
    [HDBG_RAW_DATA_WRITE] = "raw-data-write",
    [HDBG_CTX_OUTSIDE_CALL] = "ctx-outside-call",
    [HDBG_NULL_WITHOUT_ERROR] = "null-without-error",
    [HDBG_RESULT_WITH_ERROR] = "result-with-error",
    [HDBG_INVALID_ARGUMENT] = "invalid-argument",
};

static void init_ctx(HDbg *d, HPyContext *ctx, struct hdbg_ctxinfo *info)
{
    *ctx = d->base;
    info->magic = HDBG_CTX_MAGIC;
    info->d = d;
    info->valid = 0;
    info->busy = 0;
    ctx->_private = info;
}

/* Address space reserved per instance: 16 Mi handle records (1 GiB) and 1 Mi builders (64 MiB);
   only what is used is ever backed by memory. */
#define HANDLES_RESERVED (1u << 24)
#define BUILDERS_RESERVED (1u << 20)

_Static_assert(offsetof(HDbg, base_info) == sizeof(HPyContext), "the base context's info follows it");

HDbg *hdbg_new(HPyContext *inner)
{
    HDbg *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    if (hdbg_pool_init(&d->handles, HANDLES_RESERVED) < 0 || hdbg_pool_init(&d->builders, BUILDERS_RESERVED) < 0) {
        hdbg_pool_free(&d->handles);
        free(d);
        return NULL;
    }
    d->inner = inner;
    hdbg_set_closed_queue_max(d, 1024); /* HPy's defaults */
    d->raw_max = 10 * 1024 * 1024;
    d->next_id = 1;
    d->base.name = "HPy Debug Mode ABI (hpy-matrix)"; /* tools read the mode from the name's start */
    d->base.abi_version = inner->abi_version;
    hdbg_fill_functions(&d->base);
    hdbg_fill_constants(d, &d->base);
    d->base_info = (struct hdbg_ctxinfo){ HDBG_CTX_MAGIC, d, 1, 0 };
    d->base._private = &d->base_info;
    for (int i = 0; i < HDBG_RING; i++)
        init_ctx(d, &d->ring[i].ctx, &d->ring[i].info);
    return d;
}

void hdbg_free(HDbg *d)
{
    if (d == NULL)
        return;
    hdbg_clear_findings(d);
    free(d->findings);
    hdbg_raw_free_all(d);
    hdbg_builders_free(d);
    hdbg_handles_free(d);
    free(d->names);
    free(d->calls);
    for (size_t i = 0; i < d->interned_cap; i++)
        free(d->interned[i]);
    free(d->interned);
    free(d);
}

HPyContext *hdbg_base_ctx(HDbg *d) { return &d->base; }
HPyContext *hdbg_inner_ctx(HDbg *d) { return d->inner; }

HDbg *hdbg_from_ctx(HPyContext *ctx)
{
    if (ctx == NULL || ctx->_private == NULL)
        return NULL;
    /* Only our contexts put an hdbg_ctxinfo there; others (cpython: NULL, reference: NULL)
       leave it empty, so reading the magic is safe for every context we are handed. */
    struct hdbg_ctxinfo *ci = (struct hdbg_ctxinfo *)ctx->_private;
    return ci->magic == HDBG_CTX_MAGIC ? ci->d : NULL;
}

void hdbg_set_policy(HDbg *d, HDbgPolicy policy) { d->policy = policy; }
HDbgPolicy hdbg_policy(HDbg *d) { return d->policy; }
void hdbg_set_closed_queue_max(HDbg *d, int64_t n)
{
    d->closed_max = n < 0 ? 0 : n;
    hdbg_pool_set_max(&d->handles, d->closed_max);
    hdbg_pool_set_max(&d->builders, d->closed_max);
}
int64_t hdbg_closed_queue_max(HDbg *d) { return d->closed_max; }
void hdbg_set_raw_data_max(HDbg *d, int64_t bytes) { d->raw_max = bytes < 0 ? 0 : bytes; }
int64_t hdbg_raw_data_max(HDbg *d) { return d->raw_max; }
void hdbg_set_stack_limit(HDbg *d, int frames)
{
    d->stack_limit = frames < 0 ? 0 : frames;
    d->open_gate = d->stack_limit > 0 ? (uint32_t)1 << 31 : 0;
}
void hdbg_set_hooks(HDbg *d, HDbgHook on_handle, HDbgHook on_builder, void *arg)
{
    d->on_handle = on_handle;
    d->on_builder = on_builder;
    d->hook_arg = arg;
}

int64_t hdbg_new_generation(HDbg *d) { return ++d->generation; }

/* ---- findings ---- */

/* The words of HPy's fatal errors, by kind. */
static const char *hpy_fatal_message(HDbgKind kind, const char *message)
{
    switch (kind) {
    case HDBG_BUILDER_REUSE:
        return "Invalid usage of already closed builder";
    case HDBG_INVALID_ARGUMENT:
        return message; /* the checks word theirs as HPy does */
    default:
        return "Invalid usage of already closed handle";
    }
}

static void wrong_context(void)
{
    fputs("Error: Wrong HPy Context!\n", stderr);
    void *frames[16];
    int n = backtrace(frames, 16);
    backtrace_symbols_fd(frames, n, 2);
    fflush(stderr);
    abort();
}

/* HDBG_AS_HPY: what HPy's debug mode does about a misuse. Returns when the call goes on. */
static void answer_as_hpy(HDbg *d, HDbgKind kind, const HDbgFinding *f)
{
    HDbgHook hook = NULL;
    switch (kind) {
    case HDBG_USE_AFTER_CLOSE:
    case HDBG_DOUBLE_CLOSE:
    case HDBG_INVALID_HANDLE:
    case HDBG_CLOSE_CONSTANT:
    case HDBG_RETURN_CONSTANT:
        hook = d->on_handle;
        break;
    case HDBG_BUILDER_REUSE:
        hook = d->on_builder;
        break;
    case HDBG_CTX_OUTSIDE_CALL:
        wrong_context();
        return;
    case HDBG_INVALID_ARGUMENT:
        break;
    default:
        return; /* HPy does not check it: CPython's own checks answer, as with HPy */
    }
    if (hook != NULL) {
        hook(d, f, d->hook_arg);
        return;
    }
    d->inner->ctx_FatalError(d->inner, hpy_fatal_message(kind, f->message));
    abort(); /* a fatal error does not return */
}

static void vreport(HDbg *d, HDbgKind kind, const char *fn, const HDbgHandle *h, const char *object, const char *fmt,
                    va_list ap)
{
    char *message = NULL;
    if (vasprintf(&message, fmt, ap) < 0)
        message = NULL;
    if (d->policy == HDBG_AS_HPY && kind != HDBG_LEAK) {
        HDbgFinding f = { .kind = kind, .kind_name = KIND_NAMES[kind], .function = fn,
                          .handle_id = h != NULL ? h->id : 0, .message = message ? message : "", .object = object };
        answer_as_hpy(d, kind, &f);
        free(message);
        return;
    }
    if (d->nfindings == d->findings_cap) {
        size_t cap = d->findings_cap ? 2 * d->findings_cap : 16;
        struct hdbg_finding_rec *f = realloc(d->findings, cap * sizeof *f);
        if (f == NULL) {
            free(message);
            return;
        }
        d->findings = f;
        d->findings_cap = cap;
    }
    struct hdbg_finding_rec *r = &d->findings[d->nfindings++];
    memset(r, 0, sizeof *r);
    r->message = message;
    r->object = object != NULL ? strdup(object) : NULL;
    if (h != NULL && h->stack_depth > 0) {
        r->stack = malloc(h->stack_depth * sizeof(void *));
        if (r->stack != NULL)
            memcpy(r->stack, h->stack, h->stack_depth * sizeof(void *));
    }
    r->pub = (HDbgFinding){
        .kind = kind,
        .kind_name = KIND_NAMES[kind],
        .function = fn,
        .handle_id = h != NULL ? h->id : 0,
        .message = message ? message : "",
        .object = r->object,
        .stack_depth = r->stack ? h->stack_depth : 0,
        .stack = r->stack,
    };
    HDbgHook hook = NULL;
    if (kind == HDBG_USE_AFTER_CLOSE || kind == HDBG_DOUBLE_CLOSE || kind == HDBG_INVALID_HANDLE || kind == HDBG_CLOSE_CONSTANT)
        hook = d->on_handle;
    else if (kind == HDBG_BUILDER_REUSE)
        hook = d->on_builder;
    if (hook != NULL)
        hook(d, &r->pub, d->hook_arg);
}

void hdbg_report(HDbg *d, HDbgKind kind, const char *fn, const HDbgHandle *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(d, kind, fn, h, NULL, fmt, ap);
    va_end(ap);
}

void hdbg_report_object(HDbg *d, HDbgKind kind, const char *fn, const HDbgHandle *h, const char *object,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(d, kind, fn, h, object, fmt, ap);
    va_end(ap);
}

void hdbg_raise(HDbg *d, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    HPyContext *ic = d->inner;
    ic->ctx_Err_SetString(ic, ic->h_SystemError, buf);
}

size_t hdbg_finding_count(HDbg *d)
{
    hdbg_raw_flush_faults(d);
    return d->nfindings;
}

const HDbgFinding *hdbg_finding(HDbg *d, size_t i)
{
    return i < d->nfindings ? &d->findings[i].pub : NULL;
}

void hdbg_clear_findings(HDbg *d)
{
    for (size_t i = 0; i < d->nfindings; i++) {
        free(d->findings[i].message);
        free(d->findings[i].object);
        free(d->findings[i].stack);
    }
    d->nfindings = 0;
}

void hdbg_ctx_misuse(HDbg *d, const char *fn)
{
    hdbg_report(d, HDBG_CTX_OUTSIDE_CALL, fn, NULL,
                "%s was called with an HPyContext kept from a call that has returned or that waits for a nested call (a context is valid only while its own call runs)", fn);
}

/* ---- names of extension functions ---- */

static size_t name_slot(const void *impl, size_t cap)
{
    uintptr_t x = (uintptr_t)impl;
    x ^= x >> 17;
    x *= 0x9e3779b97f4a7c15ULL;
    return (size_t)(x >> 7) & (cap - 1);
}

static void name_put(HDbg *d, const void *impl, const char *name)
{
    if (impl == NULL || name == NULL)
        return;
    if (2 * (d->names_count + 1) > d->names_cap) {
        size_t cap = d->names_cap ? 2 * d->names_cap : 64;
        struct hdbg_name *t = calloc(cap, sizeof *t);
        if (t == NULL)
            return;
        for (size_t i = 0; i < d->names_cap; i++) {
            if (d->names[i].impl == NULL)
                continue;
            size_t j = name_slot(d->names[i].impl, cap);
            while (t[j].impl != NULL)
                j = (j + 1) & (cap - 1);
            t[j] = d->names[i];
        }
        free(d->names);
        d->names = t;
        d->names_cap = cap;
    }
    size_t j = name_slot(impl, d->names_cap);
    while (d->names[j].impl != NULL && d->names[j].impl != impl)
        j = (j + 1) & (d->names_cap - 1);
    if (d->names[j].impl == NULL)
        d->names_count++;
    d->names[j] = (struct hdbg_name){ impl, name };
}

static const char *name_of(HDbg *d, const void *impl)
{
    if (d->names_cap == 0 || impl == NULL)
        return NULL;
    size_t j = name_slot(impl, d->names_cap);
    while (d->names[j].impl != NULL) {
        if (d->names[j].impl == impl)
            return d->names[j].name;
        j = (j + 1) & (d->names_cap - 1);
    }
    return NULL;
}

static const char *owned_name(const char *owner, const char *name)
{
    /* Names live as long as the instance would need them and the binary they come from is
       never unloaded, so they are kept (a few bytes per definition). */
    if (owner == NULL)
        return name;
    char *s = NULL;
    if (asprintf(&s, "%s.%s", owner, name) < 0)
        return name;
    return s;
}

void hdbg_name_defines(HDbg *d, HPyDef *const *defines, const char *owner)
{
    if (defines == NULL)
        return;
    for (HPyDef *const *p = defines; *p != NULL; p++) {
        const HPyDef *def = *p;
        switch (def->kind) {
        case HPyDef_Kind_Meth:
            name_put(d, (const void *)def->meth.impl, owned_name(owner, def->meth.name));
            break;
        case HPyDef_Kind_Slot: {
            /* Named as every backend names it: "array.HPy_nb_multiply", "HPy_mod_exec". */
            const char *slot = hdbg_slot_name((int)def->slot.slot);
            char unknown[32];
            snprintf(unknown, sizeof unknown, "<slot %d>", (int)def->slot.slot);
            name_put(d, (const void *)def->slot.impl, owned_name(owner, slot != NULL ? slot : strdup(unknown)));
            break;
        }
        case HPyDef_Kind_GetSet:
            name_put(d, (const void *)def->getset.getter_impl, owned_name(owner, def->getset.name));
            name_put(d, (const void *)def->getset.setter_impl, owned_name(owner, def->getset.name));
            break;
        default:
            break;
        }
    }
}

const char *hdbg_fn_name(HDbg *d, const void *key)
{
    if (key == NULL)
        return NULL;
    const char *name = name_of(d, key);
    return name != NULL ? name : "<extension code>";
}

size_t hdbg_string_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* ---- calls into extension code ---- */

/* Unnamed extension code (hdbg_enter without a name): a key no name is registered for. */
const char hdbg_unnamed_key = 0;

const char *hdbg_intern(HDbg *d, const char *name)
{
    if (2 * (d->interned_count + 1) > d->interned_cap) {
        size_t cap = d->interned_cap ? 2 * d->interned_cap : 64;
        char **t = calloc(cap, sizeof *t);
        if (t == NULL)
            return NULL;
        for (size_t i = 0; i < d->interned_cap; i++) {
            char *s = d->interned[i];
            if (s == NULL)
                continue;
            size_t j = hdbg_string_hash(s) & (cap - 1);
            while (t[j] != NULL)
                j = (j + 1) & (cap - 1);
            t[j] = s;
        }
        free(d->interned);
        d->interned = t;
        d->interned_cap = cap;
    }
    size_t j = hdbg_string_hash(name) & (d->interned_cap - 1);
    while (d->interned[j] != NULL) {
        if (strcmp(d->interned[j], name) == 0)
            return d->interned[j];
        j = (j + 1) & (d->interned_cap - 1);
    }
    char *copy = strdup(name);
    if (copy == NULL)
        return NULL;
    d->interned[j] = copy;
    d->interned_count++;
    /* The copy is the key of the calls it names: hdbg_fn_name finds it in the names table. */
    name_put(d, copy, copy);
    return copy;
}

/* The ring's next context is in use by an outer call, or the call stack is full. The next free
   context, or when every one is busy (calls nested deeper than the ring), the next one, shared. */
HPyContext *hdbg_enter_slow(HDbg *d, const void *key)
{
    unsigned i = d->ring_next;
    for (int tries = 0; tries < HDBG_RING && d->ring[i].info.busy; tries++)
        i = (i + 1) % HDBG_RING;
    d->ring_next = (i + 1) % HDBG_RING;
    struct hdbg_ctxinfo *ci = &d->ring[i].info;
    if (d->untracked == 0 && d->depth == d->calls_cap) {
        uint32_t cap = d->calls_cap ? 2 * d->calls_cap : 64;
        struct hdbg_call *calls = realloc(d->calls, cap * sizeof *calls);
        if (calls != NULL) {
            d->calls = calls;
            d->calls_cap = cap;
        }
    }
    if (d->untracked > 0 || d->depth == d->calls_cap) {
        /* No memory for the stack: the call runs with a valid context and its caller's stays valid. */
        if (d->untracked++ == 0)
            d->untracked_outer = d->current;
    } else {
        if (d->depth > 0)
            d->calls[d->depth - 1].ci->valid--;
        d->calls[d->depth++] = (struct hdbg_call){ ci, d->current };
    }
    ci->busy++;
    ci->valid++;
    d->current = key;
    return &d->ring[i].ctx;
}

void hdbg_leave_untracked(HDbg *d, HPyContext *call_ctx)
{
    struct hdbg_ctxinfo *ci = hdbg_info_of(call_ctx);
    ci->valid--;
    ci->busy--;
    if (--d->untracked == 0)
        d->current = d->untracked_outer;
}

HPyContext *hdbg_enter(HDbg *d, const char *name)
{
    const char *key = name != NULL ? hdbg_intern(d, name) : NULL;
    return hdbg_enter_key(d, key != NULL ? (const void *)key : &hdbg_unnamed_key);
}

void hdbg_leave(HDbg *d, HPyContext *call_ctx)
{
    /* From a caller that may hand back any context (hdbg_leave_call trusts its caller): only
       the innermost call ends. */
    struct hdbg_ctxinfo *ci = hdbg_info_of(call_ctx);
    if (d->untracked > 0 || (d->depth > 0 && d->calls[d->depth - 1].ci == ci))
        hdbg_leave_call(d, call_ctx);
}

HPy hdbg_take_result(HDbg *d, HPy dh)
{
    HPyContext *ic = d->inner;
    bool err = ic->ctx_Err_Occurred(ic) != 0;
    HDbgHandle *h = hdbg_record(d, dh);
    if (HDBG_LIKELY(!err && h != NULL && h->state == H_OPEN)) {
        /* A new handle, as it should be: the inner one is the caller's now. */
        hdbg_retire(d, h);
        return h->inner;
    }
    const char *fn = d->current ? hdbg_current_name(d) : "<extension code>";
    if (HPy_IsNull(dh)) {
        if (!err)
            hdbg_report(d, HDBG_NULL_WITHOUT_ERROR, fn, NULL, "'%s' returned NULL without setting an exception", fn);
        return HPy_NULL;
    }
    if (err)
        hdbg_report(d, HDBG_RESULT_WITH_ERROR, fn, NULL, "'%s' returned a result with an exception set", fn);
    if (h != NULL && h->state == H_CONSTANT) {
        char what[96];
        hdbg_describe(d, h->inner, what, sizeof what);
        hdbg_report_object(d, HDBG_RETURN_CONSTANT, fn, h, what,
                           "'%s' returned a context constant (%s) instead of a new handle (use HPy_Dup)", fn, what);
    }
    return hdbg_take_owned(d, dh, fn);
}

void hdbg_check_status(HDbg *d, int64_t status)
{
    HPyContext *ic = d->inner;
    bool err = ic->ctx_Err_Occurred(ic) != 0;
    if (HDBG_LIKELY((status == -1) == err))
        return;
    const char *fn = d->current ? hdbg_current_name(d) : "<extension code>";
    if (status == -1 && !err)
        hdbg_report(d, HDBG_NULL_WITHOUT_ERROR, fn, NULL, "'%s' returned -1 without setting an exception", fn);
    else if (status != -1 && err)
        hdbg_report(d, HDBG_RESULT_WITH_ERROR, fn, NULL, "'%s' returned %lld with an exception set", fn, (long long)status);
}

/* The length of a keyword-name tuple, kept (see hdbg_vector_length). */
size_t hdbg_kwnames_length(HDbg *d, HPy u_kwnames)
{
    HPyContext *ic = d->inner;
    HPy_ssize_t k = ic->ctx_Length(ic, u_kwnames);
    if (k < 0)
        return 0; /* the error is the inner context's to report */
    HPy held = ic->ctx_Dup(ic, u_kwnames);
    if (!HPy_IsNull(held)) {
        unsigned slot = d->kwnames_next++ & 3;
        if (!HPy_IsNull(d->kwnames[slot].held))
            ic->ctx_Close(ic, d->kwnames[slot].held);
        d->kwnames[slot].held = held;
        d->kwnames[slot].length = (size_t)k;
    }
    return (size_t)k;
}

/* ---- describing objects ---- */

void hdbg_describe(HDbg *d, HPy inner, char *buf, size_t size)
{
    HPyContext *ic = d->inner;
    if (ic->ctx_Err_Occurred(ic)) {
        /* Describing would need the pending exception cleared, which would lose it. */
        snprintf(buf, size, "an object");
        return;
    }
    const char *tname = "object";
    HPy type = ic->ctx_Type(ic, inner);
    if (!HPy_IsNull(type)) {
        const char *n = ic->ctx_Type_GetName(ic, type);
        if (n != NULL)
            tname = n;
    }
    HPy repr = ic->ctx_Repr(ic, inner);
    HPy_ssize_t len = 0;
    const char *s = HPy_IsNull(repr) ? NULL : ic->ctx_Unicode_AsUTF8AndSize(ic, repr, &len);
    if (s != NULL) {
        int shown = len > 60 ? 57 : (int)len;
        snprintf(buf, size, "%s %.*s%s", tname, shown, s, len > 60 ? "..." : "");
    } else {
        snprintf(buf, size, "%s", tname);
    }
    if (!HPy_IsNull(repr))
        ic->ctx_Close(ic, repr);
    if (!HPy_IsNull(type))
        ic->ctx_Close(ic, type);
    if (ic->ctx_Err_Occurred(ic))
        ic->ctx_Err_Clear(ic);
}

size_t hdbg_check_leaks(HDbg *d, int64_t gen)
{
    size_t n = 0;
    HDbgHandle **open = hdbg_open_sorted(d, gen, &n);
    for (size_t i = 0; i < n; i++) {
        HDbgHandle *h = open[i];
        char what[96];
        hdbg_describe(d, h->inner, what, sizeof what);
        const char *in = h->opened_in ? hdbg_fn_name(d, h->opened_in) : "<no call>";
        hdbg_report_object(d, HDBG_LEAK, in, h, what, "handle %llu opened in '%s' by %s was never closed (%s)",
                           (unsigned long long)h->id, in, h->opened_by, what);
    }
    free(open);
    return n;
}

/* ---- JSON for the TypeScript side ---- */

struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *t = realloc(b->s, cap);
        if (t == NULL)
            return;
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void sb_string(struct sbuf *b, const char *s)
{
    sb_put(b, "\"", 1);
    for (; s != NULL && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            sb_put(b, e, 2);
        } else if (c < 0x20) {
            sb_printf(b, "\\u%04x", c);
        } else {
            sb_put(b, (const char *)&c, 1);
        }
    }
    sb_put(b, "\"", 1);
}

void hdbg_symbolize(void *frame, char *buf, size_t size)
{
    Dl_info info;
    if (dladdr(frame, &info) && info.dli_sname != NULL)
        snprintf(buf, size, "%s+0x%lx (%s)", info.dli_sname, (unsigned long)((char *)frame - (char *)info.dli_saddr),
                 info.dli_fname ? info.dli_fname : "?");
    else if (dladdr(frame, &info) && info.dli_fname != NULL)
        snprintf(buf, size, "%s+0x%lx", info.dli_fname, (unsigned long)((char *)frame - (char *)info.dli_fbase));
    else
        snprintf(buf, size, "%p", frame);
}

char *hdbg_findings_json(HDbg *d, size_t from)
{
    hdbg_raw_flush_faults(d);
    struct sbuf b = { 0 };
    sb_put(&b, "[", 1);
    for (size_t i = from; i < d->nfindings; i++) {
        const HDbgFinding *f = &d->findings[i].pub;
        if (i > from)
            sb_put(&b, ",", 1);
        sb_put(&b, "{\"kind\":", 8);
        sb_string(&b, f->kind_name);
        sb_put(&b, ",\"function\":", 12);
        sb_string(&b, f->function);
        sb_printf(&b, ",\"handle\":%llu,\"message\":", (unsigned long long)f->handle_id);
        sb_string(&b, f->message);
        if (f->object != NULL) {
            sb_put(&b, ",\"object\":", 10);
            sb_string(&b, f->object);
        }
        if (f->stack_depth > 0) {
            sb_put(&b, ",\"stack\":[", 10);
            for (int k = 0; k < f->stack_depth; k++) {
                char frame[512];
                hdbg_symbolize(f->stack[k], frame, sizeof frame);
                if (k)
                    sb_put(&b, ",", 1);
                sb_string(&b, frame);
            }
            sb_put(&b, "]", 1);
        }
        sb_put(&b, "}", 1);
    }
    sb_put(&b, "]", 1);
    return b.s;
}

void hdbg_free_string(char *s) { free(s); }
