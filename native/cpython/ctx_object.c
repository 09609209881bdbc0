/* The object protocol: handles, attributes, items, comparison, iteration, calls. */
#include "ctx_common.h"

HPy hmc_Dup(HPyContext *ctx, HPy h)
{
    (void)ctx;
    Py_XINCREF(P(h));
    return h;
}

void hmc_Close(HPyContext *ctx, HPy h)
{
    (void)ctx;
    Py_XDECREF(P(h));
}

/* With handles equal to objects, converting either way is taking a new reference. */
HPy hmc_FromPyObject(HPyContext *ctx, cpy_PyObject *obj)
{
    (void)ctx;
    Py_XINCREF(obj);
    return H(obj);
}

cpy_PyObject *hmc_AsPyObject(HPyContext *ctx, HPy h)
{
    (void)ctx;
    Py_XINCREF(P(h));
    return P(h);
}

HPy_ssize_t hmc_Length(HPyContext *ctx, HPy h)
{
    (void)ctx;
    REQUIRE_H(h, -1);
    return PyObject_Length(P(h));
}

int hmc_IsTrue(HPyContext *ctx, HPy h)
{
    (void)ctx;
    REQUIRE_H(h, -1);
    return PyObject_IsTrue(P(h));
}

HPy hmc_Type(HPyContext *ctx, HPy obj)
{
    (void)ctx;
    REQUIRE_H(obj, HPy_NULL);
    return H(PyObject_Type(P(obj)));
}

/* CPython reads the MRO of the second argument unchecked. */
int hmc_TypeCheck(HPyContext *ctx, HPy obj, HPy type)
{
    (void)ctx;
    REQUIRE_H(obj, -1);
    REQUIRE_H(type, -1);
    if (!PyType_Check(P(type))) {
        PyErr_SetString(PyExc_TypeError, "HPy_TypeCheck arg 2 must be a type");
        return -1;
    }
    return PyObject_TypeCheck(P(obj), (PyTypeObject *)P(type));
}

int hmc_Is(HPyContext *ctx, HPy obj, HPy other)
{
    (void)ctx;
    return P(obj) == P(other);
}

/* CPython renders a NULL object as "<NULL>"; here it is an error, like everywhere else. */
#define TO_TEXT(NAME, FN)                          \
    HPy hmc_##NAME(HPyContext *ctx, HPy obj)       \
    {                                              \
        (void)ctx;                                 \
        REQUIRE_H(obj, HPy_NULL);                  \
        return H(FN(P(obj)));                      \
    }

TO_TEXT(Repr, PyObject_Repr)
TO_TEXT(Str, PyObject_Str)
TO_TEXT(ASCII, PyObject_ASCII)
TO_TEXT(Bytes, PyObject_Bytes)

HPy hmc_RichCompare(HPyContext *ctx, HPy v, HPy w, int op)
{
    (void)ctx;
    REQUIRE_H(v, HPy_NULL);
    REQUIRE_H(w, HPy_NULL);
    return H(PyObject_RichCompare(P(v), P(w), op));
}

int hmc_RichCompareBool(HPyContext *ctx, HPy v, HPy w, int op)
{
    (void)ctx;
    REQUIRE_H(v, -1);
    REQUIRE_H(w, -1);
    return PyObject_RichCompareBool(P(v), P(w), op);
}

HPy_hash_t hmc_Hash(HPyContext *ctx, HPy obj)
{
    (void)ctx;
    REQUIRE_H(obj, -1);
    return PyObject_Hash(P(obj));
}

/* --- attributes: a NULL value deletes ------------------------------------------------------ */

HPy hmc_GetAttr(HPyContext *ctx, HPy obj, HPy name)
{
    (void)ctx;
    REQUIRE_H(obj, HPy_NULL);
    REQUIRE_H(name, HPy_NULL);
    return H(PyObject_GetAttr(P(obj), P(name)));
}

HPy hmc_GetAttr_s(HPyContext *ctx, HPy obj, const char *utf8_name)
{
    (void)ctx;
    REQUIRE_H(obj, HPy_NULL);
    REQUIRE_PTR(utf8_name, HPy_NULL);
    return H(PyObject_GetAttrString(P(obj), utf8_name));
}

int hmc_HasAttr(HPyContext *ctx, HPy obj, HPy name)
{
    (void)ctx;
    REQUIRE_H(obj, -1);
    REQUIRE_H(name, -1);
    return PyObject_HasAttr(P(obj), P(name));
}

int hmc_HasAttr_s(HPyContext *ctx, HPy obj, const char *utf8_name)
{
    (void)ctx;
    REQUIRE_H(obj, -1);
    REQUIRE_PTR(utf8_name, -1);
    return PyObject_HasAttrString(P(obj), utf8_name);
}

int hmc_SetAttr(HPyContext *ctx, HPy obj, HPy name, HPy value)
{
    (void)ctx;
    REQUIRE_H(obj, -1);
    REQUIRE_H(name, -1);
    return PyObject_SetAttr(P(obj), P(name), P(value));
}

int hmc_SetAttr_s(HPyContext *ctx, HPy obj, const char *utf8_name, HPy value)
{
    (void)ctx;
    REQUIRE_H(obj, -1);
    REQUIRE_PTR(utf8_name, -1);
    return PyObject_SetAttrString(P(obj), utf8_name, P(value));
}

/* --- items: the _i and _s variants make the key object ----------------------------------------- */

static PyObject *string_key(const char *utf8_key)
{
    REQUIRE_PTR(utf8_key, NULL);
    return PyUnicode_FromString(utf8_key);
}

static HPy get_item(PyObject *obj, PyObject *key)
{
    REQUIRE_PTR(obj, HPy_NULL);
    REQUIRE_PTR(key, HPy_NULL);
    return H(PyObject_GetItem(obj, key));
}

static int set_item(PyObject *obj, PyObject *key, PyObject *value)
{
    REQUIRE_PTR(obj, -1);
    REQUIRE_PTR(key, -1);
    return value != NULL ? PyObject_SetItem(obj, key, value) : PyObject_DelItem(obj, key);
}

/* The made-key variants: `key` is a new reference, or NULL with an exception set. */
static HPy get_item_made(PyObject *obj, PyObject *key)
{
    if (key == NULL)
        return HPy_NULL;
    HPy r = get_item(obj, key);
    Py_DECREF(key);
    return r;
}

static int set_item_made(PyObject *obj, PyObject *key, PyObject *value)
{
    if (key == NULL)
        return -1;
    int r = set_item(obj, key, value);
    Py_DECREF(key);
    return r;
}

HPy hmc_GetItem(HPyContext *ctx, HPy obj, HPy key) { (void)ctx; return get_item(P(obj), P(key)); }
HPy hmc_GetItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx) { (void)ctx; return get_item_made(P(obj), PyLong_FromSsize_t(idx)); }
HPy hmc_GetItem_s(HPyContext *ctx, HPy obj, const char *utf8_key) { (void)ctx; return get_item_made(P(obj), string_key(utf8_key)); }

int hmc_SetItem(HPyContext *ctx, HPy obj, HPy key, HPy value)
{
    (void)ctx;
    REQUIRE_H(value, -1);
    return set_item(P(obj), P(key), P(value));
}

int hmc_SetItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx, HPy value)
{
    (void)ctx;
    REQUIRE_H(value, -1);
    return set_item_made(P(obj), PyLong_FromSsize_t(idx), P(value));
}

int hmc_SetItem_s(HPyContext *ctx, HPy obj, const char *utf8_key, HPy value)
{
    (void)ctx;
    REQUIRE_H(value, -1);
    return set_item_made(P(obj), string_key(utf8_key), P(value));
}

int hmc_DelItem(HPyContext *ctx, HPy obj, HPy key) { (void)ctx; return set_item(P(obj), P(key), NULL); }
int hmc_DelItem_i(HPyContext *ctx, HPy obj, HPy_ssize_t idx) { (void)ctx; return set_item_made(P(obj), PyLong_FromSsize_t(idx), NULL); }
int hmc_DelItem_s(HPyContext *ctx, HPy obj, const char *utf8_key) { (void)ctx; return set_item_made(P(obj), string_key(utf8_key), NULL); }

int hmc_Contains(HPyContext *ctx, HPy container, HPy key)
{
    (void)ctx;
    REQUIRE_H(container, -1);
    REQUIRE_H(key, -1);
    return PySequence_Contains(P(container), P(key));
}

/* --- iteration ------------------------------------------------------------------------------ */

HPy hmc_GetIter(HPyContext *ctx, HPy obj)
{
    (void)ctx;
    REQUIRE_H(obj, HPy_NULL);
    return H(PyObject_GetIter(P(obj)));
}

/* NULL without an exception at exhaustion (PyIter_Next swallows StopIteration). */
HPy hmc_Iter_Next(HPyContext *ctx, HPy obj)
{
    (void)ctx;
    REQUIRE_H(obj, HPy_NULL);
    if (!PyIter_Check(P(obj))) {
        PyErr_Format(PyExc_TypeError, "'%.200s' object is not an iterator", Py_TYPE(P(obj))->tp_name);
        return HPy_NULL;
    }
    return H(PyIter_Next(P(obj)));
}

int hmc_Iter_Check(HPyContext *ctx, HPy obj)
{
    (void)ctx;
    return P(obj) != NULL && PyIter_Check(P(obj));
}

/* --- calls ---------------------------------------------------------------------------------- */

int hmc_Callable_Check(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return PyCallable_Check(P(h));
}

/* The handles of a vectorcall are already a PyObject *array: checks only. Returns the number
   of positional arguments, or -1 with an exception set. */
static Py_ssize_t check_vectorcall(const char *api, const HPy *args, size_t nargsf, HPy kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf), n = nargs;
    if (P(kwnames) != NULL) {
        if (!PyTuple_Check(P(kwnames))) {
            PyErr_Format(PyExc_TypeError, "%s arg 'kwnames' must be a tuple object or HPy_NULL", api);
            return -1;
        }
        n += PyTuple_GET_SIZE(P(kwnames));
    }
    if (n > 0)
        REQUIRE_PTR(args, -1);
    for (Py_ssize_t i = 0; i < n; i++)
        REQUIRE_H(args[i], -1);
    return nargs;
}

/* The caller's array has no writable slot before it: PY_VECTORCALL_ARGUMENTS_OFFSET is never
   passed on. */
HPy hmc_Call(HPyContext *ctx, HPy callable, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)ctx;
    REQUIRE_H(callable, HPy_NULL);
    Py_ssize_t n = check_vectorcall("HPy_Call", args, nargs, kwnames);
    if (n < 0)
        return HPy_NULL;
    return H(PyObject_Vectorcall(P(callable), hmc_harr2py(args), (size_t)n, P(kwnames)));
}

/* args[0] is the receiver. */
HPy hmc_CallMethod(HPyContext *ctx, HPy name, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)ctx;
    REQUIRE_H(name, HPy_NULL);
    Py_ssize_t n = check_vectorcall("HPy_CallMethod", args, nargs, kwnames);
    if (n < 0)
        return HPy_NULL;
    if (n == 0) {
        PyErr_SetString(PyExc_TypeError, "HPy_CallMethod requires the receiver as args[0]");
        return HPy_NULL;
    }
    return H(PyObject_VectorcallMethod(P(name), hmc_harr2py(args), (size_t)n, P(kwnames)));
}

HPy hmc_CallTupleDict(HPyContext *ctx, HPy callable, HPy args, HPy kw)
{
    (void)ctx;
    REQUIRE_H(callable, HPy_NULL);
    if (P(args) != NULL && !PyTuple_Check(P(args))) {
        PyErr_SetString(PyExc_TypeError, "HPy_CallTupleDict requires args to be a tuple or null handle");
        return HPy_NULL;
    }
    if (P(kw) != NULL && !PyDict_Check(P(kw))) {
        PyErr_SetString(PyExc_TypeError, "HPy_CallTupleDict requires kw to be a dict or null handle");
        return HPy_NULL;
    }
    if (P(args) == NULL)
        return H(PyObject_VectorcallDict(P(callable), NULL, 0, P(kw)));
    return H(PyObject_Call(P(callable), P(args), P(kw)));
}

/* _PyObject_Dump keeps a pending exception aside while it runs repr(). */
void hmc_Dump(HPyContext *ctx, HPy h)
{
    (void)ctx;
    _PyObject_Dump(P(h));
}
