/* The trace context: counts (and, when asked for, time) per context function, forwarded to the
   inner context. Counting is one increment; everything else (durations, the enter and exit
   hooks) is behind one flag, so a wrapper without them is a count and a tail call. */
#ifndef HTR_INTERNAL_H
#define HTR_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* clock_gettime, asprintf, dladdr */
#endif
#include "hdbg.h"
#include <stddef.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#define HTR_MAGIC 0x6874726163656374ULL /* "htracect" */
#define HTR_LIKELY(x) __builtin_expect(!!(x), 1)

struct HTrace {
    uint64_t magic; /* first: hdbg_from_ctx reads the same word of _private */
    HPyContext ctx;
    HPyContext *inner;
    /* What a wrapper does besides counting: nothing, time the call (HTR_TIMED), or run the hooks
       (HTR_HOOKED, and time the call when durations are on). */
    int slow;
    int durations_on;
    HTraceHook on_enter, on_exit;
    void *hook_arg;
    uint64_t *durations; /* clock ticks (htr_ticks), converted to ns when read */
    uint64_t counts[];   /* one per function member, in layout order */
};

extern const size_t htr_nfuncs;
extern const char *const htr_names[];

/* The instance of one of its contexts, by arithmetic (its _private, for htr_from_ctx, says the same). */
static inline HTrace *htr_get(HPyContext *ctx) { return (HTrace *)((char *)ctx - offsetof(HTrace, ctx)); }

enum { HTR_COUNTED = 0, HTR_TIMED = 1, HTR_HOOKED = 2 };

/* The clock of the durations (trace_clock.c): the time-stamp counter where it runs at a constant
   rate (x86-64 with an invariant TSC), CLOCK_MONOTONIC elsewhere; ticks, not ns. */
uint64_t htr_ticks(void);
void htr_clock_init(void);
uint64_t htr_ticks_to_ns(uint64_t ticks);
extern int htr_clock_tsc;
static inline uint64_t htr_now(void)
{
#if defined(__x86_64__)
    if (HTR_LIKELY(htr_clock_tsc))
        return __rdtsc();
#endif
    return htr_ticks();
}

/* Around a forwarded call when t->slow: hooks, and the clock when durations are on. */
uint64_t htr_begin_slow(HTrace *t, size_t i);
void htr_done_slow(HTrace *t, size_t i, uint64_t t0);

void htr_fill(HPyContext *ctx, HPyContext *inner);
void htr_CallRealFunctionFromTrampoline(HPyContext *ctx, HPyFunc_Signature sig, HPyCFunction func, void *args);

#endif /* HTR_INTERNAL_H */
