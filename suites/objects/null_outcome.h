/* What with_null in objects.c and after09.c checks after a context function was given a NULL
   handle: no result, and an exception set. Returns HPy_NULL with the exception to raise. */
#ifndef OBJECTS_NULL_OUTCOME_H
#define OBJECTS_NULL_OUTCOME_H
#include "hpy.h"

static inline HPy null_outcome(HPyContext *ctx, HPy result)
{
    if (!HPy_IsNull(result)) {
        HPy_Close(ctx, result);
        HPyErr_SetString(ctx, ctx->h_AssertionError, "a NULL handle gave a result");
    } else if (!HPyErr_Occurred(ctx)) {
        HPyErr_SetString(ctx, ctx->h_AssertionError, "a NULL handle raised nothing");
    }
    return HPy_NULL;
}

#endif
