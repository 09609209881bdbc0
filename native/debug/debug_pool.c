/* Pools of 64-byte records for the debug layer's handles and builders: one reserved address
   range each, committed in steps as records are first used, so records never move and a handle
   (a record's address) can be checked by its offset alone. The paths every call takes are inline
   in debug_internal.h; these are the rare ones. */

#include "debug_internal.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define COMMIT_STEP 1024u /* records (64 KiB) */

int hdbg_pool_init(struct hdbg_pool *p, uint32_t reserved)
{
    memset(p, 0, sizeof *p);
    /* Address space only: pages are made usable (and counted against memory) as they are used. */
    void *base = mmap(NULL, (size_t)reserved * HDBG_RECORD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return -1;
    p->base = base;
    p->reserved = reserved;
    return 0;
}

void hdbg_pool_free(struct hdbg_pool *p)
{
    if (p->base != NULL)
        munmap(p->base, (size_t)p->reserved * HDBG_RECORD);
    free(p->q);
    memset(p, 0, sizeof *p);
}

/* Commits more of the range; the queue grows with it (to hold every record at once), its
   entries moved to the front of the new array. */
static int grow(struct hdbg_pool *p)
{
    if (p->committed == p->reserved)
        return -1;
    uint32_t n = p->reserved - p->committed < COMMIT_STEP ? p->reserved - p->committed : COMMIT_STEP;
    uint32_t cap = p->q == NULL ? 0 : p->qmask + 1;
    uint32_t *q = NULL;
    if (p->committed + n > cap) {
        while (cap < p->committed + n)
            cap = cap ? 2 * cap : COMMIT_STEP;
        q = malloc((size_t)cap * sizeof *q);
        if (q == NULL)
            return -1;
    }
    if (mprotect(hdbg_pool_at(p, p->committed), (size_t)n * HDBG_RECORD, PROT_READ | PROT_WRITE) != 0) {
        free(q);
        return -1;
    }
    if (q != NULL) {
        for (uint32_t k = 0; k < p->qlen; k++)
            q[k] = *hdbg_pool_q(p, k);
        free(p->q);
        p->q = q;
        p->qmask = cap - 1;
        p->qhead = 0;
    }
    p->committed += n; /* fresh pages are zero: every new record is free */
    return 0;
}

int64_t hdbg_pool_fresh(struct hdbg_pool *p)
{
    if (p->used == p->committed && grow(p) < 0)
        return -1;
    return p->used++;
}

void hdbg_pool_give_back(struct hdbg_pool *p, uint32_t i)
{
    p->qhead = (p->qhead - 1) & p->qmask;
    p->q[p->qhead] = i;
    p->qlen++;
    p->qfree++;
}

void hdbg_pool_set_max(struct hdbg_pool *p, int64_t n)
{
    p->max = n <= 0 ? 0 : n > (int64_t)p->reserved ? p->reserved : (uint32_t)n;
}

int64_t hdbg_pool_take_slow(struct hdbg_pool *p)
{
    if (hdbg_pool_remembered(p) <= p->max)
        return p->qfree > 0 ? hdbg_pool_pop(p) : hdbg_pool_fresh(p);
    /* The oldest remembered record trades places with the free one at the head, which goes to
       the end of the free ones; the head leaves the queue. */
    uint32_t *head = hdbg_pool_q(p, 0), *oldest = hdbg_pool_q(p, p->qfree);
    uint32_t i = *oldest;
    *oldest = *head;
    *head = i;
    p->qhead = (p->qhead + 1) & p->qmask;
    p->qlen--;
    return i;
}
