/* ctx_CallRealFunctionFromTrampoline: the path every cpy trampoline of a universal binary takes.
   The trampoline packs CPython-style arguments into the signature's _HPyFunc_args_* struct; the
   context converts them to handles, calls the impl and stores the result back into the struct.
   The switch over the signatures is generated from the ABI data (autogen_trampoline.h, included
   at the end), because for most signatures every argument is a handle or a plain value and the
   result a handle or a status. This file holds the cases where the impl exchanges something
   else: a buffer, a visit function, a capsule. The generator refuses a signature it cannot
   derive until its case is written here, and -Wunused-function flags one written here that the
   switch no longer calls. The cases here are noinline: inlined, their buffers and registers made
   the switch save five registers and 80 bytes of stack on every call, for every signature (26
   instructions on a METH_O call instead of 15). */
#include "hmc.h"

static void buffer_to_py(Py_buffer *dst, const HPy_buffer *src)
{
    dst->buf = src->buf;
    dst->obj = hmc_h2py(src->obj); /* the handle's reference becomes the view's */
    dst->len = src->len;
    dst->itemsize = src->itemsize;
    dst->readonly = src->readonly;
    dst->ndim = src->ndim;
    dst->format = src->format;
    dst->shape = src->shape;
    dst->strides = src->strides;
    dst->suboffsets = src->suboffsets;
    dst->internal = src->internal;
}

static void buffer_from_py(HPy_buffer *dst, const Py_buffer *src)
{
    dst->buf = src->buf;
    dst->obj = hmc_py2h(src->obj); /* borrowed: the view keeps its reference */
    dst->len = src->len;
    dst->itemsize = src->itemsize;
    dst->readonly = src->readonly;
    dst->ndim = src->ndim;
    dst->format = src->format;
    dst->shape = src->shape;
    dst->strides = src->strides;
    dst->suboffsets = src->suboffsets;
    dst->internal = src->internal;
}

/* The impl fills an HPy_buffer, whose layout is not CPython's; the view CPython passed is
   written only when the impl succeeds. */
__attribute__((noinline)) static void call_GETBUFFERPROC(HPyContext *ctx, HPyCFunction func, void *args)
{
    _HPyFunc_args_GETBUFFERPROC *a = args;
    HPy_buffer hb = { 0 };
    a->result = _HPy_FPTR(HPyFunc_getbufferproc, func)(ctx, hmc_py2h(a->self), &hb, a->flags);
    if (a->result == 0)
        buffer_to_py(a->view, &hb);
}

/* The reverse: the impl sees CPython's view as an HPy_buffer. */
__attribute__((noinline)) static void call_RELEASEBUFFERPROC(HPyContext *ctx, HPyCFunction func, void *args)
{
    _HPyFunc_args_RELEASEBUFFERPROC *a = args;
    HPy_buffer hb;
    buffer_from_py(&hb, a->view);
    _HPy_FPTR(HPyFunc_releasebufferproc, func)(ctx, hmc_py2h(a->self), &hb);
}

/* A traverse impl takes no context: it gets the object's payload, and a visit function of HPy's
   kind that forwards each field to CPython's visitproc. */
__attribute__((noinline)) static void call_TRAVERSEPROC(HPyContext *ctx, HPyCFunction func, void *args)
{
    (void)ctx;
    _HPyFunc_args_TRAVERSEPROC *a = args;
    struct hmc_visit c = { a->visit, a->arg };
    a->result = _HPy_FPTR(HPyFunc_traverseproc, func)(hmc_payload(a->self), hmc_visit_field, &c);
}

/* The trampoline passes the capsule itself rather than an argument struct, and the impl takes
   the capsule's parts. It has nowhere to report an error, hence the unraisable hook. */
__attribute__((noinline)) static void call_CAPSULE_DESTRUCTOR(HPyContext *ctx, HPyCFunction func, void *args)
{
    (void)ctx;
    PyObject *capsule = args;
    const char *name = PyCapsule_GetName(capsule);
    void *pointer = PyCapsule_GetPointer(capsule, name);
    void *context = PyCapsule_GetContext(capsule);
    if (PyErr_Occurred()) {
        PyErr_WriteUnraisable(capsule);
        return;
    }
    _HPy_FPTR(HPyFunc_Capsule_Destructor, func)(name, pointer, context);
}

#include "autogen_trampoline.h"
