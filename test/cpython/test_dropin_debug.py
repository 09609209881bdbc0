"""The debug and trace modes of hpy_matrix.universal, with the tooling of hpy.debug and hpy.trace
(hpy_matrix.debug, hpy_matrix.trace, universal._debug, universal._trace), on the deliberate
mistakes of suites/debug/debug.c, with misuse recorded as findings (set_record_findings(True),
as the matrix runner's pytest cells have it); test_dropin_hpy_debug.py covers the drop-in's
default, HPy's own answers. Usage: python3 test_dropin_debug.py <folder of built binaries>"""
import functools
import gc
import importlib.util
import os
import re
import shutil
import sys
import tempfile

from hpy_matrix import universal
from hpy_matrix.debug import HPyLeakError, LeakDetector, disable_handle_stack_traces, set_handle_stack_trace_limit
import hpy_matrix.trace as trace

BUILT = sys.argv[1]
_debug = universal._debug


def load(name, file, **kw):
    path = os.path.join(BUILT, file)
    return universal.load(name, path, importlib.util.spec_from_file_location(name, path), **kw)


m = load("debug", "debug.hpy0.so", debug=True)
_debug.set_record_findings(True)


def taken():
    """The findings since the last call, as (kind, function) pairs and messages."""
    found = _debug.get_findings()
    _debug.clear_findings()
    return found


def only(kind, function):
    found = taken()
    assert [(f["kind"], f["function"]) for f in found] == [(kind, function)], found
    return found[0]


def raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type as e:
        return str(e)
    raise AssertionError(f"{fn.__name__} did not raise {exc_type.__name__}")


def test_clean_code_has_no_findings_and_no_leaks():
    taken()
    with LeakDetector():
        assert m.clean("héllo") == ("héllo", 6)
    assert taken() == []


def test_leak_detector_names_the_leaked_object():
    with LeakDetector() as ld:
        pass
    detector = LeakDetector()
    detector.start()
    m.leak()
    try:
        detector.stop()
    except HPyLeakError as e:
        assert len(e.leaks) == 1 and e.leaks[0].obj == 123456 and not e.leaks[0].is_closed, e.leaks
        # HPy's words: each handle's repr says how to get where it was opened.
        assert re.fullmatch(r"1 unclosed handle:\n    <DebugHandle 0x[0-9a-f]+ for 123456>\n"
                            r"To get the stack trace of where it was allocated use:\nhpy.debug.set_handle_stack_trace_limit",
                            str(e)), str(e)
    else:
        raise AssertionError("LeakDetector did not raise")
    assert raises(ValueError, ld.start) == "LeakDetector already started"
    assert raises(ValueError, LeakDetector().stop) == "LeakDetector not started yet"
    taken()


def test_each_mistake_is_one_finding_naming_it():
    assert re.fullmatch(r"HPy_Repr: handle \d+ was already closed \(debug layer\)", raises(SystemError, m.use_after_close))
    f = only("use-after-close", "HPy_Repr")
    assert "in 'use_after_close'" in f["message"], f
    m.double_close()
    assert "closed twice (second time in 'double_close'" in only("double-close", "HPy_Close")["message"]
    m.close_arg(5)
    assert only("double-close", "close_arg")["message"].endswith("was closed by 'close_arg', which does not own it")
    m.close_constant()
    f = only("close-constant", "HPy_Close")
    assert (f["message"], f["object"]) == ("'close_constant' closed a context constant (NoneType None)", "NoneType None"), f
    assert m.return_constant() is None
    only("return-constant", "return_constant")
    m.list_builder_after_build()
    assert only("builder-reuse", "HPyListBuilder_Set")["message"].endswith("already ended by HPyListBuilder_Build")
    m.tuple_builder_after_cancel()
    only("builder-reuse", "HPyTupleBuilder_Build")
    m.tracker_after_close()
    only("builder-reuse", "HPyTracker_Add")
    assert m.utf8_after_close("hello") == ord("h")
    only("raw-data-after-close", "utf8_after_close")
    b = b"abc"
    m.bytes_write(b)
    assert b == b"abc"
    only("raw-data-write", "bytes_write")
    m.keep_ctx()
    assert m.use_kept_ctx() == 7
    only("ctx-outside-call", "HPyLong_FromInt64_t")
    # CPython's own words depend on the call path; the layer's finding does not.
    msg = raises(SystemError, m.null_without_error)
    assert re.search("returned NULL without setting an exception|error return without exception set", msg), msg
    only("null-without-error", "null_without_error")
    # Through functools.partial: CPython 3.11's specialized bytecode calls of builtins skip the
    # check for a result with an exception set, which would leave the exception pending.
    assert "returned a result with an exception set" in raises(SystemError, functools.partial(m.result_with_error))
    only("result-with-error", "result_with_error")


# Every mistake of debug.c that needs no argument check of its own: (call, (kind, function)).
def _mistakes():
    return [
        (m.leak, None),  # a leak is found by a leak check, below
        (lambda: raises(SystemError, m.use_after_close), ("use-after-close", "HPy_Repr")),
        (m.double_close, ("double-close", "HPy_Close")),
        (lambda: m.close_arg(5), ("double-close", "close_arg")),
        (m.close_constant, ("close-constant", "HPy_Close")),
        (m.return_constant, ("return-constant", "return_constant")),
        (m.list_builder_after_build, ("builder-reuse", "HPyListBuilder_Set")),
        (m.tuple_builder_after_cancel, ("builder-reuse", "HPyTupleBuilder_Build")),
        (m.tracker_after_close, ("builder-reuse", "HPyTracker_Add")),
        (lambda: m.utf8_after_close("hello"), ("raw-data-after-close", "utf8_after_close")),
        (lambda: m.bytes_write(b"abc"), ("raw-data-write", "bytes_write")),
        (lambda: (m.keep_ctx(), m.use_kept_ctx()), ("ctx-outside-call", "HPyLong_FromInt64_t")),
        (lambda: raises(SystemError, m.null_without_error), ("null-without-error", "null_without_error")),
        (lambda: raises(SystemError, functools.partial(m.result_with_error)), ("result-with-error", "result_with_error")),
        (lambda: (m.keep_arg(7), raises(SystemError, m.use_kept_arg)), ("use-after-close", "HPy_Repr")),
        (lambda: (m.keep_utf8_of_arg("hello"), m.read_kept_utf8()), ("raw-data-after-close", "keep_utf8_of_arg")),
        (lambda: raises(SystemError, m.return_arg, 1, 2), ("use-after-close", "return_arg")),
        (m.close_tracked, ("double-close", "HPy_Close")),
        (m.builder_wrong_kind, ("builder-reuse", "HPyTupleBuilder_Cancel")),
        (lambda: (m.keep_closed(), m.churn(40), raises(SystemError, m.use_kept_closed)), ("use-after-close", "HPy_Repr")),
    ]


def _run_mistakes():
    taken()
    gen = _debug.new_generation()
    found = []
    for call, expected in _mistakes():
        call()
        got = [(f["kind"], f["function"]) for f in taken()]
        assert got == ([expected] if expected else []), (call, got)
        found.append(got)
    leaks = _debug.get_open_handles(gen)
    assert [h.obj for h in leaks] == [123456], leaks
    for h in leaks:
        h._force_close()
    return found


def test_the_fast_paths_find_what_the_slow_paths_find():
    # With stack traces on, every handle is opened on the slow path (it captures the stack); off,
    # argument and result handles take the inline paths. Both find the same mistakes.
    fast = _run_mistakes()
    set_handle_stack_trace_limit(4)
    try:
        slow = _run_mistakes()
    finally:
        disable_handle_stack_traces()
    assert fast == slow
    with LeakDetector():
        assert m.clean("ok") == ("ok", 2)


def test_closed_handle_queue_limits_what_is_recognized():
    old = _debug.get_closed_handles_queue_max_size()
    try:
        # One churn round opens and closes five handles and a builder. A lower limit takes effect
        # as in HPy: while more are remembered, each open reuses the oldest remembered handle, so
        # the queue shrinks by one per open.
        for size, rounds, expected in [(64, 10, "use-after-close"), (8, 20, "invalid-handle"), (1024, 200, "use-after-close")]:
            _debug.set_closed_handles_queue_max_size(size)
            m.keep_closed()
            m.churn(rounds)
            raises(SystemError, m.use_kept_closed)
            [f] = taken()
            assert (f["kind"], f["function"]) == (expected, "HPy_Repr"), (size, f)
            assert len(_debug.get_closed_handles()) <= size
        # Not at once: what is remembered stays until opens reuse it.
        before = len(_debug.get_closed_handles())
        _debug.set_closed_handles_queue_max_size(0)
        assert len(_debug.get_closed_handles()) == before > 0
        m.keep_closed()
        m.churn(300)
        raises(SystemError, m.use_kept_closed)
        found = taken()
        assert [f["kind"] for f in found] == ["invalid-handle"], found
        assert _debug.get_closed_handles() == []
        # A builder forgotten by the queue is no longer a builder of this context.
        m.list_builder_after_build()
        assert only("builder-reuse", "HPyListBuilder_Set")["message"].endswith("which is not a live HPyListBuilder of this context")
    finally:
        _debug.set_closed_handles_queue_max_size(old)
    m.list_builder_after_build()
    assert only("builder-reuse", "HPyListBuilder_Set")["message"].endswith("already ended by HPyListBuilder_Build")


def test_keyword_values_are_wrapped_whatever_the_keyword_names():
    # The layer keeps the lengths of the last keyword-name tuples it saw: constant tuples of call
    # sites, and tuples built for each call (f(**d)), more of them than it keeps, freed between
    # calls, must each get their own count of keyword values.
    basic = load("basic", "basic.hpy0.so", debug=True)
    taken()
    with LeakDetector():
        for rnd in range(3):
            assert basic.keyword_value(1, key=2) == 2
            assert basic.keyword_value(key=3, other=4) == 3
            assert basic.keyword_value(1, 2, a=1, b=2, key=5) == 5
            assert basic.keyword_value() is None
            for n in range(9):
                kw = {f"k{i}_{rnd}": i for i in range(n)}
                kw["key"] = n
                assert basic.keyword_value(*range(n), **kw) == n
                assert basic.describe_call(*range(n), **kw) == (tuple(range(n)), tuple(kw))
                del kw
                gc.collect()
    assert taken() == []


def test_on_invalid_handle_and_builder_callbacks():
    calls = []
    _debug.set_on_invalid_handle(lambda: calls.append("handle"))
    _debug.set_on_invalid_builder_handle(lambda: calls.append("builder"))
    try:
        m.double_close()
        m.list_builder_after_build()
        m.leak()  # a leak is not an invalid handle
    finally:
        _debug.set_on_invalid_handle(None)
        _debug.set_on_invalid_builder_handle(None)
    assert calls == ["handle", "builder"], calls
    assert raises(TypeError, _debug.set_on_invalid_handle, 42) == "Expected a callable object"
    taken()


def test_handles_queues_and_stack_traces():
    gen = _debug.new_generation()
    m.leak()
    [h] = _debug.get_open_handles(gen)
    assert (h.obj, h.is_closed, h.raw_data_size) == (123456, False, -1)
    assert h == _debug.get_open_handles(gen)[0] and h.allocation_stacktrace is None
    h._force_close()
    assert h.is_closed and h.obj is None and _debug.get_open_handles(gen) == []
    assert h in _debug.get_closed_handles(gen)
    old = _debug.get_closed_handles_queue_max_size()
    assert old == 1024
    _debug.set_closed_handles_queue_max_size(7)
    assert _debug.get_closed_handles_queue_max_size() == 7
    m.churn(250)  # 1250 opens: as many handles reused as were remembered, and more
    assert len(_debug.get_closed_handles()) == 7
    _debug.set_closed_handles_queue_max_size(old)
    assert _debug.get_protected_raw_data_max_size() == 10 * 1024 * 1024
    _debug.set_protected_raw_data_max_size(4096)
    assert _debug.get_protected_raw_data_max_size() == 4096
    _debug.set_protected_raw_data_max_size(10 * 1024 * 1024)
    set_handle_stack_trace_limit(8)
    gen = _debug.new_generation()
    m.leak()
    [h] = _debug.get_open_handles(gen)
    disable_handle_stack_traces()
    assert h.allocation_stacktrace and "universal" in h.allocation_stacktrace, h.allocation_stacktrace
    h._force_close()
    taken()


def test_trace_mode_counts_the_calls_a_function_makes():
    # A copy under another name: one file loaded twice is one library, with one global context.
    folder = tempfile.mkdtemp()
    try:
        shutil.copy(os.path.join(BUILT, "debug.hpy0.so"), os.path.join(folder, "debug.hpy0.so"))
        traced = universal.load("debug", os.path.join(folder, "debug.hpy0.so"), None, mode=universal.MODE_TRACE)
    finally:
        shutil.rmtree(folder)
    before = trace.get_call_counts()
    assert set(before) >= {"ctx_Dup", "ctx_Close", "ctx_Tracker_New"} and len(before) == 189, len(before)
    assert traced.clean("ab") == ("ab", 2)
    after = trace.get_call_counts()
    assert after["ctx_Tracker_New"] == before["ctx_Tracker_New"] + 1
    changed = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    # Exactly what clean() calls, as HPy counts: the trampoline's way in is not one of them.
    assert changed == {
        "ctx_Tracker_New": 1, "ctx_Dup": 1, "ctx_Tracker_Add": 2,
        "ctx_Unicode_Check": 1, "ctx_Unicode_AsUTF8AndSize": 1, "ctx_Long_FromSsize_t": 1,
        "ctx_ListBuilder_New": 1, "ctx_ListBuilder_Set": 2, "ctx_ListBuilder_Build": 1,
        "ctx_TupleBuilder_New": 1, "ctx_TupleBuilder_Set": 2, "ctx_TupleBuilder_Build": 1,
        "ctx_Tracker_Close": 1, "ctx_Close": 1,
    }, changed
    # Timed from the start, as HPy times every call; set_durations(False) turns the clock off.
    durations = trace.get_durations()
    assert durations["ctx_Tracker_New"] > 0 and durations["ctx_CallRealFunctionFromTrampoline"] == 0, durations
    trace.set_durations(False)
    try:
        assert traced.clean("ab") == ("ab", 2)
    finally:
        trace.set_durations(True)
    assert trace.get_call_counts()["ctx_Tracker_New"] == before["ctx_Tracker_New"] + 2
    assert trace.get_durations()["ctx_Tracker_New"] == durations["ctx_Tracker_New"]
    assert trace.get_clock() in ("tsc", "monotonic")
    assert trace.get_frequency() > 0
    seen = []
    trace.set_trace_functions(on_enter=lambda name: seen.append(("enter", name)))
    traced.leak()
    trace.set_trace_functions(on_enter=None)
    assert ("enter", "ctx_Long_FromInt64_t") in seen, seen
    # The universal module is unaffected: no findings, nothing counted.
    plain = load("debug", "debug.hpy0.so")
    counts = trace.get_call_counts()
    plain.clean("ab")
    assert trace.get_call_counts() == counts


if __name__ == "__main__":
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        fn()
        print("ok", name)
