/* Convenience macros of the HPy 0.9 API that cannot be functions. */
#ifndef HPY_MACROS_H
#define HPY_MACROS_H

/* Lets callers pass `&ptr` for any payload pointer type without a cast of their own. */
#define HPy_New(ctx, cls, data) (_HPy_New((ctx), (cls), ((void **)(data))))

/* Returns True or False from a richcompare impl by comparing two C values with `op`. */
#define HPy_RETURN_RICHCOMPARE(ctx, val1, val2, op)                          \
    do {                                                                     \
        bool _hpy_cmp;                                                       \
        switch (op) {                                                        \
        case HPy_LT: _hpy_cmp = (val1) <  (val2); break;                     \
        case HPy_LE: _hpy_cmp = (val1) <= (val2); break;                     \
        case HPy_EQ: _hpy_cmp = (val1) == (val2); break;                     \
        case HPy_NE: _hpy_cmp = (val1) != (val2); break;                     \
        case HPy_GT: _hpy_cmp = (val1) >  (val2); break;                     \
        case HPy_GE: _hpy_cmp = (val1) >= (val2); break;                     \
        default: HPy_FatalError(ctx, "Invalid value for HPy_RichCmpOp");     \
        }                                                                    \
        return HPy_Dup(ctx, _hpy_cmp ? (ctx)->h_True : (ctx)->h_False);      \
    } while (0)

/* Brackets a region that runs without the interpreter (the GIL-release pattern). No HPy call
   may happen between the two. */
#define HPy_BEGIN_LEAVE_PYTHON(context) {                                    \
        HPyThreadState _token = HPy_LeavePythonExecution(context);

#define HPy_END_LEAVE_PYTHON(context)                                        \
        HPy_ReenterPythonExecution(context, _token);                         \
    }

/* Universal binaries cannot see pyconfig.h; pid_t is int on every target they support. */
#define _HPy_PARSE_PID "i"
#define HPyLong_FromPid HPyLong_FromLong
#define HPyLong_AsPid HPyLong_AsLong

#endif /* HPY_MACROS_H */
