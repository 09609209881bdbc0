/* The module definition and HPy_MODINIT, which emits the four symbols a host looks up. */
#ifndef HPY_HPYMODULE_H
#define HPY_HPYMODULE_H

typedef struct {
    const char *doc;
    HPy_ssize_t size;                   /* must be 0 in HPy 0.9 */
    cpy_PyMethodDef *legacy_methods;    /* must be NULL in a universal binary */
    HPyDef **defines;                   /* NULL-terminated */
    HPyGlobal **globals;                /* NULL-terminated */
} HPyModuleDef;

/* The context that trampolines pass on (impls always receive theirs as an argument). One per
   binary, hidden so that two extensions in one process never share it. Several HPy modules
   linked into one binary (HPY_EMBEDDED_MODULES) each keep a file-local copy instead, declared
   by HPY_MOD_EMBEDDABLE(name) before the defs. */
#ifdef HPY_EMBEDDED_MODULES
#  define _HPy_CTX_MODIFIER static
#  define HPY_MOD_EMBEDDABLE(modname) _HPy_CTX_MODIFIER HPyContext *_ctx_for_trampolines;
#else
#  define _HPy_CTX_MODIFIER _HPy_HIDDEN
#  define HPY_MOD_EMBEDDABLE(modname)
extern _HPy_HIDDEN HPyContext *_ctx_for_trampolines;
#endif

#ifdef __cplusplus
#  define HPy_EXPORTED_FUNC extern "C" HPy_EXPORTED_SYMBOL
#else
#  define HPy_EXPORTED_FUNC HPy_EXPORTED_SYMBOL
#endif

#define HPy_MODINIT(ext_name, mod_def)                                   \
    HPy_EXPORTED_FUNC uint32_t get_required_hpy_major_version_##ext_name(void); \
    HPy_EXPORTED_FUNC uint32_t get_required_hpy_minor_version_##ext_name(void); \
    HPy_EXPORTED_FUNC void HPyInitGlobalContext_##ext_name(HPyContext *ctx);    \
    HPy_EXPORTED_FUNC HPyModuleDef *HPyInit_##ext_name(void);                   \
    HPy_EXPORTED_FUNC uint32_t get_required_hpy_major_version_##ext_name(void)  \
    {                                                                    \
        return HPY_ABI_VERSION;                                          \
    }                                                                    \
    HPy_EXPORTED_FUNC uint32_t get_required_hpy_minor_version_##ext_name(void)  \
    {                                                                    \
        return HPY_ABI_VERSION_MINOR;                                    \
    }                                                                    \
    _HPy_CTX_MODIFIER HPyContext *_ctx_for_trampolines;                  \
    HPy_EXPORTED_FUNC void HPyInitGlobalContext_##ext_name(HPyContext *ctx)     \
    {                                                                    \
        _ctx_for_trampolines = ctx;                                      \
    }                                                                    \
    HPy_EXPORTED_FUNC HPyModuleDef *HPyInit_##ext_name(void)             \
    {                                                                    \
        return &mod_def;                                                 \
    }

#endif /* HPY_HPYMODULE_H */
