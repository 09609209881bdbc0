/* The containers suite's extension: tuple, list and dict functions, the item protocol
   variants (_i, _s, Del*), Contains, bytes, tuple and list builders, trackers, HPy_Is, HPy_Type
   and the type checks. */
#include "hpy.h"
#include <string.h>

#define MAX_ITEMS 16

/* Borrowed-style copy of a list's items into `items` (new handles; close them after). */
static HPy_ssize_t
items_of(HPyContext *ctx, HPy seq, HPy *items)
{
    HPy_ssize_t n = HPy_Length(ctx, seq);
    if (n < 0)
        return -1;
    if (n > MAX_ITEMS) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "too many items for this test");
        return -1;
    }
    for (HPy_ssize_t i = 0; i < n; i++)
        items[i] = HPy_GetItem_i(ctx, seq, i);
    return n;
}

static void
close_items(HPyContext *ctx, HPy *items, HPy_ssize_t n)
{
    for (HPy_ssize_t i = 0; i < n; i++)
        HPy_Close(ctx, items[i]);
}

HPyDef_METH(tuple_from_array, "tuple_from_array", HPyFunc_O)
static HPy tuple_from_array_impl(HPyContext *ctx, HPy self, HPy seq)
{
    (void)self;
    HPy items[MAX_ITEMS];
    HPy_ssize_t n = items_of(ctx, seq, items);
    if (n < 0)
        return HPy_NULL;
    HPy t = HPyTuple_FromArray(ctx, items, n);
    close_items(ctx, items, n);
    return t;
}

HPyDef_METH(tuple_pack, "tuple_pack", HPyFunc_VARARGS)
static HPy tuple_pack_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    switch (nargs) {
    case 0: return HPyTuple_Pack(ctx, 0);
    case 1: return HPyTuple_Pack(ctx, 1, args[0]);
    case 3: return HPyTuple_Pack(ctx, 3, args[0], args[1], args[2]);
    default:
        HPyErr_SetString(ctx, ctx->h_ValueError, "tuple_pack takes 0, 1 or 3 arguments");
        return HPy_NULL;
    }
}

HPyDef_METH(list_new, "list_new", HPyFunc_O)
static HPy list_new_impl(HPyContext *ctx, HPy self, HPy n)
{
    (void)self;
    HPy_ssize_t len = HPyLong_AsSsize_t(ctx, n);
    if (len == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyList_New(ctx, len);
}

/* list_append(l, x) -> the int HPyList_Append returned */
HPyDef_METH(list_append, "list_append", HPyFunc_VARARGS)
static HPy list_append_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "list_append(l, x)");
    int r = HPyList_Append(ctx, args[0], args[1]);
    if (r < 0)
        return HPy_NULL;
    return HPyLong_FromLong(ctx, r);
}

HPyDef_METH(dict_keys, "dict_keys", HPyFunc_O)
static HPy dict_keys_impl(HPyContext *ctx, HPy self, HPy d)
{
    (void)self;
    return HPyDict_Keys(ctx, d);
}

/* dict_copy(d) -> (copy, copy is d) */
HPyDef_METH(dict_copy, "dict_copy", HPyFunc_O)
static HPy dict_copy_impl(HPyContext *ctx, HPy self, HPy d)
{
    (void)self;
    HPy c = HPyDict_Copy(ctx, d);
    if (HPy_IsNull(c))
        return HPy_NULL;
    HPy same = HPyBool_FromLong(ctx, HPy_Is(ctx, c, d));
    HPy r = HPyTuple_Pack(ctx, 2, c, same);
    HPy_Close(ctx, c);
    HPy_Close(ctx, same);
    return r;
}

/* item(op, container, key[, value]): the item protocol variants.
   op: "get", "get_i", "get_s", "set", "set_i", "set_s", "del", "del_i", "del_s", "contains".
   The _i variants take an int key, the _s variants a str key. Setters return the container. */
HPyDef_METH(item, "item", HPyFunc_VARARGS)
static HPy item_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs < 3)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "item(op, container, key[, value])");
    const char *op = HPyUnicode_AsUTF8AndSize(ctx, args[0], NULL);
    if (op == NULL)
        return HPy_NULL;
    HPy c = args[1], key = args[2];
    HPy value = nargs > 3 ? args[3] : HPy_NULL;
    HPy_ssize_t i = 0;
    const char *s = NULL;
    if (strstr(op, "_i")) {
        i = HPyLong_AsSsize_t(ctx, key);
        if (i == -1 && HPyErr_Occurred(ctx))
            return HPy_NULL;
    } else if (strstr(op, "_s")) {
        s = HPyUnicode_AsUTF8AndSize(ctx, key, NULL);
        if (s == NULL)
            return HPy_NULL;
    }
    int r = 0;
    if (strcmp(op, "get") == 0) return HPy_GetItem(ctx, c, key);
    if (strcmp(op, "get_i") == 0) return HPy_GetItem_i(ctx, c, i);
    if (strcmp(op, "get_s") == 0) return HPy_GetItem_s(ctx, c, s);
    if (strcmp(op, "contains") == 0) {
        r = HPy_Contains(ctx, c, key);
        return r < 0 ? HPy_NULL : HPyLong_FromLong(ctx, r);
    }
    if (strcmp(op, "set") == 0) r = HPy_SetItem(ctx, c, key, value);
    else if (strcmp(op, "set_i") == 0) r = HPy_SetItem_i(ctx, c, i, value);
    else if (strcmp(op, "set_s") == 0) r = HPy_SetItem_s(ctx, c, s, value);
    else if (strcmp(op, "del") == 0) r = HPy_DelItem(ctx, c, key);
    else if (strcmp(op, "del_i") == 0) r = HPy_DelItem_i(ctx, c, i);
    else if (strcmp(op, "del_s") == 0) r = HPy_DelItem_s(ctx, c, s);
    else return HPyErr_SetString(ctx, ctx->h_ValueError, "unknown op");
    if (r < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, c);
}

/* bytes_from(case): HPyBytes_FromString / FromStringAndSize with fixed C data */
HPyDef_METH(bytes_from, "bytes_from", HPyFunc_O)
static HPy bytes_from_impl(HPyContext *ctx, HPy self, HPy which)
{
    (void)self;
    const char *w = HPyUnicode_AsUTF8AndSize(ctx, which, NULL);
    if (w == NULL)
        return HPy_NULL;
    if (strcmp(w, "string") == 0) return HPyBytes_FromString(ctx, "ab\0cd");
    if (strcmp(w, "sized") == 0) return HPyBytes_FromStringAndSize(ctx, "ab\0cd", 5);
    if (strcmp(w, "sized prefix") == 0) return HPyBytes_FromStringAndSize(ctx, "abcdef", 2);
    if (strcmp(w, "sized empty") == 0) return HPyBytes_FromStringAndSize(ctx, "abc", 0);
    if (strcmp(w, "NULL sized") == 0) return HPyBytes_FromStringAndSize(ctx, NULL, 3);
    if (strcmp(w, "NULL empty") == 0) return HPyBytes_FromStringAndSize(ctx, NULL, 0);
    if (strcmp(w, "negative") == 0) return HPyBytes_FromStringAndSize(ctx, "abc", -1);
    return HPyErr_SetString(ctx, ctx->h_ValueError, "unknown case");
}

/* bytes_info(b) -> (Size, GET_SIZE, the bytes read back through AsString and AS_STRING) */
HPyDef_METH(bytes_info, "bytes_info", HPyFunc_O)
static HPy bytes_info_impl(HPyContext *ctx, HPy self, HPy b)
{
    (void)self;
    HPy_ssize_t n = HPyBytes_Size(ctx, b);
    if (n < 0)
        return HPy_NULL;
    HPy_ssize_t n2 = HPyBytes_GET_SIZE(ctx, b);
    const char *s = HPyBytes_AsString(ctx, b);
    if (s == NULL)
        return HPy_NULL;
    const char *s2 = HPyBytes_AS_STRING(ctx, b);
    /* The data is NUL-terminated after its size. */
    int terminated = s[n] == '\0';
    HPy copy = HPyBytes_FromStringAndSize(ctx, s, n);
    HPy copy2 = HPyBytes_FromStringAndSize(ctx, s2, n2);
    HPy r = HPy_BuildValue(ctx, "(nnOOi)", n, n2, copy, copy2, terminated);
    HPy_Close(ctx, copy);
    HPy_Close(ctx, copy2);
    return r;
}

HPyDef_METH(bytes_size, "bytes_size", HPyFunc_O)
static HPy bytes_size_impl(HPyContext *ctx, HPy self, HPy b)
{
    (void)self;
    HPy_ssize_t n = HPyBytes_Size(ctx, b);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromSsize_t(ctx, n);
}

HPyDef_METH(bytes_as_string, "bytes_as_string", HPyFunc_O)
static HPy bytes_as_string_impl(HPyContext *ctx, HPy self, HPy b)
{
    (void)self;
    const char *s = HPyBytes_AsString(ctx, b);
    if (s == NULL)
        return HPy_NULL;
    return HPyBytes_FromString(ctx, s);
}

/* build(kind, items_list) with a tuple or list builder; "cancel" variants cancel and return
   None. */
HPyDef_METH(build, "build", HPyFunc_VARARGS)
static HPy build_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "build(kind, items)");
    const char *kind = HPyUnicode_AsUTF8AndSize(ctx, args[0], NULL);
    if (kind == NULL)
        return HPy_NULL;
    HPy items[MAX_ITEMS];
    HPy_ssize_t n = items_of(ctx, args[1], items);
    if (n < 0)
        return HPy_NULL;
    HPy result = HPy_NULL;
    if (strncmp(kind, "tuple", 5) == 0) {
        HPyTupleBuilder b = HPyTupleBuilder_New(ctx, n);
        /* Set in reverse order: the builder fills slots, not a queue. */
        for (HPy_ssize_t i = n - 1; i >= 0; i--)
            HPyTupleBuilder_Set(ctx, b, i, items[i]);
        if (strcmp(kind, "tuple cancel") == 0) {
            HPyTupleBuilder_Cancel(ctx, b);
            result = HPy_Dup(ctx, ctx->h_None);
        } else {
            result = HPyTupleBuilder_Build(ctx, b);
        }
    } else {
        HPyListBuilder b = HPyListBuilder_New(ctx, n);
        for (HPy_ssize_t i = n - 1; i >= 0; i--)
            HPyListBuilder_Set(ctx, b, i, items[i]);
        if (strcmp(kind, "list cancel") == 0) {
            HPyListBuilder_Cancel(ctx, b);
            result = HPy_Dup(ctx, ctx->h_None);
        } else {
            result = HPyListBuilder_Build(ctx, b);
        }
    }
    /* The builder took its own references: closing ours leaves the result intact. */
    close_items(ctx, items, n);
    return result;
}

/* tracker(n, forget): creates n ints in a tracker; with forget, ForgetAll is called before
   Close and the handles stay usable, so their sum is computed after Close. Without forget,
   the sum is computed before Close. Returns the sum. */
HPyDef_METH(tracker, "tracker", HPyFunc_VARARGS)
static HPy tracker_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "tracker(n, forget)");
    long n = HPyLong_AsLong(ctx, args[0]);
    if (n < 0 || n > MAX_ITEMS) {
        if (!HPyErr_Occurred(ctx))
            HPyErr_SetString(ctx, ctx->h_ValueError, "0 <= n <= 16");
        return HPy_NULL;
    }
    int forget = HPy_IsTrue(ctx, args[1]);
    HPyTracker ht = HPyTracker_New(ctx, 2);   /* a size hint smaller than n must still work */
    if (HPy_IsNull(ht))
        return HPy_NULL;
    HPy hs[MAX_ITEMS];
    for (long i = 0; i < n; i++) {
        hs[i] = HPyLong_FromLong(ctx, (i + 1) * 10);
        if (HPyTracker_Add(ctx, ht, hs[i]) < 0) {
            HPyTracker_Close(ctx, ht);
            return HPy_NULL;
        }
    }
    long sum = 0;
    if (forget) {
        HPyTracker_ForgetAll(ctx, ht);
        HPyTracker_Close(ctx, ht);
        for (long i = 0; i < n; i++) {
            sum += HPyLong_AsLong(ctx, hs[i]);
            HPy_Close(ctx, hs[i]);
        }
    } else {
        for (long i = 0; i < n; i++)
            sum += HPyLong_AsLong(ctx, hs[i]);
        HPyTracker_Close(ctx, ht);
    }
    return HPyLong_FromLong(ctx, sum);
}

HPyDef_METH(is_, "is_", HPyFunc_VARARGS)
static HPy is__impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "is_(a, b)");
    return HPyLong_FromLong(ctx, HPy_Is(ctx, args[0], args[1]));
}

/* HPy_Is on handles made in C: a Dup'ed handle is the same object, constants are themselves. */
HPyDef_METH(is_dup, "is_dup", HPyFunc_O)
static HPy is_dup_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    HPy d = HPy_Dup(ctx, arg);
    int same = HPy_Is(ctx, d, arg);
    HPy_Close(ctx, d);
    HPy none = HPy_Dup(ctx, ctx->h_None);
    int none_same = HPy_Is(ctx, none, ctx->h_None);
    HPy_Close(ctx, none);
    int null_same = HPy_Is(ctx, HPy_NULL, HPy_NULL);
    return HPy_BuildValue(ctx, "(iii)", same, none_same, null_same);
}

/* checks(x) -> (Tuple, List, Dict, Bytes, Unicode, Number, Callable, Iter) _Check results */
HPyDef_METH(checks, "checks", HPyFunc_O)
static HPy checks_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    return HPy_BuildValue(ctx, "(iiiiii)", HPyTuple_Check(ctx, x), HPyList_Check(ctx, x), HPyDict_Check(ctx, x),
                          HPyBytes_Check(ctx, x), HPyUnicode_Check(ctx, x), HPyNumber_Check(ctx, x));
}

/* type_check(x, t) -> HPy_TypeCheck(x, t) */
HPyDef_METH(type_check, "type_check", HPyFunc_VARARGS)
static HPy type_check_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "type_check(x, t)");
    return HPyLong_FromLong(ctx, HPy_TypeCheck(ctx, args[0], args[1]));
}

/* type_of(x) -> the name of the ctx->h_*Type constant that HPy_Type(x) is, or None */
HPyDef_METH(type_of, "type_of", HPyFunc_O)
static HPy type_of_impl(HPyContext *ctx, HPy self, HPy x)
{
    (void)self;
    HPy t = HPy_Type(ctx, x);
    const struct { HPy type; const char *name; } known[] = {
        { ctx->h_BoolType, "bool" }, { ctx->h_LongType, "int" }, { ctx->h_FloatType, "float" },
        { ctx->h_UnicodeType, "str" }, { ctx->h_BytesType, "bytes" }, { ctx->h_TupleType, "tuple" },
        { ctx->h_ListType, "list" }, { ctx->h_TypeType, "type" },
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (HPy_Is(ctx, t, known[i].type)) {
            HPy_Close(ctx, t);
            return HPyUnicode_FromString(ctx, known[i].name);
        }
    }
    HPy_Close(ctx, t);
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *module_defines[] = {
    &tuple_from_array, &tuple_pack, &list_new, &list_append, &dict_keys, &dict_copy, &item,
    &bytes_from, &bytes_info, &bytes_size, &bytes_as_string, &build, &tracker, &is_, &is_dup,
    &checks, &type_check, &type_of, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The containers suite's extension.",
    .defines = module_defines,
};

HPy_MODINIT(containers, moduledef)
