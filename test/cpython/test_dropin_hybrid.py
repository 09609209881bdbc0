"""A hybrid binary (test/fixtures/hybrid/hybrid.c, HPy and CPython's C API in one binary) through
hpy_matrix.universal, in universal and debug mode: legacy slots, methods, members and getsets,
legacy_methods, HPy_AsPyObject/HPy_FromPyObject, and HPy's rules for legacy types with HPy's
messages. Usage: python3 test_dropin_hybrid.py <folder of built binaries>; the fixture, built for
this Python, is in <folder>/hybrid/<tag>/."""
import gc
import importlib.util
import os
import shutil
import sys
import tempfile

from hpy_matrix import universal
from hpy_matrix.debug import LeakDetector

TAG = f"cp{sys.version_info[0]}{sys.version_info[1]}"
HYBRID = os.path.join(sys.argv[1], "hybrid", TAG, f"hybrid.hpy0-{TAG}.so")


def load(path, mode):
    spec = importlib.util.spec_from_file_location("hybrid", path)
    return universal.load("hybrid", path, spec, mode=mode)


def raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as e:
        return str(e)
    raise AssertionError(f"{fn.__name__} did not raise {exc_type.__name__}")


def check(m):
    p = m.Point(3, -4)
    assert repr(p) == "Point(3, -4)", repr(p)
    assert (p.x, p.y, p.y_ro, p.norm1(), p.sum_plus_1000) == (3, -4, -4, 7, 999)
    assert p.swap() is None and repr(p) == "Point(-4, 3)"
    p.x, p.y = 10, 20
    assert p.norm1() == 30
    raises(AttributeError, setattr, p, "y_ro", 1)
    assert m.Point.norm1.__doc__ == "|x| + |y| (CPython)"

    f = m.TaggedFloat(1.5)
    f.extra = 7
    assert m.TaggedFloat.__mro__ == (m.TaggedFloat, float, object) and (f + 1, f.extra) == (2.5, 7)

    assert m.legacy_add(2, 40) == 42 and m.legacy_len("abc") == 3
    assert raises(TypeError, m.legacy_len, 5) == "legacy_len() needs a sequence or a mapping"

    o = object()
    before = sys.getrefcount(o)
    assert m.py_pair(o, 1) == (o, 1)
    assert sys.getrefcount(o) == before
    assert m.type_name(p) == "hybrid.Point" and m.type_name(1.5) == "float"

    assert raises(TypeError, m.make_bad, "dealloc") == \
        "legacy tp_dealloc is incompatible with HPy_tp_traverse or HPy_tp_destroy."
    assert raises(TypeError, m.make_bad, "shape") == \
        "cannot specify .legacy_slots without setting .builtin_shape=HPyType_BuiltinShape_Legacy"
    assert raises(TypeError, m.make_bad, "pure") == "A legacy type should not inherit its memory layout from a pure type"
    assert raises(TypeError, m.make_bad, "dealloc_base") == ("type 'hybrid.LegacySub': the base 'hybrid.OwnDealloc' has a "
                                                             "legacy tp_dealloc; the cpython backend cannot chain its deallocation")
    del p
    gc.collect()


def test_universal_mode():
    check(load(HYBRID, universal.MODE_UNIVERSAL))


def test_debug_mode_finds_nothing_wrong():
    # A copy: one image has one context for its trampolines, and universal mode has it here.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, os.path.basename(HYBRID))
        shutil.copy(HYBRID, path)
        m = load(path, universal.MODE_DEBUG)
        universal._debug.clear_findings()
        with LeakDetector():
            check(m)
        assert universal._debug.get_findings() == []


if __name__ == "__main__":
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        fn()
        print("ok", name)
