"""hpy.debug as hpy-matrix provides it: LeakDetector, the debug errors, handle stack traces."""
from hpy_matrix.debug import (  # noqa: F401
    HPyDebugError,
    HPyLeakError,
    LeakDetector,
    disable_handle_stack_traces,
    set_handle_stack_trace_limit,
)
