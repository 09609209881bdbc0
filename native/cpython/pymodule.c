/* `hpy_matrix.universal`: a drop-in for HPy 0.9's `hpy.universal` that loads universal binaries
   through this context. */
#include "hmc.h"
#include "hdbg.h"
#include <string.h>
#include <strings.h>

/* The modes of hpy.universal, by value. */
enum { MODE_INVALID = -1, MODE_UNIVERSAL = 0, MODE_DEBUG = 1, MODE_TRACE = 2 };

static HPyContext *context_for_mode(int mode)
{
    if (mode == MODE_UNIVERSAL)
        return hmc_context();
    if (mode == MODE_DEBUG || mode == MODE_TRACE) {
        HPyContext *ctx = NULL;
        if (mode == MODE_DEBUG && hmc_debug() != NULL)
            ctx = hdbg_base_ctx(hmc_debug());
        if (mode == MODE_TRACE && hmc_trace() != NULL)
            ctx = htr_ctx(hmc_trace());
        if (ctx == NULL)
            PyErr_NoMemory();
        return ctx;
    }
    PyErr_Format(PyExc_ValueError, "invalid HPy mode: %d", mode);
    return NULL;
}

static PyObject *load(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *kwlist[] = { "name", "path", "spec", "debug", "mode", NULL };
    PyObject *name, *path, *spec;
    int debug = 0, mode = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UUO|pi:load", kwlist, &name, &path, &spec, &debug, &mode))
        return NULL;
    if (mode < 0)
        mode = debug ? MODE_DEBUG : MODE_UNIVERSAL;
    HPyContext *ctx = context_for_mode(mode);
    if (ctx == NULL)
        return NULL;
    return hmc_load(ctx, name, path, spec);
}

/* HPY=debug, HPY=trace, HPY=universal, or per module HPY=a:debug,b:trace. */
static int mode_from_env(PyObject *env, const char *module)
{
    PyObject *value = PyMapping_Check(env) ? PyMapping_GetItemString(env, "HPY") : NULL;
    if (value == NULL) {
        PyErr_Clear();
        return MODE_UNIVERSAL;
    }
    const char *s = PyUnicode_Check(value) ? PyUnicode_AsUTF8(value) : NULL;
    int mode = MODE_INVALID;
    if (s != NULL) {
        const char *word = s;
        size_t mlen = strlen(module);
        if (strchr(s, ':') != NULL) {
            word = NULL;
            for (const char *p = s; p != NULL && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
                if (strncmp(p, module, mlen) == 0 && p[mlen] == ':') {
                    word = p + mlen + 1;
                    break;
                }
            }
            if (word == NULL) {
                Py_DECREF(value);
                return MODE_UNIVERSAL;
            }
        }
        size_t n = strcspn(word, ",");
        if (n == 9 && strncasecmp(word, "universal", n) == 0) mode = MODE_UNIVERSAL;
        else if (n == 5 && strncasecmp(word, "debug", n) == 0) mode = MODE_DEBUG;
        else if (n == 5 && strncasecmp(word, "trace", n) == 0) mode = MODE_TRACE;
        if (mode == MODE_INVALID)
            PyErr_Format(PyExc_ValueError, "invalid HPy mode: %.50s", s);
    }
    Py_DECREF(value);
    return mode;
}

/* What HPy's generated stub loaders call: load, then give the module its import attributes. */
static PyObject *load_bootstrap(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *kwlist[] = { "name", "ext_name", "package", "file", "loader", "spec", "env", NULL };
    PyObject *name, *ext_name, *package, *file, *loader, *spec, *env;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOOO:_load_bootstrap", kwlist, &name, &ext_name, &package,
                                     &file, &loader, &spec, &env))
        return NULL;
    const char *module = PyUnicode_AsUTF8(name);
    if (module == NULL)
        return NULL;
    int mode = mode_from_env(env, module);
    if (mode == MODE_INVALID)
        return NULL;
    HPyContext *ctx = context_for_mode(mode);
    if (ctx == NULL)
        return NULL;
    PyObject *m = hmc_load(ctx, name, file, spec);
    if (m == NULL)
        return NULL;
    if (PyObject_SetAttrString(m, "__file__", file) < 0 || PyObject_SetAttrString(m, "__loader__", loader) < 0 ||
        PyObject_SetAttrString(m, "__name__", name) < 0 || PyObject_SetAttrString(m, "__package__", package) < 0 ||
        PyObject_SetAttrString(spec, "origin", file) < 0 || PyObject_SetAttrString(m, "__spec__", spec) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

static PyObject *get_version(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return Py_BuildValue("(ss)", "0.9.0", "hpy-matrix");
}

/* For tests and reports: the context members this build lacks. */
static PyObject *missing_members(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    const char *names[512];
    size_t n = hmc_missing_members(names, 512);
    PyObject *list = PyList_New(0);
    for (size_t i = 0; list != NULL && i < n && i < 512; i++) {
        PyObject *s = PyUnicode_FromString(names[i]);
        if (s == NULL || PyList_Append(list, s) < 0)
            Py_CLEAR(list);
        Py_XDECREF(s);
    }
    return list;
}

static PyMethodDef methods[] = {
    { "load", (PyCFunction)(void (*)(void))load, METH_VARARGS | METH_KEYWORDS,
      "load(name, path, spec, debug=False, mode=-1): load a universal HPy binary (.hpy0.so) as a module" },
    { "_load_bootstrap", (PyCFunction)(void (*)(void))load_bootstrap, METH_VARARGS | METH_KEYWORDS,
      "load a binary as HPy's stub loaders do, honouring the HPY environment variable" },
    { "get_version", get_version, METH_NOARGS, "(HPy version implemented, implementation)" },
    { "_missing_members", missing_members, METH_NOARGS, "context members this build does not implement" },
    { NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "hpy_matrix.universal",
    .m_doc = "Loads HPy 0.9 universal binaries through hpy-matrix's context on CPython.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit_universal(void)
{
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "MODE_UNIVERSAL", MODE_UNIVERSAL) < 0 ||
        PyModule_AddIntConstant(m, "MODE_DEBUG", MODE_DEBUG) < 0 ||
        PyModule_AddIntConstant(m, "MODE_TRACE", MODE_TRACE) < 0 || hmc_add_layer_modules(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
