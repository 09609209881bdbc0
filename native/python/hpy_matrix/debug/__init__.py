"""Leak checks and handle stack traces for extensions loaded in debug mode (hpy_matrix.universal
with debug=True): the same names as hpy.debug, over hpy-matrix's debug layer."""
from .leakdetector import HPyDebugError, HPyLeakError, LeakDetector

__all__ = ["HPyDebugError", "HPyLeakError", "LeakDetector", "set_handle_stack_trace_limit", "disable_handle_stack_traces"]


def set_handle_stack_trace_limit(limit):
    """Capture up to `limit` frames where each handle is opened (shown in leak reports)."""
    from hpy_matrix.universal import _debug
    _debug.set_handle_stack_trace_limit(limit)


def disable_handle_stack_traces():
    from hpy_matrix.universal import _debug
    _debug.set_handle_stack_trace_limit(None)
