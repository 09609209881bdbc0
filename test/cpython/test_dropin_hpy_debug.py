"""The drop-in's debug mode answers misuse as HPy 0.9.0's debug mode does, its default (the
findings of the matrix runner are its other policy: test_dropin_debug.py). On the deliberate
mistakes of suites/debug/debug.c: a misused handle or builder calls its hook and the call goes
on, or without a hook is a fatal error in HPy's words; a context used outside its call, an
argument HPy refuses and char * data used after its handle closed end the process as HPy's do.
Each mistake that ends the process is made in a child Python.
Usage: python3 test_dropin_hpy_debug.py <folder of built binaries>"""
import importlib.util
import os
import re
import signal
import subprocess
import sys

from hpy_matrix import universal
from hpy_matrix.debug import disable_handle_stack_traces, set_handle_stack_trace_limit

BUILT = sys.argv[1]
DEBUG_SO = os.path.join(BUILT, "debug.hpy0.so")
_debug = universal._debug

m = universal.load("debug", DEBUG_SO, importlib.util.spec_from_file_location("debug", DEBUG_SO), debug=True)

LOAD = (
    "import importlib.util\n"
    "from hpy_matrix import universal\n"
    f"p = {DEBUG_SO!r}\n"
    "m = universal.load('debug', p, importlib.util.spec_from_file_location('debug', p), debug=True)\n"
)


def child(code):
    """Runs `code` in a new Python with the debug module loaded as `m`."""
    return subprocess.run([sys.executable, "-c", LOAD + code], capture_output=True, text=True)


def fatal_error(code, message):
    """The child aborts with Python's fatal error report of `message`, as HPy's HPy_FatalError."""
    r = child(code)
    assert r.returncode == -signal.SIGABRT, (code, r.returncode, r.stderr)
    assert re.search(r"^Fatal Python error: (\w+: )?" + re.escape(message) + "$", r.stderr, re.M), (code, r.stderr)
    return r


def test_the_default_is_hpy_policy():
    assert _debug.get_record_findings() is False
    r = child("print(universal._debug.get_record_findings())")
    assert (r.returncode, r.stdout) == (0, "False\n"), r


def test_a_misused_handle_without_a_hook_is_a_fatal_error():
    for mistake in ["m.double_close()", "m.use_after_close()", "m.close_arg(5)", "m.close_constant()",
                    "m.return_constant()", "m.keep_arg(7); m.use_kept_arg()", "m.return_arg(1, 2)",
                    "m.close_tracked()", "m.keep_closed(); m.use_kept_closed()"]:
        fatal_error(mistake, "Invalid usage of already closed handle")


def test_a_misused_builder_without_a_hook_is_a_fatal_error():
    for mistake in ["m.list_builder_after_build()", "m.tuple_builder_after_cancel()", "m.built_after_cancel()",
                    "m.builder_wrong_kind()", "m.tracker_after_close()"]:
        fatal_error(mistake, "Invalid usage of already closed builder")


def test_with_hooks_the_calls_go_on_as_in_hpy():
    calls = []
    _debug.set_on_invalid_handle(lambda: calls.append("handle"))
    _debug.set_on_invalid_builder_handle(lambda: calls.append("builder"))
    try:
        assert m.double_close() is None
        # A closed handle still reaches its object (the small int 1 is alive).
        assert m.use_after_close() == "1"
        assert m.close_arg(5) is None
        assert m.close_constant() is None
        assert m.return_constant() is None
        # The argument comes back (with a reference of its own).
        assert m.return_arg(1, "two") == "two"
        m.keep_arg("kept")
        assert m.use_kept_arg() == "'kept'"
        assert calls == ["handle"] * 7, calls
        del calls[:]
        assert m.list_builder_after_build() is None
        # A dead builder is one whose creation failed: its Build raises MemoryError.
        try:
            m.built_after_cancel()
        except MemoryError:
            pass
        else:
            raise AssertionError("built_after_cancel did not raise MemoryError")
        assert calls == ["builder", "builder"], calls
    finally:
        _debug.set_on_invalid_handle(None)
        _debug.set_on_invalid_builder_handle(None)
    # Nothing is recorded: HPy's policy answers, and that is all.
    assert _debug.get_findings() == []
    try:
        _debug.set_on_invalid_handle(42)
    except TypeError as e:
        assert str(e) == "Expected a callable object"
    else:
        raise AssertionError("set_on_invalid_handle(42) did not raise")


def test_a_hook_that_raises_is_reported_and_the_call_goes_on():
    r = child("universal._debug.set_on_invalid_handle(lambda: 1 / 0)\n"
              "print(m.double_close(), universal._debug.get_findings())")
    assert (r.returncode, r.stdout) == (0, "None []\n"), r
    assert "ZeroDivisionError" in r.stderr, r.stderr


def test_a_context_used_outside_its_call_aborts():
    for mistake in ["m.keep_ctx(); m.use_kept_ctx()", "m.keep_ctx_and_call(m.use_kept_ctx)"]:
        r = child(mistake)
        assert r.returncode == -signal.SIGABRT, (mistake, r.returncode, r.stderr)
        assert r.stderr.startswith("Error: Wrong HPy Context!\n"), (mistake, r.stderr)


def test_an_argument_hpy_refuses_is_a_fatal_error_in_its_words():
    for mistake, message in [
        ("m.substring_of(b'hi')", "HPyUnicode_Substring arg 1 must be a Unicode object"),
        ("m.type_name_of('x')", "HPyType_GetName arg must be a type"),
        ("m.is_subtype('x', str)", "HPyType_IsSubtype arg 1 must be a type"),
        ("m.is_subtype(bool, 'x')", "HPyType_IsSubtype arg 2 must be a type"),
        ("m.type_check('x', 2)", "HPy_TypeCheck arg 2 must be a type"),
        ("m.call_with_list_kwnames(len)", "HPy_Call arg 'kwnames' must be a tuple object or HPy_NULL"),
        ("m.as_struct_of(5)", "Invalid usage of _HPy_AsStruct_Object. Expected shape HPyType_BuiltinShape_Object "
                              "but got HPyType_BuiltinShape_Legacy"),
    ]:
        fatal_error(mistake, message)


def test_char_data_used_after_close_or_written_to_faults():
    # As HPy's protected copies: the process dies of SIGSEGV, and Python says nothing.
    for mistake in ["m.utf8_after_close('hello')", "m.bytes_write(b'abc')", "m.type_name_after_close(int)",
                    "m.keep_utf8_of_arg('hello'); m.read_kept_utf8()"]:
        r = child(mistake)
        assert (r.returncode, r.stdout, r.stderr) == (-signal.SIGSEGV, "", ""), (mistake, r)


def test_debug_handles_are_views_of_records_in_hpy_words():
    gen = _debug.new_generation()
    m.leak()
    [h] = _debug.get_open_handles(gen)
    assert repr(h) == ("<DebugHandle 0x%x for 123456>\nTo get the stack trace of where it was allocated use:\n"
                       "hpy.debug.set_handle_stack_trace_limit" % h.id), repr(h)
    assert not h.is_closed and h.obj == 123456
    h._force_close()
    assert h.is_closed and h.obj is None and h in _debug.get_closed_handles(gen)
    assert repr(h).startswith("<DebugHandle 0x%x CLOSED>\nTo get the stack trace" % h.id), repr(h)
    set_handle_stack_trace_limit(8)
    try:
        gen = _debug.new_generation()
        m.leak()
        [h] = _debug.get_open_handles(gen)
    finally:
        disable_handle_stack_traces()
    assert repr(h).startswith("<DebugHandle 0x%x for 123456>\nAllocation stacktrace:\n" % h.id), repr(h)
    h._force_close()
    # A record the queue gave up is reused, and the view shows its new handle, as in HPy.
    old = _debug.get_closed_handles_queue_max_size()
    try:
        _debug.set_closed_handles_queue_max_size(1)
        closed = _debug.get_closed_handles()
        assert len(closed) > 4
        m.leak()  # opens self (reusing closed[0]), the leaked int (closed[1]) and the result (closed[2])
        assert [c.is_closed for c in closed[:4]] == [True, False, True, True]
        assert closed[1].obj == 123456
        closed[1]._force_close()
    finally:
        _debug.set_closed_handles_queue_max_size(old)


def test_char_data_kept_after_close_fits_the_budget_as_in_hpy():
    # clean(x) reads the UTF-8 data of its own copy of x, closed before it returns: the copy's
    # data (the NUL included) is kept, protected, while it fits; what does not fit is freed.
    old = _debug.get_protected_raw_data_max_size()
    _debug.set_protected_raw_data_max_size(100)
    try:
        m.churn(250)  # every handle with data kept so far is reused: the budget is empty
        sizes = []
        for text in ["a" * 31, "b" * 32, "c" * 50, "d" * 13, "e" * 27]:
            gen = _debug.new_generation()
            m.clean(text)
            sizes.append(sorted(h.raw_data_size for h in _debug.get_closed_handles(gen) if h.raw_data_size >= 0))
        assert sizes == [[32], [33], [], [14], []], sizes
        m.churn(250)
        assert all(h.raw_data_size == -1 for h in _debug.get_closed_handles())
    finally:
        _debug.set_protected_raw_data_max_size(old)


if __name__ == "__main__":
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        fn()
        print("ok", name)
