/* The benchmark's baseline: each case written on the plain CPython C API. hpy_bench.c is the same
   extension written on HPy; run.py times both from Python. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    PyObject_HEAD
    long x, y;
} Point;

static PyTypeObject *point_type;

static PyObject *f_noargs(PyObject *self, PyObject *unused) { (void)self; (void)unused; Py_RETURN_NONE; }
static PyObject *f_o(PyObject *self, PyObject *arg) { (void)self; (void)arg; Py_RETURN_NONE; }
static PyObject *f_varargs(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self; (void)args; (void)nargs;
    Py_RETURN_NONE;
}
static PyObject *f_keywords(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    (void)self; (void)args; (void)nargs; (void)kwnames;
    Py_RETURN_NONE;
}
static PyObject *alloc_int(PyObject *self, PyObject *unused) { (void)self; (void)unused; return PyLong_FromLong(1000000); }
static PyObject *alloc_tuple(PyObject *self, PyObject *arg)
{
    (void)self;
    return PyTuple_Pack(2, arg, arg);
}
static PyObject *alloc_list(PyObject *self, PyObject *arg)
{
    (void)self;
    PyObject *l = PyList_New(3);
    if (l == NULL)
        return NULL;
    for (int i = 0; i < 3; i++)
        PyList_SET_ITEM(l, i, Py_NewRef(arg));
    return l;
}
static PyObject *alloc_point(PyObject *self, PyObject *unused)
{
    (void)self; (void)unused;
    Point *p = PyObject_New(Point, point_type);
    if (p == NULL)
        return NULL;
    p->x = 1;
    p->y = 2;
    return (PyObject *)p;
}

static PyObject *point_norm(PyObject *self, PyObject *unused)
{
    (void)unused;
    Point *p = (Point *)self;
    return PyLong_FromLong(p->x * p->x + p->y * p->y);
}
static Py_ssize_t point_len(PyObject *self) { (void)self; return 2; }
static PyObject *point_getitem(PyObject *self, PyObject *key)
{
    Point *p = (Point *)self;
    long i = PyLong_AsLong(key);
    if (i == -1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(i == 0 ? p->x : p->y);
}
static void point_dealloc(PyObject *self)
{
    PyTypeObject *t = Py_TYPE(self);
    PyObject_Free(self);
    Py_DECREF(t);
}

static PyMethodDef point_methods[] = {
    { "norm", point_norm, METH_NOARGS, NULL },
    { NULL, NULL, 0, NULL },
};
static PyType_Slot point_slots[] = {
    { Py_tp_methods, point_methods },
    { Py_mp_length, (void *)point_len },
    { Py_mp_subscript, (void *)point_getitem },
    { Py_tp_dealloc, (void *)point_dealloc },
    { 0, NULL },
};
static PyType_Spec point_spec = { "capi_bench.Point", sizeof(Point), 0, Py_TPFLAGS_DEFAULT, point_slots };

static PyMethodDef methods[] = {
    { "noargs", f_noargs, METH_NOARGS, NULL },
    { "o", f_o, METH_O, NULL },
    { "varargs", (PyCFunction)(void (*)(void))f_varargs, METH_FASTCALL, NULL },
    { "keywords", (PyCFunction)(void (*)(void))f_keywords, METH_FASTCALL | METH_KEYWORDS, NULL },
    { "alloc_int", alloc_int, METH_NOARGS, NULL },
    { "alloc_tuple", alloc_tuple, METH_O, NULL },
    { "alloc_list", alloc_list, METH_O, NULL },
    { "alloc_point", alloc_point, METH_NOARGS, NULL },
    { NULL, NULL, 0, NULL },
};
static struct PyModuleDef module_def = { PyModuleDef_HEAD_INIT, "capi_bench", NULL, -1, methods, NULL, NULL, NULL, NULL };

PyMODINIT_FUNC PyInit_capi_bench(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    point_type = (PyTypeObject *)PyType_FromSpec(&point_spec);
    if (point_type == NULL || PyModule_AddObjectRef(m, "Point", (PyObject *)point_type) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
