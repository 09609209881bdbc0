/* The basic suite's extension: one function per feature of the first slice of the API
   (module-level signatures, primitive types, containers, errors, exec slots, globals). */
#include "hpy.h"

static HPyGlobal g_counter;

HPyDef_METH(get_none, "get_none", HPyFunc_NOARGS, .doc = "Return None.")
static HPy get_none_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(negate, "negate", HPyFunc_O, .doc = "Return not x, computed with HPy_IsTrue.")
static HPy negate_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    int truth = HPy_IsTrue(ctx, arg);
    if (truth < 0)
        return HPy_NULL;
    return HPyBool_FromLong(ctx, !truth);
}

HPyDef_METH(add, "add", HPyFunc_VARARGS, .doc = "add(a, b): a + b")
static HPy add_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "add() takes exactly 2 arguments");
        return HPy_NULL;
    }
    return HPy_Add(ctx, args[0], args[1]);
}

/* Returns (positional args as a tuple, keyword names as a tuple or None). */
HPyDef_METH(describe_call, "describe_call", HPyFunc_KEYWORDS)
static HPy describe_call_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    HPy positional = HPyTuple_FromArray(ctx, (HPy *)args, (HPy_ssize_t)nargs);
    if (HPy_IsNull(positional))
        return HPy_NULL;
    HPy names = HPy_IsNull(kwnames) ? HPy_Dup(ctx, ctx->h_None) : HPy_Dup(ctx, kwnames);
    HPy pair[2] = { positional, names };
    HPy result = HPyTuple_FromArray(ctx, pair, 2);
    HPy_Close(ctx, positional);
    HPy_Close(ctx, names);
    return result;
}

/* Keyword values follow the positional ones: returns the value of keyword `key`. */
HPyDef_METH(keyword_value, "keyword_value", HPyFunc_KEYWORDS)
static HPy keyword_value_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    if (HPy_IsNull(kwnames))
        return HPy_Dup(ctx, ctx->h_None);
    HPy_ssize_t n = HPy_Length(ctx, kwnames);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy name = HPy_GetItem_i(ctx, kwnames, i);
        if (HPy_IsNull(name))
            return HPy_NULL;
        HPy_ssize_t size;
        const char *utf8 = HPyUnicode_AsUTF8AndSize(ctx, name, &size);
        int match = utf8 != NULL && size == 3 && utf8[0] == 'k' && utf8[1] == 'e' && utf8[2] == 'y';
        HPy_Close(ctx, name);
        if (match)
            return HPy_Dup(ctx, args[nargs + (size_t)i]);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(int64_roundtrip, "int64_roundtrip", HPyFunc_O, .doc = "int -> int64_t -> int")
static HPy int64_roundtrip_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    int64_t v = HPyLong_AsInt64_t(ctx, arg);
    if (v == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromInt64_t(ctx, v);
}

HPyDef_METH(double_it, "double_it", HPyFunc_O, .doc = "x * 2 through HPy_Multiply")
static HPy double_it_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    HPy two = HPyLong_FromInt32_t(ctx, 2);
    HPy result = HPy_Multiply(ctx, arg, two);
    HPy_Close(ctx, two);
    return result;
}

HPyDef_METH(half, "half", HPyFunc_O, .doc = "float(x) / 2 computed in C")
static HPy half_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    double d = HPyFloat_AsDouble(ctx, arg);
    if (d == -1.0 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyFloat_FromDouble(ctx, d / 2.0);
}

HPyDef_METH(utf8_size, "utf8_size", HPyFunc_O, .doc = "number of UTF-8 bytes of a str")
static HPy utf8_size_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    HPy_ssize_t size;
    if (HPyUnicode_AsUTF8AndSize(ctx, arg, &size) == NULL)
        return HPy_NULL;
    return HPyLong_FromSsize_t(ctx, size);
}

HPyDef_METH(greet, "greet", HPyFunc_O, .doc = "'Hello, ' + name + '!'")
static HPy greet_impl(HPyContext *ctx, HPy self, HPy name)
{
    (void)self;
    HPy hello = HPyUnicode_FromString(ctx, "Hello, ");
    HPy bang = HPyUnicode_FromString(ctx, "!");
    HPy left = HPy_Add(ctx, hello, name);
    HPy result = HPy_IsNull(left) ? HPy_NULL : HPy_Add(ctx, left, bang);
    HPy_Close(ctx, hello);
    HPy_Close(ctx, bang);
    HPy_Close(ctx, left);
    return result;
}

HPyDef_METH(make_bytes, "make_bytes", HPyFunc_NOARGS, .doc = "b'a\\x00b'")
static HPy make_bytes_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyBytes_FromStringAndSize(ctx, "a\0b", 3);
}

HPyDef_METH(bytes_size, "bytes_size", HPyFunc_O)
static HPy bytes_size_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    if (!HPyBytes_Check(ctx, arg)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "expected bytes");
        return HPy_NULL;
    }
    return HPyLong_FromSsize_t(ctx, HPyBytes_Size(ctx, arg));
}

HPyDef_METH(squares, "squares", HPyFunc_O, .doc = "[0, 1, 4, ...] of length n, with HPyList_Append")
static HPy squares_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, arg);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    HPy list = HPyList_New(ctx, 0);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPyLong_FromSsize_t(ctx, i * i);
        int err = HPyList_Append(ctx, list, item);
        HPy_Close(ctx, item);
        if (err < 0) {
            HPy_Close(ctx, list);
            return HPy_NULL;
        }
    }
    return list;
}

HPyDef_METH(make_dict, "make_dict", HPyFunc_NOARGS, .doc = "{'one': 1, 'two': 2}")
static HPy make_dict_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy d = HPyDict_New(ctx);
    HPy one = HPyLong_FromInt32_t(ctx, 1);
    HPy two = HPyLong_FromInt32_t(ctx, 2);
    int err = HPy_SetItem_s(ctx, d, "one", one) < 0 || HPy_SetItem_s(ctx, d, "two", two) < 0;
    HPy_Close(ctx, one);
    HPy_Close(ctx, two);
    if (err) {
        HPy_Close(ctx, d);
        return HPy_NULL;
    }
    return d;
}

HPyDef_METH(getitem, "getitem", HPyFunc_VARARGS, .doc = "getitem(container, key)")
static HPy getitem_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "getitem() takes exactly 2 arguments");
        return HPy_NULL;
    }
    return HPy_GetItem(ctx, args[0], args[1]);
}

HPyDef_METH(raise_value_error, "raise_value_error", HPyFunc_O, .doc = "raise ValueError(message)")
static HPy raise_value_error_impl(HPyContext *ctx, HPy self, HPy message)
{
    (void)self;
    const char *utf8 = HPyUnicode_AsUTF8AndSize(ctx, message, NULL);
    if (utf8 == NULL)
        return HPy_NULL;
    HPyErr_SetString(ctx, ctx->h_ValueError, utf8);
    return HPy_NULL;
}

HPyDef_METH(call_with, "call_with", HPyFunc_VARARGS, .doc = "call_with(f, *args): f(*args)")
static HPy call_with_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs < 1) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "call_with() needs a callable");
        return HPy_NULL;
    }
    return HPy_Call(ctx, args[0], args + 1, nargs - 1, HPy_NULL);
}

HPyDef_METH(forget_error, "forget_error", HPyFunc_O, .doc = "call arg(); swallow any exception; return whether one was raised")
static HPy forget_error_impl(HPyContext *ctx, HPy self, HPy callable)
{
    (void)self;
    HPy r = HPy_Call(ctx, callable, NULL, 0, HPy_NULL);
    if (!HPy_IsNull(r)) {
        HPy_Close(ctx, r);
        return HPy_Dup(ctx, ctx->h_False);
    }
    int matched = HPyErr_ExceptionMatches(ctx, ctx->h_Exception);
    HPyErr_Clear(ctx);
    return HPyBool_FromLong(ctx, matched);
}

HPyDef_METH(next_count, "next_count", HPyFunc_NOARGS, .doc = "increments a counter kept in an HPyGlobal")
static HPy next_count_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy old = HPyGlobal_Load(ctx, g_counter);
    HPy one = HPyLong_FromInt32_t(ctx, 1);
    HPy next = HPy_Add(ctx, old, one);
    HPy_Close(ctx, old);
    HPy_Close(ctx, one);
    if (HPy_IsNull(next))
        return HPy_NULL;
    HPyGlobal_Store(ctx, &g_counter, next);
    return next;
}

HPyDef_METH(parse_args, "parse_args", HPyFunc_KEYWORDS, .doc = "parse_args(a, b=10, *, name='x') -> (a, b, name)")
static HPy parse_args_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    static const char *keywords[] = { "a", "b", "name", NULL };
    long a, b = 10;
    const char *name = "x";
    HPyTracker ht;
    if (!HPyArg_ParseKeywords(ctx, &ht, args, nargs, kwnames, "l|l$s:parse_args", keywords, &a, &b, &name))
        return HPy_NULL;
    HPy result = HPy_BuildValue(ctx, "(lls)", a, b, name);
    HPyTracker_Close(ctx, ht);
    return result;
}

HPyDef_METH(build_value, "build_value", HPyFunc_NOARGS, .doc = "HPy_BuildValue of a nested structure")
static HPy build_value_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPy_BuildValue(ctx, "{s:i,s:[d,s],s:()}", "int", 7, "list", 0.5, "text", "tuple");
}

HPyDef_METH(format, "format", HPyFunc_VARARGS, .doc = "HPyUnicode_FromFormat of an int and an object's repr")
static HPy format_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2)
        return HPyErr_Format(ctx, ctx->h_TypeError, "format() takes 2 arguments (%zd given)", (HPy_ssize_t)nargs);
    long n = HPyLong_AsLong(ctx, args[0]);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyUnicode_FromFormat(ctx, "n=%03ld, obj=%R", n, args[1]);
}

HPyDef_SLOT(exec_module, HPy_mod_exec)
static int exec_module_impl(HPyContext *ctx, HPy module)
{
    HPy zero = HPyLong_FromInt32_t(ctx, 0);
    HPyGlobal_Store(ctx, &g_counter, zero);
    HPy_Close(ctx, zero);
    HPy answer = HPyLong_FromInt32_t(ctx, 42);
    int err = HPy_SetAttr_s(ctx, module, "answer", answer);
    HPy_Close(ctx, answer);
    return err;
}

HPyDef_METH(context_facts, "context_facts", HPyFunc_NOARGS, .doc = "(ctx->name, ctx->h_Builtins)")
static HPy context_facts_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy name = HPyUnicode_FromString(ctx, ctx->name);
    if (HPy_IsNull(name))
        return HPy_NULL;
    HPy items[] = { name, ctx->h_Builtins };
    HPy facts = HPyTuple_FromArray(ctx, items, 2);
    HPy_Close(ctx, name);
    return facts;
}

static HPyDef *module_defines[] = {
    &context_facts, &get_none, &negate, &add, &describe_call, &keyword_value, &int64_roundtrip, &double_it, &half,
    &utf8_size, &greet, &make_bytes, &bytes_size, &squares, &make_dict, &getitem,
    &raise_value_error, &call_with, &forget_error, &next_count, &parse_args, &build_value, &format, &exec_module, NULL
};

static HPyGlobal *module_globals[] = { &g_counter, NULL };

static HPyModuleDef moduledef = {
    .doc = "The basic suite's extension.",
    .size = 0,
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(basic, moduledef)
