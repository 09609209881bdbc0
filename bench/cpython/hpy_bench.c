/* The benchmark's HPy side: capi_bench.c's cases on HPy, loaded through hpy_matrix.universal. */
#include "hpy.h"

typedef struct {
    long x, y;
} Point;
HPyType_HELPERS(Point)

static HPyGlobal point_type;

HPyDef_METH(noargs, "noargs", HPyFunc_NOARGS)
static HPy noargs_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(o, "o", HPyFunc_O)
static HPy o_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self; (void)arg;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(varargs, "varargs", HPyFunc_VARARGS)
static HPy varargs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self; (void)args; (void)nargs;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(keywords, "keywords", HPyFunc_KEYWORDS)
static HPy keywords_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    (void)self; (void)args; (void)nargs; (void)kwnames;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(alloc_int, "alloc_int", HPyFunc_NOARGS)
static HPy alloc_int_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyLong_FromLong(ctx, 1000000);
}

HPyDef_METH(alloc_tuple, "alloc_tuple", HPyFunc_O)
static HPy alloc_tuple_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    HPy items[2] = { arg, arg };
    return HPyTuple_FromArray(ctx, items, 2);
}

HPyDef_METH(alloc_list, "alloc_list", HPyFunc_O)
static HPy alloc_list_impl(HPyContext *ctx, HPy self, HPy arg)
{
    (void)self;
    HPyListBuilder b = HPyListBuilder_New(ctx, 3);
    for (int i = 0; i < 3; i++)
        HPyListBuilder_Set(ctx, b, i, arg);
    return HPyListBuilder_Build(ctx, b);
}

HPyDef_METH(alloc_point, "alloc_point", HPyFunc_NOARGS)
static HPy alloc_point_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy type = HPyGlobal_Load(ctx, point_type);
    Point *p;
    HPy h = HPy_New(ctx, type, &p);
    HPy_Close(ctx, type);
    if (HPy_IsNull(h))
        return HPy_NULL;
    p->x = 1;
    p->y = 2;
    return h;
}

HPyDef_METH(point_norm, "norm", HPyFunc_NOARGS)
static HPy point_norm_impl(HPyContext *ctx, HPy self)
{
    Point *p = Point_AsStruct(ctx, self);
    return HPyLong_FromLong(ctx, p->x * p->x + p->y * p->y);
}

HPyDef_SLOT(point_len, HPy_mp_length)
static HPy_ssize_t point_len_impl(HPyContext *ctx, HPy self)
{
    (void)ctx; (void)self;
    return 2;
}

HPyDef_SLOT(point_getitem, HPy_mp_subscript)
static HPy point_getitem_impl(HPyContext *ctx, HPy self, HPy key)
{
    Point *p = Point_AsStruct(ctx, self);
    long i = HPyLong_AsLong(ctx, key);
    if (i == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, i == 0 ? p->x : p->y);
}

static HPyDef *point_defines[] = { &point_norm, &point_len, &point_getitem, NULL };
static HPyType_Spec point_spec = {
    .name = "hpy_bench.Point",
    .basicsize = sizeof(Point),
    .builtin_shape = SHAPE(Point),
    .defines = point_defines,
};

HPyDef_SLOT(exec, HPy_mod_exec)
static int exec_impl(HPyContext *ctx, HPy m)
{
    HPy t = HPyType_FromSpec(ctx, &point_spec, NULL);
    if (HPy_IsNull(t))
        return -1;
    HPyGlobal_Store(ctx, &point_type, t);
    int rc = HPy_SetAttr_s(ctx, m, "Point", t);
    HPy_Close(ctx, t);
    return rc;
}

static HPyDef *module_defines[] = {
    &noargs, &o, &varargs, &keywords, &alloc_int, &alloc_tuple, &alloc_list, &alloc_point, &exec, NULL,
};
static HPyGlobal *module_globals[] = { &point_type, NULL };
static HPyModuleDef moduledef = { .defines = module_defines, .globals = module_globals };

HPy_MODINIT(hpy_bench, moduledef)
