/* The strings suite's extension: str constructors, encoders and decoders of the HPy API.
   Optional C strings (encoding, errors) are passed from Python as None for NULL. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "hpy.h"

/* NULL for None, else the UTF-8 of a str (valid while the argument handle is open). */
static int opt_utf8(HPyContext *ctx, HPy h, const char **out)
{
    if (HPy_Is(ctx, h, ctx->h_None)) {
        *out = NULL;
        return 1;
    }
    *out = HPyUnicode_AsUTF8AndSize(ctx, h, NULL);
    return *out != NULL;
}

/* from_wide(codes, size): the list of ints as a wchar_t array (with a NUL after it), and
   `size` passed as is (-1 means NUL-terminated). */
HPyDef_METH(from_wide, "from_wide", HPyFunc_VARARGS)
static HPy from_wide_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy codes;
    HPy_ssize_t size;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "On", &codes, &size))
        return HPy_NULL;
    HPy_ssize_t n = HPy_Length(ctx, codes);
    if (n < 0)
        return HPy_NULL;
    wchar_t *w = calloc((size_t)n + 1, sizeof(wchar_t));
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, codes, i);
        w[i] = (wchar_t)HPyLong_AsUInt32_tMask(ctx, item);
        HPy_Close(ctx, item);
    }
    HPy result = HPyUnicode_FromWideChar(ctx, w, size);
    free(w);
    return result;
}

HPyDef_METH(from_wide_null, "from_wide_null", HPyFunc_O)
static HPy from_wide_null_impl(HPyContext *ctx, HPy self, HPy size)
{
    (void)self;
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, size);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyUnicode_FromWideChar(ctx, NULL, n);
}

HPyDef_METH(wchar_size, "wchar_size", HPyFunc_NOARGS)
static HPy wchar_size_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyLong_FromLong(ctx, (long)sizeof(wchar_t));
}

/* decode_fs(b): the bytes as a NUL-terminated C string. */
HPyDef_METH(decode_fs, "decode_fs", HPyFunc_O)
static HPy decode_fs_impl(HPyContext *ctx, HPy self, HPy b)
{
    (void)self;
    const char *s = HPyBytes_AsString(ctx, b);
    if (s == NULL)
        return HPy_NULL;
    return HPyUnicode_DecodeFSDefault(ctx, s);
}

HPyDef_METH(decode_fs_size, "decode_fs_size", HPyFunc_VARARGS)
static HPy decode_fs_size_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy b;
    HPy_ssize_t n;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "On", &b, &n))
        return HPy_NULL;
    const char *s = HPyBytes_AsString(ctx, b);
    if (s == NULL)
        return HPy_NULL;
    return HPyUnicode_DecodeFSDefaultAndSize(ctx, s, n);
}

HPyDef_METH(encode_fs, "encode_fs", HPyFunc_O)
static HPy encode_fs_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    return HPyUnicode_EncodeFSDefault(ctx, s);
}

/* from_encoded(obj, encoding or None, errors or None) */
HPyDef_METH(from_encoded, "from_encoded", HPyFunc_VARARGS)
static HPy from_encoded_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy obj, h_encoding, h_errors;
    const char *encoding, *errors;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OOO", &obj, &h_encoding, &h_errors))
        return HPy_NULL;
    if (!opt_utf8(ctx, h_encoding, &encoding) || !opt_utf8(ctx, h_errors, &errors))
        return HPy_NULL;
    return HPyUnicode_FromEncodedObject(ctx, obj, encoding, errors);
}

HPyDef_METH(substring, "substring", HPyFunc_VARARGS)
static HPy substring_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy s;
    HPy_ssize_t start, end;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Onn", &s, &start, &end))
        return HPy_NULL;
    return HPyUnicode_Substring(ctx, s, start, end);
}

HPyDef_METH(read_char, "read_char", HPyFunc_VARARGS)
static HPy read_char_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy s;
    HPy_ssize_t i;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "On", &s, &i))
        return HPy_NULL;
    HPy_UCS4 c = HPyUnicode_ReadChar(ctx, s, i);
    if (c == (HPy_UCS4)-1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromUInt32_t(ctx, c);
}

/* as_utf8_and_size(s) -> (bytes of the returned data, size, data[size] == 0) */
HPyDef_METH(as_utf8_and_size, "as_utf8_and_size", HPyFunc_O)
static HPy as_utf8_and_size_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    HPy_ssize_t size = -7;
    const char *data = HPyUnicode_AsUTF8AndSize(ctx, s, &size);
    if (data == NULL)
        return HPy_NULL;
    HPy b = HPyBytes_FromStringAndSize(ctx, data, size);
    HPy result = HPy_BuildValue(ctx, "(Oni)", b, size, data[size] == 0);
    HPy_Close(ctx, b);
    return result;
}

/* The size pointer may be NULL: the data is then read up to its NUL. */
HPyDef_METH(as_utf8_no_size, "as_utf8_no_size", HPyFunc_O)
static HPy as_utf8_no_size_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    const char *data = HPyUnicode_AsUTF8AndSize(ctx, s, NULL);
    if (data == NULL)
        return HPy_NULL;
    return HPyBytes_FromString(ctx, data);
}

/* Two calls on one object give the same pointer while the handle is open. */
HPyDef_METH(as_utf8_stable, "as_utf8_stable", HPyFunc_O)
static HPy as_utf8_stable_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    const char *a = HPyUnicode_AsUTF8AndSize(ctx, s, NULL);
    if (a == NULL)
        return HPy_NULL;
    const char *b = HPyUnicode_AsUTF8AndSize(ctx, s, NULL);
    return HPyBool_FromLong(ctx, a == b);
}

HPyDef_METH(as_utf8_string, "as_utf8_string", HPyFunc_O)
static HPy as_utf8_string_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    return HPyUnicode_AsUTF8String(ctx, s);
}

HPyDef_METH(as_ascii, "as_ascii", HPyFunc_O)
static HPy as_ascii_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    return HPyUnicode_AsASCIIString(ctx, s);
}

HPyDef_METH(as_latin1, "as_latin1", HPyFunc_O)
static HPy as_latin1_impl(HPyContext *ctx, HPy self, HPy s)
{
    (void)self;
    return HPyUnicode_AsLatin1String(ctx, s);
}

/* decode_ascii(b, errors or None), decode_latin1(b, errors or None) */
static HPy decode_with(HPyContext *ctx, const HPy *args, size_t nargs, int latin1)
{
    HPy b, h_errors;
    const char *errors;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &b, &h_errors))
        return HPy_NULL;
    if (!opt_utf8(ctx, h_errors, &errors))
        return HPy_NULL;
    const char *data = HPyBytes_AsString(ctx, b);
    if (data == NULL)
        return HPy_NULL;
    HPy_ssize_t n = HPyBytes_Size(ctx, b);
    return latin1 ? HPyUnicode_DecodeLatin1(ctx, data, n, errors) : HPyUnicode_DecodeASCII(ctx, data, n, errors);
}

HPyDef_METH(decode_ascii, "decode_ascii", HPyFunc_VARARGS)
static HPy decode_ascii_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    return decode_with(ctx, args, nargs, 0);
}

HPyDef_METH(decode_latin1, "decode_latin1", HPyFunc_VARARGS)
static HPy decode_latin1_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    return decode_with(ctx, args, nargs, 1);
}

HPyDef_METH(from_string, "from_string", HPyFunc_O)
static HPy from_string_impl(HPyContext *ctx, HPy self, HPy b)
{
    (void)self;
    const char *s = HPyBytes_AsString(ctx, b);
    if (s == NULL)
        return HPy_NULL;
    return HPyUnicode_FromString(ctx, s);
}

HPyDef_METH(unicode_check, "unicode_check", HPyFunc_O)
static HPy unicode_check_impl(HPyContext *ctx, HPy self, HPy o)
{
    (void)self;
    return HPyBool_FromLong(ctx, HPyUnicode_Check(ctx, o));
}

static HPyDef *module_defines[] = {
    &from_wide, &from_wide_null, &wchar_size, &decode_fs, &decode_fs_size, &encode_fs, &from_encoded,
    &substring, &read_char, &as_utf8_and_size, &as_utf8_no_size, &as_utf8_stable, &as_utf8_string,
    &as_ascii, &as_latin1, &decode_ascii, &decode_latin1, &from_string, &unicode_check, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The strings suite's extension.",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(strings, moduledef)
