/* The native half of Node's `cpython` backend: embedding the interpreter and the few object
   operations the TypeScript side cannot do with one plain CPython API call. Everything here runs
   on Node's main thread, which holds the GIL from hmc_host_init on. Objects cross as PyObject*;
   each one returned to TypeScript is a new reference that TypeScript releases. */
#include "hmc.h"
#include <string.h>

#define HOST_API __attribute__((visibility("default")))

/* Starts the interpreter as if `program` (the python executable) had been run, so that it finds
   the same standard library and site-packages. Returns NULL, or a message. */
HOST_API const char *hmc_host_init(const char *program)
{
    static char message[512];
    if (Py_IsInitialized())
        return NULL;
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    /* Node owns the process: its signals, its argv, its stdio buffering. */
    config.install_signal_handlers = 0;
    config.parse_argv = 0;
    config.buffered_stdio = 0;
    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, program);
    if (!PyStatus_Exception(status))
        status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        PyOS_snprintf(message, sizeof message, "%s%s%s", status.func ? status.func : "",
                      status.func ? ": " : "", status.err_msg ? status.err_msg : "cannot start Python");
        return message;
    }
    return NULL;
}

/* The cpython context, for a layer (debug, trace) to wrap. */
HOST_API HPyContext *hmc_host_context(void)
{
    return hmc_context();
}

/* Loads a universal binary as module `name`, registered in sys.modules, with `ctx` (the cpython
   context or a layer over it). */
HOST_API PyObject *hmc_host_load(HPyContext *ctx, const char *name, const char *path)
{
    PyObject *pyname = PyUnicode_FromString(name);
    PyObject *pypath = PyUnicode_DecodeFSDefault(path);
    PyObject *machinery = PyImport_ImportModule("importlib.machinery");
    PyObject *spec = NULL, *module = NULL;
    if (pyname && pypath && machinery) {
        PyObject *ModuleSpec = PyObject_GetAttrString(machinery, "ModuleSpec");
        if (ModuleSpec) {
            PyObject *args = PyTuple_Pack(2, pyname, Py_None);
            PyObject *kw = Py_BuildValue("{s:O}", "origin", pypath);
            if (args && kw)
                spec = PyObject_Call(ModuleSpec, args, kw);
            Py_XDECREF(args);
            Py_XDECREF(kw);
            Py_DECREF(ModuleSpec);
        }
    }
    if (spec)
        module = hmc_load(ctx, pyname, pypath, spec);
    if (module && PyModule_Check(module) && PyDict_SetItem(PyImport_GetModuleDict(), pyname, module) < 0)
        Py_CLEAR(module);
    Py_XDECREF(spec);
    Py_XDECREF(machinery);
    Py_XDECREF(pypath);
    Py_XDECREF(pyname);
    return module;
}

/* The pending exception, normalized with its traceback attached, and cleared; NULL if none. */
HOST_API PyObject *hmc_host_take_error(void)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (type == NULL)
        return NULL;
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
}

/* Raises an exception object again (for exceptions that cross a JavaScript callback). */
HOST_API void hmc_host_raise(PyObject *value)
{
    PyErr_SetObject((PyObject *)Py_TYPE(value), value);
}

/* The cause, else the context, of an exception: a new reference or NULL. */
HOST_API PyObject *hmc_host_exception_next(PyObject *exc)
{
    PyObject *next = PyException_GetCause(exc);
    return next != NULL ? next : PyException_GetContext(exc);
}

enum { KIND_NONE, KIND_BOOL, KIND_INT, KIND_FLOAT, KIND_STR, KIND_BYTES, KIND_TUPLE, KIND_LIST, KIND_DICT, KIND_OTHER };

/* Exact builtin types only: instances of subclasses stay objects. */
HOST_API int hmc_host_kind(PyObject *o)
{
    PyTypeObject *t = Py_TYPE(o);
    if (o == Py_None) return KIND_NONE;
    if (t == &PyBool_Type) return KIND_BOOL;
    if (t == &PyLong_Type) return KIND_INT;
    if (t == &PyFloat_Type) return KIND_FLOAT;
    if (t == &PyUnicode_Type) return KIND_STR;
    if (t == &PyBytes_Type) return KIND_BYTES;
    if (t == &PyTuple_Type) return KIND_TUPLE;
    if (t == &PyList_Type) return KIND_LIST;
    if (t == &PyDict_Type) return KIND_DICT;
    return KIND_OTHER;
}

/* 0 and *out set when the int fits 64 bits; 1 when it does not (read it as text then). */
HOST_API int hmc_host_int64(PyObject *o, int64_t *out)
{
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    *out = v;
    return overflow != 0;
}

/* A str as UTF-16LE bytes (lone surrogates kept, as JavaScript strings keep them). */
HOST_API PyObject *hmc_host_str_utf16(PyObject *s)
{
    return PyUnicode_AsEncodedString(s, "utf-16-le", "surrogatepass");
}

HOST_API PyObject *hmc_host_str_from_utf16(const char *data, Py_ssize_t nbytes)
{
    int order = -1; /* little-endian, no BOM expected */
    return PyUnicode_DecodeUTF16(data, nbytes, "surrogatepass", &order);
}

HOST_API Py_ssize_t hmc_host_bytes_size(PyObject *b)
{
    return PyBytes_GET_SIZE(b);
}

HOST_API void hmc_host_bytes_copy(PyObject *b, char *dst)
{
    memcpy(dst, PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b));
}

/* `type(o).__name__`, valid while the type lives. */
HOST_API const char *hmc_host_type_name(PyObject *o)
{
    PyTypeObject *t = Py_TYPE(o);
    if (t->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        PyObject *name = ((PyHeapTypeObject *)t)->ht_name;
        const char *s = name ? PyUnicode_AsUTF8(name) : NULL;
        if (s != NULL)
            return s;
        PyErr_Clear();
    }
    const char *dot = strrchr(t->tp_name, '.');
    return dot ? dot + 1 : t->tp_name;
}

/* Items of any iterable as a new list. */
HOST_API PyObject *hmc_host_items(PyObject *o)
{
    return PySequence_List(o);
}

HOST_API PyObject *hmc_host_new_tuple(PyObject *const *items, Py_ssize_t n)
{
    PyObject *t = PyTuple_New(n);
    for (Py_ssize_t i = 0; t != NULL && i < n; i++)
        PyTuple_SET_ITEM(t, i, Py_NewRef(items[i]));
    return t;
}

HOST_API PyObject *hmc_host_new_list(PyObject *const *items, Py_ssize_t n)
{
    PyObject *l = PyList_New(n);
    for (Py_ssize_t i = 0; l != NULL && i < n; i++)
        PyList_SET_ITEM(l, i, Py_NewRef(items[i]));
    return l;
}

/* Calls with positional arguments and keyword names/values, like vectorcall. */
HOST_API PyObject *hmc_host_call(PyObject *callable, PyObject *const *args, size_t nargs, PyObject *kwnames)
{
    return PyObject_Vectorcall(callable, args, nargs, kwnames);
}

/* Python callables that run JavaScript functions. The callback receives new references to the
   positional tuple and the keyword dict (or NULL) and returns a new reference, or NULL with an
   exception set. */
typedef PyObject *(*js_callback)(int64_t id, PyObject *args, PyObject *kwargs);

typedef struct {
    PyMethodDef def;
    js_callback callback;
    int64_t id;
    char name[];
} js_function;

static void js_function_free(PyObject *capsule)
{
    PyMem_RawFree(PyCapsule_GetPointer(capsule, "hpy-matrix.js_function"));
}

static PyObject *js_function_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    js_function *f = PyCapsule_GetPointer(self, "hpy-matrix.js_function");
    if (f == NULL)
        return NULL;
    Py_INCREF(args);
    Py_XINCREF(kwargs);
    PyObject *result = f->callback(f->id, args, kwargs);
    if (result == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_SystemError, "JavaScript function returned no value and raised nothing");
    return result;
}

HOST_API PyObject *hmc_host_new_function(const char *name, int64_t id, js_callback callback)
{
    size_t len = strlen(name);
    js_function *f = PyMem_RawCalloc(1, sizeof(js_function) + len + 1);
    if (f == NULL)
        return PyErr_NoMemory();
    memcpy(f->name, name, len + 1);
    f->def.ml_name = f->name;
    f->def.ml_meth = (PyCFunction)(void (*)(void))js_function_call;
    f->def.ml_flags = METH_VARARGS | METH_KEYWORDS;
    f->callback = callback;
    f->id = id;
    /* The capsule owns the definition; the function object, its only holder, outlives every
       use of the definition. */
    PyObject *capsule = PyCapsule_New(f, "hpy-matrix.js_function", js_function_free);
    if (capsule == NULL) {
        PyMem_RawFree(f);
        return NULL;
    }
    PyObject *fn = PyCFunction_New(&f->def, capsule);
    Py_DECREF(capsule);
    return fn;
}

/* Members this build does not implement, for capabilities(). */
HOST_API size_t hmc_host_missing_members(const char **names, size_t capacity)
{
    return hmc_missing_members(names, capacity);
}

/* None, True or False (0, 1, 2) as a new reference. */
HOST_API PyObject *hmc_host_constant(int which)
{
    return Py_NewRef(which == 0 ? Py_None : which == 1 ? Py_True : Py_False);
}
