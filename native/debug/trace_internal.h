/* The trace context: counts and time per context function, forwarded to the inner context. */
#ifndef HTR_INTERNAL_H
#define HTR_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clock_gettime, asprintf, dladdr */
#endif
#include "hdbg.h"
#include <time.h>

#define HTR_MAGIC 0x6874726163656374ULL /* "htracect" */

struct HTrace {
    uint64_t magic; /* first: hdbg_from_ctx reads the same word of _private */
    HPyContext ctx;
    HPyContext *inner;
    uint64_t *counts;
    uint64_t *durations;
    HTraceHook on_enter, on_exit;
    void *hook_arg;
};

extern const size_t htr_nfuncs;
extern const char *const htr_names[];
extern const size_t htr_crfft_index;

static inline HTrace *htr_get(HPyContext *ctx) { return (HTrace *)ctx->_private; }

static inline uint64_t htr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t htr_begin(HTrace *t, size_t i)
{
    if (t->on_enter != NULL)
        t->on_enter(t, i, t->hook_arg);
    return htr_now();
}

static inline void htr_done(HTrace *t, size_t i, uint64_t t0)
{
    t->counts[i]++;
    t->durations[i] += htr_now() - t0;
    if (t->on_exit != NULL)
        t->on_exit(t, i, t->hook_arg);
}

void htr_fill(HPyContext *ctx, HPyContext *inner);
void htr_CallRealFunctionFromTrampoline(HPyContext *ctx, HPyFunc_Signature sig, HPyCFunction func, void *args);

#endif /* HTR_INTERNAL_H */
