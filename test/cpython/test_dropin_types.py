"""The types suite (suites/types) through hpy_matrix.universal, from plain Python: what
suites/types/types.test.ts expects, checked on the cpython backend's C context.

Usage: python3 test/cpython/test_dropin_types.py <build-dir>
<build-dir> holds the hpy_matrix package (with the built universal module) and
hpytypes.hpy0.so (suites/types/hpytypes.c built as a universal binary). Plain asserts; every
test runs, and the exit status is 1 if any failed.
"""
import gc
import importlib.util
import os
import struct
import sys
import traceback
import warnings

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def raises(exc_type, message, fn, *args):
    """fn(*args) raises exc_type; message (if not None) is its exact text."""
    try:
        fn(*args)
    except exc_type as e:
        assert message is None or str(e) == message, f"message {str(e)!r}, expected {message!r}"
        return
    except Exception as e:  # noqa: BLE001 - report what was raised instead
        raise AssertionError(f"raised {type(e).__name__}({e}), expected {exc_type.__name__}") from e
    raise AssertionError(f"did not raise {exc_type.__name__}")


def set_attr(obj, name, value):
    setattr(obj, name, value)


m = None
dict_shape = None


def settle():
    gc.collect()
    m.take_log()


# ---- the type object --------------------------------------------------------------------

@test
def type_object_names_and_doc():
    assert m.Point.__name__ == "Point"
    assert m.Point.__qualname__ == "Point"
    assert m.Point.__module__ == "hpytypes"
    assert m.Point.__doc__ == "A point in the plane."
    assert m.Members.__doc__ is None
    assert repr(m.Point) == "<class 'hpytypes.Point'>"


@test
def type_object_base_and_mro():
    assert isinstance(m.Point, type)
    assert m.Point.__base__ is object
    assert m.Point.__mro__ == (m.Point, object)


@test
def type_queries():
    assert m.type_name(m.Point) == "Point"
    assert m.type_name(int) == "int"
    assert m.is_subtype(m.Point3D, m.Point) is True
    assert m.is_subtype(m.Point, m.Point3D) is False
    assert m.is_subtype(m.LongSub, int) is True
    assert m.is_subtype(m.Point, object) is True
    shapes = [(m.Point, 0), (m.Meta, 1), (m.LongSub, 2), (m.FloatSub, 3), (m.StrSub, 4), (m.TupleSub, 5),
              (m.ListSub, 6), (dict_shape.DictSub, 7), (int, -1)]
    for t, shape in shapes:
        assert m.builtin_shape(t) == shape, (t, m.builtin_shape(t))
    raises(TypeError, "arg must be a type", m.builtin_shape, 3)


# ---- payload -----------------------------------------------------------------------------

@test
def payload_zeroed_aligned_stable():
    assert m.payload_was_zeroed(m.Members) == (True, True, True)


@test
def type_without_tp_new():
    p = m.Plain()
    assert p.value == 0
    p.value = 12
    assert p.value == 12
    raises(TypeError, "hpytypes.Plain() takes no arguments", m.Plain, 1)


@test
def generic_new_and_tp_init():
    o = m.Init(1, 2)
    assert (o.initialized, o.nargs, o.nkw) == (1, 2, -1)
    k = m.Init(1, a=1, b=2)
    assert (k.nargs, k.nkw) == (1, 2)
    raises(ValueError, "None is not a valid init argument", m.Init, None)
    g = m.generic_new(m.Init)
    assert g.initialized == 0 and isinstance(g, m.Init)


@test
def hpy_new_needs_an_hpy_type():
    raises(TypeError, None, m.hpy_new, int)
    raises(TypeError, None, m.hpy_new, 5)


@test
def no_instance_dict():
    p = m.Point(1, 2)
    msg = "'hpytypes.Point' object has no attribute 'nosuch'"
    # 3.13 adds " and no __dict__ for setting new attributes"
    raises(AttributeError, msg if sys.version_info < (3, 13) else None, set_attr, p, "nosuch", 1)
    raises(AttributeError, msg, getattr, p, "nosuch")


# ---- new, members, getsets, methods ------------------------------------------------------

@test
def tp_new_arguments():
    p = m.Point(3, 4)
    assert (p.x, p.y) == (3, 4)
    q = m.Point(y=7)
    assert (q.x, q.y) == (0, 7)
    raises(TypeError, None, m.Point, "a")


@test
def members_and_getsets():
    p = m.Point(3, 4)
    p.x = -10
    assert p.x == -10 and p.norm2() == 116
    # CPython names the owner by tp_name, the dotted spec name (types.test.ts expects 'Point').
    assert repr(m.Point.x) == "<member 'x' of 'hpytypes.Point' objects>"
    assert m.Point.x.__doc__ == "The x coordinate."
    p = m.Point(3, 4)
    assert p.sum == 1007
    p.sum = 1010
    assert p.y == 7
    assert repr(m.Point.sum) == "<attribute 'sum' of 'hpytypes.Point' objects>"
    assert m.Point.sum.__doc__ == "x + y + 1000"
    raises(TypeError, "cannot delete sum", delattr, p, "sum")
    assert p.as_tuple == (3, 7)
    raises(AttributeError, "attribute 'as_tuple' of 'hpytypes.Point' objects is not writable", set_attr, p, "as_tuple", 1)


@test
def methods():
    p = m.Point(1, 2)
    assert p.norm2() == 5
    assert repr(p.scaled(3)) == "Point(3, 6)"
    assert repr(p.moved(10)) == "Point(11, 2)"
    assert repr(p.moved(10, 20)) == "Point(11, 22)"
    assert p.describe(1, 2) == (2, None)
    assert p.describe(1, a=2, b=3) == (1, ("a", "b"))
    raises(TypeError, "Point.norm2() takes no arguments (1 given)", p.norm2, 1)
    raises(TypeError, "Point.scaled() takes exactly one argument (0 given)", p.scaled)
    raises(TypeError, None, p.scaled, "x")
    assert m.Point.norm2(m.Point(3, 4)) == 25
    raises(TypeError, "descriptor 'norm2' for 'hpytypes.Point' objects doesn't apply to a 'int' object", m.Point.norm2, 5)


# ---- object, number and sequence slots ---------------------------------------------------

@test
def object_slots():
    p = m.Point(1, 2)
    assert repr(p) == "Point(1, 2)" and str(p) == "(1, 2)"
    a, b, c = m.Point(1, 2), m.Point(1, 2), m.Point(2, 1)
    assert a == b and a != c and not (a == 5)
    raises(TypeError, "'<' not supported between instances of 'hpytypes.Point' and 'hpytypes.Point'", lambda: a < b)
    assert hash(m.Point(3, 4)) == 3004
    raises(ValueError, "x == 99 is unhashable", hash, m.Point(99, 0))
    p = m.Point(5, 6)
    assert bool(p) and not bool(m.Point(0, 0))
    assert len(p) == 2 and p[1] == 6
    raises(IndexError, "Point index out of range", lambda: p[2])
    p[0] = 50
    assert p.x == 50
    del p[1]
    assert p.y == 0
    assert 50 in p and 7 not in p
    assert repr(m.Point(1, 2) + m.Point(10, 20)) == "Point(11, 22)"
    assert repr(-m.Point(1, -2)) == "Point(-1, 2)"
    raises(TypeError, "unsupported operand type(s) for +: 'hpytypes.Point' and 'int'", lambda: m.Point(1, 2) + 1)


@test
def number_slots():
    import operator as op
    binary = [("add", "add"), ("sub", "sub"), ("mul", "mul"), ("matmul", "matmul"), ("floordiv", "floordiv"),
              ("truediv", "truediv"), ("mod", "mod"), ("lshift", "lshift"), ("rshift", "rshift"), ("and_", "and"),
              ("xor", "xor"), ("or_", "or")]
    for fn, name in binary:
        f = getattr(op, fn)
        assert f(m.Num(3), 1) == f"{name}:N:1"
        assert f(1, m.Num(3)) == f"{name}:1:N"
        assert getattr(op, "i" + fn.rstrip("_"))(m.Num(3), "x") == f"i{name}:N:'x'"
    assert divmod(m.Num(1), 2) == "divmod:N:2" and divmod(2, m.Num(1)) == "divmod:2:N"
    assert pow(m.Num(1), 2) == "pow:N:2:None"
    assert pow(m.Num(1), 2, 5) == "pow:N:2:5"
    assert pow(2, m.Num(1)) == "pow:2:N:None"
    assert op.ipow(m.Num(1), 2) == "ipow:N:2:None"
    n = m.Num(4)
    assert (-n, +n, abs(n), ~n) == ("neg", "pos", "abs", "invert")
    assert int(n) == 40 and float(n) == 4.5 and op.index(n) == 4 and [10, 20, 30, 40, 50][n] == 50
    assert not bool(m.Num(0)) and bool(m.Num(2))
    raises(ValueError, "negative Num has no truth value", bool, m.Num(-1))


@test
def sequence_slots():
    s = m.Seq()
    assert len(s) == 4
    s[1] = 11
    assert s[1] == 11 and s[-3] == 11
    raises(IndexError, "Seq index out of range", lambda: s[4])
    raises(TypeError, "sequence index must be integer, not 'str'", lambda: s["a"])
    s = m.Seq()
    del s[-1]
    assert s[3] == -1
    s = m.Seq()
    s[0] = 5
    assert list(s) == [5, 0, 0, 0]
    assert s + "x" == ("concat", "x")
    assert s * 3 == ("repeat", 3) and 3 * s == ("repeat", 3)
    raises(TypeError, "can't multiply sequence by non-int of type 'str'", lambda: s * "a")
    t = m.Seq()
    t += "y"
    assert t == ("inplace_concat", "y")
    t = m.Seq()
    t *= 2
    assert t == ("inplace_repeat", 2)


# ---- members of every type ---------------------------------------------------------------

@test
def integer_members():
    ints = [("short", -32768, 32767), ("int", -2**31, 2**31 - 1), ("long", -2**63, 2**63 - 1), ("byte", -128, 127),
            ("ubyte", 0, 255), ("ushort", 0, 65535), ("uint", 0, 2**32 - 1), ("ulong", 0, 2**64 - 1),
            ("longlong", -2**63, 2**63 - 1), ("ulonglong", 0, 2**64 - 1), ("ssize", -2**63, 2**63 - 1)]
    for name, lo, hi in ints:
        o = m.Members()
        assert getattr(o, name) == 0
        setattr(o, name, lo)
        assert getattr(o, name) == lo, name
        setattr(o, name, hi)
        assert getattr(o, name) == hi, name
    o = m.Members()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CPython warns about truncation and negative unsigned values
        o.short = 65537
        o.ubyte = -1
        o.int = 2**32 + 5
        o.ulong = -1
        o.uint = -2
    assert (o.short, o.ubyte, o.int, o.ulong, o.uint) == (1, 255, 5, 2**64 - 1, 2**32 - 2)
    raises(OverflowError, None, set_attr, o, "short", 2**64)
    raises(OverflowError, None, set_attr, o, "long", 2**63)
    if sys.version_info < (3, 13):  # 3.13 stores it two's complement, with a warning
        raises(OverflowError, None, set_attr, o, "ulonglong", -1)
    raises(TypeError, "can't delete numeric/char attribute", delattr, o, "int")
    raises(TypeError, None, set_attr, o, "int", "a")


@test
def other_members():
    o = m.Members()
    o.float = 1.5
    assert o.float == 1.5
    o.float = 0.1
    assert o.float == struct.unpack("f", struct.pack("f", 0.1))[0]
    o.double = 0.1
    assert o.double == 0.1
    o.double = 3
    assert o.double == 3
    assert o.bool is False
    o.bool = True
    assert o.bool is True
    raises(TypeError, "attribute value type must be bool", set_attr, o, "bool", 1)
    assert o.char == "x"
    o.char = "z"
    assert o.char == "z"
    raises(TypeError, None, set_attr, o, "char", "ab")
    assert o.string == "static text" and o.inplace == "inline"
    raises(TypeError, "readonly attribute", set_attr, o, "string", "x")
    raises(TypeError, "readonly attribute", set_attr, o, "inplace", "x")
    assert o.none is None
    assert o.readonly == 7
    raises(AttributeError, "readonly attribute", set_attr, o, "readonly", 1)


@test
def object_members():
    o = m.Members()
    assert o.object is None
    o.object = [1, 2]
    assert o.object == [1, 2]
    del o.object
    assert o.object is None
    raises(AttributeError, "'hpytypes.Members' object has no attribute 'object_ex'", getattr, o, "object_ex")
    o.object_ex = "v"
    assert o.object_ex == "v"
    del o.object_ex
    raises(AttributeError, None, delattr, o, "object_ex")


# ---- tp_call -----------------------------------------------------------------------------

@test
def call_protocol():
    c = m.Callable()
    assert callable(c)
    assert c(1, 2) == (1, (1, 2), None)
    assert c(3, k=4) == (2, (3,), ("k",))
    assert m.Callable(True)(1, 2, 3) == "SHOUT 3"
    assert m.Callable()(0)[0] == 1
    raises(TypeError, "type 'hpytypes.Point' does not implement the HPy call protocol", m.set_call_on, m.Point())
    assert not callable(m.Point())
    raises(TypeError, "'hpytypes.Point' object is not callable", lambda: m.Point()())


# ---- inheritance and shapes --------------------------------------------------------------

@test
def hpy_subtypes():
    p = m.Point3D(1, 2)
    assert isinstance(p, m.Point) and p.z == 0
    p.z = 3
    assert repr(p) == "Point3D(1, 2, 3)" and str(p) == "(1, 2)" and p.norm2() == 5 and len(p) == 2
    assert type(p.scaled(2)) is m.Point3D
    s = m.SwappablePoint(1, 2)
    s.swap()
    assert (s.x, s.y) == (2, 1) and repr(s) == "Point(2, 1)"
    assert m.Point3D.__mro__ == (m.Point3D, m.Point, object)


@test
def python_subclass_of_an_hpy_type():
    settle()

    class P(m.Point):
        def extra(self):
            return self.x * 100
    p = P(3, 4)
    p.note = "dict works"
    p.tag = p  # a cycle through a field and the instance dict
    assert p.extra() == 300 and repr(p) == "Point(3, 4)" and p.note == "dict works"
    del p
    gc.collect()
    assert m.take_log() == "Point.destroy"


@test
def builtin_shapes():
    n = m.LongSub(42)
    assert isinstance(n, int) and n == 42 and n + 1 == 43 and n.extra == 0
    n.extra = 5
    assert n.payload_extra() == 5
    assert m.LongSub() == 0
    big = m.LongSub(-(10**40))
    big.extra = 77
    assert big == -(10**40) and big.payload_extra() == 77
    f = m.FloatSub(1.5)
    assert f * 2 == 3
    s = m.StrSub("abc")
    assert len(s) == 3 and str(s) == "abc"
    t = m.TupleSub([1, 2])
    assert t[1] == 2
    long_t = m.TupleSub(range(50))
    lst = m.ListSub([1])
    lst.append(2)
    assert len(lst) == 2
    d = dict_shape.DictSub()
    d["k"] = 1
    assert d["k"] == 1
    for o in [f, s, t, long_t, lst, d]:
        o.extra = 9
        assert o.payload_extra() == 9
    assert long_t == tuple(range(50)) and t == (1, 2)


@test
def metaclass():
    assert type(m.WithMeta) is m.Meta
    assert isinstance(m.WithMeta, type)
    assert m.WithMeta.registered == 0
    m.WithMeta.registered = 3
    assert m.WithMeta.describe_type() == "WithMeta registered=3"
    assert isinstance(m.WithMeta(), m.WithMeta)
    assert m.WithMeta.__module__ == "hpytypes" and m.WithMeta.__mro__ == (m.WithMeta, object)


# ---- fields and destruction --------------------------------------------------------------

@test
def fields():
    assert m.field_roundtrip("a", "b") == (True, "a", "b", True)
    p = m.Point()
    tag = [1, 2]
    p.tag = tag
    assert p.tag is tag
    p.tag = None
    assert p.tag is None


@test
def destroy_order():
    settle()
    p = m.Point3D(1, 2)
    p.tag = "something"
    del p
    gc.collect()
    assert m.take_log() == "Point3D.destroy Point.destroy"


@test
def finalize_then_destroy():
    settle()
    f = m.Finalizable(7)
    del f
    gc.collect()
    assert m.take_log() == "finalize(7) destroy(7)"


@test
def field_cycles_are_collected():
    settle()
    a, b = m.Point(1, 1), m.Point(2, 2)
    a.tag = b
    b.tag = a
    del a, b
    gc.collect()
    assert m.take_log() == "Point.destroy Point.destroy"


# ---- buffers -----------------------------------------------------------------------------

@test
def buffers():
    b = m.Buf()
    v = memoryview(b)
    assert b.exports == 1
    assert v.tobytes() == b"hello!"
    assert (v.nbytes, v.itemsize, v.format, v.readonly, v.ndim) == (6, 1, "B", False, 1)
    assert v[0] == 104
    v[0] = 72
    assert bytes(v) == b"Hello!"
    v.release()
    assert b.exports == 0
    raises(ValueError, "operation forbidden on released memoryview object", v.tobytes)


# ---- invalid specs -----------------------------------------------------------------------

@test
def invalid_specs():
    cases = [
        ("gc_without_traverse", ValueError, "You must provide an HPy_tp_traverse slot if you specify HPy_TPFLAGS_HAVE_GC"),
        ("members_without_basicsize", TypeError, "Type claims to have basicsize==0 but defines members"),
        ("invalid_shape", ValueError, "invalid shape: 123"),
        ("call_with_itemsize", TypeError, "Cannot use HPy call protocol with var objects"),
        ("base_and_bases_tuple", TypeError, "cannot specify both HPyType_SpecParam_Base and HPytype_SpecParam_BasesTuple"),
        ("two_metaclasses", ValueError, "metaclass was specified multiple times"),
        ("metaclass_not_a_type", TypeError, "Metaclass 'None' is not a subclass of 'type'."),
        ("unknown_param", TypeError, "unknown HPyType_SpecParam specification for 'hpytypes.Bad'"),
        ("final_base", TypeError, "type 'bool' is not an acceptable base type"),
        ("non_basetype_hpy_base", TypeError, "type 'hpytypes.Finalizable' is not an acceptable base type"),
        ("base_not_a_type", TypeError, None),
        ("layout_conflict", TypeError, "multiple bases have instance lay-out conflict"),
    ]
    for kind, exc, message in cases:
        raises(exc, message, m.bad_type, kind)
    assert isinstance(m.bad_type("gc_with_traverse"), type)


def main():
    global m, dict_shape
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    sys.path.insert(0, build)
    from hpy_matrix import universal

    def load(name):
        path = os.path.join(build, f"{name}.hpy0.so")
        return universal.load(name, path, importlib.util.spec_from_file_location(name, path))
    m = load("hpytypes")
    dict_shape = load("dict_shape")
    m.take_log()
    failed = 0
    for t in TESTS:
        try:
            t()
            print(f"ok   {t.__name__}")
        except Exception:  # noqa: BLE001 - every test runs; failures are listed
            failed += 1
            print(f"FAIL {t.__name__}")
            traceback.print_exc(file=sys.stdout)
    print(f"{len(TESTS) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
