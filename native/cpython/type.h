/* Types made by HPyType_FromSpec (type.c) and their instances (type_instance.c): what both
   halves know about such a type. */
#ifndef HMC_TYPE_H
#define HMC_TYPE_H

#include "hmc.h"

#if PY_VERSION_HEX < 0x030B0000
#error "the cpython backend needs CPython 3.11 or newer (PyHeapTypeObject._ht_tpname)"
#endif

/* Everything the host needs about one HPy type, in one PyMem block that also holds the arrays
   CPython keeps pointers to (methods, getsets, member closures) and the type's tp_name. The
   block replaces the type's _ht_tpname, the buffer CPython allocates for tp_name and frees
   with the type: the block lives exactly as long as the type, and needs no side table.

   Where the payload sits (hmc_payload):
   - fixed layout (items == 0): at obj + offset;
   - after a variable-sized builtin (int, tuple, bytes: items == its itemsize): their items
     start inside the builtin's struct and would run over a payload placed after it, so the
     payload goes after the items, 16-aligned: obj + round16(offset + (count + 1) * items)
     with offset = the builtin's basicsize. These objects never change their item count, so the address
     is stable; the type's basicsize leaves room for it (see type.c). */
typedef struct {
    HPyType_BuiltinShape shape;
    Py_ssize_t offset;
    Py_ssize_t items;
    Py_ssize_t payload_size;
    HPyFunc_traverseproc traverse;   /* own impls, NULL when the spec has none */
    HPyFunc_destroyfunc destroy;
    /* Whether this type or an HPy type above it has a traverse (fields to clear) or a destroy
       impl: without either, an instance's teardown is the builtin's. */
    int chain_traverse, chain_destroy;
    /* Instances are plain memory: a fixed-size, non-collected object of an object-based type,
       allocated by PyType_GenericAlloc, without a call function to set (HPy_New's fast path). */
    int plain_new;
    /* Default call function of instances (own HPy_tp_call or an HPy base's); NULL: not callable
       through the HPy call protocol. */
    cpy_vectorcallfunc call;
    Py_ssize_t vectorcall_offset;
    /* The nearest non-HPy type in the tp_base chain: a builtin, whose teardown follows ours. */
    PyTypeObject *solid;
    PyMethodDef *methods;
    PyGetSetDef *getsets;
    PyMemberDef *closures;           /* members served by getsets; offsets relative to the payload */
    char name[];
} hmc_type_info;

/* The slots every HPy type gets from the host (type_instance.c). */
void hmc_type_dealloc(PyObject *self);

/* The info block of `tp` when HPyType_FromSpec made tp itself, else NULL. Known by tp_name
   pointing into the block that replaced _ht_tpname: the dealloc cannot tell, since a legacy
   type may bring its own, and CPython's own heap types have tp_name == _ht_tpname. */
static inline const hmc_type_info *hmc_type_own_info(PyTypeObject *tp)
{
    if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE))
        return NULL;
    const char *block = ((PyHeapTypeObject *)tp)->_ht_tpname;
    return block != NULL && tp->tp_name == block + offsetof(hmc_type_info, name) ? (const hmc_type_info *)block : NULL;
}

/* The HPy part of `tp` (itself or its nearest HPy base), or NULL for other types. */
const hmc_type_info *hmc_type_info_up(PyTypeObject *tp);
static inline const hmc_type_info *hmc_type_info_of(PyTypeObject *tp)
{
    const hmc_type_info *own = hmc_type_own_info(tp);
    return own != NULL ? own : hmc_type_info_up(tp->tp_base);
}
int hmc_type_traverse(PyObject *self, visitproc visit, void *arg);
int hmc_type_clear(PyObject *self);
PyObject *hmc_type_new_with_call(PyTypeObject *type, PyObject *args, PyObject *kw);

/* Getters and setters of members that need code: object fields, and every member of a type
   whose payload moves (closure: the member's PyMemberDef, offset relative to the payload). */
PyObject *hmc_member_get(PyObject *self, void *closure);
int hmc_member_set(PyObject *self, PyObject *value, void *closure);

static inline Py_ssize_t hmc_round16(Py_ssize_t n) { return (n + 15) & ~(Py_ssize_t)15; }

#endif /* HMC_TYPE_H */
