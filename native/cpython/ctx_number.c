/* The number protocol: PyNumber_* behind NULL checks (CPython's binary operators read the type
   of each operand unchecked). */
#include "ctx_common.h"

#define UNARY(NAME, FN)                           \
    HPy hmc_##NAME(HPyContext *ctx, HPy h1)       \
    {                                             \
        (void)ctx;                                \
        REQUIRE_H(h1, HPy_NULL);                  \
        return H(FN(P(h1)));                      \
    }

#define BINARY(NAME, FN)                                \
    HPy hmc_##NAME(HPyContext *ctx, HPy h1, HPy h2)     \
    {                                                   \
        (void)ctx;                                      \
        REQUIRE_H(h1, HPy_NULL);                        \
        REQUIRE_H(h2, HPy_NULL);                        \
        return H(FN(P(h1), P(h2)));                     \
    }

/* The modulus of pow() is optional: a NULL handle stands for None, as in pow(a, b). */
#define TERNARY(NAME, FN)                                       \
    HPy hmc_##NAME(HPyContext *ctx, HPy h1, HPy h2, HPy h3)     \
    {                                                           \
        (void)ctx;                                              \
        REQUIRE_H(h1, HPy_NULL);                                \
        REQUIRE_H(h2, HPy_NULL);                                \
        PyObject *mod = P(h3) != NULL ? P(h3) : Py_None;        \
        return H(FN(P(h1), P(h2), mod));                        \
    }

UNARY(Negative, PyNumber_Negative)
UNARY(Positive, PyNumber_Positive)
UNARY(Absolute, PyNumber_Absolute)
UNARY(Invert, PyNumber_Invert)
UNARY(Index, PyNumber_Index)
UNARY(Long, PyNumber_Long)
UNARY(Float, PyNumber_Float)

BINARY(Add, PyNumber_Add)
BINARY(Subtract, PyNumber_Subtract)
BINARY(Multiply, PyNumber_Multiply)
BINARY(MatrixMultiply, PyNumber_MatrixMultiply)
BINARY(FloorDivide, PyNumber_FloorDivide)
BINARY(TrueDivide, PyNumber_TrueDivide)
BINARY(Remainder, PyNumber_Remainder)
BINARY(Divmod, PyNumber_Divmod)
BINARY(Lshift, PyNumber_Lshift)
BINARY(Rshift, PyNumber_Rshift)
BINARY(And, PyNumber_And)
BINARY(Xor, PyNumber_Xor)
BINARY(Or, PyNumber_Or)
TERNARY(Power, PyNumber_Power)

BINARY(InPlaceAdd, PyNumber_InPlaceAdd)
BINARY(InPlaceSubtract, PyNumber_InPlaceSubtract)
BINARY(InPlaceMultiply, PyNumber_InPlaceMultiply)
BINARY(InPlaceMatrixMultiply, PyNumber_InPlaceMatrixMultiply)
BINARY(InPlaceFloorDivide, PyNumber_InPlaceFloorDivide)
BINARY(InPlaceTrueDivide, PyNumber_InPlaceTrueDivide)
BINARY(InPlaceRemainder, PyNumber_InPlaceRemainder)
BINARY(InPlaceLshift, PyNumber_InPlaceLshift)
BINARY(InPlaceRshift, PyNumber_InPlaceRshift)
BINARY(InPlaceAnd, PyNumber_InPlaceAnd)
BINARY(InPlaceXor, PyNumber_InPlaceXor)
BINARY(InPlaceOr, PyNumber_InPlaceOr)
TERNARY(InPlacePower, PyNumber_InPlacePower)

int hmc_Number_Check(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return P(h) != NULL && PyNumber_Check(P(h));
}
