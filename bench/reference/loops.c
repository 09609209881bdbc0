/* One loop per measured context call. Each loop calls the context's function pointers
   directly, the way compiled extension code does, so the time per iteration is the cost of
   the context and nothing else. Inputs are made through the same context before the loop
   and released after it; a loop returns 0, or -1 when a call failed (the context then holds
   the exception). */
#include "hpy.h"

#define FAIL_IF_NULL(h) do { if ((h)._i == 0) return -1; } while (0)

/* The baseline: one C-to-JavaScript callback per iteration with the prototype the reference
   context gives its handle-taking members. The sum proves that every call really ran. */
typedef intptr_t (*bare_callback)(void *ctx, intptr_t h);

int bare_loop(bare_callback cb, void *ctx, int64_t n)
{
    intptr_t sum = 0;
    for (int64_t i = 0; i < n; i++)
        sum += cb(ctx, (intptr_t)i);
    return sum == (intptr_t)(n * (n - 1) / 2) ? 0 : -1;
}

int dup_close_loop(HPyContext *ctx, int64_t n)
{
    HPy h = ctx->ctx_Dup(ctx, ctx->h_None);
    FAIL_IF_NULL(h);
    for (int64_t i = 0; i < n; i++) {
        HPy d = ctx->ctx_Dup(ctx, h);
        FAIL_IF_NULL(d);
        ctx->ctx_Close(ctx, d);
    }
    ctx->ctx_Close(ctx, h);
    return 0;
}

int long_from_loop(HPyContext *ctx, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        /* Past the small-int cache that hosts usually keep, so every call makes an int. */
        HPy h = ctx->ctx_Long_FromInt64_t(ctx, 1000 + i);
        FAIL_IF_NULL(h);
        ctx->ctx_Close(ctx, h);
    }
    return 0;
}

int long_as_loop(HPyContext *ctx, int64_t n)
{
    HPy h = ctx->ctx_Long_FromInt64_t(ctx, 123456789);
    FAIL_IF_NULL(h);
    int64_t sum = 0;
    for (int64_t i = 0; i < n; i++)
        sum += ctx->ctx_Long_AsInt64_t(ctx, h);
    ctx->ctx_Close(ctx, h);
    return sum == 123456789 * n ? 0 : -1;
}

int add_loop(HPyContext *ctx, int64_t n)
{
    HPy a = ctx->ctx_Long_FromInt64_t(ctx, 2);
    HPy b = ctx->ctx_Long_FromInt64_t(ctx, 3);
    FAIL_IF_NULL(a);
    FAIL_IF_NULL(b);
    for (int64_t i = 0; i < n; i++) {
        HPy r = ctx->ctx_Add(ctx, a, b);
        FAIL_IF_NULL(r);
        ctx->ctx_Close(ctx, r);
    }
    ctx->ctx_Close(ctx, a);
    ctx->ctx_Close(ctx, b);
    return 0;
}

int tuple_loop(HPyContext *ctx, int64_t n)
{
    HPy items[4];
    for (int k = 0; k < 4; k++) {
        items[k] = ctx->ctx_Long_FromInt64_t(ctx, k);
        FAIL_IF_NULL(items[k]);
    }
    for (int64_t i = 0; i < n; i++) {
        HPy t = ctx->ctx_Tuple_FromArray(ctx, items, 4);
        FAIL_IF_NULL(t);
        ctx->ctx_Close(ctx, t);
    }
    for (int k = 0; k < 4; k++)
        ctx->ctx_Close(ctx, items[k]);
    return 0;
}

int getattr_loop(HPyContext *ctx, int64_t n)
{
    HPy module = ctx->ctx_Import_ImportModule(ctx, "builtins");
    FAIL_IF_NULL(module);
    for (int64_t i = 0; i < n; i++) {
        HPy f = ctx->ctx_GetAttr_s(ctx, module, "len");
        FAIL_IF_NULL(f);
        ctx->ctx_Close(ctx, f);
    }
    ctx->ctx_Close(ctx, module);
    return 0;
}
