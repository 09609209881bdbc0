"""Times capi_bench and hpy_bench case by case, interleaved, in one process; prints JSON: per case
and column, the ns per call of every round. hpy_bench is loaded three times through
hpy_matrix.universal: plain (universal mode), with the debug layer and with the trace layer; the
trace layer is timed twice, counting only (hpy_matrix.trace.set_durations(False)) and with
durations on (the drop-in's default, as HPy's; set_durations(True) around that column's timing). Each load gets its own copy
of the binary, so each has its own globals and its own global context (a library loaded twice
from one path is one library).
Usage: python3 run.py <folder with both modules> <iterations> <rounds>
With HPY_BENCH_ONLY=<capi|hpy|debug|trace|trace_ns> in the environment only that column is timed,
to run one side under a profiler (perf, valgrind --tool=callgrind); index.ts never sets it."""
import importlib.util
import json
import os
import shutil
import sys
import time

from hpy_matrix import universal
import hpy_matrix.trace as trace

folder, iterations, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, folder)
import capi_bench  # noqa: E402


def load_hpy(mode, label):
    """hpy_bench in `mode`, from a copy of the binary in <folder>/<label>/. The module is named
    <label>.hpy_bench: the loader looks the init function up by the part after the last dot."""
    src = os.path.join(folder, "hpy_bench.hpy0.so")
    if label is None:
        path, name = src, "hpy_bench"
    else:
        os.makedirs(os.path.join(folder, label), exist_ok=True)
        path, name = os.path.join(folder, label, "hpy_bench.hpy0.so"), f"{label}.hpy_bench"
        shutil.copyfile(src, path)
    return universal.load(name, path, importlib.util.spec_from_file_location(name, path), mode=mode)


hpy_bench = load_hpy(universal.MODE_UNIVERSAL, None)
hpy_bench_debug = load_hpy(universal.MODE_DEBUG, "debug")
hpy_bench_trace = load_hpy(universal.MODE_TRACE, "trace")


def cases(m):
    p = m.alloc_point()
    none = None
    f_noargs, f_o, f_varargs, f_keywords = m.noargs, m.o, m.varargs, m.keywords
    a_int, a_tuple, a_list, a_point = m.alloc_int, m.alloc_tuple, m.alloc_list, m.alloc_point
    return {
        "call NOARGS": lambda n: [f_noargs() for _ in range(n)],
        "call O": lambda n: [f_o(none) for _ in range(n)],
        "call VARARGS": lambda n: [f_varargs(none, none) for _ in range(n)],
        "call KEYWORDS": lambda n: [f_keywords(none, k=none) for _ in range(n)],
        "allocate an int": lambda n: [a_int() for _ in range(n)],
        "allocate a tuple": lambda n: [a_tuple(none) for _ in range(n)],
        "list through a builder": lambda n: [a_list(none) for _ in range(n)],
        "allocate an object of the type": lambda n: [a_point() for _ in range(n)],
        "method call": lambda n: [p.norm() for _ in range(n)],
        "len() on the type": lambda n: [len(p) for _ in range(n)],
        "getitem on the type": lambda n: [p[0] for _ in range(n)],
    }


# The C API and universal columns are timed first in every case, as before the layers were
# added; the layers follow them.
sides = {
    "capi": cases(capi_bench),
    "hpy": cases(hpy_bench),
    "debug": cases(hpy_bench_debug),
    "trace": cases(hpy_bench_trace),
    "trace_ns": cases(hpy_bench_trace),
}
only = os.environ.get("HPY_BENCH_ONLY")  # e.g. "debug": time one side only (for profiling)
if only:
    sides = {only: sides[only]}
trace.set_durations(only == "trace_ns")
times = {name: {side: [] for side in sides} for name in sides[next(iter(sides))]}
for _ in range(rounds):
    for name in times:
        for side, fns in sides.items():
            if side == "trace_ns" and not only:
                trace.set_durations(True)
            start = time.perf_counter_ns()
            fns[name](iterations)
            times[name][side].append((time.perf_counter_ns() - start) / iterations)
            if side == "trace_ns" and not only:
                trace.set_durations(False)
print(json.dumps({"clock": trace.get_clock(), "times": times}))
