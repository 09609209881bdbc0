/* The argparse suite's extension: HPyArg_Parse, HPyArg_ParseKeywords and
   HPyArg_ParseKeywordsDict, one format unit or one format feature per function. */
#include "hpy.h"
#include <string.h>

/* unit(code, *args): parses args with the format "<code>:unit" and returns the C value
   converted back to Python (ints as ints, floats as floats, `s` as str, `p` as bool, `O` as
   the object itself). */
HPyDef_METH(unit, "unit", HPyFunc_VARARGS)
static HPy unit_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs < 1) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "unit() needs a format code");
        return HPy_NULL;
    }
    const char *code = HPyUnicode_AsUTF8AndSize(ctx, args[0], NULL);
    if (code == NULL)
        return HPy_NULL;
    char fmt[16];
    fmt[0] = code[0];
    strcpy(fmt + 1, ":unit");
    const HPy *rest = args + 1;
    size_t n = nargs - 1;
    switch (code[0]) {
    case 'b': case 'B': {
        unsigned char v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromLong(ctx, v);
    }
    case 'h': {
        short v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromLong(ctx, v);
    }
    case 'H': {
        unsigned short v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromLong(ctx, v);
    }
    case 'i': {
        int v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromLong(ctx, v);
    }
    case 'I': {
        unsigned int v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromUnsignedLong(ctx, v);
    }
    case 'l': {
        long v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromLong(ctx, v);
    }
    case 'k': {
        unsigned long v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromUnsignedLong(ctx, v);
    }
    case 'L': {
        long long v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromLongLong(ctx, v);
    }
    case 'K': {
        unsigned long long v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromUnsignedLongLong(ctx, v);
    }
    case 'n': {
        HPy_ssize_t v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromSsize_t(ctx, v);
    }
    case 'f': {
        float v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyFloat_FromDouble(ctx, v);
    }
    case 'd': {
        double v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyFloat_FromDouble(ctx, v);
    }
    case 'p': {
        int v = -1;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromLong(ctx, v);
    }
    case 's': {
        const char *v = NULL;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyUnicode_FromString(ctx, v);
    }
    case 'O': {
        HPy v = HPy_NULL;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPy_Dup(ctx, v);
    }
    default: {
        int v = 0;
        if (!HPyArg_Parse(ctx, NULL, rest, n, fmt, &v)) return HPy_NULL;
        return HPyLong_FromLong(ctx, v);
    }
    }
}

/* unit_repr(code, x): like unit(), but returns repr() of the result so floats stay floats. */
HPyDef_METH(unit_repr, "unit_repr", HPyFunc_VARARGS)
static HPy unit_repr_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    HPy r = unit_impl(ctx, self, args, nargs);
    if (HPy_IsNull(r))
        return HPy_NULL;
    HPy s = HPy_Repr(ctx, r);
    HPy_Close(ctx, r);
    return s;
}

/* two_optional(a, b=7, c=8): "l|ll:two_optional" */
HPyDef_METH(optional, "optional", HPyFunc_VARARGS)
static HPy optional_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    long a = 0, b = 7, c = 8;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "l|ll:optional", &a, &b, &c))
        return HPy_NULL;
    return HPy_BuildValue(ctx, "(lll)", a, b, c);
}

/* The same format without a name: messages start with "function". */
HPyDef_METH(anonymous, "anonymous", HPyFunc_VARARGS)
static HPy anonymous_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    long a = 0, b = 7;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "l|l", &a, &b))
        return HPy_NULL;
    return HPy_BuildValue(ctx, "(ll)", a, b);
}

/* ";message" replaces every message of the parser (not those of the conversions). */
HPyDef_METH(custom_message, "custom_message", HPyFunc_VARARGS)
static HPy custom_message_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    int a = 0;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "i;custom_message wants one small int", &a))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a);
}

/* Several units in one format: "iOsd|p:mixed" -> (i, O, s, d, p) */
HPyDef_METH(mixed, "mixed", HPyFunc_VARARGS)
static HPy mixed_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    int i = 0, p = 0;
    HPy o = HPy_NULL;
    const char *s = NULL;
    double d = 0;
    HPyTracker ht;
    if (!HPyArg_Parse(ctx, &ht, args, nargs, "iOsd|p:mixed", &i, &o, &s, &d, &p))
        return HPy_NULL;
    HPy r = HPy_BuildValue(ctx, "(iOsdi)", i, o, s, d, p);
    HPyTracker_Close(ctx, ht);
    return r;
}

/* kw(a, b=2, *, c=3): "l|l$l:kw" with names a, b, c. */
HPyDef_METH(kw, "kw", HPyFunc_KEYWORDS)
static HPy kw_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *names[] = { "a", "b", "c", NULL };
    long a = 0, b = 2, c = 3;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "l|l$l:kw", names, &a, &b, &c))
        return HPy_NULL;
    return HPy_BuildValue(ctx, "(lll)", a, b, c);
}

/* posonly(x, /, y): the first name is empty, so x can only be given positionally. */
HPyDef_METH(posonly, "posonly", HPyFunc_KEYWORDS)
static HPy posonly_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *names[] = { "", "y", NULL };
    long x = 0, y = 0;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "ll:posonly", names, &x, &y))
        return HPy_NULL;
    return HPy_BuildValue(ctx, "(ll)", x, y);
}

/* kw_objects(first, second=None): "O|O" with a tracker; returns (first, second). */
HPyDef_METH(kw_objects, "kw_objects", HPyFunc_KEYWORDS)
static HPy kw_objects_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *names[] = { "first", "second", NULL };
    HPy first = HPy_NULL, second = ctx->h_None;
    HPyTracker ht;
    if (!HPyArg_ParseKeywords(ctx, &ht, args, nargs, kwnames, "O|O:kw_objects", names, &first, &second))
        return HPy_NULL;
    HPy r = HPyTuple_Pack(ctx, 2, first, second);
    HPyTracker_Close(ctx, ht);
    return r;
}

/* 'O' without a tracker is refused by the keyword parsers. */
HPyDef_METH(kw_object_no_tracker, "kw_object_no_tracker", HPyFunc_KEYWORDS)
static HPy kw_object_no_tracker_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *names[] = { "obj", NULL };
    HPy obj = HPy_NULL;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "O:kw_object_no_tracker", names, &obj))
        return HPy_NULL;
    return HPy_Dup(ctx, obj);
}

/* More format units than names. */
HPyDef_METH(too_few_names, "too_few_names", HPyFunc_KEYWORDS)
static HPy too_few_names_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *names[] = { "a", NULL };
    long a = 0, b = 0;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "l|l:too_few_names", names, &a, &b))
        return HPy_NULL;
    return HPy_BuildValue(ctx, "(ll)", a, b);
}

/* More names than format units. */
HPyDef_METH(too_many_names, "too_many_names", HPyFunc_KEYWORDS)
static HPy too_many_names_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *names[] = { "a", "b", NULL };
    long a = 0;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "l:too_many_names", names, &a))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a);
}

/* An empty name after a real one is an error in the extension. */
HPyDef_METH(empty_name_late, "empty_name_late", HPyFunc_KEYWORDS)
static HPy empty_name_late_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *names[] = { "a", "", NULL };
    long a = 0, b = 0;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "ll:empty_name_late", names, &a, &b))
        return HPy_NULL;
    return HPy_BuildValue(ctx, "(ll)", a, b);
}

/* kw_units(*, i=0, d=0.0, s='', p=False): keyword-only units of several kinds, through "|$". */
HPyDef_METH(kw_units, "kw_units", HPyFunc_KEYWORDS)
static HPy kw_units_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *names[] = { "i", "d", "s", "p", NULL };
    int i = 0, p = 0;
    double d = 0;
    const char *s = "";
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "|$idsp:kw_units", names, &i, &d, &s, &p))
        return HPy_NULL;
    return HPy_BuildValue(ctx, "(idsi)", i, d, s, p);
}

/* dict_parse(args_list, kwargs_dict_or_None): HPyArg_ParseKeywordsDict with "l|lO:dict_parse"
   and names a, b, c; returns (a, b, c). */
HPyDef_METH(dict_parse, "dict_parse", HPyFunc_VARARGS)
static HPy dict_parse_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    static const char *names[] = { "a", "b", "c", NULL };
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "dict_parse(args, kwargs)");
        return HPy_NULL;
    }
    HPy_ssize_t n = HPy_Length(ctx, args[0]);
    if (n < 0 || n > 8) {
        if (!HPyErr_Occurred(ctx))
            HPyErr_SetString(ctx, ctx->h_ValueError, "at most 8 arguments");
        return HPy_NULL;
    }
    HPy items[8];
    for (HPy_ssize_t i = 0; i < n; i++)
        items[i] = HPy_GetItem_i(ctx, args[0], i);
    HPy kw = HPy_Is(ctx, args[1], ctx->h_None) ? HPy_NULL : args[1];
    long a = 0, b = 2;
    HPy c = ctx->h_None;
    HPyTracker ht;
    HPy result = HPy_NULL;
    if (HPyArg_ParseKeywordsDict(ctx, &ht, items, n, kw, "l|lO:dict_parse", names, &a, &b, &c)) {
        result = HPy_BuildValue(ctx, "(llO)", a, b, c);
        HPyTracker_Close(ctx, ht);
    }
    for (HPy_ssize_t i = 0; i < n; i++)
        HPy_Close(ctx, items[i]);
    return result;
}

static HPyDef *module_defines[] = {
    &unit, &unit_repr, &optional, &anonymous, &custom_message, &mixed, &kw, &posonly, &kw_objects,
    &kw_object_no_tracker, &too_few_names, &too_many_names, &empty_name_late, &kw_units, &dict_parse, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The argparse suite's extension.",
    .defines = module_defines,
};

HPy_MODINIT(argparse, moduledef)
