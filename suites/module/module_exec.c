/* A module with three exec slots, module-level functions and two HPyGlobals. */
#include "hpy.h"

static HPyGlobal g_first, g_second;

static int
log_step(HPyContext *ctx, HPy module, const char *step)
{
    HPy log = HPy_GetAttr_s(ctx, module, "log");
    if (HPy_IsNull(log)) {
        /* The first exec slot makes the list. */
        HPyErr_Clear(ctx);
        log = HPyList_New(ctx, 0);
        if (HPy_IsNull(log) || HPy_SetAttr_s(ctx, module, "log", log) < 0)
            return -1;
    }
    HPy s = HPyUnicode_FromString(ctx, step);
    int r = HPyList_Append(ctx, log, s);
    HPy_Close(ctx, s);
    HPy_Close(ctx, log);
    return r;
}

HPyDef_SLOT(exec_first, HPy_mod_exec)
static int exec_first_impl(HPyContext *ctx, HPy module)
{
    /* Methods are on the module before any exec slot runs. */
    HPy has = HPyBool_FromLong(ctx, HPy_HasAttr_s(ctx, module, "get_global"));
    int r = HPy_SetAttr_s(ctx, module, "methods_before_exec", has);
    HPy_Close(ctx, has);
    if (r < 0)
        return -1;
    HPy v = HPyUnicode_FromString(ctx, "stored by exec");
    HPyGlobal_Store(ctx, &g_first, v);
    HPy_Close(ctx, v);
    HPyGlobal_Store(ctx, &g_second, ctx->h_None);
    return log_step(ctx, module, "first");
}

HPyDef_SLOT(exec_second, HPy_mod_exec)
static int exec_second_impl(HPyContext *ctx, HPy module)
{
    return log_step(ctx, module, "second");
}

HPyDef_SLOT(exec_third, HPy_mod_exec)
static int exec_third_impl(HPyContext *ctx, HPy module)
{
    return log_step(ctx, module, "third");
}

static HPyGlobal *
pick(HPyContext *ctx, HPy which)
{
    long w = HPyLong_AsLong(ctx, which);
    if (w == 1)
        return &g_first;
    if (w == 2)
        return &g_second;
    if (!HPyErr_Occurred(ctx))
        HPyErr_SetString(ctx, ctx->h_ValueError, "global 1 or 2");
    return NULL;
}

HPyDef_METH(get_global, "get_global", HPyFunc_O)
static HPy get_global_impl(HPyContext *ctx, HPy self, HPy which)
{
    (void)self;
    HPyGlobal *g = pick(ctx, which);
    return g ? HPyGlobal_Load(ctx, *g) : HPy_NULL;
}

HPyDef_METH(set_global, "set_global", HPyFunc_VARARGS)
static HPy set_global_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "set_global(which, value)");
    HPyGlobal *g = pick(ctx, args[0]);
    if (g == NULL)
        return HPy_NULL;
    HPyGlobal_Store(ctx, g, args[1]);
    return HPy_Dup(ctx, ctx->h_None);
}

/* A global keeps its object after every handle to it is closed. */
HPyDef_METH(store_fresh, "store_fresh", HPyFunc_NOARGS)
static HPy store_fresh_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy l = HPy_BuildValue(ctx, "[is]", 1, "fresh");
    HPyGlobal_Store(ctx, &g_second, l);
    HPy_Close(ctx, l);
    return HPy_Dup(ctx, ctx->h_None);
}

/* Each Load gives a new handle to the same object. */
HPyDef_METH(load_twice_same, "load_twice_same", HPyFunc_NOARGS)
static HPy load_twice_same_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPy a = HPyGlobal_Load(ctx, g_first);
    HPy b = HPyGlobal_Load(ctx, g_first);
    int same = HPy_Is(ctx, a, b);
    HPy_Close(ctx, a);
    HPy_Close(ctx, b);
    return HPyBool_FromLong(ctx, same);
}

/* self of a module-level function is the module. */
HPyDef_METH(get_self, "get_self", HPyFunc_NOARGS)
static HPy get_self_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, self);
}

static HPyDef *module_defines[] = {
    &exec_first, &get_global, &exec_second, &set_global, &store_fresh, &load_twice_same, &get_self, &exec_third, NULL
};
static HPyGlobal *module_globals[] = { &g_first, &g_second, NULL };

static HPyModuleDef moduledef = {
    .doc = "A module with three exec slots.",
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(module_exec, moduledef)
