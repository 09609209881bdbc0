/* API functions that HPy 0.9 defines in its headers rather than in the context: each one is a
   few ordinary context calls, compiled into the extension. */
#ifndef HPY_INLINE_HELPERS_H
#define HPY_INLINE_HELPERS_H

#include <limits.h>

HPyAPI_INLINE_HELPER HPy
HPyErr_SetFromErrno(HPyContext *ctx, HPy h_type)
{
    return HPyErr_SetFromErrnoWithFilenameObjects(ctx, h_type, HPy_NULL, HPy_NULL);
}

HPyAPI_INLINE_HELPER HPy
HPyErr_SetFromErrnoWithFilenameObject(HPyContext *ctx, HPy h_type, HPy filename)
{
    return HPyErr_SetFromErrnoWithFilenameObjects(ctx, h_type, filename, HPy_NULL);
}

/* A tuple of the n handles that follow; none of them is closed. */
HPyAPI_INLINE_HELPER HPy
HPyTuple_Pack(HPyContext *ctx, HPy_ssize_t n, ...)
{
    HPy small[8];
    HPy *items = small;
    if (n < 0) {
        HPyErr_SetString(ctx, ctx->h_SystemError, "HPyTuple_Pack: negative size");
        return HPy_NULL;
    }
    if ((size_t)n > sizeof(small) / sizeof(small[0])) {
        items = (HPy *)malloc((size_t)n * sizeof(HPy));
        if (items == NULL)
            return HPyErr_NoMemory(ctx);
    }
    va_list vargs;
    va_start(vargs, n);
    for (HPy_ssize_t i = 0; i < n; i++)
        items[i] = va_arg(vargs, HPy);
    va_end(vargs);
    HPy result = HPyTuple_FromArray(ctx, items, n);
    if (items != small)
        free(items);
    return result;
}

HPyAPI_INLINE_HELPER int
HPy_DelAttr(HPyContext *ctx, HPy obj, HPy name)
{
    return HPy_SetAttr(ctx, obj, name, HPy_NULL);
}

HPyAPI_INLINE_HELPER int
HPy_DelAttr_s(HPyContext *ctx, HPy obj, const char *utf8_name)
{
    return HPy_SetAttr_s(ctx, obj, utf8_name, HPy_NULL);
}

/* C long is 32 bits on LLP64 (Windows) and 64 bits on LP64; the context only has fixed-width
   conversions, so the width is chosen here. */
#if LONG_MAX == INT32_MAX
#  define _HPy_LONG_BITS 32
#else
#  define _HPy_LONG_BITS 64
#endif
_Static_assert(sizeof(long long) == sizeof(int64_t), "long long must be 64-bit");

#if _HPy_LONG_BITS == 32
HPyAPI_INLINE_HELPER HPy HPyLong_FromLong(HPyContext *ctx, long v) { return HPyLong_FromInt32_t(ctx, (int32_t)v); }
HPyAPI_INLINE_HELPER HPy HPyLong_FromUnsignedLong(HPyContext *ctx, unsigned long v) { return HPyLong_FromUInt32_t(ctx, (uint32_t)v); }
HPyAPI_INLINE_HELPER long HPyLong_AsLong(HPyContext *ctx, HPy h) { return (long)HPyLong_AsInt32_t(ctx, h); }
HPyAPI_INLINE_HELPER unsigned long HPyLong_AsUnsignedLong(HPyContext *ctx, HPy h) { return (unsigned long)HPyLong_AsUInt32_t(ctx, h); }
HPyAPI_INLINE_HELPER unsigned long HPyLong_AsUnsignedLongMask(HPyContext *ctx, HPy h) { return (unsigned long)HPyLong_AsUInt32_tMask(ctx, h); }
#else
HPyAPI_INLINE_HELPER HPy HPyLong_FromLong(HPyContext *ctx, long v) { return HPyLong_FromInt64_t(ctx, (int64_t)v); }
HPyAPI_INLINE_HELPER HPy HPyLong_FromUnsignedLong(HPyContext *ctx, unsigned long v) { return HPyLong_FromUInt64_t(ctx, (uint64_t)v); }
HPyAPI_INLINE_HELPER long HPyLong_AsLong(HPyContext *ctx, HPy h) { return (long)HPyLong_AsInt64_t(ctx, h); }
HPyAPI_INLINE_HELPER unsigned long HPyLong_AsUnsignedLong(HPyContext *ctx, HPy h) { return (unsigned long)HPyLong_AsUInt64_t(ctx, h); }
HPyAPI_INLINE_HELPER unsigned long HPyLong_AsUnsignedLongMask(HPyContext *ctx, HPy h) { return (unsigned long)HPyLong_AsUInt64_tMask(ctx, h); }
#endif

HPyAPI_INLINE_HELPER HPy HPyLong_FromLongLong(HPyContext *ctx, long long v) { return HPyLong_FromInt64_t(ctx, (int64_t)v); }
HPyAPI_INLINE_HELPER HPy HPyLong_FromUnsignedLongLong(HPyContext *ctx, unsigned long long v) { return HPyLong_FromUInt64_t(ctx, (uint64_t)v); }
HPyAPI_INLINE_HELPER long long HPyLong_AsLongLong(HPyContext *ctx, HPy h) { return (long long)HPyLong_AsInt64_t(ctx, h); }
HPyAPI_INLINE_HELPER unsigned long long HPyLong_AsUnsignedLongLong(HPyContext *ctx, HPy h) { return (unsigned long long)HPyLong_AsUInt64_t(ctx, h); }
HPyAPI_INLINE_HELPER unsigned long long HPyLong_AsUnsignedLongLongMask(HPyContext *ctx, HPy h) { return (unsigned long long)HPyLong_AsUInt64_tMask(ctx, h); }

HPyAPI_INLINE_HELPER HPy
HPyBool_FromLong(HPyContext *ctx, long v)
{
    return HPyBool_FromBool(ctx, v != 0);
}

/* Clamps start/stop (already unpacked by HPySlice_Unpack) to a sequence of `length` items and
   returns how many items the slice selects. Pure C: the context is not used. */
HPyAPI_INLINE_HELPER HPy_ssize_t
HPySlice_AdjustIndices(HPyContext *ctx, HPy_ssize_t length,
                       HPy_ssize_t *start, HPy_ssize_t *stop, HPy_ssize_t step)
{
    (void)ctx;
    /* With a negative step the walk goes downwards, so "before the first item" is -1 and
       "the last item" is length - 1. */
    const HPy_ssize_t low = step < 0 ? -1 : 0;
    const HPy_ssize_t high = step < 0 ? length - 1 : length;
    HPy_ssize_t *bounds[2] = { start, stop };
    for (int i = 0; i < 2; i++) {
        HPy_ssize_t *p = bounds[i];
        if (*p < 0) {
            *p += length;
            if (*p < 0)
                *p = low;
        } else if (*p >= length) {
            *p = high;
        }
    }
    if (step < 0) {
        if (*stop < *start)
            return (*start - *stop - 1) / (-step) + 1;
    } else if (*start < *stop) {
        return (*stop - *start - 1) / step + 1;
    }
    return 0;
}

HPyAPI_INLINE_HELPER HPy
HPy_CallMethodTupleDict_s(HPyContext *ctx, const char *utf8_name, HPy receiver, HPy args, HPy kw)
{
    HPy method = HPy_GetAttr_s(ctx, receiver, utf8_name);
    if (HPy_IsNull(method))
        return HPy_NULL;
    HPy result = HPy_CallTupleDict(ctx, method, args, kw);
    HPy_Close(ctx, method);
    return result;
}

HPyAPI_INLINE_HELPER HPy
HPy_CallMethodTupleDict(HPyContext *ctx, HPy name, HPy receiver, HPy args, HPy kw)
{
    HPy method = HPy_GetAttr(ctx, receiver, name);
    if (HPy_IsNull(method))
        return HPy_NULL;
    HPy result = HPy_CallTupleDict(ctx, method, args, kw);
    HPy_Close(ctx, method);
    return result;
}

/* Capsule accessors: one context slot each for get and set, selected by key. The destructor
   can be set but not read back. */
HPyAPI_INLINE_HELPER void *
HPyCapsule_GetPointer(HPyContext *ctx, HPy capsule, const char *utf8_name)
{
    return HPyCapsule_Get(ctx, capsule, HPyCapsule_key_Pointer, utf8_name);
}

HPyAPI_INLINE_HELPER const char *
HPyCapsule_GetName(HPyContext *ctx, HPy capsule)
{
    return (const char *)HPyCapsule_Get(ctx, capsule, HPyCapsule_key_Name, NULL);
}

HPyAPI_INLINE_HELPER void *
HPyCapsule_GetContext(HPyContext *ctx, HPy capsule)
{
    return HPyCapsule_Get(ctx, capsule, HPyCapsule_key_Context, NULL);
}

HPyAPI_INLINE_HELPER int
HPyCapsule_SetPointer(HPyContext *ctx, HPy capsule, void *pointer)
{
    return HPyCapsule_Set(ctx, capsule, HPyCapsule_key_Pointer, pointer);
}

HPyAPI_INLINE_HELPER int
HPyCapsule_SetName(HPyContext *ctx, HPy capsule, const char *utf8_name)
{
    return HPyCapsule_Set(ctx, capsule, HPyCapsule_key_Name, (void *)utf8_name);
}

HPyAPI_INLINE_HELPER int
HPyCapsule_SetContext(HPyContext *ctx, HPy capsule, void *context)
{
    return HPyCapsule_Set(ctx, capsule, HPyCapsule_key_Context, context);
}

HPyAPI_INLINE_HELPER int
HPyCapsule_SetDestructor(HPyContext *ctx, HPy capsule, HPyCapsule_Destructor *destructor)
{
    return HPyCapsule_Set(ctx, capsule, HPyCapsule_key_Destructor, (void *)destructor);
}

#endif /* HPY_INLINE_HELPERS_H */
