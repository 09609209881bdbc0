/* hpy-matrix's HPy context on the CPython C API ("hmc"): shared declarations of the area files.
   The same objects build into one shared library that is both the `hpy_matrix.universal`
   Python module and the native half of the `cpython` backend of Node. */
#ifndef HMC_H
#define HMC_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define HPY_MATRIX_HOST
#include "hpy.h"

/* A handle is the address of the object it owns one reference to: conversion costs nothing,
   and an array of handles is an array of PyObject pointers (vectorcall arguments pass through
   as they are). HPy_NULL is NULL. */
static inline PyObject *hmc_h2py(HPy h) { return (PyObject *)h._i; }
static inline HPy hmc_py2h(PyObject *o) { return (HPy){ (intptr_t)o }; }
static inline const HPy *hmc_pyarr2h(PyObject *const *a) { return (const HPy *)a; }
static inline PyObject *const *hmc_harr2py(const HPy *a) { return (PyObject *const *)a; }
/* A tuple's items as handles, borrowed from the tuple (tp_new and tp_init receive one). */
static inline const HPy *hmc_tuple2harr(PyObject *t) { return hmc_pyarr2h(((PyTupleObject *)t)->ob_item); }

/* The one context of this interpreter, filled on first use. */
HPyContext *hmc_context(void);

/* The debug and trace layers over it (native/debug), shared by every module loaded in those
   modes; NULL when out of memory. */
struct HDbg *hmc_debug(void);
struct HTrace *hmc_trace(void);

/* universal._debug and universal._trace (layersmod.c). */
int hmc_add_layer_modules(PyObject *universal);

/* Generated (autogen_ctx_fill.c). */
void hmc_fill_context(HPyContext *ctx);
size_t hmc_missing_members(const char **names, size_t capacity);

/* SystemError naming a context member this backend does not implement. */
void hmc_missing(const char *api_name, const char *member);
PyObject *hmc_builtins(void);

/* Loading (module.c): opens a universal binary and creates its module; NULL with an exception
   set on failure. `name` may be dotted; the entry points use the part after the last dot. */
PyObject *hmc_load(HPyContext *ctx, PyObject *name, PyObject *path, PyObject *spec);

/* Method definitions built from HPyMeth, kept for the life of the process (CPython keeps
   pointers to them in every function and method object). */
PyMethodDef *hmc_method_def(const HPyMeth *meth);
int hmc_method_flags(HPyFunc_Signature sig);

/* Types (type.c). The payload of an instance of an HPy type, by the type's builtin shape;
   what tp_traverse impls receive. */
void *hmc_payload(PyObject *obj);

/* An HPyField holds the address of the object it owns one reference to, like a handle. */
static inline PyObject *hmc_field2py(HPyField f) { return (PyObject *)f._i; }

/* The HPyFunc_visitproc handed to tp_traverse impls: reports a field's object to CPython's
   visitproc, with `arg` a struct hmc_visit. */
struct hmc_visit {
    visitproc visit;
    void *arg;
};
int hmc_visit_field(HPyField *field, void *arg);

#endif /* HMC_H */
