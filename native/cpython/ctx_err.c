/* The pending exception, errno errors, new exception classes, warnings, unraisable errors. */
#include "ctx_common.h"

/* The function, not the macro of the same name, which would name this function in the message. */
void hmc_FatalError(HPyContext *ctx, const char *message)
{
    (void)ctx;
    (Py_FatalError)(message != NULL ? message : "HPy_FatalError called with a NULL message");
}

void hmc_Err_SetString(HPyContext *ctx, HPy h_type, const char *utf8_message)
{
    (void)ctx;
    REQUIRE_H(h_type, );
    REQUIRE_PTR(utf8_message, );
    PyErr_SetString(P(h_type), utf8_message);
}

/* A NULL value raises the class without arguments. */
void hmc_Err_SetObject(HPyContext *ctx, HPy h_type, HPy h_value)
{
    (void)ctx;
    REQUIRE_H(h_type, );
    PyErr_SetObject(P(h_type), P(h_value));
}

/* errno is read by CPython first thing, before anything here could change it. */
HPy hmc_Err_SetFromErrnoWithFilename(HPyContext *ctx, HPy h_type, const char *filename_fsencoded)
{
    (void)ctx;
    REQUIRE_H(h_type, HPy_NULL);
    return H(PyErr_SetFromErrnoWithFilename(P(h_type), filename_fsencoded));
}

void hmc_Err_SetFromErrnoWithFilenameObjects(HPyContext *ctx, HPy h_type, HPy filename1, HPy filename2)
{
    (void)ctx;
    REQUIRE_H(h_type, );
    PyErr_SetFromErrnoWithFilenameObjects(P(h_type), P(filename1), P(filename2));
}

int hmc_Err_Occurred(HPyContext *ctx)
{
    (void)ctx;
    return PyErr_Occurred() != NULL;
}

int hmc_Err_ExceptionMatches(HPyContext *ctx, HPy exc)
{
    (void)ctx;
    return PyErr_ExceptionMatches(P(exc));
}

void hmc_Err_NoMemory(HPyContext *ctx)
{
    (void)ctx;
    PyErr_NoMemory();
}

void hmc_Err_Clear(HPyContext *ctx)
{
    (void)ctx;
    PyErr_Clear();
}

/* CPython updates the dict in place without checking that it is one. */
HPy hmc_Err_NewExceptionWithDoc(HPyContext *ctx, const char *utf8_name, const char *utf8_doc, HPy base, HPy dict)
{
    (void)ctx;
    REQUIRE_PTR(utf8_name, HPy_NULL);
    if (P(dict) != NULL && !PyDict_Check(P(dict))) {
        PyErr_BadInternalCall();
        return HPy_NULL;
    }
    return H(PyErr_NewExceptionWithDoc(utf8_name, utf8_doc, P(base), P(dict)));
}

HPy hmc_Err_NewException(HPyContext *ctx, const char *utf8_name, HPy base, HPy dict)
{
    return hmc_Err_NewExceptionWithDoc(ctx, utf8_name, NULL, base, dict);
}

/* A NULL category means RuntimeWarning. */
int hmc_Err_WarnEx(HPyContext *ctx, HPy category, const char *utf8_message, HPy_ssize_t stack_level)
{
    (void)ctx;
    REQUIRE_PTR(utf8_message, -1);
    return PyErr_WarnEx(P(category), utf8_message, stack_level);
}

void hmc_Err_WriteUnraisable(HPyContext *ctx, HPy obj)
{
    (void)ctx;
    PyErr_WriteUnraisable(P(obj));
}
