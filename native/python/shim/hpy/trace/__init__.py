"""hpy.trace as hpy-matrix provides it: calls and time per context function in trace mode."""
from hpy_matrix.trace import get_call_counts, get_durations, get_frequency, set_trace_functions  # noqa: F401
