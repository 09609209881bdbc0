/* The trace layer's clock for durations. Reading CLOCK_MONOTONIC costs about 23 ns on this
   project's VMs, twice per context call; the time-stamp counter costs about 9.5 ns and, where
   the CPU says it runs at a constant rate whatever the power state (the invariant TSC), counts
   the same time. Durations are kept in ticks of whichever clock is used and converted to ns
   when read, with a frequency measured against CLOCK_MONOTONIC over the time since the first
   trace instance (at least 20 ms, waited for once when read sooner). */

#include "trace_internal.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

enum { CLOCK_UNSET = 0, CLOCK_TSC, CLOCK_MONO };
static int g_clock;
int htr_clock_tsc; /* g_clock == CLOCK_TSC, for htr_now */
static uint64_t g_tsc0, g_ns0;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#if defined(__x86_64__)
static int invariant_tsc(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
        return 0;
    __cpuid(0x80000007u, a, b, c, d);
    return (d >> 8) & 1;
}

/* A TSC reading and the CLOCK_MONOTONIC time of it: the middle of the two TSC readings around
   the clock_gettime whose readings were closest together, of a few tries (the first call in a
   process is slow, faulting the vDSO's data in, and any call may be interrupted). */
static void pair(uint64_t *tsc, uint64_t *ns)
{
    uint64_t best = UINT64_MAX;
    *tsc = *ns = 0;
    for (int i = 0; i < 5; i++) {
        uint64_t a = __rdtsc();
        uint64_t n = mono_ns();
        uint64_t b = __rdtsc();
        if (b - a < best) {
            best = b - a;
            *ns = n;
            *tsc = a + (b - a) / 2;
        }
    }
}
#endif

void htr_clock_init(void)
{
    if (g_clock != CLOCK_UNSET)
        return;
#if defined(__x86_64__)
    /* HPY_MATRIX_TRACE_CLOCK=monotonic: CLOCK_MONOTONIC even where the TSC would do. */
    const char *forced = getenv("HPY_MATRIX_TRACE_CLOCK");
    if (invariant_tsc() && (forced == NULL || strcmp(forced, "monotonic") != 0)) {
        pair(&g_tsc0, &g_ns0);
        g_clock = CLOCK_TSC;
        htr_clock_tsc = 1;
        return;
    }
#endif
    g_clock = CLOCK_MONO;
}

uint64_t htr_ticks(void)
{
#if defined(__x86_64__)
    if (HTR_LIKELY(g_clock == CLOCK_TSC))
        return __rdtsc();
#endif
    return mono_ns();
}

/* Ticks per second of the clock the durations are measured with: for the TSC, measured over the
   longest time available, again whenever that time has doubled. */
static double g_freq;
static uint64_t g_freq_span;

static double frequency(void)
{
#if defined(__x86_64__)
    if (g_clock == CLOCK_TSC) {
        uint64_t tsc, ns;
        pair(&tsc, &ns);
        while (ns - g_ns0 < 20000000u)
            pair(&tsc, &ns);
        if (ns - g_ns0 >= 2 * g_freq_span) {
            g_freq = (double)(tsc - g_tsc0) * 1e9 / (double)(ns - g_ns0);
            g_freq_span = ns - g_ns0;
        }
        return g_freq;
    }
#endif
    return 1e9;
}

uint64_t htr_ticks_to_ns(uint64_t ticks)
{
    if (g_clock != CLOCK_TSC || ticks == 0)
        return ticks;
    return (uint64_t)((double)ticks * 1e9 / frequency() + 0.5);
}

uint64_t htr_clock_frequency(void)
{
    htr_clock_init();
    return (uint64_t)(frequency() + 0.5);
}

const char *htr_clock_name(void)
{
    htr_clock_init();
    return g_clock == CLOCK_TSC ? "tsc" : "monotonic";
}
