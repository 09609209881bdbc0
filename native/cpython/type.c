/* HPyType_FromSpec: an HPyType_Spec and its parameters, checked as CPython's HPy 0.9 checks
   them (same errors and messages), turned into a PyType_Spec for CPython; the result is a heap
   type whose _ht_tpname is our hmc_type_info block (type.h). A hybrid binary's spec may add
   CPython's own slots (legacy_slots), which CPython in this process runs as they are. */
#include "type.h"
#include <structmember.h>

#define KNOWN_FLAGS (HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE | HPy_TPFLAGS_HAVE_GC | HPy_TPFLAGS_HAVE_VECTORCALL)

/* ---- parameters ----------------------------------------------------------------------- */

struct params {
    PyObject *bases;     /* new reference: a tuple, or NULL for the shape's default */
    PyTypeObject *meta;  /* borrowed, or NULL */
};

static int read_params(HPyType_SpecParam *params, const char *name, struct params *out)
{
    out->bases = NULL;
    out->meta = NULL;
    Py_ssize_t nbase = 0, ntuple = 0;
    for (HPyType_SpecParam *p = params; p != NULL && p->kind != 0; p++) {
        switch (p->kind) {
        case HPyType_SpecParam_Base: nbase++; break;
        case HPyType_SpecParam_BasesTuple: ntuple++; break;
        case HPyType_SpecParam_Metaclass: break;
        default:
            PyErr_Format(PyExc_TypeError, "unknown HPyType_SpecParam specification for '%s'", name);
            return -1;
        }
    }
    if (ntuple > 1) {
        PyErr_SetString(PyExc_TypeError, "multiple specifications of HPyType_SpecParam_BasesTuple");
        return -1;
    }
    if (ntuple && nbase) {
        PyErr_SetString(PyExc_TypeError, "cannot specify both HPyType_SpecParam_Base and HPytype_SpecParam_BasesTuple");
        return -1;
    }
    for (HPyType_SpecParam *p = params; p != NULL && p->kind != 0; p++) {
        if (p->kind != HPyType_SpecParam_Metaclass)
            continue;
        PyObject *m = hmc_h2py(p->object);
        if (out->meta != NULL) {
            PyErr_SetString(PyExc_ValueError, "metaclass was specified multiple times");
            return -1;
        }
        if (!PyType_Check(m) || !PyType_IsSubtype((PyTypeObject *)m, &PyType_Type)) {
            PyErr_Format(PyExc_TypeError, "Metaclass '%R' is not a subclass of 'type'.", m);
            return -1;
        }
        if (((PyTypeObject *)m)->tp_new != PyType_Type.tp_new) {
            PyErr_SetString(PyExc_TypeError, "Metaclasses with custom tp_new are not supported.");
            return -1;
        }
        out->meta = (PyTypeObject *)m;
    }
    if (ntuple) {
        for (HPyType_SpecParam *p = params; p->kind != 0; p++) {
            if (p->kind != HPyType_SpecParam_BasesTuple)
                continue;
            PyObject *t = hmc_h2py(p->object);
            if (!PyTuple_Check(t)) {
                PyErr_SetString(PyExc_TypeError, "HPyType_SpecParam_BasesTuple requires a tuple");
                return -1;
            }
            out->bases = Py_NewRef(t);
        }
    } else if (nbase) {
        out->bases = PyTuple_New(nbase);
        if (out->bases == NULL)
            return -1;
        Py_ssize_t i = 0;
        for (HPyType_SpecParam *p = params; p->kind != 0; p++)
            if (p->kind == HPyType_SpecParam_Base)
                PyTuple_SET_ITEM(out->bases, i++, Py_NewRef(hmc_h2py(p->object)));
    }
    return 0;
}

/* ---- bases and layout ----------------------------------------------------------------- */

/* CPython's rule for the base whose layout instances share (typeobject.c best_base): it is
   needed before the type exists, to place the payload. The messages are CPython's. */
static int extra_ivars(PyTypeObject *t, PyTypeObject *b)
{
    return t->tp_basicsize != b->tp_basicsize || t->tp_itemsize != b->tp_itemsize;
}

static PyTypeObject *solid_base(PyTypeObject *t)
{
    PyTypeObject *b = t->tp_base != NULL ? solid_base(t->tp_base) : &PyBaseObject_Type;
    return extra_ivars(t, b) ? t : b;
}

static PyTypeObject *best_base(PyObject *bases)
{
    PyTypeObject *winner = NULL, *winner_solid = NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(bases); i++) {
        PyObject *b = PyTuple_GET_ITEM(bases, i);
        if (!PyType_Check(b)) {
            PyErr_SetString(PyExc_TypeError, "bases must be types");
            return NULL;
        }
        PyTypeObject *t = (PyTypeObject *)b;
        if (!(t->tp_flags & Py_TPFLAGS_BASETYPE)) {
            PyErr_Format(PyExc_TypeError, "type '%.100s' is not an acceptable base type", t->tp_name);
            return NULL;
        }
        PyTypeObject *s = solid_base(t);
        if (winner == NULL || PyType_IsSubtype(s, winner_solid)) {
            winner = t;
            winner_solid = s;
        } else if (!PyType_IsSubtype(winner_solid, s)) {
            PyErr_SetString(PyExc_TypeError, "multiple bases have instance lay-out conflict");
            return NULL;
        }
    }
    if (winner == NULL)
        PyErr_SetString(PyExc_TypeError, "HPyType_SpecParam_BasesTuple: the tuple of bases is empty");
    return winner;
}

static PyTypeObject *shape_builtin(HPyType_BuiltinShape shape)
{
    switch (shape) {
    case HPyType_BuiltinShape_Type: return &PyType_Type;
    case HPyType_BuiltinShape_Long: return &PyLong_Type;
    case HPyType_BuiltinShape_Float: return &PyFloat_Type;
    case HPyType_BuiltinShape_Unicode: return &PyUnicode_Type;
    case HPyType_BuiltinShape_Tuple: return &PyTuple_Type;
    case HPyType_BuiltinShape_List: return &PyList_Type;
    case HPyType_BuiltinShape_Dict: return &PyDict_Type;
    default: return NULL;
    }
}

static const char *shape_name(HPyType_BuiltinShape shape)
{
    static const char *const names[] = { "Legacy", "Object", "Type", "Long", "Float", "Unicode", "Tuple", "List", "Dict" };
    return names[shape + 1];
}

/* ---- legacy slots --------------------------------------------------------------------- */

/* What a spec's legacy_slots (a CPython PyType_Slot array) hold. Methods, members and getsets
   join the HPy ones, after them, as in HPy; every other slot goes to CPython as it is. */
struct legacy {
    PyType_Slot *slots;
    Py_ssize_t nslots, nmeths, nmembers, ngetsets;
    PyMethodDef *methods;
    PyMemberDef *members;
    PyGetSetDef *getsets;
    int dealloc;
    PyObject *base, *bases; /* Py_tp_base, Py_tp_bases: used when no HPyType_SpecParam names bases */
};

static void read_legacy(HPyType_Spec *spec, struct legacy *l)
{
    memset(l, 0, sizeof *l);
    l->slots = spec->legacy_slots;
    for (PyType_Slot *s = l->slots; s != NULL && s->slot != 0; s++) {
        switch (s->slot) {
        case Py_tp_methods: l->methods = s->pfunc; break;
        case Py_tp_members: l->members = s->pfunc; break;
        case Py_tp_getset: l->getsets = s->pfunc; break;
        default:
            l->nslots++;
            l->dealloc |= s->slot == Py_tp_dealloc;
            if (s->slot == Py_tp_base)
                l->base = s->pfunc;
            else if (s->slot == Py_tp_bases)
                l->bases = s->pfunc;
        }
    }
    for (PyMethodDef *m = l->methods; m != NULL && m->ml_name != NULL; m++)
        l->nmeths++;
    for (PyMemberDef *m = l->members; m != NULL && m->name != NULL; m++)
        l->nmembers++;
    for (PyGetSetDef *g = l->getsets; g != NULL && g->name != NULL; g++)
        l->ngetsets++;
}

/* What the spec's defines amount to. */
struct defs {
    Py_ssize_t nslots, nmeths, nmembers, ngetsets, nclosures;
    HPyDef *call, *traverse, *destroy;
    int has_new;
    /* A member named __vectorcalloffset__ that places the call function itself: an HPy member
       (offset from the payload) or a legacy one (offset from the object); none is NULL and -1. */
    const HPyMember *vcall_member;
    Py_ssize_t vcall_legacy_offset;
};

static int is_type_slot(HPySlot_Slot s)
{
    if ((s >= HPy_bf_getbuffer && s <= HPy_sq_repeat) || s == HPy_tp_descr_get)
        return 1;
    switch (s) {
    case HPy_tp_call: case HPy_tp_hash: case HPy_tp_init: case HPy_tp_new: case HPy_tp_repr:
    case HPy_tp_richcompare: case HPy_tp_str: case HPy_tp_traverse: case HPy_nb_matrix_multiply:
    case HPy_nb_inplace_matrix_multiply: case HPy_tp_finalize: case HPy_tp_destroy:
        return 1;
    default:
        return 0;
    }
}

static int count_defs(HPyType_Spec *spec, const struct legacy *l, int members_as_getsets, struct defs *d)
{
    memset(d, 0, sizeof *d);
    d->vcall_legacy_offset = -1;
    for (Py_ssize_t i = 0; i < l->nmembers; i++)
        if (strcmp(l->members[i].name, "__vectorcalloffset__") == 0)
            d->vcall_legacy_offset = l->members[i].offset;
    d->nslots = l->nslots;
    d->nmeths = l->nmeths;
    d->nmembers = l->nmembers;
    d->ngetsets = l->ngetsets;
    for (HPyDef **p = spec->defines; p != NULL && *p != NULL; p++) {
        HPyDef *def = *p;
        switch (def->kind) {
        case HPyDef_Kind_Slot:
            if (!is_type_slot(def->slot.slot)) {
                PyErr_Format(PyExc_ValueError, "type '%s': slot %d is not allowed in a type definition",
                             spec->name, (int)def->slot.slot);
                return -1;
            }
            if (def->slot.slot == HPy_tp_call)
                d->call = def;
            else if (def->slot.slot == HPy_tp_destroy)
                d->destroy = def;
            else if (def->slot.slot == HPy_tp_traverse)
                d->traverse = def; /* the host's own tp_traverse runs it */
            else
                d->nslots++;
            d->has_new |= def->slot.slot == HPy_tp_new;
            break;
        case HPyDef_Kind_Meth:
            if (hmc_method_flags(def->meth.signature) < 0) {
                PyErr_Format(PyExc_ValueError, "type '%s': method '%s' has an unsupported signature %d", spec->name,
                             def->meth.name, (int)def->meth.signature);
                return -1;
            }
            d->nmeths++;
            break;
        case HPyDef_Kind_Member:
            if (strcmp(def->member.name, "__vectorcalloffset__") == 0)
                d->vcall_member = &def->member;
            if (members_as_getsets || def->member.type == HPyMember_OBJECT || def->member.type == HPyMember_OBJECT_EX) {
                d->nclosures++;
                d->ngetsets++;
            } else {
                d->nmembers++;
            }
            break;
        case HPyDef_Kind_GetSet:
            d->ngetsets++;
            break;
        default:
            PyErr_Format(PyExc_ValueError, "type '%s': invalid HPyDef kind %d", spec->name, (int)def->kind);
            return -1;
        }
    }
    return 0;
}

/* ---- the info block ------------------------------------------------------------------- */

static hmc_type_info *alloc_info(const char *name, const struct defs *d, const hmc_type_info *layout,
                                 PyMemberDef **members)
{
    /* The name comes first (it is the flexible member), then the arrays, 8-aligned. */
    size_t name_size = (strlen(name) + 1 + 7) & ~(size_t)7;
    size_t size = sizeof(hmc_type_info) + name_size
        + (size_t)(d->nmeths + 1) * sizeof(PyMethodDef)
        + (size_t)(d->ngetsets + 1) * sizeof(PyGetSetDef)
        + (size_t)d->nclosures * sizeof(PyMemberDef)
        + (size_t)(d->nmembers + 2) * sizeof(PyMemberDef); /* + __vectorcalloffset__, sentinel */
    hmc_type_info *info = PyMem_Calloc(1, size);
    if (info == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(info, layout, sizeof *layout);
    strcpy(info->name, name);
    char *p = info->name + name_size;
    info->methods = (PyMethodDef *)p;
    p += (size_t)(d->nmeths + 1) * sizeof(PyMethodDef);
    info->getsets = (PyGetSetDef *)p;
    p += (size_t)(d->ngetsets + 1) * sizeof(PyGetSetDef);
    info->closures = (PyMemberDef *)p;
    p += (size_t)d->nclosures * sizeof(PyMemberDef);
    /* CPython copies the members into the type: this part is only read during creation. */
    *members = (PyMemberDef *)p;
    return info;
}

/* Methods, members and getsets from the defines; the info's layout is already known. */
static void fill_descriptors(HPyType_Spec *spec, const struct legacy *l, hmc_type_info *info, PyMemberDef *members,
                             int members_as_getsets)
{
    PyMethodDef *meth = info->methods;
    PyGetSetDef *gs = info->getsets;
    PyMemberDef *closure = info->closures;
    for (HPyDef **p = spec->defines; p != NULL && *p != NULL; p++) {
        HPyDef *def = *p;
        if (def->kind == HPyDef_Kind_Meth) {
            *meth++ = (PyMethodDef){ def->meth.name, (PyCFunction)(void (*)(void))def->meth.cpy_trampoline,
                                     hmc_method_flags(def->meth.signature), def->meth.doc };
        } else if (def->kind == HPyDef_Kind_GetSet) {
            *gs++ = (PyGetSetDef){ def->getset.name, def->getset.getter_cpy_trampoline,
                                   def->getset.setter_cpy_trampoline, def->getset.doc, def->getset.closure };
        } else if (def->kind == HPyDef_Kind_Member) {
            const HPyMember *m = &def->member;
            /* Strings are not writable either way, but CPython's structmember code says so with a
               TypeError, as HPy does; only a member declared read-only gives AttributeError. */
            PyMemberDef md = { m->name, (int)m->type, m->offset, m->readonly ? READONLY : 0, m->doc };
            if (members_as_getsets || m->type == HPyMember_OBJECT || m->type == HPyMember_OBJECT_EX) {
                *closure = md;
                *gs++ = (PyGetSetDef){ m->name, hmc_member_get, hmc_member_set, m->doc, closure };
                closure++;
            } else {
                md.offset += info->offset;
                *members++ = md;
            }
        }
    }
    /* Legacy members are CPython's own, with offsets from the start of the object, which is
       where a legacy type's payload starts. */
    for (Py_ssize_t i = 0; i < l->nmeths; i++)
        *meth++ = l->methods[i];
    for (Py_ssize_t i = 0; i < l->ngetsets; i++)
        *gs++ = l->getsets[i];
    for (Py_ssize_t i = 0; i < l->nmembers; i++)
        *members++ = l->members[i];
    /* Only for the slot the host placed: an explicit __vectorcalloffset__ member is already above. */
    if (info->vectorcall_offset > 0 && info->call != NULL)
        *members = (PyMemberDef){ "__vectorcalloffset__", T_PYSSIZET, info->vectorcall_offset, READONLY, NULL };
}

/* ---- creating the type ---------------------------------------------------------------- */

#if PY_VERSION_HEX < 0x030C0000
/* CPython 3.11 has no PyType_FromMetaclass: the type is made as an instance of `type`, then
   moved into an instance of the metaclass and made ready again. This is sound because the
   metaclass has type's own tp_new (checked) and so type's layout at its start: only the header
   and the pointers into the object itself differ, and every reference the copy keeps gets its
   own count. The first type is then cleared and dropped. */
/* Where CPython keeps a heap type's members: after the instance size of its metatype. */
static PyMemberDef *heap_type_members(PyHeapTypeObject *ht)
{
    return (PyMemberDef *)((char *)ht + Py_TYPE(ht)->tp_basicsize);
}

static PyObject *move_to_metaclass(PyObject *temp, PyTypeObject *meta)
{
    PyHeapTypeObject *src = (PyHeapTypeObject *)temp;
    PyObject *result = meta->tp_alloc(meta, Py_SIZE(temp));
    if (result == NULL)
        return NULL;
    PyHeapTypeObject *ht = (PyHeapTypeObject *)result;
    PyTypeObject *tp = &ht->ht_type;
    memcpy((char *)ht + sizeof(PyVarObject), (char *)src + sizeof(PyVarObject), sizeof(PyHeapTypeObject) - sizeof(PyVarObject));
    tp->tp_as_async = &ht->as_async;
    tp->tp_as_number = &ht->as_number;
    tp->tp_as_sequence = &ht->as_sequence;
    tp->tp_as_mapping = &ht->as_mapping;
    tp->tp_as_buffer = &ht->as_buffer;
    tp->tp_flags &= ~(Py_TPFLAGS_READY | Py_TPFLAGS_READYING | Py_TPFLAGS_VALID_VERSION_TAG);
    tp->tp_version_tag = 0;
    tp->tp_dict = tp->tp_mro = tp->tp_cache = tp->tp_subclasses = tp->tp_weaklist = NULL;
    ht->ht_cached_keys = NULL;
    ht->_ht_tpname = NULL; /* the caller installs the info block */
    tp->tp_doc = NULL;
    Py_INCREF(ht->ht_name);
    Py_INCREF(ht->ht_qualname);
    Py_XINCREF(ht->ht_slots);
    Py_XINCREF(ht->ht_module);
    Py_XINCREF(tp->tp_base);
    Py_XINCREF(tp->tp_bases);
    PyMemberDef *members = heap_type_members(ht);
    memcpy(members, heap_type_members(src), (size_t)Py_SIZE(temp) * sizeof(PyMemberDef));
    tp->tp_members = members;
    const char *doc = src->ht_type.tp_doc;
    if (doc != NULL) {
        char *copy = PyObject_Malloc(strlen(doc) + 1);
        if (copy == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        tp->tp_doc = strcpy(copy, doc);
    }
    if (PyType_Ready(tp) < 0)
        goto error;
    PyObject *module = PyDict_GetItemString(src->ht_type.tp_dict, "__module__");
    if (module != NULL && PyDict_SetItemString(tp->tp_dict, "__module__", module) < 0)
        goto error;
    return result;
error:
    Py_DECREF(result);
    return NULL;
}
#endif

static PyObject *make_type(PyType_Spec *spec, PyObject *bases, PyTypeObject *meta)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyType_FromMetaclass(meta, NULL, spec, bases);
#else
    PyTypeObject *winner = _PyType_CalculateMetaclass(meta != NULL ? meta : &PyType_Type, bases);
    if (winner == NULL)
        return NULL;
    if (winner != &PyType_Type && winner->tp_new != PyType_Type.tp_new) {
        PyErr_SetString(PyExc_TypeError, "Metaclasses with custom tp_new are not supported.");
        return NULL;
    }
    PyObject *temp = PyType_FromSpecWithBases(spec, bases);
    if (temp == NULL || winner == &PyType_Type)
        return temp;
    PyObject *result = move_to_metaclass(temp, winner);
    /* Its dict and MRO refer to the first type itself: clearing them frees it now instead of
       at the next collection (until then it would show in its bases' __subclasses__()). */
    Py_TYPE(temp)->tp_clear(temp);
    Py_DECREF(temp);
    return result;
#endif
}

/* Where the payload goes (see hmc_type_info), from the base whose layout instances share. */
static int place_payload(HPyType_Spec *spec, PyTypeObject *base, hmc_type_info *layout)
{
    const hmc_type_info *base_info = hmc_type_info_of(base);
    PyTypeObject *solid = base;
    while (solid->tp_dealloc == hmc_type_dealloc)
        solid = solid->tp_base;
    if (solid->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        if (hmc_type_own_info(solid) != NULL)
            PyErr_Format(PyExc_TypeError, "type '%s': the base '%.100s' has a legacy tp_dealloc; the cpython backend "
                         "cannot chain its deallocation", spec->name, solid->tp_name);
        else
            PyErr_Format(PyExc_TypeError, "type '%s': the base '%.100s' is a heap type not made by HPyType_FromSpec "
                         "(e.g. a Python class); the cpython backend cannot chain its deallocation", spec->name,
                         solid->tp_name);
        return -1;
    }
    layout->solid = solid;
    /* HPy's rule and words: a legacy struct starts with the base's struct, a pure payload does not. */
    if (spec->builtin_shape == HPyType_BuiltinShape_Legacy && base_info != NULL &&
        base_info->shape != HPyType_BuiltinShape_Legacy) {
        PyErr_SetString(PyExc_TypeError, "A legacy type should not inherit its memory layout from a pure type");
        return -1;
    }
    /* On object (the default base) HPy 0.9.0 accepts any shape and makes an object-based type;
       the payload goes after the real base's struct all the same. */
    PyTypeObject *required = shape_builtin(spec->builtin_shape);
    if (required != NULL && base != &PyBaseObject_Type && !PyType_IsSubtype(base, required)) {
        PyErr_Format(PyExc_TypeError, "type '%s': builtin_shape %s needs a base that is a subclass of '%s', not '%.100s'",
                     spec->name, shape_name(spec->builtin_shape), required->tp_name, base->tp_name);
        return -1;
    }
    if (base_info != NULL && base_info->shape != spec->builtin_shape) {
        PyErr_Format(PyExc_TypeError, "type '%s' has builtin_shape %s but its HPy base '%.100s' has %s: the payloads "
                     "would not line up", spec->name, shape_name(spec->builtin_shape), base->tp_name,
                     shape_name(base_info->shape));
        return -1;
    }
    if (base_info != NULL && spec->basicsize != 0 && spec->basicsize < base_info->payload_size) {
        PyErr_Format(PyExc_TypeError, "type '%s': basicsize %d is smaller than the payload (%zd bytes) of its base '%.100s'",
                     spec->name, spec->basicsize, base_info->payload_size, base->tp_name);
        return -1;
    }
    layout->shape = spec->builtin_shape;
    if (base_info != NULL) {
        layout->offset = base_info->offset;
        layout->items = base_info->items;
    } else if (spec->builtin_shape == HPyType_BuiltinShape_Legacy) {
        layout->offset = 0;
    } else if (solid->tp_itemsize != 0 && !PyType_IsSubtype(solid, &PyType_Type)) {
        /* A type's own items (its members) follow the metatype's basicsize, so only other
           variable-sized builtins keep their items where a payload would go. */
        layout->offset = solid->tp_basicsize;
        layout->items = solid->tp_itemsize;
    } else {
        layout->offset = hmc_round16(solid->tp_basicsize);
    }
    layout->payload_size = spec->basicsize != 0 ? spec->basicsize : (base_info != NULL ? base_info->payload_size : 0);
    return 0;
}

/* The CPython basicsize (0: inherit) and the call function's place. */
static int plan_size(HPyType_Spec *spec, PyTypeObject *base, const struct defs *d, hmc_type_info *layout,
                     Py_ssize_t *basicsize)
{
    const hmc_type_info *base_info = hmc_type_info_of(base);
    *basicsize = 0;
    if (spec->basicsize != 0) {
        if (layout->items != 0)
            /* Room for the payload after the items wherever rounding puts it, and for a
               Python subclass's __dict__ pointer, which CPython places at the very end. */
            *basicsize = layout->offset + layout->payload_size + 16 + layout->items;
        else if (spec->builtin_shape == HPyType_BuiltinShape_Legacy)
            *basicsize = spec->basicsize;
        else
            *basicsize = layout->offset + layout->payload_size;
    }
    Py_ssize_t explicit_offset = d->vcall_member != NULL ? layout->offset + d->vcall_member->offset : d->vcall_legacy_offset;
    if (explicit_offset >= 0) {
        if (d->call != NULL) {
            /* HPy's message, its missing space included. */
            PyErr_SetString(PyExc_TypeError, "Cannot have HPy_tp_call and explicit member"
                                             "'__vectorcalloffset__'. Specify just one of them.");
            return -1;
        }
        /* The extension keeps each object's call function where its member says; there is no
           default to write into new instances. */
        layout->vectorcall_offset = explicit_offset;
        return 0;
    }
    layout->call = d->call != NULL ? _HPy_FPTR(cpy_vectorcallfunc, d->call->slot.cpy_trampoline)
                                   : (base_info != NULL ? base_info->call : NULL);
    if (layout->call == NULL) {
        if (spec->flags & HPy_TPFLAGS_HAVE_VECTORCALL) {
            PyErr_Format(PyExc_TypeError, "type '%s': HPy_TPFLAGS_HAVE_VECTORCALL needs an HPy_tp_call slot", spec->name);
            return -1;
        }
        return 0;
    }
    if (spec->itemsize != 0 || layout->items != 0) {
        /* The call function sits at a fixed offset, which items would overrun. */
        PyErr_SetString(PyExc_TypeError, "Cannot use HPy call protocol with var objects");
        return -1;
    }
    if (*basicsize == 0 && base_info != NULL && base_info->vectorcall_offset > 0) {
        layout->vectorcall_offset = base_info->vectorcall_offset;
    } else if (*basicsize == 0 && spec->builtin_shape == HPyType_BuiltinShape_Legacy) {
        PyErr_SetString(PyExc_TypeError, "Cannot use HPy call protocol with legacy types that inherit the struct. "
                        "Either set the basicsize to a non-zero value or use legacy slot 'Py_tp_call'.");
        return -1;
    } else {
        /* After this type's payload: a subtype with a bigger payload gets its own slot after
           that, so no payload ever covers the slot its type uses. */
        Py_ssize_t end = *basicsize != 0 ? *basicsize : base->tp_basicsize;
        layout->vectorcall_offset = (end + 7) & ~(Py_ssize_t)7;
        *basicsize = layout->vectorcall_offset + (Py_ssize_t)sizeof(cpy_vectorcallfunc);
    }
    return 0;
}

static int check_spec(HPyType_Spec *spec, const struct legacy *l)
{
    if (spec->legacy_slots != NULL && spec->builtin_shape != HPyType_BuiltinShape_Legacy) {
        PyErr_SetString(PyExc_TypeError,
                        "cannot specify .legacy_slots without setting .builtin_shape=HPyType_BuiltinShape_Legacy");
        return -1;
    }
    int has_traverse = 0, has_destroy = 0;
    for (HPyDef **p = spec->defines; p != NULL && *p != NULL; p++) {
        has_traverse |= (*p)->kind == HPyDef_Kind_Slot && (*p)->slot.slot == HPy_tp_traverse;
        has_destroy |= (*p)->kind == HPyDef_Kind_Slot && (*p)->slot.slot == HPy_tp_destroy;
    }
    /* The host's deallocation is what runs those two. */
    if (l->dealloc && (has_traverse || has_destroy)) {
        PyErr_SetString(PyExc_TypeError, "legacy tp_dealloc is incompatible with HPy_tp_traverse or HPy_tp_destroy.");
        return -1;
    }
    if ((spec->flags & HPy_TPFLAGS_HAVE_GC) && !has_traverse) {
        PyErr_SetString(PyExc_ValueError, "You must provide an HPy_tp_traverse slot if you specify HPy_TPFLAGS_HAVE_GC");
        return -1;
    }
    if (spec->builtin_shape < HPyType_BuiltinShape_Legacy || spec->builtin_shape > HPyType_BuiltinShape_Dict) {
        PyErr_Format(PyExc_ValueError, "invalid shape: %d", (int)spec->builtin_shape);
        return -1;
    }
    if (spec->basicsize < 0 || spec->itemsize < 0) {
        PyErr_Format(PyExc_ValueError, "type '%s': negative basicsize or itemsize", spec->name);
        return -1;
    }
    if (spec->flags & ~KNOWN_FLAGS) {
        PyErr_Format(PyExc_ValueError, "type '%s': unknown flags 0x%lx (only HPy_TPFLAGS_* are allowed)", spec->name,
                     spec->flags & ~KNOWN_FLAGS);
        return -1;
    }
    return 0;
}

/* In CPython's PyType_Spec the last of two equal slots wins: legacy slots come after the HPy
   ones and before what the host must have (tp_clear, the call protocol), as in HPy. */
static PyType_Slot *build_slots(HPyType_Spec *spec, const struct legacy *l, const struct defs *d,
                                const hmc_type_info *info, PyMemberDef *members, int gc)
{
    PyType_Slot *slots = PyMem_Calloc((size_t)d->nslots + 10, sizeof(PyType_Slot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    PyType_Slot *s = slots;
    for (HPyDef **p = spec->defines; p != NULL && *p != NULL; p++) {
        HPyDef *def = *p;
        if (def->kind != HPyDef_Kind_Slot || def == d->call || def == d->traverse || def == d->destroy)
            continue;
        /* HPy's slot numbers are CPython's, and each trampoline has the CPython signature. */
        *s++ = (PyType_Slot){ (int)def->slot.slot, (void *)def->slot.cpy_trampoline };
    }
    if (spec->doc != NULL)
        *s++ = (PyType_Slot){ Py_tp_doc, (void *)spec->doc };
    *s++ = (PyType_Slot){ Py_tp_methods, info->methods };
    *s++ = (PyType_Slot){ Py_tp_members, members };
    *s++ = (PyType_Slot){ Py_tp_getset, info->getsets };
    *s++ = (PyType_Slot){ Py_tp_dealloc, (void *)hmc_type_dealloc };
    if (gc)
        *s++ = (PyType_Slot){ Py_tp_traverse, (void *)hmc_type_traverse };
    for (PyType_Slot *ls = l->slots; ls != NULL && ls->slot != 0; ls++)
        if (ls->slot != Py_tp_methods && ls->slot != Py_tp_members && ls->slot != Py_tp_getset)
            *s++ = *ls;
    if (gc)
        *s++ = (PyType_Slot){ Py_tp_clear, (void *)hmc_type_clear };
    if (info->vectorcall_offset > 0) {
        *s++ = (PyType_Slot){ Py_tp_call, (void *)PyVectorcall_Call };
        if (d->call != NULL && !d->has_new)
            *s++ = (PyType_Slot){ Py_tp_new, (void *)hmc_type_new_with_call };
    }
    return slots;
}

static int any_base_gc(PyObject *bases)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(bases); i++)
        if (PyType_IS_GC((PyTypeObject *)PyTuple_GET_ITEM(bases, i)))
            return 1;
    return 0;
}

HPy hmc_Type_FromSpec(HPyContext *ctx, HPyType_Spec *spec, HPyType_SpecParam *params)
{
    (void)ctx;
    if (spec == NULL || spec->name == NULL) {
        PyErr_SetString(PyExc_SystemError, "HPyType_FromSpec: the spec or its name is NULL");
        return HPy_NULL;
    }
    struct params par;
    struct legacy legacy;
    read_legacy(spec, &legacy);
    if (read_params(params, spec->name, &par) < 0 || check_spec(spec, &legacy) < 0) {
        Py_XDECREF(par.bases);
        return HPy_NULL;
    }
    if (par.bases == NULL && legacy.bases != NULL) {
        par.bases = Py_NewRef(legacy.bases);
    } else if (par.bases == NULL) {
        /* Without a base the type derives from object whatever its shape, as in HPy 0.9.0. */
        par.bases = PyTuple_Pack(1, legacy.base != NULL ? legacy.base : (PyObject *)&PyBaseObject_Type);
        if (par.bases == NULL)
            return HPy_NULL;
    }
    PyObject *result = NULL;
    PyType_Slot *slots = NULL;
    hmc_type_info *info = NULL;
    PyTypeObject *base = best_base(par.bases);
    if (base == NULL)
        goto done;
    hmc_type_info layout = { 0 };
    if (place_payload(spec, base, &layout) < 0)
        goto done;
    int var = layout.items != 0;
    struct defs d;
    if (count_defs(spec, &legacy, var, &d) < 0)
        goto done;
    if (spec->basicsize == 0 && d.nmembers + d.nclosures > 0) {
        PyErr_SetString(PyExc_TypeError, "Type claims to have basicsize==0 but defines members");
        goto done;
    }
    Py_ssize_t basicsize;
    if (plan_size(spec, base, &d, &layout, &basicsize) < 0)
        goto done;
    layout.traverse = d.traverse != NULL ? _HPy_FPTR(HPyFunc_traverseproc, d.traverse->slot.impl) : NULL;
    layout.destroy = d.destroy != NULL ? _HPy_FPTR(HPyFunc_destroyfunc, d.destroy->slot.impl) : NULL;
    const hmc_type_info *base_info = hmc_type_info_of(base);
    layout.chain_traverse = layout.traverse != NULL || (base_info != NULL && base_info->chain_traverse);
    layout.chain_destroy = layout.destroy != NULL || (base_info != NULL && base_info->chain_destroy);
    PyMemberDef *members;
    info = alloc_info(spec->name, &d, &layout, &members);
    if (info == NULL)
        goto done;
    fill_descriptors(spec, &legacy, info, members, var);
    /* A subtype of a collected type must be collected too: the builtin's own code assumes it. */
    int gc = (spec->flags & HPy_TPFLAGS_HAVE_GC) || any_base_gc(par.bases);
    slots = build_slots(spec, &legacy, &d, info, members, gc);
    if (slots == NULL)
        goto done;
    unsigned long flags = (spec->flags & ~(unsigned long)HPy_TPFLAGS_HAVE_VECTORCALL) | (gc ? Py_TPFLAGS_HAVE_GC : 0) |
                          (info->vectorcall_offset > 0 ? Py_TPFLAGS_HAVE_VECTORCALL : 0);
    PyType_Spec cspec = { info->name, (int)basicsize, spec->itemsize, (unsigned int)flags, slots };
    result = make_type(&cspec, par.bases, par.meta);
    if (result == NULL)
        goto done;
    PyHeapTypeObject *ht = (PyHeapTypeObject *)result;
    PyMem_Free(ht->_ht_tpname);
    ht->_ht_tpname = (char *)info;
    ht->ht_type.tp_name = info->name;
    info->plain_new = info->solid == &PyBaseObject_Type && info->items == 0 && ht->ht_type.tp_itemsize == 0 &&
                      !PyType_IS_GC(&ht->ht_type) && ht->ht_type.tp_alloc == PyType_GenericAlloc && info->call == NULL;
    info = NULL;
done:
    PyMem_Free(info);
    PyMem_Free(slots);
    Py_DECREF(par.bases);
    return hmc_py2h(result);
}
