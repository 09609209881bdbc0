"""Calls and time per context function for extensions loaded in trace mode (hpy_matrix.universal
with mode=MODE_TRACE): the same names as hpy.trace, over hpy-matrix's trace layer, counted and
timed as HPy does. set_durations(False) stops timing: a traced context call then costs one
counter increment."""
from hpy_matrix.universal import _trace

get_call_counts = _trace.get_call_counts
get_durations = _trace.get_durations
get_frequency = _trace.get_frequency
set_trace_functions = _trace.set_trace_functions
set_durations = _trace.set_durations
get_clock = _trace.get_clock
