/* Helpers that are part of the HPy API but not of the ABI: the C files of native/runtime/ are compiled into
   every extension (hidden visibility), and those files only make ordinary context calls. */
#ifndef HPY_RUNTIME_HELPERS_H
#define HPY_RUNTIME_HELPERS_H

/* Argument parsing. Units: b B h H i I l k L K n f d s p O, and | $ : ; as in PyArg_Parse*.
   With O, ParseKeywords* need a tracker (its handles are closed by HPyTracker_Close on
   success, by the parser itself on failure); HPyArg_Parse stores borrowed handles. */
HPyAPI_HELPER int
HPyArg_Parse(HPyContext *ctx, HPyTracker *ht, const HPy *args, size_t nargs, const char *fmt, ...);

HPyAPI_HELPER int
HPyArg_ParseKeywords(HPyContext *ctx, HPyTracker *ht, const HPy *args, size_t nargs, HPy kwnames,
                     const char *fmt, const char *keywords[], ...);

HPyAPI_HELPER int
HPyArg_ParseKeywordsDict(HPyContext *ctx, HPyTracker *ht, const HPy *args, HPy_ssize_t nargs, HPy kw,
                         const char *fmt, const char *keywords[], ...);

/* Builds a value from C data. Units: i I l k L K n f d s O S, with (...) [...] {k:v}. */
HPyAPI_HELPER HPy HPy_BuildValue(HPyContext *ctx, const char *fmt, ...);

/* printf-like str construction: %% %c %d %i %u %x %ld %li %lu %lld %lli %llu %zd %zi %zu
   %s %p and the object units %U %V %S %R %A, with [0][width][.precision]. */
HPyAPI_HELPER HPy HPyUnicode_FromFormat(HPyContext *ctx, const char *fmt, ...);
HPyAPI_HELPER HPy HPyUnicode_FromFormatV(HPyContext *ctx, const char *fmt, va_list vargs);
HPyAPI_HELPER HPy HPyErr_Format(HPyContext *ctx, HPy h_type, const char *fmt, ...);

HPyAPI_HELPER int
HPyHelpers_AddType(HPyContext *ctx, HPy obj, const char *name, HPyType_Spec *hpyspec,
                   HPyType_SpecParam *params);

HPyAPI_HELPER int
HPyHelpers_PackArgsAndKeywords(HPyContext *ctx, const HPy *args, size_t nargs, HPy kwnames,
                               HPy *out_args_tuple, HPy *out_kwd);

typedef struct {
    const char *name;   /* NULL ends the list; HPyStructSequence_UnnamedField leaves it unnamed */
    const char *doc;
} HPyStructSequence_Field;

typedef struct {
    const char *name;
    const char *doc;
    HPyStructSequence_Field *fields;
} HPyStructSequence_Desc;

extern _HPy_HIDDEN const char *const HPyStructSequence_UnnamedField;

HPyAPI_HELPER HPy HPyStructSequence_NewType(HPyContext *ctx, HPyStructSequence_Desc *desc);
HPyAPI_HELPER HPy HPyStructSequence_New(HPyContext *ctx, HPy type, HPy_ssize_t nargs, HPy *args);

#endif /* HPY_RUNTIME_HELPERS_H */
