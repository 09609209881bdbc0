/* `hpy_matrix.universal._debug` and `._trace`: the Python face of the debug and trace layers
   over this interpreter's context, with the names hpy.universal's own modules have, so that
   tooling written for hpy.debug and hpy.trace works with ours. */
#include "hmc.h"
#include "hdbg.h"
#include <inttypes.h>

/* ---- DebugHandle: a view of one record of the debug layer's handles ---- */

/* As HPy's: a handle's record is reused once the closed queue forgets the handle, and the view
   shows the record's latest handle (records live as long as the layer, which lives as long as
   the interpreter; a DebugHandle exists only once the layer does). */
typedef struct {
    PyObject_HEAD
    HDbgHandle *handle;
} DebugHandleObject;

static PyTypeObject DebugHandle_Type;

static PyObject *debug_handle_new(HDbgHandle *h)
{
    DebugHandleObject *o = PyObject_New(DebugHandleObject, &DebugHandle_Type);
    if (o != NULL)
        o->handle = h;
    return (PyObject *)o;
}

static HDbgHandle *record(PyObject *self) { return ((DebugHandleObject *)self)->handle; }

static PyObject *dh_get_obj(PyObject *self, void *closure)
{
    (void)closure;
    /* A closed handle's object may be gone already. */
    HPy inner = hdbg_handle_inner(record(self));
    if (HPy_IsNull(inner))
        Py_RETURN_NONE;
    return Py_NewRef(hmc_h2py(inner));
}

static PyObject *dh_get_id(PyObject *self, void *closure)
{
    (void)closure;
    return PyLong_FromVoidPtr(record(self));
}

static PyObject *dh_get_is_closed(PyObject *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(hdbg_handle_is_closed(record(self)));
}

static PyObject *dh_get_raw_data_size(PyObject *self, void *closure)
{
    (void)closure;
    return PyLong_FromLongLong(hdbg_handle_raw_data_size(hmc_debug(), record(self)));
}

/* The allocation stack as lines, or NULL without an exception when none was captured. */
static PyObject *stack_text(HDbgHandle *h)
{
    void *const *frames = NULL;
    int n = hdbg_handle_stack(h, &frames);
    if (n <= 0)
        return NULL;
    PyObject *lines = PyList_New(0);
    for (int i = 0; lines != NULL && i < n; i++) {
        char buf[512];
        hdbg_symbolize(frames[i], buf, sizeof buf);
        PyObject *s = PyUnicode_FromString(buf);
        if (s == NULL || PyList_Append(lines, s) < 0)
            Py_CLEAR(lines);
        Py_XDECREF(s);
    }
    if (lines == NULL)
        return NULL;
    PyObject *sep = PyUnicode_FromString("\n");
    PyObject *text = sep != NULL ? PyUnicode_Join(sep, lines) : NULL;
    Py_XDECREF(sep);
    Py_DECREF(lines);
    return text;
}

static PyObject *dh_get_stacktrace(PyObject *self, void *closure)
{
    (void)closure;
    PyObject *text = stack_text(record(self));
    if (text == NULL && !PyErr_Occurred())
        Py_RETURN_NONE;
    return text;
}

static PyObject *dh_force_close(PyObject *self, PyObject *unused)
{
    (void)unused;
    hdbg_force_close(hmc_debug(), record(self));
    Py_RETURN_NONE;
}

/* HPy's words: the handle, then where it was opened or how to find out. */
static PyObject *dh_repr(PyObject *self)
{
    HDbgHandle *h = record(self);
    PyObject *trace = stack_text(h);
    if (trace == NULL && PyErr_Occurred())
        return NULL;
    const char *header = trace != NULL ? "Allocation stacktrace:\n" : "To get the stack trace of where it was allocated use:\nhpy.debug.";
    PyObject *tail = trace != NULL ? trace : PyUnicode_FromString("set_handle_stack_trace_limit");
    if (tail == NULL)
        return NULL;
    PyObject *obj = dh_get_obj(self, NULL);
    PyObject *r = NULL;
    if (obj != NULL) {
        r = hdbg_handle_is_closed(h) ? PyUnicode_FromFormat("<DebugHandle %p CLOSED>\n%s%U", (void *)h, header, tail)
                                     : PyUnicode_FromFormat("<DebugHandle %p for %R>\n%s%U", (void *)h, obj, header, tail);
        Py_DECREF(obj);
    }
    Py_DECREF(tail);
    return r;
}

static PyObject *dh_richcompare(PyObject *a, PyObject *b, int op)
{
    if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(b, &DebugHandle_Type))
        Py_RETURN_NOTIMPLEMENTED;
    int same = record(a) == record(b);
    return PyBool_FromLong(op == Py_EQ ? same : !same);
}

static Py_hash_t dh_hash(PyObject *self)
{
    /* Records are 64 bytes apart: the low bits say nothing. */
    Py_hash_t h = (Py_hash_t)((uintptr_t)record(self) >> 6);
    return h == -1 ? -2 : h;
}

static PyGetSetDef dh_getset[] = {
    { "obj", dh_get_obj, NULL, "the object the handle points to (None once closed: it may be gone)", NULL },
    { "id", dh_get_id, NULL, "the address of the handle's record, which a later handle may reuse (as in HPy)", NULL },
    { "is_closed", dh_get_is_closed, NULL, "whether the handle was closed", NULL },
    { "raw_data_size", dh_get_raw_data_size, NULL, "bytes of char * data kept for it (the NUL included), or -1", NULL },
    { "allocation_stacktrace", dh_get_stacktrace, NULL, "where it was opened, when stack traces are on", NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

static PyMethodDef dh_methods[] = {
    { "_force_close", dh_force_close, METH_NOARGS, "close the handle on the extension's behalf" },
    { NULL, NULL, 0, NULL },
};

static PyTypeObject DebugHandle_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "hpy_matrix.universal._debug.DebugHandle",
    .tp_basicsize = sizeof(DebugHandleObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A debug handle of the debug layer, as get_open_handles returns them",
    .tp_repr = dh_repr,
    .tp_hash = dh_hash,
    .tp_richcompare = dh_richcompare,
    .tp_getset = dh_getset,
    .tp_methods = dh_methods,
};

/* ---- _debug ---- */

static HDbg *debug_or_error(void)
{
    HDbg *d = hmc_debug();
    if (d == NULL)
        PyErr_NoMemory();
    return d;
}

static PyObject *handles_list(size_t (*get)(HDbg *, int64_t, HDbgHandle **, size_t), long long gen)
{
    HDbg *d = debug_or_error();
    if (d == NULL)
        return NULL;
    size_t n = get(d, gen, NULL, 0);
    HDbgHandle **hs = PyMem_Malloc((n ? n : 1) * sizeof *hs);
    if (hs == NULL)
        return PyErr_NoMemory();
    n = get(d, gen, hs, n);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++) {
        PyObject *o = debug_handle_new(hs[i]);
        if (o == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, o);
    }
    PyMem_Free(hs);
    return list;
}

static PyObject *new_generation(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    HDbg *d = debug_or_error();
    return d == NULL ? NULL : PyLong_FromLongLong(hdbg_new_generation(d));
}

static PyObject *get_open_handles(PyObject *self, PyObject *gen)
{
    (void)self;
    long long g = PyLong_AsLongLong(gen);
    if (g == -1 && PyErr_Occurred())
        return NULL;
    return handles_list(hdbg_open_handles, g);
}

static PyObject *get_closed_handles(PyObject *self, PyObject *args)
{
    (void)self;
    long long g = 0;
    if (!PyArg_ParseTuple(args, "|L:get_closed_handles", &g))
        return NULL;
    return handles_list(hdbg_closed_handles, g);
}

static PyObject *get_closed_handles_queue_max_size(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    HDbg *d = debug_or_error();
    return d == NULL ? NULL : PyLong_FromLongLong(hdbg_closed_queue_max(d));
}

static PyObject *set_closed_handles_queue_max_size(PyObject *self, PyObject *size)
{
    (void)self;
    HDbg *d = debug_or_error();
    Py_ssize_t n = PyLong_AsSsize_t(size);
    if (d == NULL || (n == -1 && PyErr_Occurred()))
        return NULL;
    hdbg_set_closed_queue_max(d, n);
    Py_RETURN_NONE;
}

static PyObject *get_protected_raw_data_max_size(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    HDbg *d = debug_or_error();
    return d == NULL ? NULL : PyLong_FromLongLong(hdbg_raw_data_max(d));
}

static PyObject *set_protected_raw_data_max_size(PyObject *self, PyObject *size)
{
    (void)self;
    HDbg *d = debug_or_error();
    Py_ssize_t n = PyLong_AsSsize_t(size);
    if (d == NULL || (n == -1 && PyErr_Occurred()))
        return NULL;
    hdbg_set_raw_data_max(d, n);
    Py_RETURN_NONE;
}

/* The Python callables behind the C hooks; they live as long as the interpreter. */
static PyObject *on_invalid_handle, *on_invalid_builder_handle;

static void call_hook(PyObject *callable)
{
    if (callable == NULL)
        return;
    /* Called from inside a context function: whatever the callable raises must not become
       that function's exception. */
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *r = PyObject_CallNoArgs(callable);
    if (r == NULL)
        PyErr_WriteUnraisable(callable);
    Py_XDECREF(r);
    PyErr_Restore(type, value, tb);
}

static void handle_hook(HDbg *d, const HDbgFinding *f, void *arg)
{
    (void)d;
    (void)f;
    (void)arg;
    call_hook(on_invalid_handle);
}

static void builder_hook(HDbg *d, const HDbgFinding *f, void *arg)
{
    (void)d;
    (void)f;
    (void)arg;
    call_hook(on_invalid_builder_handle);
}

static PyObject *set_hook(PyObject **slot, PyObject *f)
{
    if (f != Py_None && !PyCallable_Check(f)) {
        PyErr_SetString(PyExc_TypeError, "Expected a callable object");
        return NULL;
    }
    HDbg *d = debug_or_error();
    if (d == NULL)
        return NULL;
    Py_XSETREF(*slot, f == Py_None ? NULL : Py_NewRef(f));
    /* Without a hook, HPy's answer to a misused handle is a fatal error: the layer must know. */
    hdbg_set_hooks(d, on_invalid_handle ? handle_hook : NULL, on_invalid_builder_handle ? builder_hook : NULL, NULL);
    Py_RETURN_NONE;
}

static PyObject *set_on_invalid_handle(PyObject *self, PyObject *f)
{
    (void)self;
    return set_hook(&on_invalid_handle, f);
}

static PyObject *set_on_invalid_builder_handle(PyObject *self, PyObject *f)
{
    (void)self;
    return set_hook(&on_invalid_builder_handle, f);
}

static PyObject *set_handle_stack_trace_limit(PyObject *self, PyObject *limit)
{
    (void)self;
    HDbg *d = debug_or_error();
    if (d == NULL)
        return NULL;
    long n = 0;
    if (limit != Py_None) {
        n = PyLong_AsLong(limit);
        if (n == -1 && PyErr_Occurred())
            return NULL;
    }
    hdbg_set_stack_limit(d, n > 1024 ? 1024 : (int)n);
    Py_RETURN_NONE;
}

static PyObject *finding_dict(const HDbgFinding *f)
{
    PyObject *stack = PyList_New(0);
    for (int i = 0; stack != NULL && i < f->stack_depth; i++) {
        char buf[512];
        hdbg_symbolize(f->stack[i], buf, sizeof buf);
        PyObject *s = PyUnicode_FromString(buf);
        if (s == NULL || PyList_Append(stack, s) < 0)
            Py_CLEAR(stack);
        Py_XDECREF(s);
    }
    if (stack == NULL)
        return NULL;
    PyObject *object = f->object != NULL ? PyUnicode_FromString(f->object) : Py_NewRef(Py_None);
    PyObject *dict = object == NULL ? NULL
                     : Py_BuildValue("{s:s,s:s,s:K,s:s,s:O,s:O}", "kind", f->kind_name, "function", f->function,
                                     "handle", (unsigned long long)f->handle_id, "message", f->message,
                                     "object", object, "stack", stack);
    Py_XDECREF(object);
    Py_DECREF(stack);
    return dict;
}

static PyObject *get_findings(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    HDbg *d = debug_or_error();
    if (d == NULL)
        return NULL;
    size_t n = hdbg_finding_count(d);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list != NULL && i < n; i++) {
        PyObject *f = finding_dict(hdbg_finding(d, i));
        if (f == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, f);
    }
    return list;
}

static PyObject *clear_findings(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    HDbg *d = debug_or_error();
    if (d == NULL)
        return NULL;
    hdbg_clear_findings(d);
    Py_RETURN_NONE;
}

static PyObject *check_leaks(PyObject *self, PyObject *gen)
{
    (void)self;
    HDbg *d = debug_or_error();
    long long g = PyLong_AsLongLong(gen);
    if (d == NULL || (g == -1 && PyErr_Occurred()))
        return NULL;
    return PyLong_FromSize_t(hdbg_check_leaks(d, (int64_t)g));
}

static PyObject *set_record_findings(PyObject *self, PyObject *flag)
{
    (void)self;
    HDbg *d = debug_or_error();
    int on = PyObject_IsTrue(flag);
    if (d == NULL || on < 0)
        return NULL;
    hdbg_set_policy(d, on ? HDBG_FINDINGS : HDBG_AS_HPY);
    Py_RETURN_NONE;
}

static PyObject *get_record_findings(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    HDbg *d = debug_or_error();
    return d == NULL ? NULL : PyBool_FromLong(hdbg_policy(d) == HDBG_FINDINGS);
}

static PyMethodDef debug_methods[] = {
    { "new_generation", new_generation, METH_NOARGS, "start a new generation of handles; returns its number" },
    { "get_open_handles", get_open_handles, METH_O, "the open handles of generation >= gen" },
    { "get_closed_handles", get_closed_handles, METH_VARARGS, "the closed handles still remembered, of generation >= gen (default 0)" },
    { "get_closed_handles_queue_max_size", get_closed_handles_queue_max_size, METH_NOARGS, "how many closed handles are remembered" },
    { "set_closed_handles_queue_max_size", set_closed_handles_queue_max_size, METH_O, "set how many closed handles are remembered" },
    { "get_protected_raw_data_max_size", get_protected_raw_data_max_size, METH_NOARGS, "bytes of protected char * data kept after close" },
    { "set_protected_raw_data_max_size", set_protected_raw_data_max_size, METH_O, "set the bytes of protected char * data kept after close" },
    { "set_on_invalid_handle", set_on_invalid_handle, METH_O, "callable called after a misused handle is found (None: none)" },
    { "set_on_invalid_builder_handle", set_on_invalid_builder_handle, METH_O, "callable called after a misused builder is found (None: none)" },
    { "set_handle_stack_trace_limit", set_handle_stack_trace_limit, METH_O, "frames captured per handle; None: no stack traces" },
    { "get_findings", get_findings, METH_NOARGS, "hpy-matrix: every finding so far, as dicts (kind, function, handle, message, object, stack)" },
    { "clear_findings", clear_findings, METH_NOARGS, "hpy-matrix: forget the findings so far" },
    { "check_leaks", check_leaks, METH_O, "hpy-matrix: a leak finding for each handle of generation >= gen still open; returns how many" },
    { "set_record_findings", set_record_findings, METH_O,
      "hpy-matrix: with True, every misuse is recorded as a finding (get_findings) and nothing aborts, as on the matrix "
      "runner; with False (the default), misuse is answered as HPy's debug mode answers it" },
    { "get_record_findings", get_record_findings, METH_NOARGS, "hpy-matrix: whether misuse is recorded as findings" },
    { NULL, NULL, 0, NULL },
};

static struct PyModuleDef debug_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "hpy_matrix.universal._debug",
    .m_doc = "The debug layer over hpy-matrix's cpython context (what hpy_matrix.debug builds on).",
    .m_size = -1,
    .m_methods = debug_methods,
};

/* ---- _trace ---- */

static PyObject *trace_dict(uint64_t (*figure)(HTrace *, size_t))
{
    HTrace *t = hmc_trace();
    if (t == NULL)
        return PyErr_NoMemory();
    PyObject *dict = PyDict_New();
    for (size_t i = 0; dict != NULL && i < htr_function_count(); i++) {
        PyObject *v = PyLong_FromUnsignedLongLong(figure(t, i));
        if (v == NULL || PyDict_SetItemString(dict, htr_function_name(i), v) < 0)
            Py_CLEAR(dict);
        Py_XDECREF(v);
    }
    return dict;
}

static PyObject *get_call_counts(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return trace_dict(htr_call_count);
}

static PyObject *get_durations(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return trace_dict(htr_duration_ns);
}

static PyObject *get_frequency(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromUnsignedLongLong(htr_clock_frequency());
}

static PyObject *set_durations(PyObject *self, PyObject *flag)
{
    (void)self;
    HTrace *t = hmc_trace();
    int on = PyObject_IsTrue(flag);
    if (t == NULL)
        return PyErr_NoMemory();
    if (on < 0)
        return NULL;
    htr_set_durations(t, on);
    Py_RETURN_NONE;
}

static PyObject *get_clock(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(htr_clock_name());
}

static PyObject *trace_on_enter, *trace_on_exit;

static void trace_hook(PyObject *callable, size_t member)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *r = PyObject_CallFunction(callable, "s", htr_function_name(member));
    if (r == NULL)
        PyErr_WriteUnraisable(callable);
    Py_XDECREF(r);
    PyErr_Restore(type, value, tb);
}

static void trace_enter(HTrace *t, size_t member, void *arg)
{
    (void)t;
    (void)arg;
    if (trace_on_enter != NULL)
        trace_hook(trace_on_enter, member);
}

static void trace_exit(HTrace *t, size_t member, void *arg)
{
    (void)t;
    (void)arg;
    if (trace_on_exit != NULL)
        trace_hook(trace_on_exit, member);
}

static int set_trace_callable(PyObject **slot, PyObject *f, const char *name)
{
    if (f == NULL)
        return 0; /* not given: unchanged */
    if (f != Py_None && !PyCallable_Check(f)) {
        PyErr_Format(PyExc_TypeError, "Expected a callable object or None for '%s'", name);
        return -1;
    }
    Py_XSETREF(*slot, f == Py_None ? NULL : Py_NewRef(f));
    return 0;
}

static PyObject *set_trace_functions(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *kwlist[] = { "on_enter", "on_exit", NULL };
    PyObject *enter = NULL, *exit = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO:set_trace_functions", kwlist, &enter, &exit))
        return NULL;
    HTrace *t = hmc_trace();
    if (t == NULL)
        return PyErr_NoMemory();
    if (set_trace_callable(&trace_on_enter, enter, "on_enter") < 0 || set_trace_callable(&trace_on_exit, exit, "on_exit") < 0)
        return NULL;
    htr_set_hooks(t, trace_on_enter ? trace_enter : NULL, trace_on_exit ? trace_exit : NULL, NULL);
    Py_RETURN_NONE;
}

static PyMethodDef trace_methods[] = {
    { "get_call_counts", get_call_counts, METH_NOARGS, "calls per context function (ctx_... names)" },
    { "get_durations", get_durations, METH_NOARGS, "nanoseconds spent per context function (0 while durations are off)" },
    { "get_frequency", get_frequency, METH_NOARGS, "resolution of the clock the durations use, in Hz" },
    { "set_durations", set_durations, METH_O, "hpy-matrix: with False, count context calls without timing them (on by default, as in HPy)" },
    { "get_clock", get_clock, METH_NOARGS, "hpy-matrix: the clock of the durations, 'tsc' or 'monotonic'" },
    { "set_trace_functions", (PyCFunction)(void (*)(void))set_trace_functions, METH_VARARGS | METH_KEYWORDS,
      "set_trace_functions(on_enter=None, on_exit=None): callables called with the function's name" },
    { NULL, NULL, 0, NULL },
};

static struct PyModuleDef trace_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "hpy_matrix.universal._trace",
    .m_doc = "The trace layer over hpy-matrix's cpython context (what hpy_matrix.trace builds on).",
    .m_size = -1,
    .m_methods = trace_methods,
};

int hmc_add_layer_modules(PyObject *universal)
{
    if (PyType_Ready(&DebugHandle_Type) < 0)
        return -1;
    PyObject *debug = PyModule_Create(&debug_def);
    if (debug == NULL)
        return -1;
    if (PyModule_AddObjectRef(debug, "DebugHandle", (PyObject *)&DebugHandle_Type) < 0 ||
        PyModule_AddObject(universal, "_debug", debug) < 0) {
        Py_DECREF(debug);
        return -1;
    }
    PyObject *trace = PyModule_Create(&trace_def);
    if (trace == NULL)
        return -1;
    if (PyModule_AddObject(universal, "_trace", trace) < 0) {
        Py_DECREF(trace);
        return -1;
    }
    return 0;
}
