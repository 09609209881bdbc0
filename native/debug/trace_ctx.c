/* The trace context's instance, its re-entry into extension code and its figures. */

#include "trace_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HTrace *htr_new(HPyContext *inner)
{
    HTrace *t = calloc(1, sizeof *t + htr_nfuncs * sizeof(uint64_t));
    if (t == NULL)
        return NULL;
    t->durations = calloc(htr_nfuncs, sizeof(uint64_t));
    if (t->durations == NULL) {
        htr_free(t);
        return NULL;
    }
    htr_clock_init();
    /* Durations are on unless turned off: the matrix's reports show them. */
    t->durations_on = 1;
    t->slow = HTR_TIMED;
    t->magic = HTR_MAGIC;
    t->inner = inner;
    t->ctx.name = "HPy Trace Mode ABI (hpy-matrix)"; /* tools read the mode from the name's start */
    t->ctx.abi_version = inner->abi_version;
    t->ctx._private = t;
    htr_fill(&t->ctx, inner);
    return t;
}

void htr_free(HTrace *t)
{
    if (t == NULL)
        return;
    free(t->durations);
    free(t);
}

HPyContext *htr_ctx(HTrace *t) { return &t->ctx; }

HTrace *htr_from_ctx(HPyContext *ctx)
{
    if (ctx == NULL || ctx->_private == NULL)
        return NULL;
    HTrace *t = (HTrace *)ctx->_private;
    return t->magic == HTR_MAGIC ? t : NULL;
}

size_t htr_function_count(void) { return htr_nfuncs; }
const char *htr_function_name(size_t i) { return i < htr_nfuncs ? htr_names[i] : NULL; }
uint64_t htr_call_count(HTrace *t, size_t i) { return i < htr_nfuncs ? t->counts[i] : 0; }
uint64_t htr_duration_ns(HTrace *t, size_t i) { return i < htr_nfuncs ? htr_ticks_to_ns(t->durations[i]) : 0; }

void htr_reset(HTrace *t)
{
    memset(t->counts, 0, htr_nfuncs * sizeof(uint64_t));
    memset(t->durations, 0, htr_nfuncs * sizeof(uint64_t));
}

HPyContext *htr_enter(HTrace *t) { return &t->ctx; }

static void update_slow(HTrace *t)
{
    t->slow = t->on_enter != NULL || t->on_exit != NULL ? HTR_HOOKED : t->durations_on ? HTR_TIMED : HTR_COUNTED;
}

void htr_set_hooks(HTrace *t, HTraceHook on_enter, HTraceHook on_exit, void *arg)
{
    t->on_enter = on_enter;
    t->on_exit = on_exit;
    t->hook_arg = arg;
    update_slow(t);
}

void htr_set_durations(HTrace *t, int on)
{
    t->durations_on = on != 0;
    update_slow(t);
}

int htr_durations(HTrace *t) { return t->durations_on; }

uint64_t htr_begin_slow(HTrace *t, size_t i)
{
    if (t->on_enter != NULL)
        t->on_enter(t, i, t->hook_arg);
    return t->durations_on ? htr_now() : 0;
}

void htr_done_slow(HTrace *t, size_t i, uint64_t t0)
{
    if (t->durations_on && t0 != 0)
        t->durations[i] += htr_now() - t0;
    if (t->on_exit != NULL)
        t->on_exit(t, i, t->hook_arg);
}

/* ---- re-entry: impls run with the trace context, on the inner context's handles ---- */

typedef struct {
    HTrace *t;
    HPyCFunction func;
    HPyContext *ctx;
} htr_call_state;

static _Thread_local HDBG_TLS_FAST struct {
    HTrace *t;
    HPyCFunction func;
} pending;

static inline htr_call_state begin_call(void)
{
    htr_call_state s = { pending.t, pending.func, NULL };
    s.ctx = &s.t->ctx;
    return s;
}

#define LAYER_NAME(x) htr_##x
#define LAYER_STATE htr_call_state
#define LAYER_SMALL_ARRAY 1
#define LAYER_BEGIN(ictx) ((void)(ictx), begin_call())
#define LAYER_OPEN(L, in, out, n) memcpy((out), (in), (n) * sizeof(HPy))
#define LAYER_CLOSE(L, h, n) ((void)(h))
#define LAYER_FRAME(L, in, k, a, n, small) ((void)(small), (HPy *)(in))
#define LAYER_FRAME_ARRAY(L, h, k, a) ((HPy *)(a))
#define LAYER_FRAME_DONE(L, h, k, n, small) ((void)(h), (void)(n))
#define LAYER_VECTOR_LENGTH(L, nargs, kwnames) ((void)(kwnames), (size_t)0)
#define LAYER_BUFFER_OUT(L, buf) ((void)(buf))
#define LAYER_END_HPY(L, r) (r)
#define LAYER_END_HPY_ITERNEXT(L, r) (r)
#define LAYER_END_STATUS(L, r) (r)
#define LAYER_END_VOID(L) ((void)(L))
#include "autogen_shims.h"

/* Not counted or timed, as in HPy: the trampoline is the way into the extension's function,
   not a call the extension makes. */
void htr_CallRealFunctionFromTrampoline(HPyContext *ctx, HPyFunc_Signature sig, HPyCFunction func, void *args)
{
    HTrace *t = htr_get(ctx);
    HPyCFunction shim = htr_shim_for(sig);
    if (shim != NULL) {
        pending.t = t;
        pending.func = func;
        func = shim;
    }
    t->inner->ctx_CallRealFunctionFromTrampoline(t->inner, sig, func, args);
}

char *htr_counts_json(HTrace *t)
{
    size_t cap = 64 + htr_nfuncs * 80, len = 0;
    char *s = malloc(cap);
    if (s == NULL)
        return NULL;
    len += (size_t)snprintf(s + len, cap - len, "{");
    int first = 1;
    for (size_t i = 0; i < htr_nfuncs; i++) {
        if (t->counts[i] == 0)
            continue;
        len += (size_t)snprintf(s + len, cap - len, "%s\"%s\":[%llu,%llu]", first ? "" : ",", htr_names[i],
                                (unsigned long long)t->counts[i], (unsigned long long)htr_ticks_to_ns(t->durations[i]));
        first = 0;
    }
    snprintf(s + len, cap - len, "}");
    return s;
}
