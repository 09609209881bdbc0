/* The numbers suite's extension: every number operator of the context (plain, in-place and
   three-argument power), the Index/Long/Float protocol functions, HPyNumber_Check, and the
   conversions between Python ints/floats and each C width, with their error values. */
#include "hpy.h"
#include <string.h>
#include <stdint.h>
#include <math.h>

static int
name_is(HPyContext *ctx, HPy h, const char *name)
{
    const char *s = HPyUnicode_AsUTF8AndSize(ctx, h, NULL);
    return s != NULL && strcmp(s, name) == 0;
}

/* repr() of a new handle, closing it; NULL stays NULL. Reprs keep int and float apart. */
static HPy
repr_of(HPyContext *ctx, HPy h)
{
    if (HPy_IsNull(h))
        return HPy_NULL;
    HPy r = HPy_Repr(ctx, h);
    HPy_Close(ctx, h);
    return r;
}

typedef HPy (*binary_fn)(HPyContext *, HPy, HPy);
typedef HPy (*unary_fn)(HPyContext *, HPy);

static const struct { const char *name; binary_fn plain; binary_fn inplace; } binary_ops[] = {
    { "Add", HPy_Add, HPy_InPlaceAdd },
    { "Subtract", HPy_Subtract, HPy_InPlaceSubtract },
    { "Multiply", HPy_Multiply, HPy_InPlaceMultiply },
    { "MatrixMultiply", HPy_MatrixMultiply, HPy_InPlaceMatrixMultiply },
    { "FloorDivide", HPy_FloorDivide, HPy_InPlaceFloorDivide },
    { "TrueDivide", HPy_TrueDivide, HPy_InPlaceTrueDivide },
    { "Remainder", HPy_Remainder, HPy_InPlaceRemainder },
    { "Divmod", HPy_Divmod, NULL },
    { "Lshift", HPy_Lshift, HPy_InPlaceLshift },
    { "Rshift", HPy_Rshift, HPy_InPlaceRshift },
    { "And", HPy_And, HPy_InPlaceAnd },
    { "Xor", HPy_Xor, HPy_InPlaceXor },
    { "Or", HPy_Or, HPy_InPlaceOr },
};

static const struct { const char *name; unary_fn fn; } unary_ops[] = {
    { "Negative", HPy_Negative }, { "Positive", HPy_Positive }, { "Absolute", HPy_Absolute },
    { "Invert", HPy_Invert }, { "Index", HPy_Index }, { "Long", HPy_Long }, { "Float", HPy_Float },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int
check_nargs(HPyContext *ctx, size_t nargs, size_t expected, const char *fname)
{
    if (nargs == expected)
        return 1;
    HPyErr_Format(ctx, ctx->h_TypeError, "%s() takes %d arguments", fname, (int)expected);
    return 0;
}

HPyDef_METH(binary, "binary", HPyFunc_VARARGS, .doc = "binary(name, a, b): repr(HPy_<name>(a, b))")
static HPy binary_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (!check_nargs(ctx, nargs, 3, "binary"))
        return HPy_NULL;
    for (size_t i = 0; i < COUNT(binary_ops); i++)
        if (name_is(ctx, args[0], binary_ops[i].name))
            return repr_of(ctx, binary_ops[i].plain(ctx, args[1], args[2]));
    HPyErr_SetString(ctx, ctx->h_ValueError, "unknown operator");
    return HPy_NULL;
}

/* inplace(name, a, b) -> (repr(result), result is a) */
HPyDef_METH(inplace, "inplace", HPyFunc_VARARGS, .doc = "inplace(name, a, b): (repr(HPy_InPlace<name>(a, b)), result is a)")
static HPy inplace_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (!check_nargs(ctx, nargs, 3, "inplace"))
        return HPy_NULL;
    for (size_t i = 0; i < COUNT(binary_ops); i++) {
        if (binary_ops[i].inplace == NULL || !name_is(ctx, args[0], binary_ops[i].name))
            continue;
        HPy result = binary_ops[i].inplace(ctx, args[1], args[2]);
        if (HPy_IsNull(result))
            return HPy_NULL;
        int same = HPy_Is(ctx, result, args[1]);
        HPy r = repr_of(ctx, result);
        if (HPy_IsNull(r))
            return HPy_NULL;
        HPy flag = HPyBool_FromLong(ctx, same);
        HPy pair = HPyTuple_Pack(ctx, 2, r, flag);
        HPy_Close(ctx, r);
        HPy_Close(ctx, flag);
        return pair;
    }
    HPyErr_SetString(ctx, ctx->h_ValueError, "unknown operator");
    return HPy_NULL;
}

HPyDef_METH(unary, "unary", HPyFunc_VARARGS, .doc = "unary(name, a): repr(HPy_<name>(a))")
static HPy unary_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (!check_nargs(ctx, nargs, 2, "unary"))
        return HPy_NULL;
    for (size_t i = 0; i < COUNT(unary_ops); i++)
        if (name_is(ctx, args[0], unary_ops[i].name))
            return repr_of(ctx, unary_ops[i].fn(ctx, args[1]));
    HPyErr_SetString(ctx, ctx->h_ValueError, "unknown operator");
    return HPy_NULL;
}

HPyDef_METH(power, "power", HPyFunc_VARARGS, .doc = "power(a, b, m): repr(HPy_Power(a, b, m))")
static HPy power_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (!check_nargs(ctx, nargs, 3, "power"))
        return HPy_NULL;
    return repr_of(ctx, HPy_Power(ctx, args[0], args[1], args[2]));
}

HPyDef_METH(inplace_power, "inplace_power", HPyFunc_VARARGS, .doc = "inplace_power(a, b, m): (repr(HPy_InPlacePower(a, b, m)), result is a)")
static HPy inplace_power_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (!check_nargs(ctx, nargs, 3, "inplace_power"))
        return HPy_NULL;
    HPy result = HPy_InPlacePower(ctx, args[0], args[1], args[2]);
    if (HPy_IsNull(result))
        return HPy_NULL;
    int same = HPy_Is(ctx, result, args[0]);
    HPy r = repr_of(ctx, result);
    HPy flag = HPyBool_FromLong(ctx, same);
    HPy pair = HPyTuple_Pack(ctx, 2, r, flag);
    HPy_Close(ctx, r);
    HPy_Close(ctx, flag);
    return pair;
}

HPyDef_METH(number_check, "number_check", HPyFunc_O, .doc = "HPyNumber_Check(x) as an int")
static HPy number_check_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    return HPyLong_FromLong(ctx, HPyNumber_Check(ctx, arg));
}

/* repr() of the converted-back value, or NULL when the conversion left an exception (tested
   the way a careful caller does, since -1 can be a valid result). */
static HPy
checked(HPyContext *ctx, HPy value)
{
    if (HPyErr_Occurred(ctx)) {
        HPy_Close(ctx, value);
        return HPy_NULL;
    }
    return repr_of(ctx, value);
}

/* as_c(kind, x): repr of x converted to the C type of HPyLong_As<kind> and back to a Python
   int (or float for the double conversions). Raises what the conversion raised. */
HPyDef_METH(as_c, "as_c", HPyFunc_VARARGS)
static HPy as_c_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (!check_nargs(ctx, nargs, 2, "as_c"))
        return HPy_NULL;
    HPy k = args[0], x = args[1];
    if (name_is(ctx, k, "Int32_t"))
        return checked(ctx, HPyLong_FromInt32_t(ctx, HPyLong_AsInt32_t(ctx, x)));
    if (name_is(ctx, k, "UInt32_t"))
        return checked(ctx, HPyLong_FromUInt32_t(ctx, HPyLong_AsUInt32_t(ctx, x)));
    if (name_is(ctx, k, "UInt32_tMask"))
        return checked(ctx, HPyLong_FromUInt32_t(ctx, HPyLong_AsUInt32_tMask(ctx, x)));
    if (name_is(ctx, k, "Int64_t"))
        return checked(ctx, HPyLong_FromInt64_t(ctx, HPyLong_AsInt64_t(ctx, x)));
    if (name_is(ctx, k, "UInt64_t"))
        return checked(ctx, HPyLong_FromUInt64_t(ctx, HPyLong_AsUInt64_t(ctx, x)));
    if (name_is(ctx, k, "UInt64_tMask"))
        return checked(ctx, HPyLong_FromUInt64_t(ctx, HPyLong_AsUInt64_tMask(ctx, x)));
    if (name_is(ctx, k, "Size_t"))
        return checked(ctx, HPyLong_FromSize_t(ctx, HPyLong_AsSize_t(ctx, x)));
    if (name_is(ctx, k, "Ssize_t"))
        return checked(ctx, HPyLong_FromSsize_t(ctx, HPyLong_AsSsize_t(ctx, x)));
    if (name_is(ctx, k, "Long"))
        return checked(ctx, HPyLong_FromLong(ctx, HPyLong_AsLong(ctx, x)));
    if (name_is(ctx, k, "UnsignedLong"))
        return checked(ctx, HPyLong_FromUnsignedLong(ctx, HPyLong_AsUnsignedLong(ctx, x)));
    if (name_is(ctx, k, "UnsignedLongMask"))
        return checked(ctx, HPyLong_FromUnsignedLong(ctx, HPyLong_AsUnsignedLongMask(ctx, x)));
    if (name_is(ctx, k, "LongLong"))
        return checked(ctx, HPyLong_FromLongLong(ctx, HPyLong_AsLongLong(ctx, x)));
    if (name_is(ctx, k, "UnsignedLongLong"))
        return checked(ctx, HPyLong_FromUnsignedLongLong(ctx, HPyLong_AsUnsignedLongLong(ctx, x)));
    if (name_is(ctx, k, "UnsignedLongLongMask"))
        return checked(ctx, HPyLong_FromUnsignedLongLong(ctx, HPyLong_AsUnsignedLongLongMask(ctx, x)));
    if (name_is(ctx, k, "VoidPtr"))
        return checked(ctx, HPyLong_FromSize_t(ctx, (size_t)(uintptr_t)HPyLong_AsVoidPtr(ctx, x)));
    if (name_is(ctx, k, "Double"))
        return checked(ctx, HPyFloat_FromDouble(ctx, HPyLong_AsDouble(ctx, x)));
    if (name_is(ctx, k, "Float_AsDouble"))
        return checked(ctx, HPyFloat_FromDouble(ctx, HPyFloat_AsDouble(ctx, x)));
    HPyErr_SetString(ctx, ctx->h_ValueError, "unknown conversion");
    return HPy_NULL;
}

/* error_value(kind, x): the raw C result of a conversion that fails, as an int (or float),
   with the pending exception cleared; None when the conversion did not fail. */
HPyDef_METH(error_value, "error_value", HPyFunc_VARARGS)
static HPy error_value_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (!check_nargs(ctx, nargs, 2, "error_value"))
        return HPy_NULL;
    HPy k = args[0], x = args[1];
    HPy result;
    if (name_is(ctx, k, "Int32_t"))
        result = HPyLong_FromInt32_t(ctx, HPyLong_AsInt32_t(ctx, x));
    else if (name_is(ctx, k, "UInt32_t"))
        result = HPyLong_FromUInt32_t(ctx, HPyLong_AsUInt32_t(ctx, x));
    else if (name_is(ctx, k, "UInt32_tMask"))
        result = HPyLong_FromUInt32_t(ctx, HPyLong_AsUInt32_tMask(ctx, x));
    else if (name_is(ctx, k, "Int64_t"))
        result = HPyLong_FromInt64_t(ctx, HPyLong_AsInt64_t(ctx, x));
    else if (name_is(ctx, k, "UInt64_t"))
        result = HPyLong_FromUInt64_t(ctx, HPyLong_AsUInt64_t(ctx, x));
    else if (name_is(ctx, k, "UInt64_tMask"))
        result = HPyLong_FromUInt64_t(ctx, HPyLong_AsUInt64_tMask(ctx, x));
    else if (name_is(ctx, k, "Size_t"))
        result = HPyLong_FromSize_t(ctx, HPyLong_AsSize_t(ctx, x));
    else if (name_is(ctx, k, "Ssize_t"))
        result = HPyLong_FromSsize_t(ctx, HPyLong_AsSsize_t(ctx, x));
    else if (name_is(ctx, k, "VoidPtr"))
        result = HPyLong_FromSize_t(ctx, (size_t)(uintptr_t)HPyLong_AsVoidPtr(ctx, x));
    else if (name_is(ctx, k, "Double"))
        result = HPyFloat_FromDouble(ctx, HPyLong_AsDouble(ctx, x));
    else if (name_is(ctx, k, "Float_AsDouble"))
        result = HPyFloat_FromDouble(ctx, HPyFloat_AsDouble(ctx, x));
    else {
        HPyErr_SetString(ctx, ctx->h_ValueError, "unknown conversion");
        return HPy_NULL;
    }
    /* The From* call above ran with the exception still pending; only its value matters. */
    if (!HPyErr_Occurred(ctx)) {
        HPy_Close(ctx, result);
        return HPy_Dup(ctx, ctx->h_None);
    }
    HPyErr_Clear(ctx);
    return repr_of(ctx, result);
}

/* The extremes of every C width through the HPyLong_From* functions. */
HPyDef_METH(from_c, "from_c", HPyFunc_O)
static HPy from_c_impl(HPyContext *ctx, HPy self, HPy kind)
{
    (void)self;
    HPy lo, hi;
    if (name_is(ctx, kind, "Int32_t")) {
        lo = HPyLong_FromInt32_t(ctx, INT32_MIN);
        hi = HPyLong_FromInt32_t(ctx, INT32_MAX);
    } else if (name_is(ctx, kind, "UInt32_t")) {
        lo = HPyLong_FromUInt32_t(ctx, 0);
        hi = HPyLong_FromUInt32_t(ctx, UINT32_MAX);
    } else if (name_is(ctx, kind, "Int64_t")) {
        lo = HPyLong_FromInt64_t(ctx, INT64_MIN);
        hi = HPyLong_FromInt64_t(ctx, INT64_MAX);
    } else if (name_is(ctx, kind, "UInt64_t")) {
        lo = HPyLong_FromUInt64_t(ctx, 0);
        hi = HPyLong_FromUInt64_t(ctx, UINT64_MAX);
    } else if (name_is(ctx, kind, "Size_t")) {
        lo = HPyLong_FromSize_t(ctx, 0);
        hi = HPyLong_FromSize_t(ctx, SIZE_MAX);
    } else if (name_is(ctx, kind, "Ssize_t")) {
        lo = HPyLong_FromSsize_t(ctx, -(HPy_ssize_t)(SIZE_MAX >> 1) - 1);
        hi = HPyLong_FromSsize_t(ctx, (HPy_ssize_t)(SIZE_MAX >> 1));
    } else if (name_is(ctx, kind, "Long")) {
        lo = HPyLong_FromLong(ctx, LONG_MIN);
        hi = HPyLong_FromLong(ctx, LONG_MAX);
    } else if (name_is(ctx, kind, "UnsignedLong")) {
        lo = HPyLong_FromUnsignedLong(ctx, 0);
        hi = HPyLong_FromUnsignedLong(ctx, ULONG_MAX);
    } else if (name_is(ctx, kind, "LongLong")) {
        lo = HPyLong_FromLongLong(ctx, LLONG_MIN);
        hi = HPyLong_FromLongLong(ctx, LLONG_MAX);
    } else if (name_is(ctx, kind, "UnsignedLongLong")) {
        lo = HPyLong_FromUnsignedLongLong(ctx, 0);
        hi = HPyLong_FromUnsignedLongLong(ctx, ULLONG_MAX);
    } else {
        HPyErr_SetString(ctx, ctx->h_ValueError, "unknown conversion");
        return HPy_NULL;
    }
    HPy pair = HPyTuple_Pack(ctx, 2, lo, hi);
    HPy_Close(ctx, lo);
    HPy_Close(ctx, hi);
    return pair;
}

/* Floats that Python code cannot spell directly: repr of each HPyFloat_FromDouble result. */
HPyDef_METH(special_floats, "special_floats", HPyFunc_NOARGS)
static HPy special_floats_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    double values[] = { INFINITY, -INFINITY, NAN, -0.0, 1e308 * 10.0, 5e-324, 2.0 };
    HPy items[7];
    for (int i = 0; i < 7; i++)
        items[i] = repr_of(ctx, HPyFloat_FromDouble(ctx, values[i]));
    HPy t = HPyTuple_FromArray(ctx, items, 7);
    for (int i = 0; i < 7; i++)
        HPy_Close(ctx, items[i]);
    return t;
}

/* HPyBool_FromLong and HPyBool_FromBool give the True/False singletons. */
HPyDef_METH(bools, "bools", HPyFunc_NOARGS)
static HPy bools_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy t = HPyBool_FromLong(ctx, 42);
    HPy f = HPyBool_FromLong(ctx, 0);
    HPy t2 = HPyBool_FromBool(ctx, true);
    HPy f2 = HPyBool_FromBool(ctx, false);
    int ok = HPy_Is(ctx, t, ctx->h_True) && HPy_Is(ctx, f, ctx->h_False)
          && HPy_Is(ctx, t2, ctx->h_True) && HPy_Is(ctx, f2, ctx->h_False);
    HPy_Close(ctx, t);
    HPy_Close(ctx, f);
    HPy_Close(ctx, t2);
    HPy_Close(ctx, f2);
    return HPyBool_FromLong(ctx, ok);
}

static HPyDef *module_defines[] = {
    &binary, &inplace, &unary, &power, &inplace_power, &number_check, &as_c, &error_value,
    &from_c, &special_floats, &bools, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The numbers suite's extension.",
    .defines = module_defines,
};

HPy_MODINIT(numbers, moduledef)
