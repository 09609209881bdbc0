/* HPyStructSequence_NewType and HPyStructSequence_New, compiled into every extension.
   A universal binary cannot reach CPython's struct sequences, so, like HPy 0.9, the type is a
   collections.namedtuple subclass-alike: fields default to None (so fewer values may be
   given), invalid or repeated names such as HPyStructSequence_UnnamedField are renamed, and
   the type carries __doc__, n_fields, __name__, __qualname__ and __module__. */
#include "hpy.h"
#include <string.h>

_HPy_HIDDEN const char *const HPyStructSequence_UnnamedField = "_";

/* Tracks `h` (which may be NULL after a failed call); false means "stop, exception set". */
static bool
keep(HPyContext *ctx, HPyTracker ht, HPy h)
{
    if (HPy_IsNull(h))
        return false;
    return HPyTracker_Add(ctx, ht, h) == 0;
}

static bool
set_str_attr(HPyContext *ctx, HPyTracker ht, HPy obj, const char *attr, const char *utf8)
{
    HPy s = HPyUnicode_FromString(ctx, utf8);
    return keep(ctx, ht, s) && HPy_SetAttr_s(ctx, obj, attr, s) == 0;
}

/* A tuple of n copies of `item`, or of the field names when `desc` is given. */
static HPy
build_tuple(HPyContext *ctx, HPy_ssize_t n, HPyStructSequence_Desc *desc, HPy item)
{
    HPyTupleBuilder tb = HPyTupleBuilder_New(ctx, n);
    for (HPy_ssize_t i = 0; i < n; i++) {
        if (desc == NULL) {
            HPyTupleBuilder_Set(ctx, tb, i, item);
            continue;
        }
        HPy name = HPyUnicode_FromString(ctx, desc->fields[i].name);
        if (HPy_IsNull(name)) {
            HPyTupleBuilder_Cancel(ctx, tb);
            return HPy_NULL;
        }
        HPyTupleBuilder_Set(ctx, tb, i, name);
        HPy_Close(ctx, name);
    }
    return HPyTupleBuilder_Build(ctx, tb);
}

HPyAPI_HELPER HPy
HPyStructSequence_NewType(HPyContext *ctx, HPyStructSequence_Desc *desc)
{
    if (desc->name == NULL) {
        HPyErr_SetString(ctx, ctx->h_SystemError, "Struct sequence descriptor does not define the name field.");
        return HPy_NULL;
    }
    HPy_ssize_t n = 0;
    while (desc->fields[n].name != NULL)
        n++;

    HPyTracker ht = HPyTracker_New(ctx, 12);
    if (HPy_IsNull(ht))
        return HPy_NULL;
    HPy result = HPy_NULL;

    HPy collections = HPyImport_ImportModule(ctx, "collections");
    if (!keep(ctx, ht, collections))
        goto fail;
    HPy namedtuple = HPy_GetAttr_s(ctx, collections, "namedtuple");
    if (!keep(ctx, ht, namedtuple))
        goto fail;

    HPy fields = build_tuple(ctx, n, desc, HPy_NULL);
    if (!keep(ctx, ht, fields))
        goto fail;
    HPy defaults = build_tuple(ctx, n, NULL, ctx->h_None);
    if (!keep(ctx, ht, defaults))
        goto fail;
    /* The real name is set afterwards: a dotted name is not a valid namedtuple typename. */
    HPy typename = HPyUnicode_FromString(ctx, "tmpname");
    if (!keep(ctx, ht, typename))
        goto fail;
    HPy call_items[2] = { typename, fields };
    HPy args = HPyTuple_FromArray(ctx, call_items, 2);
    if (!keep(ctx, ht, args))
        goto fail;
    HPy kwargs = HPyDict_New(ctx);
    if (!keep(ctx, ht, kwargs))
        goto fail;
    if (HPy_SetItem_s(ctx, kwargs, "rename", ctx->h_True) < 0 ||
        HPy_SetItem_s(ctx, kwargs, "defaults", defaults) < 0)
        goto fail;

    result = HPy_CallTupleDict(ctx, namedtuple, args, kwargs);
    if (HPy_IsNull(result))
        goto fail;

    if (desc->doc != NULL) {
        if (!set_str_attr(ctx, ht, result, "__doc__", desc->doc))
            goto fail;
    } else if (HPy_SetAttr_s(ctx, result, "__doc__", ctx->h_None) < 0) {
        goto fail;
    }
    HPy n_fields = HPyLong_FromSsize_t(ctx, n);
    if (!keep(ctx, ht, n_fields) || HPy_SetAttr_s(ctx, result, "n_fields", n_fields) < 0)
        goto fail;

    /* "pkg.mod.Name": __module__ is everything before the last dot. */
    const char *dot = strrchr(desc->name, '.');
    const char *short_name = dot ? dot + 1 : desc->name;
    if (!set_str_attr(ctx, ht, result, "__name__", short_name) ||
        !set_str_attr(ctx, ht, result, "__qualname__", short_name))
        goto fail;
    if (dot != NULL) {
        size_t len = (size_t)(dot - desc->name);
        char *module = (char *)malloc(len + 1);
        if (module == NULL) {
            HPyErr_NoMemory(ctx);
            goto fail;
        }
        memcpy(module, desc->name, len);
        module[len] = '\0';
        bool ok = set_str_attr(ctx, ht, result, "__module__", module);
        free(module);
        if (!ok)
            goto fail;
    }
    HPyTracker_Close(ctx, ht);
    return result;
fail:
    HPyTracker_Close(ctx, ht);
    HPy_Close(ctx, result);
    return HPy_NULL;
}

HPyAPI_HELPER HPy
HPyStructSequence_New(HPyContext *ctx, HPy type, HPy_ssize_t nargs, HPy *args)
{
    if (!HPy_HasAttr_s(ctx, type, "n_fields")) {
        HPyErr_Clear(ctx);
        return HPyErr_Format(ctx, ctx->h_TypeError, "object '%R' does not look like a struct sequence type ", type);
    }
    HPy tuple = HPyTuple_FromArray(ctx, args, nargs);
    if (HPy_IsNull(tuple))
        return HPy_NULL;
    HPy result = HPy_CallTupleDict(ctx, type, tuple, HPy_NULL);
    HPy_Close(ctx, tuple);
    return result;
}
