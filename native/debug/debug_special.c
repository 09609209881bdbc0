/* The debug context's functions that do more than translate handles: closing, builders and
   trackers, raw data, out-parameters, type creation, and the re-entry into extension code. */
#include "debug_internal.h"
#include <stdlib.h>
#include <string.h>

/* ---- re-entry: the shims (generated) run the impl with a per-call context ---- */

typedef struct {
    HDbg *d;
    HPyCFunction func;
    HPyContext *ctx;
} hdbg_call_state;

/* Set just before the inner context calls the shim, which reads it first thing. Per thread:
   the layers library may serve backends in several worker threads of one process. The
   initial-exec model makes it one instruction away instead of a call to __tls_get_addr; it
   needs 16 bytes of the static TLS that glibc keeps for libraries loaded later. */
static _Thread_local HDBG_TLS_FAST struct {
    HDbg *d;
    HPyCFunction func;
} pending;

HDBG_HOT hdbg_call_state begin_call(void)
{
    hdbg_call_state s = { pending.d, pending.func, NULL };
    s.ctx = hdbg_enter_key(s.d, (const void *)s.func);
    return s;
}

HDBG_HOT HPy end_hpy(hdbg_call_state *s, HPy r)
{
    HPy u = hdbg_end_result(s->d, r);
    hdbg_leave_call(s->d, s->ctx);
    return u;
}

HDBG_HOT HPy end_iternext(hdbg_call_state *s, HPy r)
{
    HPy u = HPy_IsNull(r) ? HPy_NULL : hdbg_end_result(s->d, r);
    hdbg_leave_call(s->d, s->ctx);
    return u;
}

HDBG_HOT int64_t end_status(hdbg_call_state *s, int64_t r)
{
    hdbg_check_status(s->d, r);
    hdbg_leave_call(s->d, s->ctx);
    return r;
}

#define LAYER_NAME(x) hdbg_##x
#define LAYER_STATE hdbg_call_state
#define LAYER_SMALL_ARRAY HDBG_SMALL_ARRAY
#define LAYER_BEGIN(ictx) ((void)(ictx), begin_call())
#define LAYER_OPEN(L, in, out, n) hdbg_open_args((L).d, (in), (out), (n))
#define LAYER_CLOSE(L, h, n) hdbg_close_args((L).d, (h), (n))
#define LAYER_FRAME(L, in, k, a, n, small) hdbg_open_frame((L).d, (in), (k), (a), (n), (small))
#define LAYER_FRAME_ARRAY(L, h, k, a) ((h) + (k))
#define LAYER_FRAME_DONE(L, h, k, n, small) hdbg_close_frame((L).d, (h), (k), (n), (small))
#define LAYER_VECTOR_LENGTH(L, nargs, kwnames) hdbg_vector_length((L).d, (size_t)(nargs), (kwnames))
#define LAYER_BUFFER_OUT(L, buf) ((buf)->obj = hdbg_take_owned((L).d, (buf)->obj, hdbg_current_name((L).d)))
#define LAYER_END_HPY(L, r) end_hpy(&(L), (r))
#define LAYER_END_HPY_ITERNEXT(L, r) end_iternext(&(L), (r))
#define LAYER_END_STATUS(L, r) end_status(&(L), (int64_t)(r))
#define LAYER_END_VOID(L) hdbg_leave_call((L).d, (L).ctx)
#include "autogen_shims.h"

/* A context used outside its call, or a signature whose impls take no context (traverse, destroy,
   capsule destructors: no handles to check). */
__attribute__((noinline)) static void crfft_other(HPyContext *ctx, HPyFunc_Signature sig, HPyCFunction func, void *args)
{
    HDbg *d = hdbg_get(ctx, "_HPy_CallRealFunctionFromTrampoline");
    HPyContext *ic = d->inner;
    HPyCFunction shim = hdbg_shim_for(sig);
    if (shim == NULL) {
        ic->ctx_CallRealFunctionFromTrampoline(ic, sig, func, args);
        return;
    }
    pending.d = d;
    pending.func = func;
    ic->ctx_CallRealFunctionFromTrampoline(ic, sig, shim, args);
}

void hdbg_s_CallRealFunctionFromTrampoline(HPyContext *ctx, HPyFunc_Signature sig, HPyCFunction func, void *args)
{
    /* hdbg_get's check and the shim lookup first, the rest out of line: the common call is a
       tail call into the inner context. */
    struct hdbg_ctxinfo *ci = hdbg_info_of(ctx);
    HPyCFunction shim = hdbg_shim_for(sig);
    if (HDBG_UNLIKELY(ci->valid <= 0 || shim == NULL)) {
        crfft_other(ctx, sig, func, args);
        return;
    }
    HDbg *d = ci->d;
    pending.d = d;
    pending.func = func;
    HPyContext *ic = d->inner;
    ic->ctx_CallRealFunctionFromTrampoline(ic, sig, shim, args);
}

/* ---- closing ---- */

static void close_bad(HDbg *d, HPy h)
{
    HDbgHandle *dh = hdbg_record(d, h);
    if (dh != NULL && hdbg_closed_known(d, dh)) {
        const char *in = d->current ? hdbg_current_name(d) : "<no call>";
        hdbg_report(d, HDBG_DOUBLE_CLOSE, "HPy_Close", dh, "handle %llu was closed twice (second time in '%s'; opened by %s)",
                    (unsigned long long)dh->id, in, dh->opened_by);
        return;
    }
    if (dh != NULL && dh->state == H_OPEN_RAW) {
        hdbg_close_slow(d, dh);
        return;
    }
    if (dh != NULL && dh->state == H_CONSTANT) {
        const char *in = d->current ? hdbg_current_name(d) : "<no call>";
        char what[96];
        hdbg_describe(d, dh->inner, what, sizeof what);
        hdbg_report_object(d, HDBG_CLOSE_CONSTANT, "HPy_Close", dh, what, "'%s' closed a context constant (%s)", in, what);
        return;
    }
    hdbg_check(d, h, "HPy_Close"); /* reports the invalid handle */
}

void hdbg_s_Close(HPyContext *ctx, HPy h)
{
    HDbg *d = hdbg_get(ctx, "HPy_Close");
    HDbgHandle *dh = hdbg_record(d, h);
    if (HDBG_LIKELY(dh != NULL && dh->state == H_OPEN)) {
        hdbg_close_handle(d, dh);
        return;
    }
    if (!HPy_IsNull(h))
        close_bad(d, h);
}

/* ---- builders and trackers ---- */

static struct hdbg_builder *new_builder(HDbg *d, int kind, intptr_t inner)
{
    int64_t i = hdbg_pool_take(&d->builders);
    if (i < 0) {
        d->inner->ctx_Err_NoMemory(d->inner);
        return NULL;
    }
    struct hdbg_builder *b = hdbg_pool_at(&d->builders, (uint32_t)i);
    b->kind = (uint16_t)kind;
    b->state = B_OPEN;
    b->inner = inner;
    b->length = 0;
    b->ended_by = NULL;
    return b;
}

/* A builder record taken but not handed out goes back (its tracker buffer stays with it). */
static void drop_builder(HDbg *d, struct hdbg_builder *b)
{
    b->kind = B_FREE;
    hdbg_pool_give_back(&d->builders, hdbg_pool_index(&d->builders, b));
}

static const char *builder_kind(int kind)
{
    return kind == B_LIST ? "HPyListBuilder" : kind == B_TUPLE ? "HPyTupleBuilder" : "HPyTracker";
}

/* The builder behind `token` if it is still open; NULL with a finding otherwise (functions that
   return a value then raise: see builder_failed). */
static struct hdbg_builder *open_builder(HDbg *d, intptr_t token, int kind, const char *fn)
{
    struct hdbg_builder *b = hdbg_pool_find(&d->builders, (uintptr_t)token);
    if (HDBG_LIKELY(b != NULL && b->kind == kind && b->state == B_OPEN))
        return b;
    if (token == 0)
        return NULL; /* the NULL builder of a failed New: the inner context rejects it */
    if (b == NULL || b->kind != kind || !hdbg_pool_remembers(&d->builders, b->retired_at)) {
        /* not a builder, another kind, or one the queue has forgotten */
        hdbg_report(d, HDBG_BUILDER_REUSE, fn, NULL, "%s got %#lx, which is not a live %s of this context", fn,
                    (unsigned long)token, builder_kind(kind));
        return NULL;
    }
    const char *in = d->current ? hdbg_current_name(d) : "<no call>";
    hdbg_report(d, HDBG_BUILDER_REUSE, fn, NULL, "%s in '%s': the %s was already ended by %s", fn, in,
                builder_kind(kind), b->ended_by);
    return NULL;
}

static void builder_failed(HDbg *d, intptr_t token, int kind, const char *fn)
{
    if (token == 0)
        return; /* the inner context has reported the NULL builder */
    if (d->policy == HDBG_AS_HPY && kind != B_TRACKER) {
        /* HPy hands the inner Build a NULL builder, one whose creation failed: MemoryError. */
        d->inner->ctx_Err_NoMemory(d->inner);
        return;
    }
    hdbg_raise(d, "%s: the %s is no longer usable (debug layer)", fn, builder_kind(kind));
}

/* List and tuple builders are checked alike; only the token's type and field differ. */
#define DEFINE_BUILDER(Kind, field, KIND)                                                              \
    HPy##Kind##Builder hdbg_s_##Kind##Builder_New(HPyContext *ctx, HPy_ssize_t size)                   \
    {                                                                                                  \
        HDbg *d = hdbg_get(ctx, "HPy" #Kind "Builder_New");                                            \
        HPyContext *ic = d->inner;                                                                     \
        HPy##Kind##Builder inner = ic->ctx_##Kind##Builder_New(ic, size);                              \
        if (inner.field == 0)                                                                          \
            return inner;                                                                              \
        struct hdbg_builder *b = new_builder(d, KIND, inner.field);                                    \
        if (b == NULL) {                                                                               \
            ic->ctx_##Kind##Builder_Cancel(ic, inner);                                                 \
            return (HPy##Kind##Builder){ 0 };                                                          \
        }                                                                                              \
        return (HPy##Kind##Builder){ (intptr_t)b };                                                    \
    }                                                                                                  \
                                                                                                       \
    void hdbg_s_##Kind##Builder_Set(HPyContext *ctx, HPy##Kind##Builder builder, HPy_ssize_t index, HPy h_item) \
    {                                                                                                  \
        HDbg *d = hdbg_get(ctx, "HPy" #Kind "Builder_Set");                                            \
        struct hdbg_builder *b = open_builder(d, builder.field, KIND, "HPy" #Kind "Builder_Set");      \
        HPy u;                                                                                         \
        if (b == NULL || !hdbg_unwrap_void(d, h_item, &u, "HPy" #Kind "Builder_Set"))                  \
            return;                                                                                    \
        d->inner->ctx_##Kind##Builder_Set(d->inner, (HPy##Kind##Builder){ b->inner }, index, u);       \
    }                                                                                                  \
                                                                                                       \
    HPy hdbg_s_##Kind##Builder_Build(HPyContext *ctx, HPy##Kind##Builder builder)                      \
    {                                                                                                  \
        HDbg *d = hdbg_get(ctx, "HPy" #Kind "Builder_Build");                                          \
        struct hdbg_builder *b = open_builder(d, builder.field, KIND, "HPy" #Kind "Builder_Build");    \
        if (b == NULL) {                                                                               \
            if (builder.field == 0)                                                                    \
                return d->inner->ctx_##Kind##Builder_Build(d->inner, builder);                         \
            builder_failed(d, builder.field, KIND, "HPy" #Kind "Builder_Build");                       \
            return HPy_NULL;                                                                           \
        }                                                                                              \
        HPy r = d->inner->ctx_##Kind##Builder_Build(d->inner, (HPy##Kind##Builder){ b->inner });       \
        hdbg_builder_retire(d, b, "HPy" #Kind "Builder_Build");                                        \
        return hdbg_wrap(d, r, "HPy" #Kind "Builder_Build");                                           \
    }                                                                                                  \
                                                                                                       \
    void hdbg_s_##Kind##Builder_Cancel(HPyContext *ctx, HPy##Kind##Builder builder)                    \
    {                                                                                                  \
        HDbg *d = hdbg_get(ctx, "HPy" #Kind "Builder_Cancel");                                         \
        struct hdbg_builder *b = open_builder(d, builder.field, KIND, "HPy" #Kind "Builder_Cancel");   \
        if (b == NULL)                                                                                 \
            return;                                                                                    \
        d->inner->ctx_##Kind##Builder_Cancel(d->inner, (HPy##Kind##Builder){ b->inner });              \
        hdbg_builder_retire(d, b, "HPy" #Kind "Builder_Cancel");                                       \
    }

DEFINE_BUILDER(List, _lst, B_LIST)
DEFINE_BUILDER(Tuple, _tup, B_TUPLE)

/* Trackers are kept here, not in the inner context: closing one must close debug handles. */
HPyTracker hdbg_s_Tracker_New(HPyContext *ctx, HPy_ssize_t size)
{
    HDbg *d = hdbg_get(ctx, "HPyTracker_New");
    struct hdbg_builder *b = new_builder(d, B_TRACKER, 0);
    if (b == NULL)
        return (HPyTracker){ 0 };
    size_t want = size > 0 ? (size_t)size : 8;
    if (b->items == NULL || b->capacity < want) {
        HPy *items = realloc(b->items, want * sizeof(HPy));
        if (items == NULL) {
            drop_builder(d, b);
            d->inner->ctx_Err_NoMemory(d->inner);
            return (HPyTracker){ 0 };
        }
        b->items = items;
        b->capacity = want;
    }
    return (HPyTracker){ (intptr_t)b };
}

int hdbg_s_Tracker_Add(HPyContext *ctx, HPyTracker ht, HPy h)
{
    HDbg *d = hdbg_get(ctx, "HPyTracker_Add");
    struct hdbg_builder *b = open_builder(d, ht._i, B_TRACKER, "HPyTracker_Add");
    if (b == NULL) {
        if (ht._i == 0)
            hdbg_raise(d, "HPyTracker_Add: NULL tracker");
        builder_failed(d, ht._i, B_TRACKER, "HPyTracker_Add");
        return -1;
    }
    HPy unused;
    if (!hdbg_unwrap(d, h, &unused, "HPyTracker_Add"))
        return -1;
    if (b->length == b->capacity) {
        HPy *items = realloc(b->items, 2 * b->capacity * sizeof(HPy));
        if (items == NULL) {
            d->inner->ctx_Err_NoMemory(d->inner);
            return -1;
        }
        b->items = items;
        b->capacity *= 2;
    }
    b->items[b->length++] = h;
    return 0;
}

void hdbg_s_Tracker_ForgetAll(HPyContext *ctx, HPyTracker ht)
{
    HDbg *d = hdbg_get(ctx, "HPyTracker_ForgetAll");
    struct hdbg_builder *b = open_builder(d, ht._i, B_TRACKER, "HPyTracker_ForgetAll");
    if (b != NULL)
        b->length = 0;
}

void hdbg_s_Tracker_Close(HPyContext *ctx, HPyTracker ht)
{
    HDbg *d = hdbg_get(ctx, "HPyTracker_Close");
    struct hdbg_builder *b = open_builder(d, ht._i, B_TRACKER, "HPyTracker_Close");
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->length; i++)
        hdbg_s_Close(ctx, b->items[i]);
    hdbg_builder_retire(d, b, "HPyTracker_Close");
}

/* ---- raw data ---- */

static const char *get_type_name(HPyContext *ic, HPy h, HPy_ssize_t *size)
{
    const char *s = ic->ctx_Type_GetName(ic, h);
    *size = s != NULL ? (HPy_ssize_t)strlen(s) : 0;
    return s;
}

/* `not_a_type`: HPy's words when h must be a type (NULL: any object). */
static const char *raw(HPyContext *ctx, HPy h, HPy_ssize_t *size_out, const char *fn,
                       const char *(*get)(HPyContext *, HPy, HPy_ssize_t *), const char *not_a_type)
{
    HDbg *d = hdbg_get(ctx, fn);
    HDbgHandle *dh = HPy_IsNull(h) ? NULL : hdbg_check(d, h, fn);
    if (dh == NULL && !HPy_IsNull(h)) {
        hdbg_raise_bad(d, h, fn);
        return NULL;
    }
    HPy u = HPy_IsNull(h) ? HPy_NULL : dh->inner;
    if (not_a_type != NULL)
        hdbg_check_type(d, u, fn, not_a_type);
    HPy_ssize_t size = 0;
    const char *data = get(d->inner, u, &size);
    if (size_out != NULL)
        *size_out = size;
    if (data == NULL || dh == NULL || !hdbg_is_open(dh))
        return data;
    return hdbg_raw_copy(d, dh, data, (size_t)size, fn);
}

static const char *get_utf8(HPyContext *ic, HPy h, HPy_ssize_t *size)
{
    return ic->ctx_Unicode_AsUTF8AndSize(ic, h, size);
}

static const char *get_bytes(HPyContext *ic, HPy h, HPy_ssize_t *size)
{
    const char *s = ic->ctx_Bytes_AsString(ic, h);
    *size = s != NULL ? ic->ctx_Bytes_Size(ic, h) : 0;
    return s;
}

static const char *get_bytes_unchecked(HPyContext *ic, HPy h, HPy_ssize_t *size)
{
    const char *s = ic->ctx_Bytes_AS_STRING(ic, h);
    *size = s != NULL ? ic->ctx_Bytes_GET_SIZE(ic, h) : 0;
    return s;
}

const char *hdbg_s_Unicode_AsUTF8AndSize(HPyContext *ctx, HPy h, HPy_ssize_t *size)
{
    return raw(ctx, h, size, "HPyUnicode_AsUTF8AndSize", get_utf8, NULL);
}

const char *hdbg_s_Bytes_AsString(HPyContext *ctx, HPy h)
{
    return raw(ctx, h, NULL, "HPyBytes_AsString", get_bytes, NULL);
}

const char *hdbg_s_Bytes_AS_STRING(HPyContext *ctx, HPy h)
{
    return raw(ctx, h, NULL, "HPyBytes_AS_STRING", get_bytes_unchecked, NULL);
}

const char *hdbg_s_Type_GetName(HPyContext *ctx, HPy type)
{
    return raw(ctx, type, NULL, "HPyType_GetName", get_type_name, "HPyType_GetName arg must be a type");
}

/* ---- out-parameters and specs ---- */

int32_t hdbg_s_ContextVar_Get(HPyContext *ctx, HPy context_var, HPy default_value, HPy *result)
{
    HDbg *d = hdbg_get(ctx, "HPyContextVar_Get");
    HPy u_var, u_default, u_result = HPy_NULL;
    if (!hdbg_unwrap(d, context_var, &u_var, "HPyContextVar_Get") ||
        !hdbg_unwrap(d, default_value, &u_default, "HPyContextVar_Get"))
        return -1;
    int32_t r = d->inner->ctx_ContextVar_Get(d->inner, u_var, u_default, &u_result);
    *result = hdbg_wrap(d, u_result, "HPyContextVar_Get");
    return r;
}

HPy hdbg_s_Type_FromSpec(HPyContext *ctx, HPyType_Spec *spec, HPyType_SpecParam *params)
{
    HDbg *d = hdbg_get(ctx, "HPyType_FromSpec");
    size_t n = 0;
    while (params != NULL && params[n].kind != 0)
        n++;
    HPyType_SpecParam small[8];
    HPyType_SpecParam *u = n < 8 ? small : malloc((n + 1) * sizeof *u);
    if (u == NULL) {
        d->inner->ctx_Err_NoMemory(d->inner);
        return HPy_NULL;
    }
    for (size_t i = 0; i < n; i++) {
        u[i] = params[i];
        if (!hdbg_unwrap(d, params[i].object, &u[i].object, "HPyType_FromSpec")) {
            if (u != small)
                free(u);
            return HPy_NULL;
        }
    }
    u[n].kind = 0;
    u[n].object = HPy_NULL;
    if (spec != NULL && spec->name != NULL) {
        const char *dot = strrchr(spec->name, '.');
        hdbg_name_defines(d, spec->defines, dot ? dot + 1 : spec->name);
    }
    HPy r = d->inner->ctx_Type_FromSpec(d->inner, spec, params != NULL ? u : NULL);
    if (u != small)
        free(u);
    return hdbg_wrap(d, r, "HPyType_FromSpec");
}
