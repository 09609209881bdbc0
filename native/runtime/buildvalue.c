/* HPy_BuildValue, compiled into every extension. Units and messages follow HPy 0.9:
   i I l k L K n f d s O S, tuples (...), lists [...] and dicts {k:v}; 'N' is refused because
   HPy never steals a handle. Beyond 0.9: spaces and commas between items are skipped
   everywhere (as CPython does), and `s` with a NULL pointer gives None (as CPython does). */
#include "hpy.h"
#include <stdio.h>

#define MSG_SIZE 128

typedef struct {
    const char *p;     /* next format character */
    va_list va;
} Builder;

static void
system_error(HPyContext *ctx, const char *msg)
{
    HPyErr_SetString(ctx, ctx->h_SystemError, msg);
}

static void
skip_separators(Builder *b)
{
    while (*b->p == ' ' || *b->p == ',' || *b->p == '\t')
        b->p++;
}

/* How many items lie before the `end` character at this nesting level, without consuming the
   format; -1 with SystemError when a bracket opened here is never closed. */
static HPy_ssize_t
count_items(HPyContext *ctx, const char *p, char end)
{
    HPy_ssize_t items = 0;
    int depth = 0;
    char outermost = 0;
    for (;; p++) {
        char c = *p;
        if (depth == 0 && c == end)
            return items;
        switch (c) {
        case '\0': {
            char open = end == ')' ? '(' : end == ']' ? '[' : end == '}' ? '{' : outermost;
            char msg[MSG_SIZE];
            if (open == 0) {
                system_error(ctx, "internal error in HPy_BuildValue");
                return -1;
            }
            snprintf(msg, sizeof(msg), "unmatched '%c' in the format string passed to HPy_BuildValue", open);
            system_error(ctx, msg);
            return -1;
        }
        case '(': case '[': case '{':
            if (depth == 0) {
                items++;
                outermost = c;
            }
            depth++;
            break;
        case ')': case ']': case '}':
            depth--;
            break;
        case ' ': case ',': case '\t': case ':':
            break;
        default:
            if (depth == 0)
                items++;
        }
    }
}

static HPy build_one(HPyContext *ctx, Builder *b);

/* Builds `n` items into a tuple (is_list false) or list, then expects `close` (or the end of
   the format when close is 0). */
static HPy
build_sequence(HPyContext *ctx, Builder *b, HPy_ssize_t n, int is_list, char close)
{
    HPyTupleBuilder tb = { 0 };
    HPyListBuilder lb = { 0 };
    if (is_list)
        lb = HPyListBuilder_New(ctx, n);
    else
        tb = HPyTupleBuilder_New(ctx, n);
    for (HPy_ssize_t i = 0; i < n; i++) {
        skip_separators(b);
        HPy item = build_one(ctx, b);
        if (HPy_IsNull(item))
            goto fail;
        if (is_list)
            HPyListBuilder_Set(ctx, lb, i, item);
        else
            HPyTupleBuilder_Set(ctx, tb, i, item);
        HPy_Close(ctx, item);
    }
    skip_separators(b);
    if (*b->p != close) {
        /* count_items matched brackets by depth only; here the kind is checked. */
        char msg[MSG_SIZE];
        if (close == 0) {
            system_error(ctx, "internal error in HPy_BuildValue");
        } else {
            snprintf(msg, sizeof(msg), "unmatched '%c' in the format string passed to HPy_BuildValue",
                     is_list ? '[' : '(');
            system_error(ctx, msg);
        }
        goto fail;
    }
    if (close != 0)
        b->p++;
    return is_list ? HPyListBuilder_Build(ctx, lb) : HPyTupleBuilder_Build(ctx, tb);
fail:
    if (is_list)
        HPyListBuilder_Cancel(ctx, lb);
    else
        HPyTupleBuilder_Cancel(ctx, tb);
    return HPy_NULL;
}

static HPy
build_dict(HPyContext *ctx, Builder *b)
{
    HPy dict = HPyDict_New(ctx);
    if (HPy_IsNull(dict))
        return HPy_NULL;
    int need_comma = 0;
    for (;;) {
        while (*b->p == ' ' || *b->p == '\t')
            b->p++;
        if (*b->p == '}' || *b->p == '\0')
            break;
        if (*b->p == ',') {
            if (!need_comma) {
                system_error(ctx, "unexpected ',' in the format string passed to HPy_BuildValue");
                goto fail;
            }
            need_comma = 0;
            b->p++;
            continue;
        }
        if (need_comma) {
            system_error(ctx, "missing ',' in the format string passed to HPy_BuildValue");
            goto fail;
        }
        HPy key = build_one(ctx, b);
        if (HPy_IsNull(key))
            goto fail;
        while (*b->p == ' ' || *b->p == '\t')
            b->p++;
        if (*b->p != ':') {
            HPy_Close(ctx, key);
            system_error(ctx, "missing ':' in the format string passed to HPy_BuildValue");
            goto fail;
        }
        b->p++;
        while (*b->p == ' ' || *b->p == '\t')
            b->p++;
        HPy value = build_one(ctx, b);
        if (HPy_IsNull(value)) {
            HPy_Close(ctx, key);
            goto fail;
        }
        int rc = HPy_SetItem(ctx, dict, key, value);
        HPy_Close(ctx, key);
        HPy_Close(ctx, value);
        if (rc < 0)
            goto fail;
        need_comma = 1;
    }
    if (*b->p != '}') {
        system_error(ctx, "unmatched '{' in the format string passed to HPy_BuildValue");
        goto fail;
    }
    b->p++;
    return dict;
fail:
    HPy_Close(ctx, dict);
    return HPy_NULL;
}

/* One value for the unit at b->p, always a new handle (or NULL with an exception set). */
static HPy
build_one(HPyContext *ctx, Builder *b)
{
    const char unit = *b->p++;
    switch (unit) {
    case '(':
    case '[': {
        const char close = unit == '(' ? ')' : ']';
        HPy_ssize_t n = count_items(ctx, b->p, close);
        if (n < 0)
            return HPy_NULL;
        return build_sequence(ctx, b, n, unit == '[', close);
    }
    case '{':
        return build_dict(ctx, b);
    case 'i':
        return HPyLong_FromLong(ctx, (long)va_arg(b->va, int));
    case 'I':
        return HPyLong_FromUnsignedLong(ctx, (unsigned long)va_arg(b->va, unsigned int));
    case 'l':
        return HPyLong_FromLong(ctx, va_arg(b->va, long));
    case 'k':
        return HPyLong_FromUnsignedLong(ctx, va_arg(b->va, unsigned long));
    case 'L':
        return HPyLong_FromLongLong(ctx, va_arg(b->va, long long));
    case 'K':
        return HPyLong_FromUnsignedLongLong(ctx, va_arg(b->va, unsigned long long));
    case 'n':
        return HPyLong_FromSsize_t(ctx, va_arg(b->va, HPy_ssize_t));
    case 'f':   /* a float argument arrives promoted to double */
    case 'd':
        return HPyFloat_FromDouble(ctx, va_arg(b->va, double));
    case 's': {
        const char *s = va_arg(b->va, const char *);
        if (s == NULL)
            return HPy_Dup(ctx, ctx->h_None);
        return HPyUnicode_FromString(ctx, s);
    }
    case 'O':
    case 'S': {
        HPy h = va_arg(b->va, HPy);
        /* A NULL handle normally comes from a failed call in the argument list; keep its
           exception rather than hiding it. */
        if (HPy_IsNull(h)) {
            if (!HPyErr_Occurred(ctx))
                system_error(ctx, "HPy_NULL object passed to HPy_BuildValue");
            return HPy_NULL;
        }
        return HPy_Dup(ctx, h);
    }
    case 'N':
        system_error(ctx, "HPy_BuildValue does not support the 'N' formatting unit. "
                          "Instead, use the 'O' formatting unit and manually close "
                          "the handle in the caller if necessary. HPy API functions "
                          "never 'steal' handles and always make a duplicate handle if "
                          "needed, the 'ownership' of the original handle is never "
                          "'transferred'. ");
        return HPy_NULL;
    default: {
        char msg[MSG_SIZE];
        snprintf(msg, sizeof(msg), "bad format char '%c' in the format string passed to HPy_BuildValue", unit);
        system_error(ctx, msg);
        return HPy_NULL;
    }
    }
}

HPyAPI_HELPER HPy
HPy_BuildValue(HPyContext *ctx, const char *fmt, ...)
{
    Builder b;
    b.p = fmt;
    va_start(b.va, fmt);
    HPy result;
    HPy_ssize_t n = count_items(ctx, fmt, '\0');
    if (n < 0) {
        result = HPy_NULL;
    } else if (n == 0) {
        result = HPy_Dup(ctx, ctx->h_None);
    } else if (n == 1) {
        skip_separators(&b);
        result = build_one(ctx, &b);
    } else {
        result = build_sequence(ctx, &b, n, 0, '\0');
    }
    va_end(b.va);
    return result;
}
