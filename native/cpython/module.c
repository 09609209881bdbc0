/* Loading a universal binary: finding and checking its entry points, then creating its module
   from the HPyModuleDef (functions, exec slots, the create slot, globals). */
#include "hmc.h"
#include "hdbg.h"
#include <dlfcn.h>
#include <string.h>

typedef uint32_t (*version_fn)(void);
typedef void (*init_context_fn)(HPyContext *);
typedef HPyModuleDef *(*init_fn)(void);

int hmc_method_flags(HPyFunc_Signature sig)
{
    switch (sig) {
    case HPyFunc_VARARGS: return METH_FASTCALL;
    case HPyFunc_KEYWORDS: return METH_FASTCALL | METH_KEYWORDS;
    case HPyFunc_NOARGS: return METH_NOARGS;
    case HPyFunc_O: return METH_O;
    default: return -1;
    }
}

PyMethodDef *hmc_method_def(const HPyMeth *meth)
{
    int flags = hmc_method_flags(meth->signature);
    if (flags < 0) {
        /* HPy's own words: tools and tests match them. */
        PyErr_SetString(PyExc_ValueError, "Unsupported HPyMeth signature");
        return NULL;
    }
    PyMethodDef *def = PyMem_RawCalloc(1, sizeof(PyMethodDef));
    if (def == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    def->ml_name = meth->name;
    def->ml_meth = (PyCFunction)(void (*)(void))meth->cpy_trampoline;
    def->ml_flags = flags;
    def->ml_doc = meth->doc;
    return def;
}

/* `pkg.mod-x` -> `mod_x`: the name the entry points were made with. */
static PyObject *short_name(PyObject *name)
{
    Py_ssize_t len = PyUnicode_GetLength(name);
    if (len < 0)
        return NULL;
    Py_ssize_t dot = PyUnicode_FindChar(name, '.', 0, len, -1);
    if (dot == -2)
        return NULL;
    PyObject *tail = PyUnicode_Substring(name, dot + 1, len);
    if (tail == NULL)
        return NULL;
    PyObject *ascii = PyUnicode_AsASCIIString(tail);
    Py_DECREF(tail);
    if (ascii == NULL)
        return NULL;
    char *s = PyBytes_AS_STRING(ascii);
    for (; *s; s++)
        if (*s == '-')
            *s = '_';
    return ascii;
}

static void *find_symbol(void *lib, const char *path, const char *prefix, const char *shortname)
{
    char symbol[300];
    PyOS_snprintf(symbol, sizeof symbol, "%s%.200s", prefix, shortname);
    dlerror();
    void *p = dlsym(lib, symbol);
    if (p == NULL) {
        const char *why = dlerror();
        PyErr_Format(PyExc_RuntimeError,
                     "Error during loading of the HPy extension module at path '%s' while trying to find symbol '%s'. "
                     "Did you use the HPy_MODINIT macro to register your module? Error message from dlsym: %s",
                     path, symbol, why ? why : "(none)");
    }
    return p;
}

/* The filename's `.hpy<N>` tag must agree with the major version the binary asks for. */
static int check_abi_tag(const char *shortname, const char *path, uint32_t major, uint32_t minor)
{
    const char *tag = strstr(path, ".hpy");
    if (tag != NULL && tag[4] >= '0' && tag[4] <= '9') {
        uint32_t tag_major = (uint32_t)strtoul(tag + 4, NULL, 10);
        if (tag_major == major)
            return 0;
        PyErr_Format(PyExc_RuntimeError,
                     "HPy extension module '%s' at path '%s': mismatch between the HPy ABI tag encoded in the "
                     "filename and the major version requested by the HPy extension itself. Major version tag "
                     "parsed from filename: %u. Requested version: %u.%u.",
                     shortname, path, tag_major, major, minor);
        return -1;
    }
    PyErr_Format(PyExc_RuntimeError,
                 "HPy extension module '%s' at path '%s': could not find HPy ABI tag encoded in the filename. "
                 "The extension claims to be compiled with HPy ABI version: %u.%u.",
                 shortname, path, major, minor);
    return -1;
}

#define NON_DEFAULT_REASON \
    "This is not allowed because custom HPy_mod_create slot cannot return a builtin module object and " \
    "cannot make any use of any other data defined in the HPyModuleDef. Either do not define " \
    "HPy_mod_create slot and let the runtime create a builtin module object from the provided " \
    "HPyModuleDef, or do not define anything else but the HPy_mod_create slot."

static PyObject *call_create(HPyContext *ctx, HPyModuleDef *def, HPyDef *create, PyObject *spec)
{
    if (def->doc != NULL || def->legacy_methods != NULL || (def->globals != NULL && def->globals[0] != NULL)) {
        PyErr_SetString(PyExc_SystemError,
                        "HPyModuleDef defines a HPy_mod_create slot and some of the other fields are not set to "
                        "their default value. " NON_DEFAULT_REASON);
        return NULL;
    }
    /* Through the context, like every other entry into extension code, so that a debug or
       trace context wrapping ours sees it too. */
    _HPyFunc_args_UNARYFUNC a = { spec, NULL };
    ctx->ctx_CallRealFunctionFromTrampoline(ctx, HPyFunc_MOD_CREATE, (HPyCFunction)create->slot.impl, &a);
    PyObject *result = a.result;
    if (result != NULL && PyModule_Check(result)) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_SystemError, "HPy_mod_create slot returned a builtin module object. This is currently not supported.");
        return NULL;
    }
    return result;
}

static PyObject *create_module(HPyContext *ctx, HPyModuleDef *def, PyObject *name, PyObject *path, PyObject *spec)
{
    if (def->size < 0) {
        PyErr_SetString(PyExc_SystemError, "HPy does not permit HPyModuleDef.size < 0");
        return NULL;
    }
    if (def->size > 0) {
        PyErr_SetString(PyExc_SystemError,
                        "Module state is not supported yet in HPy, set HPyModuleDef.size = 0 if module state is not needed");
        return NULL;
    }

    HPyDef *create = NULL;
    Py_ssize_t ndefs = 0;
    for (HPyDef **d = def->defines; d != NULL && *d != NULL; d++, ndefs++) {
        if ((*d)->kind == HPyDef_Kind_Slot && (*d)->slot.slot == HPy_mod_create) {
            if (create != NULL) {
                PyErr_SetString(PyExc_SystemError, "Multiple definitions of the HPy_mod_create slot in HPyModuleDef.defines.");
                return NULL;
            }
            create = *d;
        }
    }
    if (create != NULL) {
        if (ndefs > 1) {
            PyErr_SetString(PyExc_SystemError,
                            "HPyModuleDef defines a HPy_mod_create slot and some other slots or methods. " NON_DEFAULT_REASON);
            return NULL;
        }
        return call_create(ctx, def, create, spec);
    }

    PyObject *module = PyModule_NewObject(name);
    if (module == NULL)
        return NULL;
    if (PyModule_AddObjectRef(module, "__file__", path) < 0 || PyModule_AddObjectRef(module, "__spec__", spec) < 0)
        goto error;
    if (def->doc != NULL) {
        PyObject *doc = PyUnicode_FromString(def->doc);
        if (doc == NULL || PyModule_AddObject(module, "__doc__", doc) < 0) {
            Py_XDECREF(doc);
            goto error;
        }
    }
    /* Globals start empty; exec slots fill them. */
    for (HPyGlobal **g = def->globals; g != NULL && *g != NULL; g++)
        (*g)->_i = 0;

    for (HPyDef **d = def->defines; d != NULL && *d != NULL; d++) {
        if ((*d)->kind == HPyDef_Kind_Meth) {
            PyMethodDef *md = hmc_method_def(&(*d)->meth);
            if (md == NULL)
                goto error;
            PyObject *f = PyCFunction_NewEx(md, module, name);
            if (f == NULL || PyModule_AddObject(module, md->ml_name, f) < 0) {
                Py_XDECREF(f);
                goto error;
            }
        } else if ((*d)->kind == HPyDef_Kind_Slot) {
            if ((*d)->slot.slot != HPy_mod_exec) {
                PyErr_Format(PyExc_SystemError, "Unsupported slot in HPyModuleDef.defines (value: %d).", (int)(*d)->slot.slot);
                goto error;
            }
        } else {
            PyErr_Format(PyExc_SystemError, "Unsupported HPyDef.kind in HPyModuleDef.defines (value: %d): a module "
                         "defines only methods and the HPy_mod_create/HPy_mod_exec slots", (int)(*d)->kind);
            goto error;
        }
    }
    /* A hybrid binary's CPython functions, after the HPy ones as in HPy (the last of two equal
       names wins). The array is static in the binary, which is never unloaded. */
    for (PyMethodDef *md = def->legacy_methods; md != NULL && md->ml_name != NULL; md++) {
        PyObject *f = PyCFunction_NewEx(md, module, name);
        if (f == NULL || PyModule_AddObject(module, md->ml_name, f) < 0) {
            Py_XDECREF(f);
            goto error;
        }
    }
    for (HPyDef **d = def->defines; d != NULL && *d != NULL; d++) {
        if ((*d)->kind != HPyDef_Kind_Slot)
            continue;
        _HPyFunc_args_INQUIRY a = { module, 0 };
        ctx->ctx_CallRealFunctionFromTrampoline(ctx, HPyFunc_INQUIRY, (HPyCFunction)(*d)->slot.impl, &a);
        if (a.result != 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_SystemError, "HPy_mod_exec slot failed without setting an exception");
            goto error;
        }
    }
    return module;
error:
    Py_DECREF(module);
    return NULL;
}

PyObject *hmc_load(HPyContext *ctx, PyObject *name, PyObject *path, PyObject *spec)
{
    PyObject *shortname_bytes = short_name(name);
    if (shortname_bytes == NULL)
        return NULL;
    PyObject *path_bytes = PyUnicode_EncodeFSDefault(path);
    if (path_bytes == NULL) {
        Py_DECREF(shortname_bytes);
        return NULL;
    }
    const char *shortname = PyBytes_AS_STRING(shortname_bytes);
    const char *soname = PyBytes_AS_STRING(path_bytes);
    PyObject *module = NULL;

    /* Never closed: functions and types of the module point into the library for as long as the
       process lives. */
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *why = dlerror();
        PyErr_Format(PyExc_RuntimeError, "Error during loading of the HPy extension module at path '%s'. "
                     "Error message from dlopen: %s", soname, why ? why : "(none)");
        goto done;
    }
    version_fn major_fn = (version_fn)find_symbol(lib, soname, "get_required_hpy_major_version_", shortname);
    if (major_fn == NULL)
        goto done;
    version_fn minor_fn = (version_fn)find_symbol(lib, soname, "get_required_hpy_minor_version_", shortname);
    if (minor_fn == NULL)
        goto done;
    uint32_t major = major_fn(), minor = minor_fn();
    if (major != HPY_ABI_VERSION || minor > HPY_ABI_VERSION_MINOR) {
        PyErr_Format(PyExc_RuntimeError,
                     "HPy extension module '%s' requires unsupported version of the HPy runtime. Requested version: "
                     "%u.%u. Current HPy version: %u.%u.",
                     shortname, major, minor, (unsigned)HPY_ABI_VERSION, (unsigned)HPY_ABI_VERSION_MINOR);
        goto done;
    }
    if (check_abi_tag(shortname, soname, major, minor) < 0)
        goto done;
    init_context_fn init_context = (init_context_fn)find_symbol(lib, soname, "HPyInitGlobalContext_", shortname);
    if (init_context == NULL)
        goto done;
    init_fn init = (init_fn)find_symbol(lib, soname, "HPyInit_", shortname);
    if (init == NULL)
        goto done;
    init_context(ctx);
    HPyModuleDef *def = init();
    HDbg *debug = hdbg_from_ctx(ctx);
    if (def != NULL && debug != NULL)
        hdbg_name_defines(debug, def->defines, NULL);
    if (def == NULL) {
        PyErr_Format(PyExc_RuntimeError, "Error during loading of the HPy extension module at path '%s'. "
                     "Function 'HPyInit_%s' returned NULL.", soname, shortname);
        goto done;
    }
    module = create_module(ctx, def, name, path, spec);
done:
    Py_DECREF(shortname_bytes);
    Py_DECREF(path_bytes);
    return module;
}
