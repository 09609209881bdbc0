/* ctx_CallRealFunctionFromTrampoline: the path every cpy trampoline of a universal binary takes.
   The trampoline packs CPython-style arguments into the signature's _HPyFunc_args_* struct; this
   converts them to handles, calls the impl and stores the result back into the struct. With
   handles equal to object addresses, most conversions are casts. */
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

static PyObject *const *tuple_items(PyObject *args)
{
    return ((PyTupleObject *)args)->ob_item;
}

#define H(o) hmc_py2h(o)
#define P(h) hmc_h2py(h)
#define ARGS(T) T *a = (T *)args

void hmc_CallRealFunctionFromTrampoline(HPyContext *ctx, HPyFunc_Signature sig, HPyCFunction func, void *args)
{
    switch (sig) {
    case HPyFunc_VARARGS: {
        ARGS(_HPyFunc_args_VARARGS);
        a->result = P(_HPy_FPTR(HPyFunc_varargs, func)(ctx, H(a->self), hmc_pyarr2h(a->args), (size_t)a->nargs));
        return;
    }
    case HPyFunc_KEYWORDS: {
        ARGS(_HPyFunc_args_KEYWORDS);
        a->result = P(_HPy_FPTR(HPyFunc_keywords, func)(ctx, H(a->self), hmc_pyarr2h(a->args),
                                               PyVectorcall_NARGS(a->nargsf), H(a->kwnames)));
        return;
    }
    case HPyFunc_NOARGS: {
        ARGS(_HPyFunc_args_NOARGS);
        a->result = P(_HPy_FPTR(HPyFunc_noargs, func)(ctx, H(a->self)));
        return;
    }
    case HPyFunc_O: {
        ARGS(_HPyFunc_args_O);
        a->result = P(_HPy_FPTR(HPyFunc_o, func)(ctx, H(a->self), H(a->arg)));
        return;
    }
    case HPyFunc_GETBUFFERPROC: {
        ARGS(_HPyFunc_args_GETBUFFERPROC);
        HPy_buffer hb = { 0 };
        a->result = _HPy_FPTR(HPyFunc_getbufferproc, func)(ctx, H(a->self), &hb, a->flags);
        if (a->result == 0)
            buffer_to_py(a->view, &hb);
        return;
    }
    case HPyFunc_RELEASEBUFFERPROC: {
        ARGS(_HPyFunc_args_RELEASEBUFFERPROC);
        HPy_buffer hb;
        buffer_from_py(&hb, a->view);
        _HPy_FPTR(HPyFunc_releasebufferproc, func)(ctx, H(a->self), &hb);
        return;
    }
    case HPyFunc_UNARYFUNC:
    case HPyFunc_REPRFUNC:
    case HPyFunc_GETITERFUNC:
    case HPyFunc_ITERNEXTFUNC: {
        /* Same layout and impl type for all four. */
        ARGS(_HPyFunc_args_UNARYFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_unaryfunc, func)(ctx, H(a->arg0)));
        return;
    }
    case HPyFunc_BINARYFUNC:
    case HPyFunc_GETATTROFUNC: {
        ARGS(_HPyFunc_args_BINARYFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_binaryfunc, func)(ctx, H(a->arg0), H(a->arg1)));
        return;
    }
    case HPyFunc_TERNARYFUNC:
    case HPyFunc_DESCRGETFUNC: {
        ARGS(_HPyFunc_args_TERNARYFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_ternaryfunc, func)(ctx, H(a->arg0), H(a->arg1), H(a->arg2)));
        return;
    }
    case HPyFunc_INQUIRY: {
        ARGS(_HPyFunc_args_INQUIRY);
        a->result = _HPy_FPTR(HPyFunc_inquiry, func)(ctx, H(a->arg0));
        return;
    }
    case HPyFunc_LENFUNC: {
        ARGS(_HPyFunc_args_LENFUNC);
        a->result = _HPy_FPTR(HPyFunc_lenfunc, func)(ctx, H(a->arg0));
        return;
    }
    case HPyFunc_SSIZEARGFUNC: {
        ARGS(_HPyFunc_args_SSIZEARGFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_ssizeargfunc, func)(ctx, H(a->arg0), a->arg1));
        return;
    }
    case HPyFunc_SSIZESSIZEARGFUNC: {
        ARGS(_HPyFunc_args_SSIZESSIZEARGFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_ssizessizeargfunc, func)(ctx, H(a->arg0), a->arg1, a->arg2));
        return;
    }
    case HPyFunc_SSIZEOBJARGPROC: {
        ARGS(_HPyFunc_args_SSIZEOBJARGPROC);
        a->result = _HPy_FPTR(HPyFunc_ssizeobjargproc, func)(ctx, H(a->arg0), a->arg1, H(a->arg2));
        return;
    }
    case HPyFunc_SSIZESSIZEOBJARGPROC: {
        ARGS(_HPyFunc_args_SSIZESSIZEOBJARGPROC);
        a->result = _HPy_FPTR(HPyFunc_ssizessizeobjargproc, func)(ctx, H(a->arg0), a->arg1, a->arg2, H(a->arg3));
        return;
    }
    case HPyFunc_OBJOBJARGPROC:
    case HPyFunc_SETATTROFUNC:
    case HPyFunc_DESCRSETFUNC: {
        ARGS(_HPyFunc_args_OBJOBJARGPROC);
        a->result = _HPy_FPTR(HPyFunc_objobjargproc, func)(ctx, H(a->arg0), H(a->arg1), H(a->arg2));
        return;
    }
    case HPyFunc_FREEFUNC: {
        ARGS(_HPyFunc_args_FREEFUNC);
        _HPy_FPTR(HPyFunc_freefunc, func)(ctx, a->arg0);
        return;
    }
    case HPyFunc_GETATTRFUNC: {
        ARGS(_HPyFunc_args_GETATTRFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_getattrfunc, func)(ctx, H(a->arg0), a->arg1));
        return;
    }
    case HPyFunc_SETATTRFUNC: {
        ARGS(_HPyFunc_args_SETATTRFUNC);
        a->result = _HPy_FPTR(HPyFunc_setattrfunc, func)(ctx, H(a->arg0), a->arg1, H(a->arg2));
        return;
    }
    case HPyFunc_HASHFUNC: {
        ARGS(_HPyFunc_args_HASHFUNC);
        a->result = _HPy_FPTR(HPyFunc_hashfunc, func)(ctx, H(a->arg0));
        return;
    }
    case HPyFunc_RICHCMPFUNC: {
        ARGS(_HPyFunc_args_RICHCMPFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_richcmpfunc, func)(ctx, H(a->arg0), H(a->arg1), a->arg2));
        return;
    }
    case HPyFunc_INITPROC: {
        ARGS(_HPyFunc_args_INITPROC);
        a->result = _HPy_FPTR(HPyFunc_initproc, func)(ctx, H(a->self), hmc_pyarr2h(tuple_items(a->args)),
                                             PyTuple_GET_SIZE(a->args), H(a->kw));
        return;
    }
    case HPyFunc_NEWFUNC: {
        ARGS(_HPyFunc_args_NEWFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_newfunc, func)(ctx, H(a->self), hmc_pyarr2h(tuple_items(a->args)),
                                              PyTuple_GET_SIZE(a->args), H(a->kw)));
        return;
    }
    case HPyFunc_GETTER: {
        ARGS(_HPyFunc_args_GETTER);
        a->result = P(_HPy_FPTR(HPyFunc_getter, func)(ctx, H(a->arg0), a->arg1));
        return;
    }
    case HPyFunc_SETTER: {
        ARGS(_HPyFunc_args_SETTER);
        a->result = _HPy_FPTR(HPyFunc_setter, func)(ctx, H(a->arg0), H(a->arg1), a->arg2);
        return;
    }
    case HPyFunc_OBJOBJPROC: {
        ARGS(_HPyFunc_args_OBJOBJPROC);
        a->result = _HPy_FPTR(HPyFunc_objobjproc, func)(ctx, H(a->arg0), H(a->arg1));
        return;
    }
    case HPyFunc_TRAVERSEPROC: {
        ARGS(_HPyFunc_args_TRAVERSEPROC);
        struct hmc_visit c = { a->visit, a->arg };
        a->result = _HPy_FPTR(HPyFunc_traverseproc, func)(hmc_payload(a->self), hmc_visit_field, &c);
        return;
    }
    case HPyFunc_DESTRUCTOR: {
        ARGS(_HPyFunc_args_DESTRUCTOR);
        _HPy_FPTR(HPyFunc_destructor, func)(ctx, H(a->arg0));
        return;
    }
    case HPyFunc_CAPSULE_DESTRUCTOR: {
        /* The trampoline passes the capsule itself. */
        PyObject *capsule = args;
        const char *name = PyCapsule_GetName(capsule);
        void *pointer = PyCapsule_GetPointer(capsule, name);
        void *context = PyCapsule_GetContext(capsule);
        if (PyErr_Occurred()) {
            PyErr_WriteUnraisable(capsule);
            return;
        }
        _HPy_FPTR(HPyFunc_Capsule_Destructor, func)(name, pointer, context);
        return;
    }
    case HPyFunc_MOD_CREATE: {
        ARGS(_HPyFunc_args_UNARYFUNC);
        a->result = P(_HPy_FPTR(HPyFunc_mod_create, func)(ctx, H(a->arg0)));
        return;
    }
    case HPyFunc_DESTROYFUNC:
    case HPyFunc_VECTORCALLFUNC:
        break;
    }
    /* A trampoline can only be made by the HPyDef macros, which never produce these; reaching
       here means memory corruption or a hand-written trampoline, and there is no result slot
       whose layout we know to report it through. */
    Py_FatalError("hpy-matrix: ctx_CallRealFunctionFromTrampoline called with an unknown signature");
}
