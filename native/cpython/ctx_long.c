/* int, float and bool conversions. The 32-bit ones go through CPython's long conversions and
   then check the C range, as HPy does on CPython; the others are CPython's own. */
#include "ctx_common.h"

HPy hmc_Long_FromInt32_t(HPyContext *ctx, int32_t value) { (void)ctx; return H(PyLong_FromLong(value)); }
HPy hmc_Long_FromUInt32_t(HPyContext *ctx, uint32_t value) { (void)ctx; return H(PyLong_FromUnsignedLong(value)); }
HPy hmc_Long_FromInt64_t(HPyContext *ctx, int64_t v) { (void)ctx; return H(PyLong_FromLongLong(v)); }
HPy hmc_Long_FromUInt64_t(HPyContext *ctx, uint64_t v) { (void)ctx; return H(PyLong_FromUnsignedLongLong(v)); }
HPy hmc_Long_FromSize_t(HPyContext *ctx, size_t value) { (void)ctx; return H(PyLong_FromSize_t(value)); }
HPy hmc_Long_FromSsize_t(HPyContext *ctx, HPy_ssize_t value) { (void)ctx; return H(PyLong_FromSsize_t(value)); }

int32_t hmc_Long_AsInt32_t(HPyContext *ctx, HPy h)
{
    (void)ctx;
    long v = PyLong_AsLong(P(h));
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < INT32_MIN || v > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C int32_t");
        return -1;
    }
    return (int32_t)v;
}

uint32_t hmc_Long_AsUInt32_t(HPyContext *ctx, HPy h)
{
    (void)ctx;
    unsigned long v = PyLong_AsUnsignedLong(P(h));
    if (v == (unsigned long)-1 && PyErr_Occurred())
        return (uint32_t)-1;
    if (v > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "Python int too large to convert to C uint32_t");
        return (uint32_t)-1;
    }
    return (uint32_t)v;
}

/* The Mask variants wrap modulo 2**width instead of raising OverflowError. */
uint32_t hmc_Long_AsUInt32_tMask(HPyContext *ctx, HPy h) { (void)ctx; return (uint32_t)PyLong_AsUnsignedLongMask(P(h)); }
int64_t hmc_Long_AsInt64_t(HPyContext *ctx, HPy h) { (void)ctx; return PyLong_AsLongLong(P(h)); }
uint64_t hmc_Long_AsUInt64_t(HPyContext *ctx, HPy h) { (void)ctx; return PyLong_AsUnsignedLongLong(P(h)); }
uint64_t hmc_Long_AsUInt64_tMask(HPyContext *ctx, HPy h) { (void)ctx; return PyLong_AsUnsignedLongLongMask(P(h)); }
size_t hmc_Long_AsSize_t(HPyContext *ctx, HPy h) { (void)ctx; return PyLong_AsSize_t(P(h)); }
HPy_ssize_t hmc_Long_AsSsize_t(HPyContext *ctx, HPy h) { (void)ctx; return PyLong_AsSsize_t(P(h)); }
double hmc_Long_AsDouble(HPyContext *ctx, HPy h) { (void)ctx; return PyLong_AsDouble(P(h)); }

void *hmc_Long_AsVoidPtr(HPyContext *ctx, HPy h)
{
    (void)ctx;
    REQUIRE_H(h, NULL);
    return PyLong_AsVoidPtr(P(h));
}

HPy hmc_Float_FromDouble(HPyContext *ctx, double v) { (void)ctx; return H(PyFloat_FromDouble(v)); }
double hmc_Float_AsDouble(HPyContext *ctx, HPy h) { (void)ctx; return PyFloat_AsDouble(P(h)); }
HPy hmc_Bool_FromBool(HPyContext *ctx, bool v) { (void)ctx; return H(PyBool_FromLong(v)); }
