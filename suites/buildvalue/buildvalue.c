/* The buildvalue suite's extension: HPy_BuildValue with every format unit, nesting, and its
   errors. build(name) runs the case of that name. */
#include "hpy.h"
#include <limits.h>
#include <string.h>

static HPy
build_case(HPyContext *ctx, const char *name, HPy arg)
{
#define CASE(n) if (strcmp(name, n) == 0)
    CASE("i") return HPy_BuildValue(ctx, "i", 42);
    CASE("i min") return HPy_BuildValue(ctx, "i", INT_MIN);
    CASE("I max") return HPy_BuildValue(ctx, "I", UINT_MAX);
    CASE("l min") return HPy_BuildValue(ctx, "l", LONG_MIN);
    CASE("k max") return HPy_BuildValue(ctx, "k", ULONG_MAX);
    CASE("L max") return HPy_BuildValue(ctx, "L", LLONG_MAX);
    CASE("K max") return HPy_BuildValue(ctx, "K", ULLONG_MAX);
    CASE("n") return HPy_BuildValue(ctx, "n", (HPy_ssize_t)-5);
    CASE("f") return HPy_BuildValue(ctx, "f", 1.5f);
    CASE("f inexact") return HPy_BuildValue(ctx, "f", 0.1f);
    CASE("d") return HPy_BuildValue(ctx, "d", 0.1);
    CASE("s") return HPy_BuildValue(ctx, "s", "h\xc3\xa9llo \xe2\x82\xac");
    CASE("s empty") return HPy_BuildValue(ctx, "s", "");
    CASE("O") return HPy_BuildValue(ctx, "O", arg);
    CASE("S") return HPy_BuildValue(ctx, "S", arg);
    CASE("empty") return HPy_BuildValue(ctx, "");
    CASE("()") return HPy_BuildValue(ctx, "()");
    CASE("(i)") return HPy_BuildValue(ctx, "(i)", 1);
    CASE("ii") return HPy_BuildValue(ctx, "ii", 1, 2);
    CASE("i,i") return HPy_BuildValue(ctx, "i,i", 1, 2);
    CASE("[]") return HPy_BuildValue(ctx, "[]");
    CASE("[i]") return HPy_BuildValue(ctx, "[i]", 1);
    CASE("[i,s]") return HPy_BuildValue(ctx, "[i,s]", 1, "x");
    CASE("{}") return HPy_BuildValue(ctx, "{}");
    CASE("{s:i,s:i}") return HPy_BuildValue(ctx, "{s:i,s:i}", "a", 1, "b", 2);
    CASE("{i:s}") return HPy_BuildValue(ctx, "{i:s}", 7, "seven");
    CASE("{s:i, s:i}") return HPy_BuildValue(ctx, "{s:i, s:i}", "a", 1, "b", 2);
    CASE("duplicate keys") return HPy_BuildValue(ctx, "{s:i,s:i}", "a", 1, "a", 2);
    CASE("nested") return HPy_BuildValue(ctx, "(i,(s,[d,{s:O}]))", 1, "two", 3.5, "four", arg);
    CASE("(ii)(s)") return HPy_BuildValue(ctx, "(ii)(s)", 1, 2, "x");
    CASE("[(ii)]") return HPy_BuildValue(ctx, "[(ii),(ii)]", 1, 2, 3, 4);
    CASE("{s:[i]}") return HPy_BuildValue(ctx, "{s:[i],s:()}", "l", 1, "t");
    CASE("ten") return HPy_BuildValue(ctx, "iiiiiiiiii", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    CASE("mixed") return HPy_BuildValue(ctx, "(idsOlK)", -1, 0.5, "s", arg, -2L, 3ULL);
    CASE("[OO]") return HPy_BuildValue(ctx, "[O,O]", arg, arg);
    CASE("{O:i}") return HPy_BuildValue(ctx, "{O:i}", arg, 1);
    CASE("N") return HPy_BuildValue(ctx, "N", arg);
    CASE("bad char") return HPy_BuildValue(ctx, "ix", 1);
    CASE("unmatched (") return HPy_BuildValue(ctx, "(ii", 1, 2);
    CASE("unmatched [") return HPy_BuildValue(ctx, "[i", 1);
    CASE("unmatched {") return HPy_BuildValue(ctx, "{s:i", "a", 1);
    CASE("(i]") return HPy_BuildValue(ctx, "(i]", 1);
    CASE("missing :") return HPy_BuildValue(ctx, "{s}", "a");
    CASE("missing ,") return HPy_BuildValue(ctx, "{s:i s:i}", "a", 1, "b", 2);
    CASE("unexpected ,") return HPy_BuildValue(ctx, "{,s:i}", "a", 1);
    CASE("O NULL") return HPy_BuildValue(ctx, "O", HPy_NULL);
    CASE("(iO) NULL") return HPy_BuildValue(ctx, "(iO)", 1, HPy_NULL);
    CASE("O NULL after an error") {
        /* A failed call in the argument list leaves its exception, which BuildValue keeps. */
        return HPy_BuildValue(ctx, "(iO)", 1, HPy_GetItem_s(ctx, arg, "missing"));
    }
    CASE("{s:O} NULL") return HPy_BuildValue(ctx, "{s:O}", "k", HPy_NULL);
#undef CASE
    HPyErr_SetString(ctx, ctx->h_ValueError, "unknown case");
    return HPy_NULL;
}

HPyDef_METH(build, "build", HPyFunc_VARARGS, .doc = "build(case, arg=None): HPy_BuildValue of that case")
static HPy build_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs < 1 || nargs > 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "build(case, arg=None)");
        return HPy_NULL;
    }
    const char *name = HPyUnicode_AsUTF8AndSize(ctx, args[0], NULL);
    if (name == NULL)
        return HPy_NULL;
    return build_case(ctx, name, nargs == 2 ? args[1] : ctx->h_None);
}

HPyDef_METH(build_repr, "build_repr", HPyFunc_VARARGS, .doc = "repr(build(case, arg))")
static HPy build_repr_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy r = build_impl(ctx, self, args, nargs);
    if (HPy_IsNull(r))
        return HPy_NULL;
    HPy s = HPy_Repr(ctx, r);
    HPy_Close(ctx, r);
    return s;
}

/* "O" takes a new handle: the result outlives the handle it was built from. */
HPyDef_METH(outlives_source, "outlives_source", HPyFunc_NOARGS)
static HPy outlives_source_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy item = HPyUnicode_FromString(ctx, "kept");
    HPy one = HPy_BuildValue(ctx, "O", item);
    HPy_Close(ctx, item);
    return one;
}

/* A single unit is not wrapped in a tuple, and "O" gives the same object, not a copy. */
HPyDef_METH(same_object, "same_object", HPyFunc_O)
static HPy same_object_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    HPy r = HPy_BuildValue(ctx, "O", arg);
    if (HPy_IsNull(r))
        return HPy_NULL;
    int same = HPy_Is(ctx, r, arg);
    HPy_Close(ctx, r);
    return HPyBool_FromLong(ctx, same);
}

static HPyDef *module_defines[] = { &build, &build_repr, &outlives_source, &same_object, NULL };

static HPyModuleDef moduledef = {
    .doc = "The buildvalue suite's extension.",
    .defines = module_defines,
};

HPy_MODINIT(buildvalue, moduledef)
