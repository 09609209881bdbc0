/* Instances of HPy types: payloads, HPy_New, fields, the per-object call function, and the
   teardown every HPy type shares (finalize, fields emptied, tp_destroy of each HPy type in the
   chain, then the builtin base's own deallocation). */
#include "type.h"
#include "ctx_common.h"
#include <structmember.h>

const hmc_type_info *hmc_type_info_up(PyTypeObject *tp)
{
    /* The HPy part of a Python subclass of an HPy type is a base. */
    for (; tp != NULL; tp = tp->tp_base) {
        const hmc_type_info *info = hmc_type_own_info(tp);
        if (info != NULL)
            return info;
    }
    return NULL;
}

/* How many items a variable-sized builtin holds. */
static Py_ssize_t item_count(PyObject *obj)
{
#if PY_VERSION_HEX >= 0x030C0000
    /* Since 3.12 an int keeps its digit count in lv_tag, above three flag bits, where
       ob_size used to be. */
    if (PyLong_Check(obj))
        return (Py_ssize_t)(((PyLongObject *)obj)->long_value.lv_tag >> 3);
#endif
    return Py_SIZE(obj) < 0 ? -Py_SIZE(obj) : Py_SIZE(obj);
}

static inline void *payload_of(PyObject *obj, const hmc_type_info *info)
{
    if (info->items == 0)
        return (char *)obj + info->offset;
    Py_ssize_t n = item_count(obj);
    return (char *)obj + hmc_round16(info->offset + (n + 1) * info->items);
}

void *hmc_payload(PyObject *obj)
{
    const hmc_type_info *info = hmc_type_info_of(Py_TYPE(obj));
    return info == NULL ? NULL : payload_of(obj, info);
}

/* ---- teardown ------------------------------------------------------------------------- */

int hmc_visit_field(HPyField *field, void *arg)
{
    struct hmc_visit *c = arg;
    PyObject *o = hmc_field2py(*field);
    return o == NULL ? 0 : c->visit(o, c->arg);
}

static int clear_field(HPyField *field, void *arg)
{
    (void)arg;
    PyObject *o = hmc_field2py(*field);
    *field = HPyField_NULL;
    Py_XDECREF(o);
    return 0;
}

/* The HPy types of an object's type chain, most derived first, each with its own impls. */
#define FOR_EACH_HPY_TYPE(tp, info)                                             \
    for (PyTypeObject *_t = (tp); _t != NULL; _t = _t->tp_base)                 \
        for (const hmc_type_info *info = hmc_type_own_info(_t); info != NULL; info = NULL)

static void clear_fields(PyObject *self, void *payload)
{
    FOR_EACH_HPY_TYPE(Py_TYPE(self), info)
        if (info->traverse != NULL)
            info->traverse(payload, clear_field, NULL);
}

int hmc_type_traverse(PyObject *self, visitproc visit, void *arg)
{
    /* Instances of heap types hold a reference to their type; CPython's builtin traverses,
       which run after ours, never report it. */
    Py_VISIT(Py_TYPE(self));
    const hmc_type_info *top = hmc_type_info_of(Py_TYPE(self));
    void *payload = payload_of(self, top);
    struct hmc_visit c = { visit, arg };
    FOR_EACH_HPY_TYPE(Py_TYPE(self), info) {
        if (info->traverse != NULL) {
            int rc = info->traverse(payload, hmc_visit_field, &c);
            if (rc != 0)
                return rc;
        }
    }
    traverseproc base = top->solid->tp_traverse;
    return PyType_IS_GC(top->solid) && base != NULL ? base(self, visit, arg) : 0;
}

int hmc_type_clear(PyObject *self)
{
    const hmc_type_info *top = hmc_type_info_of(Py_TYPE(self));
    clear_fields(self, payload_of(self, top));
    inquiry base = top->solid->tp_clear;
    return PyType_IS_GC(top->solid) && base != NULL ? base(self) : 0;
}

/* The whole teardown: finalizer, fields, destroy impls, the builtin's dealloc. */
__attribute__((noinline)) static void dealloc_full(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    /* For a Python subclass, CPython's subtype_dealloc has run the finalizer already; a second
       call would repeat it on non-GC objects, which keep no "finalized" bit. */
    if (tp->tp_finalize != NULL && tp->tp_dealloc == hmc_type_dealloc && PyObject_CallFinalizerFromDealloc(self) < 0)
        return; /* resurrected */
    if (PyType_IS_GC(tp))
        PyObject_GC_UnTrack(self);
    const hmc_type_info *top = hmc_type_info_of(tp);
    void *payload = payload_of(self, top);
    clear_fields(self, payload);
    FOR_EACH_HPY_TYPE(tp, info)
        if (info->destroy != NULL)
            info->destroy(payload);
    /* The builtin's dealloc frees the object (and its items, for containers); some of them
       (type_dealloc) untrack without checking, as they expect a tracked object. Builtin
       deallocs never release the reference to a heap type: that is ours to do. */
    if (PyType_IS_GC(top->solid) && !PyObject_GC_IsTracked(self))
        PyObject_GC_Track(self);
    top->solid->tp_dealloc(self);
    Py_DECREF(tp);
}

void hmc_type_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    const hmc_type_info *info = hmc_type_own_info(tp);
    if (info != NULL && tp->tp_finalize == NULL && !PyType_IS_GC(tp) && !info->chain_traverse && !info->chain_destroy) {
        /* Nothing of ours to tear down: no finalizer, no fields, no destroy impls. */
        info->solid->tp_dealloc(self);
        Py_DECREF(tp);
        return;
    }
    dealloc_full(self);
}

/* ---- creating instances --------------------------------------------------------------- */

static void init_call_function(PyObject *obj)
{
    PyTypeObject *tp = Py_TYPE(obj);
    const hmc_type_info *info = hmc_type_info_of(tp);
    if (info != NULL && info->call != NULL && tp->tp_call == PyVectorcall_Call && tp->tp_vectorcall_offset > 0)
        memcpy((char *)obj + tp->tp_vectorcall_offset, &info->call, sizeof info->call);
}

/* A zeroed instance: builtin bases build their own valid empty value (an empty dict or str
   is not all zeroes), and allocate through tp_alloc, which zeroes the whole object. */
static PyObject *new_instance(PyTypeObject *tp, const hmc_type_info *info)
{
    PyObject *obj;
    if (info->solid == &PyBaseObject_Type) {
        obj = tp->tp_alloc(tp, 0);
    } else {
        PyObject *empty = PyTuple_New(0);
        if (empty == NULL)
            return NULL;
        obj = info->solid->tp_new(tp, empty, NULL);
        Py_DECREF(empty);
    }
    if (obj != NULL && info->call != NULL)
        init_call_function(obj);
    return obj;
}

static const hmc_type_info *hpy_type_arg(PyObject *type, const char *api)
{
    REQUIRE_PTR(type, NULL);
    if (!PyType_Check(type)) {
        PyErr_Format(PyExc_TypeError, "%s arg 1 must be a type", api);
        return NULL;
    }
    const hmc_type_info *info = hmc_type_info_of((PyTypeObject *)type);
    if (info == NULL)
        PyErr_Format(PyExc_TypeError, "%s: '%.200s' is not a type created by HPyType_FromSpec, so its instances "
                     "have no HPy payload", api, ((PyTypeObject *)type)->tp_name);
    return info;
}

HPy hmc_New(HPyContext *ctx, HPy h_type, void **data)
{
    (void)ctx;
    PyObject *type = hmc_h2py(h_type);
    if (type != NULL && PyType_Check(type)) {
        PyTypeObject *tp = (PyTypeObject *)type;
        const hmc_type_info *info = hmc_type_own_info(tp);
        if (info != NULL && info->plain_new) {
            /* What PyType_GenericAlloc does for such a type, without the size computation and
               the calls through pointers. */
            PyObject *obj = PyObject_Malloc((size_t)tp->tp_basicsize);
            if (obj == NULL) {
                PyErr_NoMemory();
                return HPy_NULL;
            }
            memset(obj, 0, (size_t)tp->tp_basicsize);
            PyObject_Init(obj, tp);
            if (data != NULL)
                *data = (char *)obj + info->offset;
            return hmc_py2h(obj);
        }
    }
    const hmc_type_info *info = hpy_type_arg(type, "HPy_New");
    if (info == NULL)
        return HPy_NULL;
    PyObject *obj = new_instance((PyTypeObject *)type, info);
    if (obj == NULL)
        return HPy_NULL;
    if (data != NULL)
        *data = payload_of(obj, info);
    return hmc_py2h(obj);
}

HPy hmc_Type_GenericNew(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    (void)ctx;
    (void)args;
    (void)nargs;
    (void)kw;
    PyObject *t = hmc_h2py(type);
    const hmc_type_info *info = hpy_type_arg(t, "HPyType_GenericNew");
    return info == NULL ? HPy_NULL : hmc_py2h(new_instance((PyTypeObject *)t, info));
}

/* tp_new of a type with HPy_tp_call but no HPy_tp_new: the inherited constructor, then the
   default call function (HPy_New sets it for the others). */
PyObject *hmc_type_new_with_call(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    PyTypeObject *base = type;
    while (base->tp_new == hmc_type_new_with_call)
        base = base->tp_base;
    PyObject *obj = base->tp_new(type, args, kw);
    if (obj != NULL)
        init_call_function(obj);
    return obj;
}

int hmc_SetCallFunction(HPyContext *ctx, HPy h, HPyCallFunction *func)
{
    (void)ctx;
    PyObject *obj = hmc_h2py(h);
    REQUIRE_H(h, -1);
    PyTypeObject *tp = Py_TYPE(obj);
    const hmc_type_info *info = hmc_type_info_of(tp);
    if (info == NULL || info->vectorcall_offset <= 0 || tp->tp_call != PyVectorcall_Call || tp->tp_vectorcall_offset <= 0) {
        PyErr_Format(PyExc_TypeError, "type '%.50s' does not implement the HPy call protocol", tp->tp_name);
        return -1;
    }
    if (func == NULL || func->cpy_trampoline == NULL) {
        PyErr_SetString(PyExc_SystemError, "HPy_SetCallFunction: the HPyCallFunction has no trampoline");
        return -1;
    }
    memcpy((char *)obj + tp->tp_vectorcall_offset, &func->cpy_trampoline, sizeof func->cpy_trampoline);
    return 0;
}

/* ---- payload access ------------------------------------------------------------------- */

/* Every shape gets the payload the object's own type defines: the shape named by the caller
   only says which struct the extension expects there. */
static inline void *as_struct(HPy h)
{
    PyObject *obj = hmc_h2py(h);
    REQUIRE_H(h, NULL);
    PyTypeObject *tp = Py_TYPE(obj);
    const hmc_type_info *info = hmc_type_own_info(tp);
    if (info != NULL && info->items == 0)
        return (char *)obj + info->offset; /* the common case, inline */
    void *p = hmc_payload(obj);
    if (p == NULL)
        PyErr_Format(PyExc_TypeError, "'%.200s' object is not an instance of an HPy type, so it has no HPy payload",
                     Py_TYPE(obj)->tp_name);
    return p;
}

void *hmc_AsStruct_Object(HPyContext *ctx, HPy h) { (void)ctx; return as_struct(h); }
/* A legacy struct starts with PyObject_HEAD: it is the object itself, whatever its type (a
   metaclass written in C, say). */
void *hmc_AsStruct_Legacy(HPyContext *ctx, HPy h)
{
    (void)ctx;
    REQUIRE_H(h, NULL);
    return hmc_h2py(h);
}
void *hmc_AsStruct_Type(HPyContext *ctx, HPy h) { (void)ctx; return as_struct(h); }
void *hmc_AsStruct_Long(HPyContext *ctx, HPy h) { (void)ctx; return as_struct(h); }
void *hmc_AsStruct_Float(HPyContext *ctx, HPy h) { (void)ctx; return as_struct(h); }
void *hmc_AsStruct_Unicode(HPyContext *ctx, HPy h) { (void)ctx; return as_struct(h); }
void *hmc_AsStruct_Tuple(HPyContext *ctx, HPy h) { (void)ctx; return as_struct(h); }
void *hmc_AsStruct_List(HPyContext *ctx, HPy h) { (void)ctx; return as_struct(h); }
void *hmc_AsStruct_Dict(HPyContext *ctx, HPy h) { (void)ctx; return as_struct(h); }

/* ---- fields --------------------------------------------------------------------------- */

void hmc_Field_Store(HPyContext *ctx, HPy target_object, HPyField *target_field, HPy h)
{
    (void)ctx;
    (void)target_object;
    if (target_field == NULL) {
        PyErr_SetString(PyExc_SystemError, "NULL pointer passed to an HPy function");
        return;
    }
    PyObject *old = hmc_field2py(*target_field);
    PyObject *value = hmc_h2py(h);
    Py_XINCREF(value);
    target_field->_i = (intptr_t)value;
    Py_XDECREF(old); /* last: it may run code that reads the field */
}

HPy hmc_Field_Load(HPyContext *ctx, HPy source_object, HPyField source_field)
{
    (void)ctx;
    (void)source_object;
    PyObject *value = hmc_field2py(source_field);
    if (value == NULL) {
        PyErr_SetString(PyExc_SystemError, "HPyField_Load: the field is empty (HPyField_NULL)");
        return HPy_NULL;
    }
    Py_INCREF(value);
    return hmc_py2h(value);
}

/* ---- members served by getsets -------------------------------------------------------- */

static PyObject *no_attribute(PyObject *self, const PyMemberDef *m)
{
    PyErr_Format(PyExc_AttributeError, "'%.200s' object has no attribute '%s'", Py_TYPE(self)->tp_name, m->name);
    return NULL;
}

PyObject *hmc_member_get(PyObject *self, void *closure)
{
    const PyMemberDef *m = closure;
    char *payload = hmc_payload(self);
    if (m->type != T_OBJECT && m->type != T_OBJECT_EX)
        return PyMember_GetOne(payload, (PyMemberDef *)m);
    PyObject *value = hmc_field2py(*(HPyField *)(payload + m->offset));
    if (value == NULL)
        return m->type == T_OBJECT ? Py_NewRef(Py_None) : no_attribute(self, m);
    return Py_NewRef(value);
}

int hmc_member_set(PyObject *self, PyObject *value, void *closure)
{
    const PyMemberDef *m = closure;
    char *payload = hmc_payload(self);
    if (m->type != T_OBJECT && m->type != T_OBJECT_EX)
        return PyMember_SetOne(payload, (PyMemberDef *)m, value);
    if (m->flags & READONLY) {
        PyErr_SetString(PyExc_AttributeError, "readonly attribute");
        return -1;
    }
    HPyField *field = (HPyField *)(payload + m->offset);
    if (value == NULL && m->type == T_OBJECT_EX && hmc_field2py(*field) == NULL) {
        no_attribute(self, m);
        return -1;
    }
    hmc_Field_Store(NULL, hmc_py2h(self), field, hmc_py2h(value));
    return 0;
}

/* ---- type queries --------------------------------------------------------------------- */

HPyType_BuiltinShape hmc_Type_GetBuiltinShape(HPyContext *ctx, HPy h_type)
{
    (void)ctx;
    PyObject *t = hmc_h2py(h_type);
    REQUIRE_H(h_type, (HPyType_BuiltinShape)-2);
    if (!PyType_Check(t)) {
        PyErr_SetString(PyExc_TypeError, "arg must be a type");
        return (HPyType_BuiltinShape)-2;
    }
    const hmc_type_info *info = hmc_type_info_of((PyTypeObject *)t);
    return info == NULL ? HPyType_BuiltinShape_Legacy : info->shape;
}

const char *hmc_Type_GetName(HPyContext *ctx, HPy type)
{
    (void)ctx;
    PyObject *t = hmc_h2py(type);
    REQUIRE_H(type, NULL);
    if (!PyType_Check(t)) {
        PyErr_SetString(PyExc_TypeError, "HPyType_GetName arg 1 must be a type");
        return NULL;
    }
    PyTypeObject *tp = (PyTypeObject *)t;
    if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE)
        return PyUnicode_AsUTF8(((PyHeapTypeObject *)tp)->ht_name);
    /* Static types: tp_name is "module.Name" or "Name" and lives as long as the process. */
    const char *dot = strrchr(tp->tp_name, '.');
    return dot != NULL ? dot + 1 : tp->tp_name;
}

int hmc_Type_IsSubtype(HPyContext *ctx, HPy sub, HPy type)
{
    (void)ctx;
    PyObject *a = hmc_h2py(sub), *b = hmc_h2py(type);
    REQUIRE_H(sub, -1);
    REQUIRE_H(type, -1);
    if (!PyType_Check(a) || !PyType_Check(b)) {
        PyErr_SetString(PyExc_TypeError, "HPyType_IsSubtype arguments must be types");
        return -1;
    }
    return PyType_IsSubtype((PyTypeObject *)a, (PyTypeObject *)b);
}
