/* HPyHelpers_AddType and HPyHelpers_PackArgsAndKeywords, compiled into every extension. */
#include "hpy.h"

/* Creates a type from `hpyspec` and stores it as attribute `name` of `obj` (usually the
   module). Returns 1, or 0 with an exception set. */
HPyAPI_HELPER int
HPyHelpers_AddType(HPyContext *ctx, HPy obj, const char *name, HPyType_Spec *hpyspec,
                   HPyType_SpecParam *params)
{
    HPy type = HPyType_FromSpec(ctx, hpyspec, params);
    if (HPy_IsNull(type))
        return 0;
    int rc = HPy_SetAttr_s(ctx, obj, name, type);
    HPy_Close(ctx, type);
    return rc == 0;
}

/* Turns vectorcall-style arguments (values followed by keyword values, names in `kwnames`)
   into a positional tuple and a keyword dict, as HPy_CallTupleDict wants them. Either output
   is HPy_NULL when empty. The outputs are written only on success (return 1); on failure
   (return 0) an exception is set and nothing is left open. */
HPyAPI_HELPER int
HPyHelpers_PackArgsAndKeywords(HPyContext *ctx, const HPy *args, size_t nargs, HPy kwnames,
                               HPy *out_args_tuple, HPy *out_kwd)
{
    if (out_args_tuple == NULL) {
        HPyErr_SetString(ctx, ctx->h_SystemError, "argument 'out_pos_args' must not be NULL");
        return 0;
    }
    if (out_kwd == NULL) {
        HPyErr_SetString(ctx, ctx->h_SystemError, "argument 'out_kwd' must not be NULL");
        return 0;
    }
    HPy_ssize_t nkw = HPy_IsNull(kwnames) ? 0 : HPy_Length(ctx, kwnames);
    if (nkw < 0)
        return 0;
    HPy kwd = HPy_NULL;
    if (nkw > 0) {
        kwd = HPyDict_New(ctx);
        if (HPy_IsNull(kwd))
            return 0;
        for (HPy_ssize_t i = 0; i < nkw; i++) {
            HPy key = HPy_GetItem_i(ctx, kwnames, i);
            if (HPy_IsNull(key))
                goto fail;
            int rc = HPy_SetItem(ctx, kwd, key, args[nargs + (size_t)i]);
            HPy_Close(ctx, key);
            if (rc < 0)
                goto fail;
        }
    }
    HPy tuple = HPy_NULL;
    if (nargs > 0) {
        tuple = HPyTuple_FromArray(ctx, args, (HPy_ssize_t)nargs);
        if (HPy_IsNull(tuple))
            goto fail;
    }
    *out_args_tuple = tuple;
    *out_kwd = kwd;
    return 1;
fail:
    HPy_Close(ctx, kwd);
    return 0;
}
