/* HPyDef: the one record type for everything a module or type defines (methods, slots,
   members, get/set descriptors), and the HPyDef_* macros that emit a def together with its
   impl prototype and trampoline. */
#ifndef HPY_HPYDEF_H
#define HPY_HPYDEF_H

typedef struct {
    HPySlot_Slot slot;
    HPyCFunction impl;
    cpy_PyCFunction cpy_trampoline;
} HPySlot;

typedef struct {
    const char *name;
    HPyCFunction impl;
    cpy_PyCFunction cpy_trampoline;
    HPyFunc_Signature signature;
    const char *doc;
} HPyMeth;

typedef struct {
    const char *name;
    HPyMember_FieldType type;
    HPy_ssize_t offset;   /* from the start of the payload struct, not the object */
    int readonly;
    const char *doc;
} HPyMember;

typedef struct {
    const char *name;
    HPyCFunction getter_impl;
    HPyCFunction setter_impl;
    cpy_getter getter_cpy_trampoline;
    cpy_setter setter_cpy_trampoline;
    const char *doc;
    void *closure;
} HPyGetSet;

typedef struct {
    HPyDef_Kind kind;
    union {
        HPySlot slot;
        HPyMeth meth;
        HPyMember member;
        HPyGetSet getset;
    };
} HPyDef;

typedef struct {
    cpy_PyCapsule_Destructor cpy_trampoline;
    HPyFunc_Capsule_Destructor impl;
} HPyCapsule_Destructor;

typedef struct {
    cpy_vectorcallfunc cpy_trampoline;
    HPyFunc_keywords impl;
} HPyCallFunction;

/* HPySlot_SIG(HPy_tp_repr) -> HPyFunc_REPRFUNC, from the generated _HPySlot_SIG__* table. */
#define HPySlot_SIG(SLOT) _HPySlot_SIG__##SLOT

/* The SLOT expression goes through an enum first: an unknown slot name then fails there,
   before the pasted _HPySlot_SIG__ name produces a confusing message. */
#define HPyDef_SLOT_IMPL(SYM, IMPL, SLOT)            \
    enum { SYM##_slot = SLOT };                      \
    _HPyDef_SLOT(SYM, IMPL, SLOT, HPySlot_SIG(SLOT))

#define HPyDef_SLOT(SYM, SLOT) HPyDef_SLOT_IMPL(SYM, SYM##_impl, SLOT)

#define _HPyDef_SLOT(SYM, IMPL, SLOT, SIG)                                    \
    HPyFunc_DECLARE(IMPL, SIG);                                               \
    HPyFunc_TRAMPOLINE(SYM##_trampoline, IMPL, SIG)                           \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_Slot,                                             \
        .slot = {                                                             \
            .slot = SLOT,                                                     \
            .impl = _HPy_CFUNC(IMPL),                                         \
            .cpy_trampoline = _HPy_FPTR(cpy_PyCFunction, SYM##_trampoline),   \
        }                                                                     \
    };

/* Extra designated initialisers (e.g. `.doc = "..."`) go in the variadic part. */
#define HPyDef_METH_IMPL(SYM, NAME, IMPL, SIG, ...)                           \
    HPyFunc_DECLARE(IMPL, SIG);                                               \
    HPyFunc_TRAMPOLINE(SYM##_trampoline, IMPL, SIG)                           \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_Meth,                                             \
        .meth = {                                                             \
            .name = NAME,                                                     \
            .impl = _HPy_CFUNC(IMPL),                                         \
            .cpy_trampoline = _HPy_FPTR(cpy_PyCFunction, SYM##_trampoline),   \
            .signature = SIG,                                                 \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_METH(SYM, NAME, SIG, ...) \
    HPyDef_METH_IMPL(SYM, NAME, SYM##_impl, SIG, __VA_ARGS__)

#define HPyDef_MEMBER(SYM, NAME, TYPE, OFFSET, ...) \
    HPyDef SYM = {                                  \
        .kind = HPyDef_Kind_Member,                 \
        .member = {                                 \
            .name = NAME,                           \
            .type = TYPE,                           \
            .offset = OFFSET,                       \
            __VA_ARGS__                             \
        }                                           \
    };

#define HPyDef_GET_IMPL(SYM, NAME, GETIMPL, ...)                              \
    HPyFunc_DECLARE(GETIMPL, HPyFunc_GETTER);                                 \
    HPyFunc_TRAMPOLINE(SYM##_get_trampoline, GETIMPL, HPyFunc_GETTER)         \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_GetSet,                                           \
        .getset = {                                                           \
            .name = NAME,                                                     \
            .getter_impl = _HPy_CFUNC(GETIMPL),                               \
            .getter_cpy_trampoline = SYM##_get_trampoline,                    \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_GET(SYM, NAME, ...) HPyDef_GET_IMPL(SYM, NAME, SYM##_get, __VA_ARGS__)

#define HPyDef_SET_IMPL(SYM, NAME, SETIMPL, ...)                              \
    HPyFunc_DECLARE(SETIMPL, HPyFunc_SETTER);                                 \
    HPyFunc_TRAMPOLINE(SYM##_set_trampoline, SETIMPL, HPyFunc_SETTER)         \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_GetSet,                                           \
        .getset = {                                                           \
            .name = NAME,                                                     \
            .setter_impl = _HPy_CFUNC(SETIMPL),                               \
            .setter_cpy_trampoline = SYM##_set_trampoline,                    \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_SET(SYM, NAME, ...) HPyDef_SET_IMPL(SYM, NAME, SYM##_set, __VA_ARGS__)

#define HPyDef_GETSET_IMPL(SYM, NAME, GETIMPL, SETIMPL, ...)                  \
    HPyFunc_DECLARE(GETIMPL, HPyFunc_GETTER);                                 \
    HPyFunc_TRAMPOLINE(SYM##_get_trampoline, GETIMPL, HPyFunc_GETTER)         \
    HPyFunc_DECLARE(SETIMPL, HPyFunc_SETTER);                                 \
    HPyFunc_TRAMPOLINE(SYM##_set_trampoline, SETIMPL, HPyFunc_SETTER)         \
    HPyDef SYM = {                                                            \
        .kind = HPyDef_Kind_GetSet,                                           \
        .getset = {                                                           \
            .name = NAME,                                                     \
            .getter_impl = _HPy_CFUNC(GETIMPL),                               \
            .setter_impl = _HPy_CFUNC(SETIMPL),                               \
            .getter_cpy_trampoline = SYM##_get_trampoline,                    \
            .setter_cpy_trampoline = SYM##_set_trampoline,                    \
            __VA_ARGS__                                                       \
        }                                                                     \
    };

#define HPyDef_GETSET(SYM, NAME, ...) \
    HPyDef_GETSET_IMPL(SYM, NAME, SYM##_get, SYM##_set, __VA_ARGS__)

/* Defines SYM (an HPyCapsule_Destructor to pass to HPyCapsule_New) around SYM_impl, which the
   extension then defines. The impl runs without a ctx, when the capsule dies. */
#define HPyCapsule_DESTRUCTOR(SYM)                                            \
    static void SYM##_impl(const char *name, void *pointer, void *context);   \
    HPyCapsule_DESTRUCTOR_TRAMPOLINE(SYM##_trampoline, SYM##_impl)            \
    static HPyCapsule_Destructor SYM = {                                      \
        .cpy_trampoline = SYM##_trampoline,                                   \
        .impl = SYM##_impl                                                    \
    };

/* Defines SYM (an HPyCallFunction for HPy_SetCallFunction) around SYM_impl, a KEYWORDS impl. */
#define HPyDef_CALL_FUNCTION(SYM)                                             \
    HPyFunc_DECLARE(SYM##_impl, HPyFunc_KEYWORDS);                            \
    HPyFunc_TRAMPOLINE(SYM##_trampoline, SYM##_impl, HPyFunc_KEYWORDS)        \
    static HPyCallFunction SYM = {                                            \
        .cpy_trampoline = SYM##_trampoline,                                   \
        .impl = SYM##_impl                                                    \
    };

#endif /* HPY_HPYDEF_H */
