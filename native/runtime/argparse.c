/* HPyArg_Parse, HPyArg_ParseKeywords and HPyArg_ParseKeywordsDict, compiled into every
   extension. Behaviour follows HPy 0.9: the same format units, the same exception types and
   messages, and unknown keyword arguments are ignored rather than rejected. The one
   deliberate difference: `p` and `s` leave their output untouched when an optional argument
   is absent (0.9 would pass a NULL handle to the context). */
#include "hpy.h"
#include <limits.h>
#include <stdio.h>

#define ERR_BUF_SIZE 512

/* The part of the format after ':' names the function; after ';' it replaces the message. */
typedef struct {
    const char *end;       /* end of the format units */
    const char *suffix;    /* points at ':' or ';', or NULL */
} FormatInfo;

static FormatInfo
scan_format(const char *fmt)
{
    FormatInfo info = { fmt, NULL };
    while (*info.end != '\0' && *info.end != ':' && *info.end != ';')
        info.end++;
    if (*info.end != '\0')
        info.suffix = info.end;
    return info;
}

static void
set_error(HPyContext *ctx, HPy type, const FormatInfo *info, const char *msg)
{
    char buf[ERR_BUF_SIZE];
    if (info->suffix == NULL)
        snprintf(buf, sizeof(buf), "function %.256s", msg);
    else if (*info->suffix == ':')
        snprintf(buf, sizeof(buf), "%.200s() %.256s", info->suffix + 1, msg);
    else
        snprintf(buf, sizeof(buf), "%s", info->suffix + 1);
    HPyErr_SetString(ctx, type, buf);
}

/* Integer units that range-check go through long and then compare with the C type's limits. */
static int
as_long_in_range(HPyContext *ctx, HPy arg, long min, long max, const char *too_small,
                 const char *too_big, const FormatInfo *info, long *out)
{
    long v = HPyLong_AsLong(ctx, arg);
    if (v == -1 && HPyErr_Occurred(ctx))
        return 0;
    if (v < min) {
        set_error(ctx, ctx->h_OverflowError, info, too_small);
        return 0;
    }
    if (v > max) {
        set_error(ctx, ctx->h_OverflowError, info, too_big);
        return 0;
    }
    *out = v;
    return 1;
}

/* Bitfield units accept any int and keep the low bits, like CPython. */
static int
as_mask(HPyContext *ctx, HPy arg, unsigned long long *out)
{
    unsigned long long v = HPyLong_AsUnsignedLongLongMask(ctx, arg);
    if (v == (unsigned long long)-1 && HPyErr_Occurred(ctx))
        return 0;
    *out = v;
    return 1;
}

/* Converts one argument for the unit at **fmt and advances past it. A NULL `arg` means an
   optional argument was not given: the output pointer is consumed, the variable untouched.
   `owned` says whether an `O` output must be a new, tracked handle. Returns 1 or 0 (error). */
static int
convert(HPyContext *ctx, HPyTracker *ht, HPy arg, int owned, const char **fmt, va_list *va,
        const FormatInfo *info)
{
    const char unit = *(*fmt)++;
    long lv;
    unsigned long long mv;
    switch (unit) {
    case 'b': {
        unsigned char *out = va_arg(*va, unsigned char *);
        if (HPy_IsNull(arg)) return 1;
        if (!as_long_in_range(ctx, arg, 0, UCHAR_MAX, "unsigned byte integer is less than minimum",
                              "unsigned byte integer is greater than maximum", info, &lv))
            return 0;
        *out = (unsigned char)lv;
        return 1;
    }
    case 'B': {
        unsigned char *out = va_arg(*va, unsigned char *);
        if (HPy_IsNull(arg)) return 1;
        if (!as_mask(ctx, arg, &mv)) return 0;
        *out = (unsigned char)mv;
        return 1;
    }
    case 'h': {
        short *out = va_arg(*va, short *);
        if (HPy_IsNull(arg)) return 1;
        if (!as_long_in_range(ctx, arg, SHRT_MIN, SHRT_MAX, "signed short integer is less than minimum",
                              "signed short integer is greater than maximum", info, &lv))
            return 0;
        *out = (short)lv;
        return 1;
    }
    case 'H': {
        unsigned short *out = va_arg(*va, unsigned short *);
        if (HPy_IsNull(arg)) return 1;
        if (!as_mask(ctx, arg, &mv)) return 0;
        *out = (unsigned short)mv;
        return 1;
    }
    case 'i': {
        int *out = va_arg(*va, int *);
        if (HPy_IsNull(arg)) return 1;
        if (!as_long_in_range(ctx, arg, INT_MIN, INT_MAX, "signed integer is less than minimum",
                              "signed integer is greater than maximum", info, &lv))
            return 0;
        *out = (int)lv;
        return 1;
    }
    case 'I': {
        unsigned int *out = va_arg(*va, unsigned int *);
        if (HPy_IsNull(arg)) return 1;
        if (!as_mask(ctx, arg, &mv)) return 0;
        *out = (unsigned int)mv;
        return 1;
    }
    case 'l': {
        long *out = va_arg(*va, long *);
        if (HPy_IsNull(arg)) return 1;
        long v = HPyLong_AsLong(ctx, arg);
        if (v == -1 && HPyErr_Occurred(ctx)) return 0;
        *out = v;
        return 1;
    }
    case 'k': {
        unsigned long *out = va_arg(*va, unsigned long *);
        if (HPy_IsNull(arg)) return 1;
        if (!as_mask(ctx, arg, &mv)) return 0;
        *out = (unsigned long)mv;
        return 1;
    }
    case 'L': {
        long long *out = va_arg(*va, long long *);
        if (HPy_IsNull(arg)) return 1;
        long long v = HPyLong_AsLongLong(ctx, arg);
        if (v == -1 && HPyErr_Occurred(ctx)) return 0;
        *out = v;
        return 1;
    }
    case 'K': {
        unsigned long long *out = va_arg(*va, unsigned long long *);
        if (HPy_IsNull(arg)) return 1;
        if (!as_mask(ctx, arg, &mv)) return 0;
        *out = mv;
        return 1;
    }
    case 'n': {
        HPy_ssize_t *out = va_arg(*va, HPy_ssize_t *);
        if (HPy_IsNull(arg)) return 1;
        HPy_ssize_t v = HPyLong_AsSsize_t(ctx, arg);
        if (v == -1 && HPyErr_Occurred(ctx)) return 0;
        *out = v;
        return 1;
    }
    case 'f':
    case 'd': {
        float *fout = unit == 'f' ? va_arg(*va, float *) : NULL;
        double *dout = unit == 'd' ? va_arg(*va, double *) : NULL;
        if (HPy_IsNull(arg)) return 1;
        double v = HPyFloat_AsDouble(ctx, arg);
        if (v == -1.0 && HPyErr_Occurred(ctx)) return 0;
        if (fout) *fout = (float)v;
        else *dout = v;
        return 1;
    }
    case 'p': {
        int *out = va_arg(*va, int *);
        if (HPy_IsNull(arg)) return 1;
        int truth = HPy_IsTrue(ctx, arg);
        if (truth < 0) return 0;
        *out = truth > 0;
        return 1;
    }
    case 's': {
        const char **out = va_arg(*va, const char **);
        if (HPy_IsNull(arg)) return 1;
        if (!HPyUnicode_Check(ctx, arg)) {
            set_error(ctx, ctx->h_TypeError, info, "a str is required");
            return 0;
        }
        HPy_ssize_t size;
        const char *data = HPyUnicode_AsUTF8AndSize(ctx, arg, &size);
        if (data == NULL) {
            set_error(ctx, ctx->h_SystemError, info, "unicode conversion error");
            return 0;
        }
        /* Walk the reported size instead of trusting a terminator, then demand one. */
        for (HPy_ssize_t k = 0; k < size; k++) {
            if (data[k] == '\0') {
                set_error(ctx, ctx->h_ValueError, info, "embedded null character");
                return 0;
            }
        }
        if (data[size] != '\0') {
            set_error(ctx, ctx->h_SystemError, info, "missing terminating null character");
            return 0;
        }
        *out = data;
        return 1;
    }
    case 'O': {
        HPy *out = va_arg(*va, HPy *);
        if (HPy_IsNull(arg)) return 1;
        if (!owned) {
            *out = arg;
            return 1;
        }
        /* A keyword value may come from a dict lookup that is closed right after, so the caller
           gets its own handle, released by HPyTracker_Close. */
        HPy dup = HPy_Dup(ctx, arg);
        if (HPyTracker_Add(ctx, *ht, dup) < 0)
            return 0;
        *out = dup;
        return 1;
    }
    default:
        set_error(ctx, ctx->h_SystemError, info, "unknown arg format code");
        return 0;
    }
}

HPyAPI_HELPER int
HPyArg_Parse(HPyContext *ctx, HPyTracker *ht, const HPy *args, size_t nargs, const char *fmt, ...)
{
    const FormatInfo info = scan_format(fmt);
    if (ht != NULL) {
        *ht = HPyTracker_New(ctx, 0);
        if (HPy_IsNull(*ht))
            return 0;
    }
    va_list va;
    va_start(va, fmt);
    int optional = 0;
    size_t i = 0;
    const char *f = fmt;
    while (f != info.end) {
        if (*f == '|') {
            optional = 1;
            f++;
            continue;
        }
        HPy arg = i < nargs ? args[i] : HPy_NULL;
        if (HPy_IsNull(arg) && !optional) {
            set_error(ctx, ctx->h_TypeError, &info, "required positional argument missing");
            goto fail;
        }
        if (!convert(ctx, ht, arg, 0, &f, &va, &info))
            goto fail;
        i++;
    }
    if (i < nargs) {
        set_error(ctx, ctx->h_TypeError, &info, "mismatched args (too many arguments for fmt)");
        goto fail;
    }
    va_end(va);
    return 1;
fail:
    va_end(va);
    if (ht != NULL)
        HPyTracker_Close(ctx, *ht);
    return 0;
}

/* The value passed for `key` among the keyword arguments, borrowed from `values`, or NULL.
   Comparison errors count as "not found": a missing optional argument is not an error. */
static HPy
kwnames_lookup(HPyContext *ctx, HPy kwnames, HPy_ssize_t n, const HPy *values, const char *key)
{
    HPy h_key = HPyUnicode_FromString(ctx, key);
    if (HPy_IsNull(h_key)) {
        HPyErr_Clear(ctx);
        return HPy_NULL;
    }
    HPy found = HPy_NULL;
    for (HPy_ssize_t k = 0; k < n && HPy_IsNull(found); k++) {
        HPy name = HPy_GetItem_i(ctx, kwnames, k);
        if (HPy_IsNull(name)) {
            HPyErr_Clear(ctx);
            continue;
        }
        int eq = HPy_RichCompareBool(ctx, name, h_key, HPy_EQ);
        HPy_Close(ctx, name);
        if (eq > 0)
            found = values[k];
        else if (eq < 0)
            HPyErr_Clear(ctx);
    }
    HPy_Close(ctx, h_key);
    return found;
}

/* Shared by both keyword variants: `kw` is a kwnames tuple (values after the positional ones
   in `args`) when `is_kwnames`, else a dict or NULL. */
static int
parse_keywords(HPyContext *ctx, HPyTracker *ht, const HPy *args, size_t nargs, HPy kw,
               int is_kwnames, const char *fmt, const char *keywords[], va_list *va)
{
    const FormatInfo info = scan_format(fmt);

    /* Leading empty names are positional-only parameters; an empty name after a real one is
       a bug in the extension. */
    size_t nkeywords = 0;
    while (keywords[nkeywords] != NULL && keywords[nkeywords][0] == '\0')
        nkeywords++;
    for (; keywords[nkeywords] != NULL; nkeywords++) {
        if (keywords[nkeywords][0] == '\0') {
            set_error(ctx, ctx->h_SystemError, &info, "empty keyword parameter name");
            return 0;
        }
    }

    if (ht != NULL) {
        *ht = HPyTracker_New(ctx, 0);
        if (HPy_IsNull(*ht))
            return 0;
    }

    HPy_ssize_t n_kwnames = 0;
    if (is_kwnames && !HPy_IsNull(kw)) {
        n_kwnames = HPy_Length(ctx, kw);
        if (n_kwnames < 0) {
            set_error(ctx, ctx->h_SystemError, &info, "could not retrieve length of keyword names tuple");
            goto fail;
        }
    }

    int optional = 0, keyword_only = 0;
    size_t i = 0;
    const char *f = fmt;
    while (f != info.end) {
        if (*f == '|' || *f == '$') {
            keyword_only |= *f == '$';
            optional = 1;
            f++;
            continue;
        }
        if (*f == 'O' && ht == NULL) {
            set_error(ctx, ctx->h_SystemError, &info,
                  "HPyArg_ParseKeywords cannot use the format character 'O' unless"
                  " an HPyTracker is provided. Please supply an HPyTracker.");
            goto fail;
        }
        if (i >= nkeywords) {
            set_error(ctx, ctx->h_TypeError, &info, "mismatched args (too few keywords for fmt)");
            goto fail;
        }
        HPy arg = HPy_NULL;
        int close_arg = 0;
        if (i < nargs) {
            if (keyword_only) {
                set_error(ctx, ctx->h_TypeError, &info, "keyword only argument passed as positional argument");
                goto fail;
            }
            arg = args[i];
        } else if (!HPy_IsNull(kw) && keywords[i][0] != '\0') {
            if (is_kwnames) {
                arg = kwnames_lookup(ctx, kw, n_kwnames, args + nargs, keywords[i]);
            } else {
                arg = HPy_GetItem_s(ctx, kw, keywords[i]);
                if (HPy_IsNull(arg))
                    HPyErr_Clear(ctx);   /* KeyError: treated as not given */
                else
                    close_arg = 1;
            }
        }
        if (HPy_IsNull(arg) && !optional) {
            set_error(ctx, ctx->h_TypeError, &info, "no value for required argument");
            goto fail;
        }
        int ok = convert(ctx, ht, arg, 1, &f, va, &info);
        if (close_arg)
            HPy_Close(ctx, arg);
        if (!ok)
            goto fail;
        i++;
    }
    if (i != nkeywords) {
        set_error(ctx, ctx->h_TypeError, &info, "mismatched args (too many keywords for fmt)");
        goto fail;
    }
    return 1;
fail:
    if (ht != NULL)
        HPyTracker_Close(ctx, *ht);
    return 0;
}

HPyAPI_HELPER int
HPyArg_ParseKeywords(HPyContext *ctx, HPyTracker *ht, const HPy *args, size_t nargs, HPy kwnames,
                     const char *fmt, const char *keywords[], ...)
{
    va_list va;
    va_start(va, keywords);
    int ok = parse_keywords(ctx, ht, args, nargs, kwnames, 1, fmt, keywords, &va);
    va_end(va);
    return ok;
}

HPyAPI_HELPER int
HPyArg_ParseKeywordsDict(HPyContext *ctx, HPyTracker *ht, const HPy *args, HPy_ssize_t nargs, HPy kw,
                         const char *fmt, const char *keywords[], ...)
{
    if (nargs < 0) {
        HPyErr_SetString(ctx, ctx->h_SystemError, "HPyArg_ParseKeywordsDict: negative nargs");
        return 0;
    }
    va_list va;
    va_start(va, keywords);
    int ok = parse_keywords(ctx, ht, args, (size_t)nargs, kw, 0, fmt, keywords, &va);
    va_end(va);
    return ok;
}
