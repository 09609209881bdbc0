/* bytes and str. The char * results point into the object (a bytes' own buffer, a str's cached
   UTF-8), so they stay valid as long as the handle. */
#include "ctx_common.h"

/* --- bytes ---------------------------------------------------------------------------------- */

int hmc_Bytes_Check(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return P(h) != NULL && PyBytes_Check(P(h));
}

/* The unchecked variants (GET_SIZE, AS_STRING) check too: a wrong type raises instead of
   reading another object's memory. */
HPy_ssize_t hmc_Bytes_Size(HPyContext *ctx, HPy h)
{
    (void)ctx;
    REQUIRE_H(h, -1);
    return PyBytes_Size(P(h));
}

HPy_ssize_t hmc_Bytes_GET_SIZE(HPyContext *ctx, HPy h) { return hmc_Bytes_Size(ctx, h); }

const char *hmc_Bytes_AsString(HPyContext *ctx, HPy h)
{
    (void)ctx;
    REQUIRE_H(h, NULL);
    return PyBytes_AsString(P(h));
}

const char *hmc_Bytes_AS_STRING(HPyContext *ctx, HPy h) { return hmc_Bytes_AsString(ctx, h); }

HPy hmc_Bytes_FromString(HPyContext *ctx, const char *bytes)
{
    (void)ctx;
    REQUIRE_PTR(bytes, HPy_NULL);
    return H(PyBytes_FromString(bytes));
}

/* CPython reads NULL data as "allocate, the caller fills it in", which HPy cannot offer. */
HPy hmc_Bytes_FromStringAndSize(HPyContext *ctx, const char *bytes, HPy_ssize_t len)
{
    (void)ctx;
    if (bytes == NULL) {
        PyErr_SetString(PyExc_ValueError, "NULL char * passed to HPyBytes_FromStringAndSize");
        return HPy_NULL;
    }
    return H(PyBytes_FromStringAndSize(bytes, len));
}

/* --- str ------------------------------------------------------------------------------------ */

int hmc_Unicode_Check(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return P(h) != NULL && PyUnicode_Check(P(h));
}

HPy hmc_Unicode_FromString(HPyContext *ctx, const char *utf8)
{
    (void)ctx;
    REQUIRE_PTR(utf8, HPy_NULL);
    return H(PyUnicode_FromString(utf8));
}

#define ENCODER(NAME, FN)                      \
    HPy hmc_##NAME(HPyContext *ctx, HPy h)     \
    {                                          \
        (void)ctx;                             \
        REQUIRE_H(h, HPy_NULL);                \
        return H(FN(P(h)));                    \
    }

ENCODER(Unicode_AsASCIIString, PyUnicode_AsASCIIString)
ENCODER(Unicode_AsLatin1String, PyUnicode_AsLatin1String)
ENCODER(Unicode_AsUTF8String, PyUnicode_AsUTF8String)
ENCODER(Unicode_EncodeFSDefault, PyUnicode_EncodeFSDefault)

const char *hmc_Unicode_AsUTF8AndSize(HPyContext *ctx, HPy h, HPy_ssize_t *size)
{
    (void)ctx;
    REQUIRE_H(h, NULL);
    return PyUnicode_AsUTF8AndSize(P(h), size);
}

HPy hmc_Unicode_FromWideChar(HPyContext *ctx, const wchar_t *w, HPy_ssize_t size)
{
    (void)ctx;
    return H(PyUnicode_FromWideChar(w, size));
}

HPy hmc_Unicode_DecodeFSDefault(HPyContext *ctx, const char *v)
{
    (void)ctx;
    REQUIRE_PTR(v, HPy_NULL);
    return H(PyUnicode_DecodeFSDefault(v));
}

/* CPython checks neither a negative size nor NULL data before it reads them. */
static int check_sized(const char *data, HPy_ssize_t size)
{
    if (size < 0) {
        PyErr_SetString(PyExc_SystemError, "Negative size passed to PyUnicode_New");
        return -1;
    }
    if (data == NULL && size > 0) {
        PyErr_BadInternalCall();
        return -1;
    }
    return 0;
}

HPy hmc_Unicode_DecodeFSDefaultAndSize(HPyContext *ctx, const char *v, HPy_ssize_t size)
{
    (void)ctx;
    if (check_sized(v, size) < 0)
        return HPy_NULL;
    return H(PyUnicode_DecodeFSDefaultAndSize(v != NULL ? v : "", size));
}

HPy hmc_Unicode_DecodeASCII(HPyContext *ctx, const char *ascii, HPy_ssize_t size, const char *errors)
{
    (void)ctx;
    if (check_sized(ascii, size) < 0)
        return HPy_NULL;
    return H(PyUnicode_DecodeASCII(ascii != NULL ? ascii : "", size, errors));
}

HPy hmc_Unicode_DecodeLatin1(HPyContext *ctx, const char *latin1, HPy_ssize_t size, const char *errors)
{
    (void)ctx;
    if (check_sized(latin1, size) < 0)
        return HPy_NULL;
    return H(PyUnicode_DecodeLatin1(latin1 != NULL ? latin1 : "", size, errors));
}

HPy_UCS4 hmc_Unicode_ReadChar(HPyContext *ctx, HPy h, HPy_ssize_t index)
{
    (void)ctx;
    REQUIRE_H(h, (HPy_UCS4)-1);
    return PyUnicode_ReadChar(P(h), index);
}

/* A NULL encoding means UTF-8. */
HPy hmc_Unicode_FromEncodedObject(HPyContext *ctx, HPy obj, const char *encoding, const char *errors)
{
    (void)ctx;
    REQUIRE_H(obj, HPy_NULL);
    return H(PyUnicode_FromEncodedObject(P(obj), encoding, errors));
}

/* CPython takes the argument to be a str without checking. */
HPy hmc_Unicode_Substring(HPyContext *ctx, HPy str, HPy_ssize_t start, HPy_ssize_t end)
{
    (void)ctx;
    REQUIRE_H(str, HPy_NULL);
    if (!PyUnicode_Check(P(str))) {
        PyErr_BadArgument();
        return HPy_NULL;
    }
    return H(PyUnicode_Substring(P(str), start, end));
}
