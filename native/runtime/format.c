/* HPyUnicode_FromFormat(V) and HPyErr_Format, compiled into every extension.
   The text is assembled as UTF-8 in a growable buffer and turned into a str with one
   HPyUnicode_FromString call. Units and messages follow HPy 0.9 (which follows CPython):
     %% %c %d %i %u %x %ld %li %lu %lld %lli %llu %zd %zi %zu %s %p  and  %U %V %S %R %A
   with an optional `0` flag, width and .precision. Width and precision count characters for
   the object units and bytes for %s. As in 0.9, 0-padding on %c %p and the string units, and
   width or precision on %c and %p, raise SystemError instead of being ignored. Beyond 0.9:
   %c writes the code point UTF-8 encoded (0.9 wrote its low byte). */
#include "hpy.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char *data;
    size_t len, cap;
    bool failed;   /* allocation failed; reported once, at the end */
} Buf;

static bool
buf_reserve(Buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = (char *)realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

static bool
buf_put(Buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return true;
}

static bool
buf_fill(Buf *b, char c, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    memset(b->data + b->len, c, n);
    b->len += n;
    return true;
}

/* Bytes taken by the first `chars` code points of a UTF-8 string of `size` bytes. */
static size_t
utf8_prefix(const char *s, size_t size, size_t chars)
{
    size_t i = 0;
    while (i < size && chars > 0) {
        i++;
        while (i < size && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars--;
    }
    return i;
}

static size_t
utf8_length(const char *s, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < size; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Text cut to `precision` units, then left-padded with spaces to `width` characters.
   -1 means "not given". `count_chars` selects code points (objects) or bytes (%s). */
static bool
put_text(Buf *b, const char *s, size_t size, HPy_ssize_t width, HPy_ssize_t precision, bool count_chars)
{
    size_t chars = count_chars ? utf8_length(s, size) : size;
    if (precision >= 0 && (size_t)precision < chars) {
        size = count_chars ? utf8_prefix(s, size, (size_t)precision) : (size_t)precision;
        chars = (size_t)precision;
    }
    if (width >= 0 && (size_t)width > chars && !buf_fill(b, ' ', (size_t)width - chars))
        return false;
    return buf_put(b, s, size);
}

/* Writes str object `h` (which must be a str). */
static bool
put_str_object(HPyContext *ctx, Buf *b, HPy h, HPy_ssize_t width, HPy_ssize_t precision)
{
    HPy_ssize_t size;
    const char *s = HPyUnicode_AsUTF8AndSize(ctx, h, &size);
    if (s == NULL)
        return false;
    return put_text(b, s, (size_t)size, width, precision, true);
}

/* Writes conv(ctx, arg) for %S %R %A. */
static bool
put_converted(HPyContext *ctx, Buf *b, HPy (*conv)(HPyContext *, HPy), HPy arg,
              HPy_ssize_t width, HPy_ssize_t precision)
{
    if (HPy_IsNull(arg)) {
        HPyErr_SetString(ctx, ctx->h_SystemError,
                         "HPy_NULL passed as value for formatting unit '%S' or '%R' or '%A'");
        return false;
    }
    HPy s = conv(ctx, arg);
    if (HPy_IsNull(s))
        return false;
    bool ok = put_str_object(ctx, b, s, width, precision);
    HPy_Close(ctx, s);
    return ok;
}

/* Digits of a number (sign separate): precision is the minimum digit count, width the
   minimum total; with `zero`, padding goes after the sign, otherwise before it. */
static bool
put_number(Buf *b, const char *digits, HPy_ssize_t width, HPy_ssize_t precision, bool zero)
{
    bool negative = digits[0] == '-';
    if (negative)
        digits++;
    size_t ndigits = strlen(digits);
    size_t body = precision > 0 && (size_t)precision > ndigits ? (size_t)precision : ndigits;
    size_t total = body + negative;
    size_t pad = width > 0 && (size_t)width > total ? (size_t)width - total : 0;
    if (!zero && !buf_fill(b, ' ', pad))
        return false;
    if (negative && !buf_put(b, "-", 1))
        return false;
    if (zero && !buf_fill(b, '0', pad))
        return false;
    return buf_fill(b, '0', body - ndigits) && buf_put(b, digits, ndigits);
}

static bool
put_codepoint(Buf *b, unsigned int cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp; n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    return buf_put(b, u, n);
}

/* Reads a decimal number at *f; -1 if there is none, -2 (with ValueError) on overflow. */
static HPy_ssize_t
read_count(HPyContext *ctx, const char **f, const char *what)
{
    if (!isdigit((unsigned char)**f))
        return -1;
    HPy_ssize_t v = 0;
    while (isdigit((unsigned char)**f)) {
        int d = *(*f)++ - '0';
        if (v > (HPY_SSIZE_T_MAX - d) / 10) {
            HPyErr_SetString(ctx, ctx->h_ValueError, what);
            return -2;
        }
        v = v * 10 + d;
    }
    return v;
}

/* Units that take the l, ll and z length modifiers. */
static bool
is_integer_unit(char c)
{
    return c == 'd' || c == 'i' || c == 'u';
}

/* Handles one conversion; *f points just after the '%'. Returns false with an exception set. */
static bool
convert(HPyContext *ctx, Buf *b, const char **f, va_list *va)
{
    if (**f == '%') {
        (*f)++;
        return buf_put(b, "%", 1);
    }
    bool zero = false;
    if (**f == '0') {
        zero = true;
        (*f)++;
    }
    HPy_ssize_t width = read_count(ctx, f, "width too big");
    if (width == -2)
        return false;
    HPy_ssize_t precision = -1;
    if (**f == '.') {
        (*f)++;
        precision = read_count(ctx, f, "precision too big");
        if (precision == -2)
            return false;
    }
    enum { INT, LONG, LONGLONG, SIZE } size = INT;
    const char *after = *f;
    if (after[0] == 'l' && is_integer_unit(after[1])) {
        size = LONG; after += 1;
    } else if (after[0] == 'l' && after[1] == 'l' && is_integer_unit(after[2])) {
        size = LONGLONG; after += 2;
    } else if (after[0] == 'z' && is_integer_unit(after[1])) {
        size = SIZE; after += 1;
    }
    const char unit = *after;
    if (zero && unit != '\0' && strchr("sUVSRApc", unit)) {
        HPyErr_Format(ctx, ctx->h_SystemError, "formatting unit '%%%c' does not support 0-padding", unit);
        return false;
    }
    *f = after + (unit != '\0');
    char num[64];
    switch (unit) {
    case 'c': {
        if (width != -1 || precision != -1) {
            HPyErr_SetString(ctx, ctx->h_SystemError, "formatting unit '%c' does not support width nor precision");
            return false;
        }
        int cp = va_arg(*va, int);
        if (cp < 0 || cp > 0x10FFFF) {
            HPyErr_SetString(ctx, ctx->h_OverflowError, "character argument not in range(0x110000)");
            return false;
        }
        return put_codepoint(b, (unsigned int)cp);
    }
    case 'd':
    case 'i':
        switch (size) {
        case LONG: snprintf(num, sizeof(num), "%ld", va_arg(*va, long)); break;
        case LONGLONG: snprintf(num, sizeof(num), "%lld", va_arg(*va, long long)); break;
        case SIZE: snprintf(num, sizeof(num), "%lld", (long long)va_arg(*va, HPy_ssize_t)); break;
        default: snprintf(num, sizeof(num), "%d", va_arg(*va, int)); break;
        }
        return put_number(b, num, width, precision, zero);
    case 'u':
        switch (size) {
        case LONG: snprintf(num, sizeof(num), "%lu", va_arg(*va, unsigned long)); break;
        case LONGLONG: snprintf(num, sizeof(num), "%llu", va_arg(*va, unsigned long long)); break;
        case SIZE: snprintf(num, sizeof(num), "%zu", va_arg(*va, size_t)); break;
        default: snprintf(num, sizeof(num), "%u", va_arg(*va, unsigned int)); break;
        }
        return put_number(b, num, width, precision, zero);
    case 'x':
        snprintf(num, sizeof(num), "%x", va_arg(*va, unsigned int));
        return put_number(b, num, width, precision, zero);
    case 'p': {
        if (width != -1 || precision != -1) {
            HPyErr_SetString(ctx, ctx->h_SystemError, "formatting unit '%p' does not support width nor precision");
            return false;
        }
        /* printf's %p is implementation-defined; the result always starts with 0x. */
        snprintf(num, sizeof(num), "0x%llx", (unsigned long long)(uintptr_t)va_arg(*va, void *));
        return buf_put(b, num, strlen(num));
    }
    case 's': {
        const char *s = va_arg(*va, const char *);
        if (s == NULL) {
            HPyErr_SetString(ctx, ctx->h_SystemError, "null c string passed as value for formatting unit '%s'");
            return false;
        }
        return put_text(b, s, strlen(s), width, precision, false);
    }
    case 'U': {
        HPy h = va_arg(*va, HPy);
        if (HPy_IsNull(h)) {
            HPyErr_SetString(ctx, ctx->h_SystemError, "HPy_NULL passed as value for formatting unit '%U'");
            return false;
        }
        return put_str_object(ctx, b, h, width, precision);
    }
    case 'V': {
        HPy h = va_arg(*va, HPy);
        const char *fallback = va_arg(*va, const char *);
        if (!HPy_IsNull(h))
            return put_str_object(ctx, b, h, width, precision);
        if (fallback == NULL) {
            HPyErr_SetString(ctx, ctx->h_SystemError, "null c string passed as value for formatting unit '%V'");
            return false;
        }
        return put_text(b, fallback, strlen(fallback), width, precision, false);
    }
    case 'S':
        return put_converted(ctx, b, HPy_Str, va_arg(*va, HPy), width, precision);
    case 'R':
        return put_converted(ctx, b, HPy_Repr, va_arg(*va, HPy), width, precision);
    case 'A':
        return put_converted(ctx, b, HPy_ASCII, va_arg(*va, HPy), width, precision);
    default:
        HPyErr_SetString(ctx, ctx->h_SystemError, "invalid format string");
        return false;
    }
}

HPyAPI_HELPER HPy
HPyUnicode_FromFormatV(HPyContext *ctx, const char *fmt, va_list vargs)
{
    Buf b = { NULL, 0, 0, false };
    HPy result = HPy_NULL;
    va_list va;
    va_copy(va, vargs);
    const char *f = fmt;
    while (*f != '\0') {
        if (*f == '%') {
            f++;
            if (!convert(ctx, &b, &f, &va))
                goto done;
            continue;
        }
        const char *run = f;
        while (*f != '\0' && *f != '%') {
            if ((unsigned char)*f > 127) {
                HPyErr_Format(ctx, ctx->h_ValueError,
                              "expected an ASCII-encoded format string, got a non-ASCII byte: 0x%02x",
                              (unsigned int)(unsigned char)*f);
                goto done;
            }
            f++;
        }
        buf_put(&b, run, (size_t)(f - run));
    }
    if (!buf_reserve(&b, 0)) {
        HPyErr_SetString(ctx, ctx->h_MemoryError, "cannot allocate memory for string format");
        goto done;
    }
    b.data[b.len] = '\0';
    result = HPyUnicode_FromString(ctx, b.data);
done:
    va_end(va);
    free(b.data);
    return result;
}

HPyAPI_HELPER HPy
HPyUnicode_FromFormat(HPyContext *ctx, const char *fmt, ...)
{
    va_list va;
    va_start(va, fmt);
    HPy result = HPyUnicode_FromFormatV(ctx, fmt, va);
    va_end(va);
    return result;
}

HPyAPI_HELPER HPy
HPyErr_Format(HPyContext *ctx, HPy h_type, const char *fmt, ...)
{
    va_list va;
    va_start(va, fmt);
    HPy message = HPyUnicode_FromFormatV(ctx, fmt, va);
    va_end(va);
    /* If formatting failed, its own exception is the more useful one to keep. */
    if (!HPy_IsNull(message)) {
        HPyErr_SetObject(ctx, h_type, message);
        HPy_Close(ctx, message);
    }
    return HPy_NULL;
}
