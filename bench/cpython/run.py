"""Times capi_bench and hpy_bench case by case, interleaved, in one process; prints JSON.
Usage: python3 run.py <folder with both modules> <iterations> <rounds>"""
import importlib.util
import json
import os
import statistics
import sys
import time

from hpy_matrix import universal

folder, iterations, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, folder)
import capi_bench  # noqa: E402

path = os.path.join(folder, "hpy_bench.hpy0.so")
hpy_bench = universal.load("hpy_bench", path, importlib.util.spec_from_file_location("hpy_bench", path))


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


capi, hpy = cases(capi_bench), cases(hpy_bench)
times = {name: {"capi": [], "hpy": []} for name in capi}
for _ in range(rounds):
    for name in capi:
        for side, fns in (("capi", capi), ("hpy", hpy)):
            start = time.perf_counter_ns()
            fns[name](iterations)
            times[name][side].append((time.perf_counter_ns() - start) / iterations)
print(json.dumps({name: {side: statistics.median(v) for side, v in t.items()} for name, t in times.items()}))
