/* The types suite's extension: types from HPyType_Spec with every kind of HPyDef, builtin
   shapes, inheritance, metaclasses, fields, and the order of finalize and destroy. */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "hpy.h"

/* What tp_finalize and tp_destroy did, in order, for the tests to read: C state, because
   destroy runs without a context. */
static char g_log[256];
static void log_event(const char *what)
{
    size_t n = strlen(g_log);
    if (n + strlen(what) + 2 < sizeof(g_log)) {
        if (n)
            strcat(g_log, " ");
        strcat(g_log, what);
    }
}

static HPy add_type(HPyContext *ctx, HPy module, const char *name, HPyType_Spec *spec, HPyType_SpecParam *params)
{
    HPy t = HPyType_FromSpec(ctx, spec, params);
    if (HPy_IsNull(t))
        return HPy_NULL;
    if (HPy_SetAttr_s(ctx, module, name, t) < 0) {
        HPy_Close(ctx, t);
        return HPy_NULL;
    }
    return t;
}

/* ---- Point: payload, new, members, getsets, methods, most object slots ---------------- */

typedef struct {
    long x;
    long y;
    HPyField tag;
} PointObject;
HPyType_HELPERS(PointObject)

static HPyGlobal g_Point;

static HPy new_point(HPyContext *ctx, HPy type, long x, long y)
{
    PointObject *p;
    HPy h = HPy_New(ctx, type, &p);
    if (HPy_IsNull(h))
        return HPy_NULL;
    p->x = x;
    p->y = y;
    return h;
}

HPyDef_SLOT(Point_new, HPy_tp_new)
static HPy Point_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    long x = 0, y = 0;
    HPyTracker ht;
    static const char *kwlist[] = { "x", "y", NULL };
    if (!HPyArg_ParseKeywordsDict(ctx, &ht, args, nargs, kw, "|ll", kwlist, &x, &y))
        return HPy_NULL;
    HPyTracker_Close(ctx, ht);
    return new_point(ctx, type, x, y);
}

HPyDef_MEMBER(Point_x, "x", HPyMember_LONG, offsetof(PointObject, x), .doc = "The x coordinate.")
HPyDef_MEMBER(Point_y, "y", HPyMember_LONG, offsetof(PointObject, y))

/* x + y + closure; setting it moves y. */
HPyDef_GETSET(Point_sum, "sum", .closure = (void *)1000, .doc = "x + y + 1000")
static HPy Point_sum_get(HPyContext *ctx, HPy self, void *closure)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    return HPyLong_FromLong(ctx, p->x + p->y + (long)(intptr_t)closure);
}
static int Point_sum_set(HPyContext *ctx, HPy self, HPy value, void *closure)
{
    if (HPy_IsNull(value)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "cannot delete sum");
        return -1;
    }
    long v = HPyLong_AsLong(ctx, value);
    if (v == -1 && HPyErr_Occurred(ctx))
        return -1;
    PointObject *p = PointObject_AsStruct(ctx, self);
    p->y = v - p->x - (long)(intptr_t)closure;
    return 0;
}

/* An object kept in an HPyField; deleting it empties the field. */
HPyDef_GETSET(Point_tag, "tag")
static HPy Point_tag_get(HPyContext *ctx, HPy self, void *closure)
{
    (void)closure;
    PointObject *p = PointObject_AsStruct(ctx, self);
    if (HPyField_IsNull(p->tag))
        return HPy_Dup(ctx, ctx->h_None);
    return HPyField_Load(ctx, self, p->tag);
}
static int Point_tag_set(HPyContext *ctx, HPy self, HPy value, void *closure)
{
    (void)closure;
    PointObject *p = PointObject_AsStruct(ctx, self);
    HPyField_Store(ctx, self, &p->tag, value);
    return 0;
}

HPyDef_GET(Point_readonly_view, "as_tuple")
static HPy Point_readonly_view_get(HPyContext *ctx, HPy self, void *closure)
{
    (void)closure;
    PointObject *p = PointObject_AsStruct(ctx, self);
    return HPy_BuildValue(ctx, "(ll)", p->x, p->y);
}

HPyDef_METH(Point_norm2, "norm2", HPyFunc_NOARGS, .doc = "x*x + y*y")
static HPy Point_norm2_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    return HPyLong_FromLong(ctx, p->x * p->x + p->y * p->y);
}

HPyDef_METH(Point_scaled, "scaled", HPyFunc_O)
static HPy Point_scaled_impl(HPyContext *ctx, HPy self, HPy factor)
{
    long k = HPyLong_AsLong(ctx, factor);
    if (k == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    PointObject *p = PointObject_AsStruct(ctx, self);
    HPy type = HPy_Type(ctx, self);
    HPy result = new_point(ctx, type, p->x * k, p->y * k);
    HPy_Close(ctx, type);
    return result;
}

HPyDef_METH(Point_moved, "moved", HPyFunc_VARARGS)
static HPy Point_moved_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long dx, dy = 0;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "l|l", &dx, &dy))
        return HPy_NULL;
    PointObject *p = PointObject_AsStruct(ctx, self);
    HPy type = HPy_Type(ctx, self);
    HPy result = new_point(ctx, type, p->x + dx, p->y + dy);
    HPy_Close(ctx, type);
    return result;
}

/* Returns (number of positional arguments, keyword names or None). */
HPyDef_METH(Point_describe, "describe", HPyFunc_KEYWORDS)
static HPy Point_describe_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    (void)args;
    return HPy_BuildValue(ctx, "(nO)", (HPy_ssize_t)nargs, HPy_IsNull(kwnames) ? ctx->h_None : kwnames);
}

HPyDef_SLOT(Point_repr, HPy_tp_repr)
static HPy Point_repr_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    return HPyUnicode_FromFormat(ctx, "Point(%ld, %ld)", p->x, p->y);
}

HPyDef_SLOT(Point_str, HPy_tp_str)
static HPy Point_str_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    return HPyUnicode_FromFormat(ctx, "(%ld, %ld)", p->x, p->y);
}

static int is_point(HPyContext *ctx, HPy h)
{
    HPy t = HPyGlobal_Load(ctx, g_Point);
    int r = HPy_TypeCheck(ctx, h, t);
    HPy_Close(ctx, t);
    return r;
}

HPyDef_SLOT(Point_richcompare, HPy_tp_richcompare)
static HPy Point_richcompare_impl(HPyContext *ctx, HPy self, HPy other, HPy_RichCmpOp op)
{
    if (!is_point(ctx, other) || (op != HPy_EQ && op != HPy_NE))
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    PointObject *a = PointObject_AsStruct(ctx, self), *b = PointObject_AsStruct(ctx, other);
    int eq = a->x == b->x && a->y == b->y;
    return HPyBool_FromLong(ctx, op == HPy_EQ ? eq : !eq);
}

HPyDef_SLOT(Point_hash, HPy_tp_hash)
static HPy_hash_t Point_hash_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    if (p->x == 99) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "x == 99 is unhashable");
        return -1;
    }
    return (HPy_hash_t)(p->x * 1000 + p->y);
}

HPyDef_SLOT(Point_add, HPy_nb_add)
static HPy Point_add_impl(HPyContext *ctx, HPy a, HPy b)
{
    if (!is_point(ctx, a) || !is_point(ctx, b))
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    PointObject *p = PointObject_AsStruct(ctx, a), *q = PointObject_AsStruct(ctx, b);
    HPy type = HPy_Type(ctx, a);
    HPy result = new_point(ctx, type, p->x + q->x, p->y + q->y);
    HPy_Close(ctx, type);
    return result;
}

HPyDef_SLOT(Point_negative, HPy_nb_negative)
static HPy Point_negative_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    HPy type = HPy_Type(ctx, self);
    HPy result = new_point(ctx, type, -p->x, -p->y);
    HPy_Close(ctx, type);
    return result;
}

HPyDef_SLOT(Point_bool, HPy_nb_bool)
static int Point_bool_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    return p->x != 0 || p->y != 0;
}

HPyDef_SLOT(Point_len, HPy_mp_length)
static HPy_ssize_t Point_len_impl(HPyContext *ctx, HPy self)
{
    (void)ctx;
    (void)self;
    return 2;
}

HPyDef_SLOT(Point_getitem, HPy_mp_subscript)
static HPy Point_getitem_impl(HPyContext *ctx, HPy self, HPy key)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    long i = HPyLong_AsLong(ctx, key);
    if (i == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    if (i != 0 && i != 1) {
        HPyErr_SetString(ctx, ctx->h_IndexError, "Point index out of range");
        return HPy_NULL;
    }
    return HPyLong_FromLong(ctx, i ? p->y : p->x);
}

HPyDef_SLOT(Point_setitem, HPy_mp_ass_subscript)
static int Point_setitem_impl(HPyContext *ctx, HPy self, HPy key, HPy value)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    long i = HPyLong_AsLong(ctx, key);
    if (i == -1 && HPyErr_Occurred(ctx))
        return -1;
    if (i != 0 && i != 1) {
        HPyErr_SetString(ctx, ctx->h_IndexError, "Point index out of range");
        return -1;
    }
    long v = 0; /* deleting a coordinate zeroes it */
    if (!HPy_IsNull(value)) {
        v = HPyLong_AsLong(ctx, value);
        if (v == -1 && HPyErr_Occurred(ctx))
            return -1;
    }
    *(i ? &p->y : &p->x) = v;
    return 0;
}

HPyDef_SLOT(Point_contains, HPy_sq_contains)
static int Point_contains_impl(HPyContext *ctx, HPy self, HPy item)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    long v = HPyLong_AsLong(ctx, item);
    if (v == -1 && HPyErr_Occurred(ctx)) {
        HPyErr_Clear(ctx);
        return 0;
    }
    return v == p->x || v == p->y;
}

HPyDef_SLOT(Point_traverse, HPy_tp_traverse)
static int Point_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((PointObject *)self)->tag);
    return 0;
}

HPyDef_SLOT(Point_destroy, HPy_tp_destroy)
static void Point_destroy_impl(void *payload)
{
    PointObject *p = payload;
    /* The host has emptied the fields through tp_traverse before destroy. */
    log_event(HPyField_IsNull(p->tag) ? "Point.destroy" : "Point.destroy(field not cleared)");
}

static HPyDef *Point_defines[] = {
    &Point_new, &Point_x, &Point_y, &Point_sum, &Point_tag, &Point_readonly_view, &Point_norm2, &Point_scaled,
    &Point_moved, &Point_describe, &Point_repr, &Point_str, &Point_richcompare, &Point_hash, &Point_add,
    &Point_negative, &Point_bool, &Point_len, &Point_getitem, &Point_setitem, &Point_contains,
    &Point_traverse, &Point_destroy, NULL
};

static HPyType_Spec Point_spec = {
    .name = "hpytypes.Point",
    .basicsize = sizeof(PointObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE | HPy_TPFLAGS_HAVE_GC,
    .builtin_shape = HPyType_BuiltinShape_Object,
    .defines = Point_defines,
    .doc = "A point in the plane.",
};

/* ---- Point3D: an HPy type inheriting from Point, with a bigger payload ---------------- */

typedef struct {
    PointObject base;
    long z;
} Point3DObject;
HPyType_HELPERS(Point3DObject)

HPyDef_MEMBER(Point3D_z, "z", HPyMember_LONG, offsetof(Point3DObject, z))

HPyDef_SLOT(Point3D_repr, HPy_tp_repr)
static HPy Point3D_repr_impl(HPyContext *ctx, HPy self)
{
    Point3DObject *p = Point3DObject_AsStruct(ctx, self);
    return HPyUnicode_FromFormat(ctx, "Point3D(%ld, %ld, %ld)", p->base.x, p->base.y, p->z);
}

HPyDef_SLOT(Point3D_destroy, HPy_tp_destroy)
static void Point3D_destroy_impl(void *payload)
{
    (void)payload;
    log_event("Point3D.destroy");
}

static HPyDef *Point3D_defines[] = { &Point3D_z, &Point3D_repr, &Point3D_destroy, NULL };
static HPyType_Spec Point3D_spec = {
    .name = "hpytypes.Point3D",
    .basicsize = sizeof(Point3DObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Point3D_defines,
};

/* A subclass with basicsize 0: it shares Point's payload layout. */
HPyDef_METH(Point2_swap, "swap", HPyFunc_NOARGS)
static HPy Point2_swap_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    long t = p->x;
    p->x = p->y;
    p->y = t;
    return HPy_Dup(ctx, ctx->h_None);
}
static HPyDef *Point2_defines[] = { &Point2_swap, NULL };
static HPyType_Spec Point2_spec = {
    .name = "hpytypes.SwappablePoint",
    .basicsize = 0,
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Point2_defines,
};

/* ---- Members: one of every HPyMember type --------------------------------------------- */

typedef struct {
    short s;
    int i;
    long l;
    float f;
    double d;
    const char *str;
    HPyField obj;
    char c;
    signed char byte;
    unsigned char ubyte;
    unsigned short us;
    unsigned int ui;
    unsigned long ul;
    char inplace[8];
    bool b;
    HPyField obj_ex;
    long long ll;
    unsigned long long ull;
    HPy_ssize_t ssize;
    long ro;
} MembersObject;
HPyType_HELPERS(MembersObject)

HPyDef_MEMBER(M_s, "short", HPyMember_SHORT, offsetof(MembersObject, s))
HPyDef_MEMBER(M_i, "int", HPyMember_INT, offsetof(MembersObject, i))
HPyDef_MEMBER(M_l, "long", HPyMember_LONG, offsetof(MembersObject, l))
HPyDef_MEMBER(M_f, "float", HPyMember_FLOAT, offsetof(MembersObject, f))
HPyDef_MEMBER(M_d, "double", HPyMember_DOUBLE, offsetof(MembersObject, d))
HPyDef_MEMBER(M_str, "string", HPyMember_STRING, offsetof(MembersObject, str))
HPyDef_MEMBER(M_obj, "object", HPyMember_OBJECT, offsetof(MembersObject, obj))
HPyDef_MEMBER(M_c, "char", HPyMember_CHAR, offsetof(MembersObject, c))
HPyDef_MEMBER(M_byte, "byte", HPyMember_BYTE, offsetof(MembersObject, byte))
HPyDef_MEMBER(M_ubyte, "ubyte", HPyMember_UBYTE, offsetof(MembersObject, ubyte))
HPyDef_MEMBER(M_us, "ushort", HPyMember_USHORT, offsetof(MembersObject, us))
HPyDef_MEMBER(M_ui, "uint", HPyMember_UINT, offsetof(MembersObject, ui))
HPyDef_MEMBER(M_ul, "ulong", HPyMember_ULONG, offsetof(MembersObject, ul))
HPyDef_MEMBER(M_inplace, "inplace", HPyMember_STRING_INPLACE, offsetof(MembersObject, inplace))
HPyDef_MEMBER(M_b, "bool", HPyMember_BOOL, offsetof(MembersObject, b))
HPyDef_MEMBER(M_obj_ex, "object_ex", HPyMember_OBJECT_EX, offsetof(MembersObject, obj_ex))
HPyDef_MEMBER(M_ll, "longlong", HPyMember_LONGLONG, offsetof(MembersObject, ll))
HPyDef_MEMBER(M_ull, "ulonglong", HPyMember_ULONGLONG, offsetof(MembersObject, ull))
HPyDef_MEMBER(M_ssize, "ssize", HPyMember_HPYSSIZET, offsetof(MembersObject, ssize))
HPyDef_MEMBER(M_none, "none", HPyMember_NONE, offsetof(MembersObject, l))
HPyDef_MEMBER(M_ro, "readonly", HPyMember_LONG, offsetof(MembersObject, ro), .readonly = 1)

HPyDef_SLOT(Members_new, HPy_tp_new)
static HPy Members_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    (void)args;
    (void)nargs;
    (void)kw;
    MembersObject *m;
    HPy h = HPy_New(ctx, type, &m);
    if (HPy_IsNull(h))
        return HPy_NULL;
    m->str = "static text";
    strcpy(m->inplace, "inline");
    m->c = 'x';
    m->ro = 7;
    return h;
}

/* Whether the payload of a new Members object (via HPy_New) was all zero bytes. */
HPyDef_METH(payload_was_zeroed, "payload_was_zeroed", HPyFunc_O)
static HPy payload_was_zeroed_impl(HPyContext *ctx, HPy self, HPy type)
{
    (void)self;
    MembersObject *m;
    HPy h = HPy_New(ctx, type, &m);
    if (HPy_IsNull(h))
        return HPy_NULL;
    const unsigned char *bytes = (const unsigned char *)m;
    int zero = 1;
    for (size_t i = 0; i < sizeof(MembersObject); i++)
        zero &= bytes[i] == 0;
    int aligned = ((uintptr_t)m % 16) == 0;
    int stable = MembersObject_AsStruct(ctx, h) == m;
    HPy_Close(ctx, h);
    return HPy_BuildValue(ctx, "(OOO)", zero ? ctx->h_True : ctx->h_False, aligned ? ctx->h_True : ctx->h_False,
                          stable ? ctx->h_True : ctx->h_False);
}

static HPyDef *Members_defines[] = {
    &Members_new, &M_s, &M_i, &M_l, &M_f, &M_d, &M_str, &M_obj, &M_c, &M_byte, &M_ubyte, &M_us, &M_ui, &M_ul,
    &M_inplace, &M_b, &M_obj_ex, &M_ll, &M_ull, &M_ssize, &M_none, &M_ro, NULL
};
static HPyType_Spec Members_spec = {
    .name = "hpytypes.Members",
    .basicsize = sizeof(MembersObject),
    .defines = Members_defines,
};

/* ---- Callable: HPy_tp_call and HPy_SetCallFunction ------------------------------------- */

typedef struct {
    long calls;
} CallableObject;
HPyType_HELPERS(CallableObject)

HPyDef_CALL_FUNCTION(Callable_shout)
static HPy Callable_shout_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self;
    (void)args;
    (void)kwnames;
    return HPyUnicode_FromFormat(ctx, "SHOUT %zd", (HPy_ssize_t)nargs);
}

HPyDef_SLOT(Callable_new, HPy_tp_new)
static HPy Callable_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    (void)kw;
    CallableObject *c;
    HPy h = HPy_New(ctx, type, &c);
    if (HPy_IsNull(h))
        return HPy_NULL;
    if (nargs == 1 && HPy_IsTrue(ctx, args[0]) && HPy_SetCallFunction(ctx, h, &Callable_shout) < 0) {
        HPy_Close(ctx, h);
        return HPy_NULL;
    }
    return h;
}

/* Returns (call number, positional args, keyword names or None). */
HPyDef_SLOT(Callable_call, HPy_tp_call)
static HPy Callable_call_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    CallableObject *c = CallableObject_AsStruct(ctx, self);
    c->calls++;
    HPy positional = HPyTuple_FromArray(ctx, (HPy *)args, (HPy_ssize_t)nargs);
    HPy result = HPy_BuildValue(ctx, "(lOO)", c->calls, positional, HPy_IsNull(kwnames) ? ctx->h_None : kwnames);
    HPy_Close(ctx, positional);
    return result;
}

static HPyDef *Callable_defines[] = { &Callable_new, &Callable_call, NULL };
static HPyType_Spec Callable_spec = {
    .name = "hpytypes.Callable",
    .basicsize = sizeof(CallableObject),
    .defines = Callable_defines,
};

/* HPy_SetCallFunction on an object whose type has no HPy_tp_call. */
HPyDef_METH(set_call_on, "set_call_on", HPyFunc_O)
static HPy set_call_on_impl(HPyContext *ctx, HPy self, HPy obj)
{
    (void)self;
    if (HPy_SetCallFunction(ctx, obj, &Callable_shout) < 0)
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

/* ---- ExplicitCall: each object keeps its call function where __vectorcalloffset__ says ---- */

typedef struct {
    long before;
    HPyCallFunction call;
    long after;
} ExplicitCallObject;
HPyType_HELPERS(ExplicitCallObject)

HPyDef_MEMBER(ExplicitCall_offset, "__vectorcalloffset__", HPyMember_HPYSSIZET, offsetof(ExplicitCallObject, call),
              .readonly = 1)

HPyDef_CALL_FUNCTION(ExplicitCall_greet)
static HPy ExplicitCall_greet_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    ExplicitCallObject *o = ExplicitCallObject_AsStruct(ctx, self);
    (void)args;
    return HPyUnicode_FromFormat(ctx, "called with %zd, %zd keywords, around %ld and %ld", (HPy_ssize_t)nargs,
                                 HPy_IsNull(kwnames) ? (HPy_ssize_t)0 : HPy_Length(ctx, kwnames), o->before, o->after);
}

HPyDef_SLOT(ExplicitCall_new, HPy_tp_new)
static HPy ExplicitCall_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    (void)args;
    (void)nargs;
    (void)kw;
    ExplicitCallObject *o;
    HPy h = HPy_New(ctx, type, &o);
    if (HPy_IsNull(h))
        return HPy_NULL;
    o->before = 1;
    o->call = ExplicitCall_greet;
    o->after = 2;
    return h;
}

static HPyDef *ExplicitCall_defines[] = { &ExplicitCall_offset, &ExplicitCall_new, NULL };
static HPyType_Spec ExplicitCall_spec = {
    .name = "hpytypes.ExplicitCall",
    .basicsize = sizeof(ExplicitCallObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_VECTORCALL,
    .defines = ExplicitCall_defines,
};

/* ---- Seq: the sequence protocol -------------------------------------------------------- */

typedef struct {
    long items[4];
} SeqObject;
HPyType_HELPERS(SeqObject)

HPyDef_SLOT(Seq_len, HPy_sq_length)
static HPy_ssize_t Seq_len_impl(HPyContext *ctx, HPy self)
{
    (void)ctx;
    (void)self;
    return 4;
}

HPyDef_SLOT(Seq_item, HPy_sq_item)
static HPy Seq_item_impl(HPyContext *ctx, HPy self, HPy_ssize_t i)
{
    if (i < 0 || i >= 4) {
        HPyErr_SetString(ctx, ctx->h_IndexError, "Seq index out of range");
        return HPy_NULL;
    }
    return HPyLong_FromLong(ctx, SeqObject_AsStruct(ctx, self)->items[i]);
}

HPyDef_SLOT(Seq_ass_item, HPy_sq_ass_item)
static int Seq_ass_item_impl(HPyContext *ctx, HPy self, HPy_ssize_t i, HPy value)
{
    if (i < 0 || i >= 4) {
        HPyErr_SetString(ctx, ctx->h_IndexError, "Seq assignment index out of range");
        return -1;
    }
    long v = -1; /* deletion stores -1 */
    if (!HPy_IsNull(value)) {
        v = HPyLong_AsLong(ctx, value);
        if (v == -1 && HPyErr_Occurred(ctx))
            return -1;
    }
    SeqObject_AsStruct(ctx, self)->items[i] = v;
    return 0;
}

HPyDef_SLOT(Seq_concat, HPy_sq_concat)
static HPy Seq_concat_impl(HPyContext *ctx, HPy self, HPy other)
{
    (void)self;
    return HPy_BuildValue(ctx, "(sO)", "concat", other);
}

HPyDef_SLOT(Seq_repeat, HPy_sq_repeat)
static HPy Seq_repeat_impl(HPyContext *ctx, HPy self, HPy_ssize_t n)
{
    (void)self;
    return HPy_BuildValue(ctx, "(sn)", "repeat", n);
}

HPyDef_SLOT(Seq_inplace_concat, HPy_sq_inplace_concat)
static HPy Seq_inplace_concat_impl(HPyContext *ctx, HPy self, HPy other)
{
    (void)self;
    return HPy_BuildValue(ctx, "(sO)", "inplace_concat", other);
}

HPyDef_SLOT(Seq_inplace_repeat, HPy_sq_inplace_repeat)
static HPy Seq_inplace_repeat_impl(HPyContext *ctx, HPy self, HPy_ssize_t n)
{
    (void)self;
    return HPy_BuildValue(ctx, "(sn)", "inplace_repeat", n);
}

static HPyDef *Seq_defines[] = {
    &Seq_len, &Seq_item, &Seq_ass_item, &Seq_concat, &Seq_repeat, &Seq_inplace_concat, &Seq_inplace_repeat, NULL
};
static HPyType_Spec Seq_spec = {
    .name = "hpytypes.Seq",
    .basicsize = sizeof(SeqObject),
    .defines = Seq_defines,
};

/* ---- Num: every number slot reports how it was called ---------------------------------- */

typedef struct {
    long v;
} NumObject;
HPyType_HELPERS(NumObject)
static HPyGlobal g_Num;

HPyDef_SLOT(Num_new, HPy_tp_new)
static HPy Num_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    long v = 0;
    if (!HPyArg_ParseKeywordsDict(ctx, NULL, args, nargs, kw, "|l", (const char *[]){ "v", NULL }, &v))
        return HPy_NULL;
    NumObject *n;
    HPy h = HPy_New(ctx, type, &n);
    if (!HPy_IsNull(h))
        n->v = v;
    return h;
}

/* "N" for a Num operand, else the operand's repr. */
static HPy describe_operand(HPyContext *ctx, HPy x)
{
    HPy t = HPyGlobal_Load(ctx, g_Num);
    int is_num = HPy_TypeCheck(ctx, x, t);
    HPy_Close(ctx, t);
    return is_num ? HPyUnicode_FromString(ctx, "N") : HPy_Repr(ctx, x);
}

static HPy report2(HPyContext *ctx, const char *op, HPy a, HPy b)
{
    HPy da = describe_operand(ctx, a), db = describe_operand(ctx, b);
    HPy r = HPyUnicode_FromFormat(ctx, "%s:%U:%U", op, da, db);
    HPy_Close(ctx, da);
    HPy_Close(ctx, db);
    return r;
}

#define NUM_BINARY(SLOTNAME, OPNAME)                                  \
    HPyDef_SLOT(Num_##SLOTNAME, HPy_nb_##SLOTNAME)                   \
    static HPy Num_##SLOTNAME##_impl(HPyContext *ctx, HPy a, HPy b)   \
    {                                                                \
        return report2(ctx, OPNAME, a, b);                           \
    }

NUM_BINARY(add, "add")
NUM_BINARY(subtract, "sub")
NUM_BINARY(multiply, "mul")
NUM_BINARY(matrix_multiply, "matmul")
NUM_BINARY(floor_divide, "floordiv")
NUM_BINARY(true_divide, "truediv")
NUM_BINARY(remainder, "mod")
NUM_BINARY(divmod, "divmod")
NUM_BINARY(lshift, "lshift")
NUM_BINARY(rshift, "rshift")
NUM_BINARY(and, "and")
NUM_BINARY(xor, "xor")
NUM_BINARY(or, "or")
NUM_BINARY(inplace_add, "iadd")
NUM_BINARY(inplace_subtract, "isub")
NUM_BINARY(inplace_multiply, "imul")
NUM_BINARY(inplace_matrix_multiply, "imatmul")
NUM_BINARY(inplace_floor_divide, "ifloordiv")
NUM_BINARY(inplace_true_divide, "itruediv")
NUM_BINARY(inplace_remainder, "imod")
NUM_BINARY(inplace_lshift, "ilshift")
NUM_BINARY(inplace_rshift, "irshift")
NUM_BINARY(inplace_and, "iand")
NUM_BINARY(inplace_xor, "ixor")
NUM_BINARY(inplace_or, "ior")

HPyDef_SLOT(Num_power, HPy_nb_power)
static HPy Num_power_impl(HPyContext *ctx, HPy a, HPy b, HPy m)
{
    HPy head = report2(ctx, "pow", a, b);
    HPy dm = HPy_Repr(ctx, m);
    HPy r = HPyUnicode_FromFormat(ctx, "%U:%U", head, dm);
    HPy_Close(ctx, head);
    HPy_Close(ctx, dm);
    return r;
}

HPyDef_SLOT(Num_inplace_power, HPy_nb_inplace_power)
static HPy Num_inplace_power_impl(HPyContext *ctx, HPy a, HPy b, HPy m)
{
    HPy head = report2(ctx, "ipow", a, b);
    HPy dm = HPy_Repr(ctx, m);
    HPy r = HPyUnicode_FromFormat(ctx, "%U:%U", head, dm);
    HPy_Close(ctx, head);
    HPy_Close(ctx, dm);
    return r;
}

#define NUM_UNARY(SLOTNAME, OPNAME)                                   \
    HPyDef_SLOT(Num_##SLOTNAME, HPy_nb_##SLOTNAME)                   \
    static HPy Num_##SLOTNAME##_impl(HPyContext *ctx, HPy a)          \
    {                                                                \
        (void)a;                                                     \
        return HPyUnicode_FromString(ctx, OPNAME);                   \
    }

NUM_UNARY(negative, "neg")
NUM_UNARY(positive, "pos")
NUM_UNARY(absolute, "abs")
NUM_UNARY(invert, "invert")

HPyDef_SLOT(Num_int, HPy_nb_int)
static HPy Num_int_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, NumObject_AsStruct(ctx, self)->v * 10);
}

HPyDef_SLOT(Num_index, HPy_nb_index)
static HPy Num_index_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, NumObject_AsStruct(ctx, self)->v);
}

HPyDef_SLOT(Num_float, HPy_nb_float)
static HPy Num_float_impl(HPyContext *ctx, HPy self)
{
    return HPyFloat_FromDouble(ctx, NumObject_AsStruct(ctx, self)->v + 0.5);
}

HPyDef_SLOT(Num_bool, HPy_nb_bool)
static int Num_bool_impl(HPyContext *ctx, HPy self)
{
    long v = NumObject_AsStruct(ctx, self)->v;
    if (v < 0) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "negative Num has no truth value");
        return -1;
    }
    return v != 0;
}

static HPyDef *Num_defines[] = {
    &Num_new, &Num_add, &Num_subtract, &Num_multiply, &Num_matrix_multiply, &Num_floor_divide, &Num_true_divide,
    &Num_remainder, &Num_divmod, &Num_lshift, &Num_rshift, &Num_and, &Num_xor, &Num_or, &Num_inplace_add,
    &Num_inplace_subtract, &Num_inplace_multiply, &Num_inplace_matrix_multiply, &Num_inplace_floor_divide,
    &Num_inplace_true_divide, &Num_inplace_remainder, &Num_inplace_lshift, &Num_inplace_rshift, &Num_inplace_and,
    &Num_inplace_xor, &Num_inplace_or, &Num_power, &Num_inplace_power, &Num_negative, &Num_positive,
    &Num_absolute, &Num_invert, &Num_int, &Num_index, &Num_float, &Num_bool, NULL
};
static HPyType_Spec Num_spec = {
    .name = "hpytypes.Num",
    .basicsize = sizeof(NumObject),
    .defines = Num_defines,
};

/* ---- Builtin shapes: subclasses of int, float, str, tuple and list with a payload --------- */
/* (The Dict shape came after HPy 0.9.0: dict_shape.c.) */

typedef struct {
    long extra;
} ExtraObject;

#define SHAPED_TYPE(NAME, SHAPE)                                                   \
    HPyDef_MEMBER(NAME##_extra, "extra", HPyMember_LONG, 0)                        \
    HPyDef_METH(NAME##_payload_extra, "payload_extra", HPyFunc_NOARGS)             \
    static HPy NAME##_payload_extra_impl(HPyContext *ctx, HPy self)                \
    {                                                                              \
        ExtraObject *e = (ExtraObject *)_HPy_AsStruct_##SHAPE(ctx, self);          \
        return HPyLong_FromLong(ctx, e->extra);                                    \
    }                                                                              \
    static HPyDef *NAME##_defines[] = { &NAME##_extra, &NAME##_payload_extra, NULL }; \
    static HPyType_Spec NAME##_spec = {                                            \
        .name = "hpytypes." #NAME,                                                 \
        .basicsize = sizeof(ExtraObject),                                          \
        .flags = HPy_TPFLAGS_DEFAULT,                                              \
        .builtin_shape = HPyType_BuiltinShape_##SHAPE,                             \
        .defines = NAME##_defines,                                                 \
    };

SHAPED_TYPE(LongSub, Long)
SHAPED_TYPE(FloatSub, Float)
SHAPED_TYPE(StrSub, Unicode)
SHAPED_TYPE(TupleSub, Tuple)
SHAPED_TYPE(ListSub, List)
/* A Long shape and no base: HPy 0.9.0 makes it derive from object. */
SHAPED_TYPE(LongShapeNoBase, Long)

/* ---- A metaclass (shape Type) and a type made with it ---------------------------------- */

typedef struct {
    long registered;
} MetaObject;
HPyType_HELPERS(MetaObject, HPyType_BuiltinShape_Type)

HPyDef_MEMBER(Meta_registered, "registered", HPyMember_LONG, offsetof(MetaObject, registered))
HPyDef_METH(Meta_describe, "describe_type", HPyFunc_NOARGS)
static HPy Meta_describe_impl(HPyContext *ctx, HPy self)
{
    return HPyUnicode_FromFormat(ctx, "%s registered=%ld", HPyType_GetName(ctx, self), MetaObject_AsStruct(ctx, self)->registered);
}
static HPyDef *Meta_defines[] = { &Meta_registered, &Meta_describe, NULL };
static HPyType_Spec Meta_spec = {
    .name = "hpytypes.Meta",
    .basicsize = sizeof(MetaObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE,
    .builtin_shape = HPyType_BuiltinShape_Type,
    .defines = Meta_defines,
};
static HPyType_Spec WithMeta_spec = {
    .name = "hpytypes.WithMeta",
    .flags = HPy_TPFLAGS_DEFAULT,
};

/* ---- GenericNew, tp_init, a final type ------------------------------------------------- */

typedef struct {
    long initialized;
    long nargs;
    long nkw;
} InitObject;
HPyType_HELPERS(InitObject)

HPyDef_SLOT_IMPL(Init_new, HPyType_GenericNew, HPy_tp_new)

HPyDef_SLOT(Init_init, HPy_tp_init)
static int Init_init_impl(HPyContext *ctx, HPy self, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    (void)args;
    InitObject *o = InitObject_AsStruct(ctx, self);
    if (nargs == 1 && HPy_Is(ctx, args[0], ctx->h_None)) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "None is not a valid init argument");
        return -1;
    }
    o->initialized++;
    o->nargs = (long)nargs;
    o->nkw = HPy_IsNull(kw) ? -1 : (long)HPy_Length(ctx, kw);
    return 0;
}
HPyDef_MEMBER(Init_initialized, "initialized", HPyMember_LONG, offsetof(InitObject, initialized), .readonly = 1)
HPyDef_MEMBER(Init_nargs, "nargs", HPyMember_LONG, offsetof(InitObject, nargs), .readonly = 1)
HPyDef_MEMBER(Init_nkw, "nkw", HPyMember_LONG, offsetof(InitObject, nkw), .readonly = 1)
static HPyDef *Init_defines[] = { &Init_new, &Init_init, &Init_initialized, &Init_nargs, &Init_nkw, NULL };
static HPyType_Spec Init_spec = {
    .name = "hpytypes.Init",
    .basicsize = sizeof(InitObject),
    .defines = Init_defines,
};

/* No HPy_tp_new at all: instances come from object's constructor, with a zeroed payload. */
HPyDef_MEMBER(Plain_value, "value", HPyMember_LONG, 0)
static HPyDef *Plain_defines[] = { &Plain_value, NULL };
static HPyType_Spec Plain_spec = {
    .name = "hpytypes.Plain",
    .basicsize = sizeof(long),
    .defines = Plain_defines,
};

/* ---- Finalizable: the order of finalize and destroy ------------------------------------ */

typedef struct {
    long id;
} FinalObject;
HPyType_HELPERS(FinalObject)

HPyDef_SLOT(Final_new, HPy_tp_new)
static HPy Final_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    (void)kw;
    FinalObject *f;
    HPy h = HPy_New(ctx, type, &f);
    if (!HPy_IsNull(h) && nargs == 1)
        f->id = HPyLong_AsLong(ctx, args[0]);
    return h;
}

HPyDef_SLOT(Final_finalize, HPy_tp_finalize)
static void Final_finalize_impl(HPyContext *ctx, HPy self)
{
    char buf[32];
    snprintf(buf, sizeof buf, "finalize(%ld)", FinalObject_AsStruct(ctx, self)->id);
    log_event(buf);
}

HPyDef_SLOT(Final_destroy, HPy_tp_destroy)
static void Final_destroy_impl(void *payload)
{
    char buf[32];
    snprintf(buf, sizeof buf, "destroy(%ld)", ((FinalObject *)payload)->id);
    log_event(buf);
}
static HPyDef *Final_defines[] = { &Final_new, &Final_finalize, &Final_destroy, NULL };
static HPyType_Spec Final_spec = {
    .name = "hpytypes.Finalizable",
    .basicsize = sizeof(FinalObject),
    .flags = HPy_TPFLAGS_DEFAULT, /* no BASETYPE: subclassing it is refused */
    .defines = Final_defines,
};

/* ---- Buffer: HPy_bf_getbuffer / HPy_bf_releasebuffer ----------------------------------- */

typedef struct {
    unsigned char data[6];
    long exports;
} BufObject;
HPyType_HELPERS(BufObject)

HPyDef_SLOT(Buf_new, HPy_tp_new)
static HPy Buf_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    (void)args;
    (void)nargs;
    (void)kw;
    BufObject *b;
    HPy h = HPy_New(ctx, type, &b);
    if (!HPy_IsNull(h))
        memcpy(b->data, "hello!", 6);
    return h;
}

HPyDef_SLOT(Buf_getbuffer, HPy_bf_getbuffer)
static int Buf_getbuffer_impl(HPyContext *ctx, HPy self, HPy_buffer *view, int flags)
{
    (void)flags;
    BufObject *b = BufObject_AsStruct(ctx, self);
    view->buf = b->data;
    view->obj = HPy_Dup(ctx, self);
    view->len = sizeof(b->data);
    view->itemsize = 1;
    view->readonly = 0;
    view->ndim = 1;
    view->format = "B";
    view->shape = NULL;
    view->strides = NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    b->exports++;
    return 0;
}

HPyDef_SLOT(Buf_releasebuffer, HPy_bf_releasebuffer)
static void Buf_releasebuffer_impl(HPyContext *ctx, HPy self, HPy_buffer *view)
{
    (void)view;
    BufObject_AsStruct(ctx, self)->exports--;
}
HPyDef_MEMBER(Buf_exports, "exports", HPyMember_LONG, offsetof(BufObject, exports), .readonly = 1)
static HPyDef *Buf_defines[] = { &Buf_new, &Buf_getbuffer, &Buf_releasebuffer, &Buf_exports, NULL };
static HPyType_Spec Buf_spec = {
    .name = "hpytypes.Buf",
    .basicsize = sizeof(BufObject),
    .defines = Buf_defines,
};

/* ---- Module functions: type queries and invalid specs ---------------------------------- */

HPyDef_METH(type_name, "type_name", HPyFunc_O)
static HPy type_name_impl(HPyContext *ctx, HPy self, HPy type)
{
    (void)self;
    const char *name = HPyType_GetName(ctx, type);
    if (name == NULL)
        return HPy_NULL;
    return HPyUnicode_FromString(ctx, name);
}

HPyDef_METH(is_subtype, "is_subtype", HPyFunc_VARARGS)
static HPy is_subtype_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "is_subtype(a, b)");
        return HPy_NULL;
    }
    return HPyBool_FromLong(ctx, HPyType_IsSubtype(ctx, args[0], args[1]));
}

HPyDef_METH(builtin_shape, "builtin_shape", HPyFunc_O)
static HPy builtin_shape_impl(HPyContext *ctx, HPy self, HPy type)
{
    (void)self;
    HPyType_BuiltinShape shape = _HPyType_GetBuiltinShape(ctx, type);
    if (shape == (HPyType_BuiltinShape)-2)
        return HPy_NULL;
    return HPyLong_FromLong(ctx, (long)shape);
}

HPyDef_METH(generic_new, "generic_new", HPyFunc_O)
static HPy generic_new_impl(HPyContext *ctx, HPy self, HPy type)
{
    (void)self;
    return HPyType_GenericNew(ctx, type, NULL, 0, HPy_NULL);
}

HPyDef_METH(hpy_new, "hpy_new", HPyFunc_O)
static HPy hpy_new_impl(HPyContext *ctx, HPy self, HPy type)
{
    (void)self;
    void *data;
    return HPy_New(ctx, type, &data);
}

HPyDef_METH(take_log, "take_log", HPyFunc_NOARGS, .doc = "The finalize/destroy log since the last call.")
static HPy take_log_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy r = HPyUnicode_FromString(ctx, g_log);
    g_log[0] = '\0';
    return r;
}

/* Field round trip on a fresh Point: store, load, overwrite, clear. */
HPyDef_METH(field_roundtrip, "field_roundtrip", HPyFunc_VARARGS)
static HPy field_roundtrip_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "field_roundtrip(a, b)");
        return HPy_NULL;
    }
    HPy type = HPyGlobal_Load(ctx, g_Point);
    HPy owner = new_point(ctx, type, 0, 0);
    HPy_Close(ctx, type);
    if (HPy_IsNull(owner))
        return HPy_NULL;
    PointObject *p = PointObject_AsStruct(ctx, owner);
    int was_null = HPyField_IsNull(p->tag);
    HPyField_Store(ctx, owner, &p->tag, args[0]);
    HPy first = HPyField_Load(ctx, owner, p->tag);
    HPyField_Store(ctx, owner, &p->tag, args[1]);
    HPy second = HPyField_Load(ctx, owner, p->tag);
    HPyField_Store(ctx, owner, &p->tag, HPy_NULL);
    int cleared = HPyField_IsNull(p->tag);
    HPy result = HPy_BuildValue(ctx, "(OOOO)", was_null ? ctx->h_True : ctx->h_False, first, second,
                                cleared ? ctx->h_True : ctx->h_False);
    HPy_Close(ctx, first);
    HPy_Close(ctx, second);
    HPy_Close(ctx, owner);
    return result;
}

/* Specs that HPyType_FromSpec must refuse, by name. */
HPyDef_METH(bad_type, "bad_type", HPyFunc_O)
static HPy bad_type_impl(HPyContext *ctx, HPy self, HPy which)
{
    (void)self;
    const char *kind = HPyUnicode_AsUTF8AndSize(ctx, which, NULL);
    if (kind == NULL)
        return HPy_NULL;
    static HPyDef *traverse_only[] = { &Point_traverse, NULL };
    static HPyDef *member_only[] = { &Plain_value, NULL };
    static HPyDef *call_only[] = { &Callable_call, NULL };
    static HPyDef *call_and_offset[] = { &Callable_call, &ExplicitCall_offset, NULL };
    HPyType_Spec spec = { .name = "hpytypes.Bad", .basicsize = 16 };
    HPyType_SpecParam params[4] = { { 0 } };
    HPy tmp = HPy_NULL;
    if (!strcmp(kind, "gc_without_traverse")) {
        spec.flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC;
    } else if (!strcmp(kind, "gc_with_traverse")) {
        spec.flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC;
        spec.defines = traverse_only;
    } else if (!strcmp(kind, "members_without_basicsize")) {
        spec.basicsize = 0;
        spec.defines = member_only;
    } else if (!strcmp(kind, "invalid_shape")) {
        spec.builtin_shape = (HPyType_BuiltinShape)123;
    } else if (!strcmp(kind, "call_with_itemsize")) {
        spec.itemsize = 8;
        spec.defines = call_only;
    } else if (!strcmp(kind, "shape_wrong_base")) {
        spec.builtin_shape = HPyType_BuiltinShape_Long;
        params[0] = (HPyType_SpecParam){ HPyType_SpecParam_Base, ctx->h_UnicodeType };
    } else if (!strcmp(kind, "call_and_vectorcalloffset")) {
        spec.basicsize = sizeof(ExplicitCallObject);
        spec.defines = call_and_offset;
    } else if (!strcmp(kind, "base_and_bases_tuple")) {
        tmp = HPyTuple_Pack(ctx, 1, ctx->h_BaseObjectType);
        params[0] = (HPyType_SpecParam){ HPyType_SpecParam_Base, ctx->h_BaseObjectType };
        params[1] = (HPyType_SpecParam){ HPyType_SpecParam_BasesTuple, tmp };
    } else if (!strcmp(kind, "two_metaclasses")) {
        params[0] = (HPyType_SpecParam){ HPyType_SpecParam_Metaclass, ctx->h_TypeType };
        params[1] = (HPyType_SpecParam){ HPyType_SpecParam_Metaclass, ctx->h_TypeType };
    } else if (!strcmp(kind, "metaclass_not_a_type")) {
        params[0] = (HPyType_SpecParam){ HPyType_SpecParam_Metaclass, ctx->h_None };
    } else if (!strcmp(kind, "unknown_param")) {
        params[0] = (HPyType_SpecParam){ (HPyType_SpecParam_Kind)42, ctx->h_None };
    } else if (!strcmp(kind, "final_base")) {
        params[0] = (HPyType_SpecParam){ HPyType_SpecParam_Base, ctx->h_BoolType };
    } else if (!strcmp(kind, "non_basetype_hpy_base")) {
        tmp = HPy_GetAttr_s(ctx, self, "Finalizable");
        params[0] = (HPyType_SpecParam){ HPyType_SpecParam_Base, tmp };
    } else if (!strcmp(kind, "base_not_a_type")) {
        params[0] = (HPyType_SpecParam){ HPyType_SpecParam_Base, ctx->h_None };
    } else if (!strcmp(kind, "layout_conflict")) {
        params[0] = (HPyType_SpecParam){ HPyType_SpecParam_Base, ctx->h_LongType };
        params[1] = (HPyType_SpecParam){ HPyType_SpecParam_Base, ctx->h_UnicodeType };
    } else {
        HPyErr_SetString(ctx, ctx->h_ValueError, "unknown bad_type kind");
        return HPy_NULL;
    }
    HPy t = HPyType_FromSpec(ctx, &spec, params[0].kind ? params : NULL);
    HPy_Close(ctx, tmp);
    return t;
}

HPyDef_SLOT(exec_module, HPy_mod_exec)
static int exec_module_impl(HPyContext *ctx, HPy m)
{
    HPy point = add_type(ctx, m, "Point", &Point_spec, NULL);
    if (HPy_IsNull(point))
        return -1;
    HPyGlobal_Store(ctx, &g_Point, point);
    HPyType_SpecParam sub[] = { { HPyType_SpecParam_Base, point }, { 0 } };
    HPy p3 = add_type(ctx, m, "Point3D", &Point3D_spec, sub);
    HPy p2 = add_type(ctx, m, "SwappablePoint", &Point2_spec, sub);
    HPy_Close(ctx, point);
    if (HPy_IsNull(p3) || HPy_IsNull(p2))
        return -1;
    HPy_Close(ctx, p3);
    HPy_Close(ctx, p2);

    HPy num = add_type(ctx, m, "Num", &Num_spec, NULL);
    if (HPy_IsNull(num))
        return -1;
    HPyGlobal_Store(ctx, &g_Num, num);
    HPy_Close(ctx, num);

    struct { const char *name; HPyType_Spec *spec; HPy base; } shaped[] = {
        { "LongSub", &LongSub_spec, ctx->h_LongType }, { "FloatSub", &FloatSub_spec, ctx->h_FloatType },
        { "StrSub", &StrSub_spec, ctx->h_UnicodeType }, { "TupleSub", &TupleSub_spec, ctx->h_TupleType },
        { "ListSub", &ListSub_spec, ctx->h_ListType },
    };
    for (size_t i = 0; i < sizeof shaped / sizeof shaped[0]; i++) {
        HPyType_SpecParam p[] = { { HPyType_SpecParam_Base, shaped[i].base }, { 0 } };
        HPy t = add_type(ctx, m, shaped[i].name, shaped[i].spec, p);
        if (HPy_IsNull(t))
            return -1;
        HPy_Close(ctx, t);
    }
    HPy unbased = add_type(ctx, m, "LongShapeNoBase", &LongShapeNoBase_spec, NULL);
    if (HPy_IsNull(unbased))
        return -1;
    HPy_Close(ctx, unbased);

    HPyType_SpecParam meta_base[] = { { HPyType_SpecParam_Base, ctx->h_TypeType }, { 0 } };
    HPy meta = add_type(ctx, m, "Meta", &Meta_spec, meta_base);
    if (HPy_IsNull(meta))
        return -1;
    HPyType_SpecParam with_meta[] = { { HPyType_SpecParam_Metaclass, meta }, { 0 } };
    HPy wm = add_type(ctx, m, "WithMeta", &WithMeta_spec, with_meta);
    HPy_Close(ctx, meta);
    if (HPy_IsNull(wm))
        return -1;
    HPy_Close(ctx, wm);

    HPyType_Spec *plain[] = { &Members_spec, &Callable_spec, &ExplicitCall_spec, &Seq_spec, &Init_spec, &Plain_spec,
                              &Final_spec, &Buf_spec };
    const char *names[] = { "Members", "Callable", "ExplicitCall", "Seq", "Init", "Plain", "Finalizable", "Buf" };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        HPy t = add_type(ctx, m, names[i], plain[i], NULL);
        if (HPy_IsNull(t))
            return -1;
        HPy_Close(ctx, t);
    }
    return 0;
}

static HPyDef *module_defines[] = {
    &type_name, &is_subtype, &builtin_shape, &generic_new, &hpy_new, &take_log, &field_roundtrip, &bad_type,
    &payload_was_zeroed, &set_call_on, &exec_module, NULL
};
static HPyGlobal *module_globals[] = { &g_Point, &g_Num, NULL };
static HPyModuleDef moduledef = {
    .doc = "Types from HPyType_Spec.",
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(hpytypes, moduledef)
