/* list, dict, tuple, slices, the list and tuple builders, and trackers. */
#include "ctx_common.h"

/* --- list, dict, tuple ---------------------------------------------------------------------- */

int hmc_List_Check(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return P(h) != NULL && PyList_Check(P(h));
}

int hmc_Dict_Check(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return P(h) != NULL && PyDict_Check(P(h));
}

int hmc_Tuple_Check(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return P(h) != NULL && PyTuple_Check(P(h));
}

/* CPython leaves the items NULL for the caller to set, which Python code must never see; here
   a new list or tuple starts out full of None. */
static PyObject *fill_none(PyObject *seq, PyObject **items, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        items[i] = Py_NewRef(Py_None);
    return seq;
}

static PyObject *new_list(Py_ssize_t n)
{
    PyObject *list = PyList_New(n);
    return list == NULL ? NULL : fill_none(list, ((PyListObject *)list)->ob_item, n);
}

static PyObject *new_tuple(Py_ssize_t n)
{
    PyObject *tuple = PyTuple_New(n);
    return tuple == NULL ? NULL : fill_none(tuple, ((PyTupleObject *)tuple)->ob_item, n);
}

HPy hmc_List_New(HPyContext *ctx, HPy_ssize_t len)
{
    (void)ctx;
    return H(new_list(len));
}

int hmc_List_Append(HPyContext *ctx, HPy h_list, HPy h_item)
{
    (void)ctx;
    REQUIRE_H(h_list, -1);
    return PyList_Append(P(h_list), P(h_item));
}

/* The index is clamped into the list, negative counting from the end, as list.insert. */
int hmc_List_Insert(HPyContext *ctx, HPy h_list, HPy_ssize_t index, HPy h_item)
{
    (void)ctx;
    REQUIRE_H(h_list, -1);
    return PyList_Insert(P(h_list), index, P(h_item));
}

HPy hmc_Dict_New(HPyContext *ctx)
{
    (void)ctx;
    return H(PyDict_New());
}

HPy hmc_Dict_Keys(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return H(PyDict_Keys(P(h)));
}

HPy hmc_Dict_Copy(HPyContext *ctx, HPy h)
{
    (void)ctx;
    return H(PyDict_Copy(P(h)));
}

/* HPy never takes over the caller's handles: the tuple takes new references. */
HPy hmc_Tuple_FromArray(HPyContext *ctx, const HPy *items, HPy_ssize_t n)
{
    (void)ctx;
    if (n > 0)
        REQUIRE_PTR(items, HPy_NULL);
    for (HPy_ssize_t i = 0; i < n; i++)
        REQUIRE_H(items[i], HPy_NULL);
    PyObject *tuple = PyTuple_New(n);
    for (HPy_ssize_t i = 0; tuple != NULL && i < n; i++)
        PyTuple_SET_ITEM(tuple, i, Py_NewRef(P(items[i])));
    return H(tuple);
}

/* --- slices --------------------------------------------------------------------------------- */

/* NULL bounds mean None. */
HPy hmc_Slice_New(HPyContext *ctx, HPy start, HPy stop, HPy step)
{
    (void)ctx;
    return H(PySlice_New(P(start), P(stop), P(step)));
}

/* Omitted bounds get their defaults and out-of-range ones are clamped to the Py_ssize_t range
   (a step to -PY_SSIZE_T_MAX), without a length: HPySlice_AdjustIndices applies one. */
int hmc_Slice_Unpack(HPyContext *ctx, HPy slice, HPy_ssize_t *start, HPy_ssize_t *stop, HPy_ssize_t *step)
{
    (void)ctx;
    REQUIRE_H(slice, -1);
    REQUIRE_PTR(start, -1);
    REQUIRE_PTR(stop, -1);
    REQUIRE_PTR(step, -1);
    if (!PySlice_Check(P(slice))) {
        PyErr_BadInternalCall();
        return -1;
    }
    return PySlice_Unpack(P(slice), start, stop, step);
}

/* obj[start:end] through the mapping protocol, as PySequence_GetSlice. */
HPy hmc_GetSlice(HPyContext *ctx, HPy obj, HPy_ssize_t start, HPy_ssize_t end)
{
    (void)ctx;
    REQUIRE_H(obj, HPy_NULL);
    return H(PySequence_GetSlice(P(obj), start, end));
}

/* A NULL value deletes. */
int hmc_SetSlice(HPyContext *ctx, HPy obj, HPy_ssize_t start, HPy_ssize_t end, HPy value)
{
    (void)ctx;
    REQUIRE_H(obj, -1);
    return PySequence_SetSlice(P(obj), start, end, P(value));
}

int hmc_DelSlice(HPyContext *ctx, HPy obj, HPy_ssize_t start, HPy_ssize_t end)
{
    (void)ctx;
    REQUIRE_H(obj, -1);
    return PySequence_DelSlice(P(obj), start, end);
}

/* --- builders: the token is the list or tuple under construction ---------------------------
   A failed New leaves its exception pending and gives the NULL token; Set then does nothing
   and Build returns NULL, so a caller may check once, at Build. Out-of-range or NULL items are
   ignored, as in the reference backend: the slot keeps None. */

static void builder_set(PyObject **items, Py_ssize_t size, HPy_ssize_t index, HPy h_item)
{
    if (P(h_item) == NULL || index < 0 || index >= size)
        return;
    Py_SETREF(items[index], Py_NewRef(P(h_item)));
}

static HPy builder_build(PyObject *seq, const char *api)
{
    if (seq == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_SystemError, "%s called with a builder whose creation failed", api);
    return H(seq);
}

#define LIST(b) ((PyObject *)(b)._lst)
#define TUPLE(b) ((PyObject *)(b)._tup)

HPyListBuilder hmc_ListBuilder_New(HPyContext *ctx, HPy_ssize_t size)
{
    (void)ctx;
    return (HPyListBuilder){ (intptr_t)new_list(size) };
}

void hmc_ListBuilder_Set(HPyContext *ctx, HPyListBuilder builder, HPy_ssize_t index, HPy h_item)
{
    (void)ctx;
    PyObject *list = LIST(builder);
    if (list != NULL)
        builder_set(((PyListObject *)list)->ob_item, PyList_GET_SIZE(list), index, h_item);
}

HPy hmc_ListBuilder_Build(HPyContext *ctx, HPyListBuilder builder)
{
    (void)ctx;
    return builder_build(LIST(builder), "HPyListBuilder_Build");
}

void hmc_ListBuilder_Cancel(HPyContext *ctx, HPyListBuilder builder)
{
    (void)ctx;
    Py_XDECREF(LIST(builder));
}

HPyTupleBuilder hmc_TupleBuilder_New(HPyContext *ctx, HPy_ssize_t size)
{
    (void)ctx;
    return (HPyTupleBuilder){ (intptr_t)new_tuple(size) };
}

void hmc_TupleBuilder_Set(HPyContext *ctx, HPyTupleBuilder builder, HPy_ssize_t index, HPy h_item)
{
    (void)ctx;
    PyObject *tuple = TUPLE(builder);
    if (tuple != NULL)
        builder_set(((PyTupleObject *)tuple)->ob_item, PyTuple_GET_SIZE(tuple), index, h_item);
}

HPy hmc_TupleBuilder_Build(HPyContext *ctx, HPyTupleBuilder builder)
{
    (void)ctx;
    return builder_build(TUPLE(builder), "HPyTupleBuilder_Build");
}

void hmc_TupleBuilder_Cancel(HPyContext *ctx, HPyTupleBuilder builder)
{
    (void)ctx;
    Py_XDECREF(TUPLE(builder));
}

/* --- trackers: a growable array of handles that the tracker owns ----------------------------
   One slot is always kept free, so that a failing Add has still recorded its handle and Close
   releases it. */

typedef struct {
    Py_ssize_t length, capacity;
    PyObject **items;
} tracker;

#define TRACKER(t) ((tracker *)(t)._i)
enum { TRACKER_DEFAULT_SIZE = 5 };

HPyTracker hmc_Tracker_New(HPyContext *ctx, HPy_ssize_t size)
{
    (void)ctx;
    if (size < 0) {
        PyErr_SetString(PyExc_SystemError, "HPyTracker_New: negative size");
        return (HPyTracker){ 0 };
    }
    Py_ssize_t capacity = (size == 0 ? TRACKER_DEFAULT_SIZE : size) + 1;
    tracker *t = PyMem_RawMalloc(sizeof(tracker));
    PyObject **items = PyMem_RawMalloc((size_t)capacity * sizeof(PyObject *));
    if (t == NULL || items == NULL) {
        PyMem_RawFree(t);
        PyMem_RawFree(items);
        PyErr_NoMemory();
        return (HPyTracker){ 0 };
    }
    *t = (tracker){ 0, capacity, items };
    return (HPyTracker){ (intptr_t)t };
}

int hmc_Tracker_Add(HPyContext *ctx, HPyTracker ht, HPy h)
{
    (void)ctx;
    tracker *t = TRACKER(ht);
    /* The tracker owns the handle even when it cannot keep it: then it is released at once.
       A full tracker is one whose last Add failed, which the caller should have answered with
       Close. */
    if (t == NULL || t->length == t->capacity) {
        Py_XDECREF(P(h));
        if (t == NULL)
            PyErr_SetString(PyExc_SystemError, "HPyTracker_Add called with a NULL tracker");
        else
            PyErr_NoMemory();
        return -1;
    }
    t->items[t->length++] = P(h);
    if (t->length < t->capacity)
        return 0;
    PyObject **items = PyMem_RawRealloc(t->items, (size_t)t->capacity * 2 * sizeof(PyObject *));
    if (items == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    t->items = items;
    t->capacity *= 2;
    return 0;
}

void hmc_Tracker_ForgetAll(HPyContext *ctx, HPyTracker ht)
{
    (void)ctx;
    if (TRACKER(ht) != NULL)
        TRACKER(ht)->length = 0;
}

void hmc_Tracker_Close(HPyContext *ctx, HPyTracker ht)
{
    (void)ctx;
    tracker *t = TRACKER(ht);
    if (t == NULL)
        return;
    for (Py_ssize_t i = 0; i < t->length; i++)
        Py_XDECREF(t->items[i]);
    PyMem_RawFree(t->items);
    PyMem_RawFree(t);
}
