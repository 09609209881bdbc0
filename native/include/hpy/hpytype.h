/* Creating types: HPyType_Spec, its parameters, the type flags and the HPyType_HELPERS macro. */
#ifndef HPY_HPYTYPE_H
#define HPY_HPYTYPE_H

typedef struct {
    cpy_vectorcallfunc cpy_trampoline;
    HPyCallFunction impl;
} HPyType_Vectorcall;

typedef struct {
    const char *name;
    int basicsize;
    int itemsize;
    unsigned long flags;
    HPyType_BuiltinShape builtin_shape;
    void *legacy_slots;   /* CPython PyType_Slot[]: not expressible in a universal binary */
    HPyDef **defines;     /* NULL-terminated */
    const char *doc;
} HPyType_Spec;

typedef struct {
    HPyType_SpecParam_Kind kind;   /* an entry with kind 0 ends the array */
    HPy object;
} HPyType_SpecParam;

/* HPy types are always heap types; the version tag is what CPython's own heap types carry. */
#define _Py_TPFLAGS_HEAPTYPE (1UL << 9)
#define _Py_TPFLAGS_HAVE_VERSION_TAG (1UL << 18)
#define HPy_TPFLAGS_DEFAULT (_Py_TPFLAGS_HEAPTYPE | _Py_TPFLAGS_HAVE_VERSION_TAG)
#define HPy_TPFLAGS_BASETYPE (1UL << 10)
#define HPy_TPFLAGS_HAVE_VECTORCALL (1UL << 11)
#define HPy_TPFLAGS_HAVE_GC (1UL << 14)

/* HPyType_HELPERS(T) or HPyType_HELPERS(T, SHAPE) defines
     enum { T_SHAPE = SHAPE };                      (default HPyType_BuiltinShape_Object)
     static inline T *T_AsStruct(HPyContext *ctx, HPy h);
   The optional argument is picked by position: a default is appended and the second
   argument taken, so one macro serves both spellings. */
#define _HPyType_ARG1(T, ...) T
#define _HPyType_ARG2(T, S, ...) S
#define _HPyType_EXPAND(x) x
#define _HPyType_TYPE(...) _HPyType_EXPAND(_HPyType_ARG1(__VA_ARGS__, _))
#define _HPyType_SHAPE(...) _HPyType_EXPAND(_HPyType_ARG2(__VA_ARGS__, HPyType_BuiltinShape_Object, _))
#define _HPyType_PASTE(a, b) a##b
#define _HPyType_CAT(a, b) _HPyType_PASTE(a, b)

#define HPyType_HELPERS(...)                                                         \
    enum { _HPyType_CAT(_HPyType_TYPE(__VA_ARGS__), _SHAPE) =                         \
               (int)_HPyType_SHAPE(__VA_ARGS__) };                                   \
    HPyAPI_FUNC _HPyType_TYPE(__VA_ARGS__) *                                         \
    _HPyType_CAT(_HPyType_TYPE(__VA_ARGS__), _AsStruct)(HPyContext *ctx, HPy h)       \
    {                                                                                \
        return (_HPyType_TYPE(__VA_ARGS__) *)                                        \
            _HPyType_CAT(_HPyType_SHAPE(__VA_ARGS__), _AsStruct)(ctx, h);             \
    }

#define HPyType_LEGACY_HELPERS(TYPE) HPyType_HELPERS(TYPE, HPyType_BuiltinShape_Legacy)

/* For HPyType_Spec.builtin_shape: keeps the spec in step with the helpers. */
#define SHAPE(TYPE) ((HPyType_BuiltinShape)TYPE##_SHAPE)

#endif /* HPY_HPYTYPE_H */
