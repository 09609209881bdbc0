/* Capsules, context variables, import, globals, leaving and reentering Python, compile and
   eval. */
#include "ctx_common.h"

HPy hmc_Import_ImportModule(HPyContext *ctx, const char *utf8_name)
{
    (void)ctx;
    REQUIRE_PTR(utf8_name, HPy_NULL);
    return H(PyImport_ImportModule(utf8_name));
}

/* --- globals: the variable holds the object it owns a reference to -------------------------- */

/* A NULL handle stores None, as the reference backend does. */
void hmc_Global_Store(HPyContext *ctx, HPyGlobal *global, HPy h)
{
    (void)ctx;
    REQUIRE_PTR(global, );
    PyObject *old = (PyObject *)global->_i;
    global->_i = (intptr_t)Py_NewRef(P(h) != NULL ? P(h) : Py_None);
    Py_XDECREF(old);
}

HPy hmc_Global_Load(HPyContext *ctx, HPyGlobal global)
{
    (void)ctx;
    PyObject *o = (PyObject *)global._i;
    if (o == NULL) {
        PyErr_SetString(PyExc_SystemError, "HPyGlobal_Load on a global that was never stored");
        return HPy_NULL;
    }
    return H(Py_NewRef(o));
}

/* --- leaving and reentering Python: the token is the saved PyThreadState -------------------- */

HPyThreadState hmc_LeavePythonExecution(HPyContext *ctx)
{
    (void)ctx;
    return (HPyThreadState){ (intptr_t)PyEval_SaveThread() };
}

/* Without the GIL no exception can be raised, so a NULL token is fatal. (Another thread's
   state cannot be told apart from this one's here: CPython's own checks are all there is.) */
void hmc_ReenterPythonExecution(HPyContext *ctx, HPyThreadState state)
{
    (void)ctx;
    if (state._i == 0)
        (Py_FatalError)("HPy_ReenterPythonExecution called with a NULL thread state");
    PyEval_RestoreThread((PyThreadState *)state._i);
}

/* --- capsules: the destructor's cpy_trampoline is the PyCapsule destructor ------------------- */

static int check_destructor(const HPyCapsule_Destructor *d)
{
    if (d != NULL && (d->cpy_trampoline == NULL || d->impl == NULL)) {
        PyErr_SetString(PyExc_ValueError, "Invalid HPyCapsule destructor");
        return -1;
    }
    return 0;
}

static PyCapsule_Destructor destructor_of(const HPyCapsule_Destructor *d)
{
    return d != NULL ? (PyCapsule_Destructor)d->cpy_trampoline : NULL;
}

HPy hmc_Capsule_New(HPyContext *ctx, void *pointer, const char *utf8_name, HPyCapsule_Destructor *destructor)
{
    (void)ctx;
    if (check_destructor(destructor) < 0)
        return HPy_NULL;
    return H(PyCapsule_New(pointer, utf8_name, destructor_of(destructor)));
}

/* The name is needed only for the pointer; the other keys ignore it. */
void *hmc_Capsule_Get(HPyContext *ctx, HPy capsule, _HPyCapsule_key key, const char *utf8_name)
{
    (void)ctx;
    switch (key) {
    case HPyCapsule_key_Pointer: return PyCapsule_GetPointer(P(capsule), utf8_name);
    case HPyCapsule_key_Name: return (void *)PyCapsule_GetName(P(capsule));
    case HPyCapsule_key_Context: return PyCapsule_GetContext(P(capsule));
    case HPyCapsule_key_Destructor:
        PyErr_SetString(PyExc_ValueError, "Invalid operation: get HPyCapsule_key_Destructor");
        return NULL;
    }
    PyErr_Format(PyExc_SystemError, "HPyCapsule_Get: invalid key %d", (int)key);
    return NULL;
}

int hmc_Capsule_Set(HPyContext *ctx, HPy capsule, _HPyCapsule_key key, void *value)
{
    (void)ctx;
    switch (key) {
    case HPyCapsule_key_Pointer: return PyCapsule_SetPointer(P(capsule), value);
    case HPyCapsule_key_Name: return PyCapsule_SetName(P(capsule), value);
    case HPyCapsule_key_Context: return PyCapsule_SetContext(P(capsule), value);
    case HPyCapsule_key_Destructor:
        if (check_destructor(value) < 0)
            return -1;
        return PyCapsule_SetDestructor(P(capsule), destructor_of(value));
    }
    PyErr_Format(PyExc_SystemError, "HPyCapsule_Set: invalid key %d", (int)key);
    return -1;
}

/* Never raises: anything but a capsule of that name is not valid. */
int hmc_Capsule_IsValid(HPyContext *ctx, HPy capsule, const char *utf8_name)
{
    (void)ctx;
    return PyCapsule_IsValid(P(capsule), utf8_name);
}

/* --- context variables ---------------------------------------------------------------------- */

/* A NULL default means none. */
HPy hmc_ContextVar_New(HPyContext *ctx, const char *name, HPy default_value)
{
    (void)ctx;
    REQUIRE_PTR(name, HPy_NULL);
    return H(PyContextVar_New(name, P(default_value)));
}

/* Status 0 with *result NULL when the variable has no value and there is no default; on error
   *result is NULL too (CPython leaves it unwritten). */
int32_t hmc_ContextVar_Get(HPyContext *ctx, HPy context_var, HPy default_value, HPy *result)
{
    (void)ctx;
    REQUIRE_PTR(result, -1);
    *result = HPy_NULL;
    REQUIRE_H(context_var, -1);
    PyObject *value = NULL;
    int status = PyContextVar_Get(P(context_var), P(default_value), &value);
    if (status == 0)
        *result = H(value);
    return status;
}

HPy hmc_ContextVar_Set(HPyContext *ctx, HPy context_var, HPy value)
{
    (void)ctx;
    REQUIRE_H(context_var, HPy_NULL);
    REQUIRE_H(value, HPy_NULL);
    return H(PyContextVar_Set(P(context_var), P(value)));
}

/* --- compile and eval ----------------------------------------------------------------------- */

HPy hmc_Compile_s(HPyContext *ctx, const char *utf8_source, const char *utf8_filename, HPy_SourceKind kind)
{
    (void)ctx;
    REQUIRE_PTR(utf8_source, HPy_NULL);
    REQUIRE_PTR(utf8_filename, HPy_NULL);
    int start;
    switch (kind) {
    case HPy_SourceKind_Expr: start = Py_eval_input; break;
    case HPy_SourceKind_File: start = Py_file_input; break;
    case HPy_SourceKind_Single: start = Py_single_input; break;
    default:
        PyErr_Format(PyExc_SystemError, "HPy_Compile_s: invalid source kind %d", (int)kind);
        return HPy_NULL;
    }
    return H(Py_CompileString(utf8_source, utf8_filename, start));
}

/* CPython takes the code, globals and locals to have the right types without checking; the
   checks and messages are exec()'s. A NULL locals means the globals. */
HPy hmc_EvalCode(HPyContext *ctx, HPy code, HPy globals, HPy locals)
{
    (void)ctx;
    REQUIRE_H(code, HPy_NULL);
    REQUIRE_H(globals, HPy_NULL);
    if (!PyCode_Check(P(code))) {
        PyErr_Format(PyExc_TypeError, "HPy_EvalCode() arg 1 must be a code object, not %.100s", Py_TYPE(P(code))->tp_name);
        return HPy_NULL;
    }
    if (!PyDict_Check(P(globals))) {
        PyErr_Format(PyExc_TypeError, "HPy_EvalCode() globals must be a dict, not %.100s", Py_TYPE(P(globals))->tp_name);
        return HPy_NULL;
    }
    PyObject *loc = P(locals) != NULL ? P(locals) : P(globals);
    if (!PyMapping_Check(loc)) {
        PyErr_Format(PyExc_TypeError, "locals must be a mapping or None, not %.100s", Py_TYPE(loc)->tp_name);
        return HPy_NULL;
    }
    return H(PyEval_EvalCode(P(code), P(globals), loc));
}
