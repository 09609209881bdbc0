/* The structseq suite's extension: HPyStructSequence_NewType and HPyStructSequence_New. */
#include "hpy.h"

static HPyStructSequence_Field point_fields[] = {
    { "x", "first coordinate" },
    { "y", "second coordinate" },
    { NULL, NULL },   /* replaced by HPyStructSequence_UnnamedField in make_point_type */
    { NULL, NULL },
};

static HPyStructSequence_Desc point_desc = {
    .name = "structseq.Point",
    .doc = "A point.",
    .fields = point_fields,
};

static HPyStructSequence_Field plain_fields[] = { { "a", NULL }, { NULL, NULL } };
static HPyStructSequence_Desc plain_desc = { .name = "Plain", .doc = NULL, .fields = plain_fields };
static HPyStructSequence_Desc nameless_desc = { .name = NULL, .doc = NULL, .fields = plain_fields };

HPyDef_METH(point_type, "point_type", HPyFunc_NOARGS)
static HPy point_type_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    point_fields[2].name = HPyStructSequence_UnnamedField;
    return HPyStructSequence_NewType(ctx, &point_desc);
}

HPyDef_METH(plain_type, "plain_type", HPyFunc_NOARGS)
static HPy plain_type_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyStructSequence_NewType(ctx, &plain_desc);
}

HPyDef_METH(nameless_type, "nameless_type", HPyFunc_NOARGS)
static HPy nameless_type_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyStructSequence_NewType(ctx, &nameless_desc);
}

/* new(type, *values) -> HPyStructSequence_New(type, values) */
HPyDef_METH(new_seq, "new", HPyFunc_VARARGS)
static HPy new_seq_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs < 1)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "new(type, *values)");
    return HPyStructSequence_New(ctx, args[0], (HPy_ssize_t)nargs - 1, (HPy *)args + 1);
}

static HPyDef *module_defines[] = { &point_type, &plain_type, &nameless_type, &new_seq, NULL };
static HPyModuleDef moduledef = { .doc = "The structseq suite's extension.", .defines = module_defines };

HPy_MODINIT(structseq, moduledef)
