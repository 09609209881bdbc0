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

/* A mode word as HPy 0.9.0 reads it: any case-insensitive prefix of a mode name, tried in the
   order debug, trace, universal, so an empty word means debug and "univ" universal. */
static int mode_from_word(const char *word, size_t n)
{
    if (strncasecmp("debug", word, n) == 0)
        return MODE_DEBUG;
    if (strncasecmp("trace", word, n) == 0)
        return MODE_TRACE;
    if (strncasecmp("universal", word, n) == 0)
        return MODE_UNIVERSAL;
    return MODE_INVALID;
}

/* The mode HPY gives `module`, read as HPy 0.9.0 reads it so that a setting means the same under
   both loaders: HPY=MODE for every module, or NAME:MODE entries separated by commas, where the
   first entry whose NAME begins the module's name decides (":debug" names every module). A
   module no entry names is an error there, not universal mode. Missing HPY means universal. */
static int mode_for_module(const char *value, size_t size, const char *module)
{
    const char *colon = strchr(value, ':');
    if (colon == NULL)
        return mode_from_word(value, size);
    const char *entry = value;
    while (colon != NULL) {
        const char *comma = strchr(colon + 1, ',');
        const char *word_end = comma != NULL ? comma : value + size;
        if (strncmp(module, entry, (size_t)(colon - entry)) == 0)
            return mode_from_word(colon + 1, (size_t)(word_end - colon - 1));
        if (comma == NULL)
            break;
        entry = comma + 1;
        colon = strchr(entry, ':');
    }
    return MODE_INVALID;
}

/* env[key] as HPy's loader looks it up: 0 with *value NULL when absent, -1 on an error of the
   mapping (a non-mapping env is one), which propagates. */
static int env_get(PyObject *env, const char *key, PyObject **value)
{
    if (PyDict_Check(env)) {
        *value = PyDict_GetItemString(env, key);
        Py_XINCREF(*value);
        return 0;
    }
    *value = PyMapping_GetItemString(env, key);
    if (*value != NULL)
        return 0;
    if (!PyErr_ExceptionMatches(PyExc_KeyError))
        return -1;
    PyErr_Clear();
    return 0;
}

static int mode_from_env(PyObject *env, const char *module)
{
    PyObject *value;
    if (env_get(env, "HPY", &value) < 0)
        return MODE_INVALID;
    if (value == NULL)
        return MODE_UNIVERSAL;
    Py_ssize_t size;
    const char *s = PyUnicode_AsUTF8AndSize(value, &size);
    int mode = s == NULL ? MODE_INVALID : mode_for_module(s, (size_t)size, module);
    if (mode == MODE_INVALID && s != NULL)
        PyErr_Format(PyExc_ValueError, "invalid HPy mode: %.50s", s);
    Py_DECREF(value);
    return mode;
}

/* HPY_LOG set to anything: say which mode a stub loader loads a module in, with HPy's words. */
static int log_load(PyObject *env, const char *module, int mode)
{
    PyObject *log;
    if (env_get(env, "HPY_LOG", &log) < 0)
        return -1;
    if (log == NULL)
        return 0;
    Py_DECREF(log);
    const char *context = mode == MODE_DEBUG ? " with a debug context" : mode == MODE_TRACE ? " with a trace context" : "";
    PySys_FormatStdout("Loading '%.200s' in HPy universal mode%.200s\n", module, context);
    return 0;
}

/* What HPy's generated stub loaders call: load, then give the module its import attributes.
   `name` is the extension's own name (its HPyInit_<name>), `ext_name` the module's full
   dotted name, which becomes __name__. */
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
    if (mode == MODE_INVALID || log_load(env, module, mode) < 0)
        return NULL;
    HPyContext *ctx = context_for_mode(mode);
    if (ctx == NULL)
        return NULL;
    PyObject *m = hmc_load(ctx, name, file, spec);
    if (m == NULL)
        return NULL;
    if (PyObject_SetAttrString(m, "__file__", file) < 0 || PyObject_SetAttrString(m, "__loader__", loader) < 0 ||
        PyObject_SetAttrString(m, "__name__", ext_name) < 0 || PyObject_SetAttrString(m, "__package__", package) < 0 ||
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
