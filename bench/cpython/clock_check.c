/* bench/cpython's check of the trace layer's clock (native/debug/trace_clock.c) against
   CLOCK_MONOTONIC, the clock durations were measured with before: busy intervals of several
   lengths, each timed by both, and the difference of the two in ns; the same for
   CLOCK_MONOTONIC_COARSE, the other cheap clock; and what one reading of each costs. Prints JSON. */
#define _GNU_SOURCE
#include "trace_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t ns_of(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

enum { REPEAT = 101 };

int main(void)
{
    htr_clock_init();
    (void)htr_ticks_to_ns(1); /* the frequency, measured once before the intervals */
    const uint64_t lengths[] = { 200, 2000, 20000, 200000, 2000000 };
    printf("{\"clock\":\"%s\",\"intervals\":[", htr_clock_name());
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        double err[REPEAT], coarse[REPEAT];
        for (int r = 0; r < REPEAT; r++) {
            /* Each clock read at the same place in the sequence at both ends, so that the two
               intervals are shifted alike. */
            uint64_t c0 = ns_of(CLOCK_MONOTONIC_COARSE), t0 = htr_now(), m0 = ns_of(CLOCK_MONOTONIC), now;
            do
                now = ns_of(CLOCK_MONOTONIC);
            while (now - m0 < lengths[k]);
            uint64_t c1 = ns_of(CLOCK_MONOTONIC_COARSE), t1 = htr_now(), m1 = ns_of(CLOCK_MONOTONIC);
            err[r] = (double)htr_ticks_to_ns(t1 - t0) - (double)(m1 - m0);
            coarse[r] = (double)(c1 - c0) - (double)(m1 - m0);
        }
        qsort(err, REPEAT, sizeof err[0], by_value);
        qsort(coarse, REPEAT, sizeof coarse[0], by_value);
        printf("%s{\"ns\":%llu,\"median\":%.1f,\"p5\":%.1f,\"p95\":%.1f,\"coarse_median\":%.1f,\"coarse_p5\":%.1f,\"coarse_p95\":%.1f}",
               k ? "," : "", (unsigned long long)lengths[k], err[REPEAT / 2], err[REPEAT / 20], err[REPEAT - 1 - REPEAT / 20],
               coarse[REPEAT / 2], coarse[REPEAT / 20], coarse[REPEAT - 1 - REPEAT / 20]);
    }
    enum { READS = 2000000 };
    volatile uint64_t sink = 0;
    uint64_t a = ns_of(CLOCK_MONOTONIC);
    for (int i = 0; i < READS; i++)
        sink += htr_now();
    uint64_t b = ns_of(CLOCK_MONOTONIC);
    for (int i = 0; i < READS; i++)
        sink += ns_of(CLOCK_MONOTONIC);
    uint64_t c = ns_of(CLOCK_MONOTONIC);
    for (int i = 0; i < READS; i++)
        sink += ns_of(CLOCK_MONOTONIC_COARSE);
    uint64_t d = ns_of(CLOCK_MONOTONIC);
    struct timespec res;
    clock_getres(CLOCK_MONOTONIC_COARSE, &res);
    printf("],\"read_ns\":{\"layer\":%.1f,\"monotonic\":%.1f,\"coarse\":%.1f},\"coarse_resolution_ns\":%ld}\n",
           (double)(b - a) / READS, (double)(c - b) / READS, (double)(d - c) / READS, (long)res.tv_nsec);
    return 0;
}
