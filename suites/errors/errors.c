/* The errors suite's extension: errno errors, new exception classes, warnings, unraisable
   exceptions and exception matching. None stands for a NULL handle or a NULL C string. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include "hpy.h"

static HPy opt(HPyContext *ctx, HPy h)
{
    return HPy_Is(ctx, h, ctx->h_None) ? HPy_NULL : h;
}

static int opt_utf8(HPyContext *ctx, HPy h, const char **out)
{
    if (HPy_Is(ctx, h, ctx->h_None)) {
        *out = NULL;
        return 1;
    }
    *out = HPyUnicode_AsUTF8AndSize(ctx, h, NULL);
    return *out != NULL;
}

/* set_errno_filename(type, errno, filename bytes or None): HPyErr_SetFromErrnoWithFilename. */
HPyDef_METH(set_errno_filename, "set_errno_filename", HPyFunc_VARARGS)
static HPy set_errno_filename_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy type, h_filename;
    int code;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OiO", &type, &code, &h_filename))
        return HPy_NULL;
    const char *filename = NULL;
    if (!HPy_Is(ctx, h_filename, ctx->h_None)) {
        filename = HPyBytes_AsString(ctx, h_filename);
        if (filename == NULL)
            return HPy_NULL;
    }
    /* errno is set last: the calls above may change it. */
    errno = code;
    HPy r = HPyErr_SetFromErrnoWithFilename(ctx, type, filename);
    if (!HPy_IsNull(r)) {
        HPy_Close(ctx, r);
        HPyErr_SetString(ctx, ctx->h_AssertionError, "HPyErr_SetFromErrnoWithFilename returned non-NULL");
    }
    return HPy_NULL;
}

/* set_errno_objects(type, errno, filename1 or None, filename2 or None) */
HPyDef_METH(set_errno_objects, "set_errno_objects", HPyFunc_VARARGS)
static HPy set_errno_objects_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy type, f1, f2;
    int code;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OiOO", &type, &code, &f1, &f2))
        return HPy_NULL;
    errno = code;
    HPyErr_SetFromErrnoWithFilenameObjects(ctx, type, opt(ctx, f1), opt(ctx, f2));
    return HPy_NULL;
}

/* The inline helpers built on the Objects variant. */
HPyDef_METH(set_errno, "set_errno", HPyFunc_VARARGS)
static HPy set_errno_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy type;
    int code;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Oi", &type, &code))
        return HPy_NULL;
    errno = code;
    return HPyErr_SetFromErrno(ctx, type);
}

HPyDef_METH(set_errno_filename_object, "set_errno_filename_object", HPyFunc_VARARGS)
static HPy set_errno_filename_object_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy type, filename;
    int code;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OiO", &type, &code, &filename))
        return HPy_NULL;
    errno = code;
    return HPyErr_SetFromErrnoWithFilenameObject(ctx, type, filename);
}

/* A real failing system call: the errno the context sees is the one open() left. */
HPyDef_METH(open_missing, "open_missing", HPyFunc_O)
static HPy open_missing_impl(HPyContext *ctx, HPy self, HPy path)
{
    (void)self;
    const char *p = HPyBytes_AsString(ctx, path);
    if (p == NULL)
        return HPy_NULL;
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return HPyErr_SetFromErrnoWithFilename(ctx, ctx->h_OSError, p);
    return HPyLong_FromLong(ctx, fd);
}

/* new_exception(name, base or None, dict or None) */
HPyDef_METH(new_exception, "new_exception", HPyFunc_VARARGS)
static HPy new_exception_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy h_name, base, dict;
    const char *name;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OOO", &h_name, &base, &dict))
        return HPy_NULL;
    if (!opt_utf8(ctx, h_name, &name))
        return HPy_NULL;
    return HPyErr_NewException(ctx, name, opt(ctx, base), opt(ctx, dict));
}

/* new_exception_doc(name, doc or None, base or None, dict or None) */
HPyDef_METH(new_exception_doc, "new_exception_doc", HPyFunc_VARARGS)
static HPy new_exception_doc_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy h_name, h_doc, base, dict;
    const char *name, *doc;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OOOO", &h_name, &h_doc, &base, &dict))
        return HPy_NULL;
    if (!opt_utf8(ctx, h_name, &name) || !opt_utf8(ctx, h_doc, &doc))
        return HPy_NULL;
    return HPyErr_NewExceptionWithDoc(ctx, name, doc, opt(ctx, base), opt(ctx, dict));
}

/* warn(category or None, message, stacklevel) -> the status HPyErr_WarnEx returned. (HPyDef
   symbols are global: one named `warn` would be interposed by libc's warn().) */
HPyDef_METH(warn_ex, "warn", HPyFunc_VARARGS)
static HPy warn_ex_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy category;
    const char *message;
    HPy_ssize_t level;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Osn", &category, &message, &level))
        return HPy_NULL;
    int status = HPyErr_WarnEx(ctx, opt(ctx, category), message, level);
    if (status < 0) {
        if (!HPyErr_Occurred(ctx))
            HPyErr_SetString(ctx, ctx->h_AssertionError, "HPyErr_WarnEx failed without an exception");
        return HPy_NULL;
    }
    if (HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, status);
}

/* write_unraisable(type, message, obj or None): raise, report as unraisable, and tell whether
   an exception is still pending afterwards. */
HPyDef_METH(write_unraisable, "write_unraisable", HPyFunc_VARARGS)
static HPy write_unraisable_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy type, obj;
    const char *message;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OsO", &type, &message, &obj))
        return HPy_NULL;
    HPyErr_SetString(ctx, type, message);
    HPyErr_WriteUnraisable(ctx, opt(ctx, obj));
    return HPyBool_FromLong(ctx, HPyErr_Occurred(ctx));
}

HPyDef_METH(write_unraisable_no_error, "write_unraisable_no_error", HPyFunc_NOARGS)
static HPy write_unraisable_no_error_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    HPyErr_WriteUnraisable(ctx, HPy_NULL);
    return HPyBool_FromLong(ctx, HPyErr_Occurred(ctx));
}

/* matches(raise_type, message, against): HPyErr_ExceptionMatches after raising. */
HPyDef_METH(matches, "matches", HPyFunc_VARARGS)
static HPy matches_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    HPy type, against;
    const char *message;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OsO", &type, &message, &against))
        return HPy_NULL;
    HPyErr_SetString(ctx, type, message);
    int r = HPyErr_ExceptionMatches(ctx, against);
    HPyErr_Clear(ctx);
    return HPyBool_FromLong(ctx, r);
}

HPyDef_METH(matches_nothing_pending, "matches_nothing_pending", HPyFunc_O)
static HPy matches_nothing_pending_impl(HPyContext *ctx, HPy self, HPy against)
{
    (void)self;
    return HPyBool_FromLong(ctx, HPyErr_ExceptionMatches(ctx, against));
}

HPyDef_METH(set_object, "set_object", HPyFunc_VARARGS)
static HPy set_object_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    (void)self;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "set_object() takes 2 arguments");
        return HPy_NULL;
    }
    HPyErr_SetObject(ctx, args[0], args[1]);
    return HPy_NULL;
}

/* raise_then_clear(): Err_Occurred before and after Err_Clear. */
HPyDef_METH(occurred_and_clear, "occurred_and_clear", HPyFunc_NOARGS)
static HPy occurred_and_clear_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    int before = HPyErr_Occurred(ctx);
    HPyErr_SetString(ctx, ctx->h_ValueError, "x");
    int during = HPyErr_Occurred(ctx);
    HPyErr_Clear(ctx);
    int after = HPyErr_Occurred(ctx);
    return HPy_BuildValue(ctx, "(iii)", before, during, after);
}

HPyDef_METH(import_module, "import_module", HPyFunc_O)
static HPy import_module_impl(HPyContext *ctx, HPy self, HPy name)
{
    (void)self;
    const char *s = HPyUnicode_AsUTF8AndSize(ctx, name, NULL);
    if (s == NULL)
        return HPy_NULL;
    return HPyImport_ImportModule(ctx, s);
}

static HPyDef *module_defines[] = {
    &set_errno_filename, &set_errno_objects, &set_errno, &set_errno_filename_object, &open_missing,
    &new_exception, &new_exception_doc, &warn_ex, &write_unraisable, &write_unraisable_no_error,
    &matches, &matches_nothing_pending, &set_object, &occurred_and_clear, &import_module, NULL
};

static HPyModuleDef moduledef = {
    .doc = "The errors suite's extension.",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(errors, moduledef)
