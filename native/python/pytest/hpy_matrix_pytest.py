"""The pytest plugin of hpy-matrix's pytest cells (`-p hpy_matrix_pytest`).

It writes the cell's events, one JSON object per line, to the file named by
HPY_MATRIX_RESULTS as they happen (a test's start before it runs, so that a crash names the
test), selects tests by the cell's --grep and the expectations file's skips, and on debug
backends runs every test under a leak check whose findings fail the test. It reaches the HPy of
the process through `hpy.universal` and `hpy.trace`: hpy-matrix's (the `hpy` shim) on cpython
cells, where misuse is recorded as findings instead of HPy's aborts, or the interpreter's own on
python:<interpreter> cells, whose debug mode says only which handles were left open. Plain
Python, no dependencies: it runs in whatever Python the cell uses.
"""
import json
import os
import re

import pytest

RESULTS_ENV = "HPY_MATRIX_RESULTS"
GREP_ENV = "HPY_MATRIX_GREP"
SKIP_ENV = "HPY_MATRIX_SKIP"
LEAK_CHECK_ENV = "HPY_MATRIX_LEAK_CHECK"
FINDINGS_PROPERTY = "hpy_matrix_findings"


class EventWriter:
    """Events to the results file. os.write per line: what was written survives a crash."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)

    def write(self, event):
        os.write(self.fd, (json.dumps(event) + "\n").encode("utf-8"))

    def close(self):
        os.close(self.fd)


class CellPlugin:
    """Turns pytest's reports into the cell's events: a test is the phases of one node id."""

    def __init__(self, writer):
        self.writer = writer
        self.tests = {}

    def pytest_sessionstart(self, session):
        self.writer.write({"event": "start"})

    def pytest_runtest_logstart(self, nodeid, location):
        self.tests[nodeid] = {"status": "passed", "errors": [], "ms": 0.0, "findings": []}
        self.writer.write({"event": "test-begin", "title": nodeid})

    def pytest_runtest_logreport(self, report):
        test = self.tests.setdefault(report.nodeid, {"status": "passed", "errors": [], "ms": 0.0, "findings": []})
        test["ms"] += report.duration * 1000
        ours = False
        for name, value in getattr(report, "user_properties", []):
            if name == FINDINGS_PROPERTY and report.when == "teardown":
                test["findings"].extend(value)
                ours = True
        if report.failed:
            test["status"] = "failed"
            # The leak check's own failure is the findings, not an error of the test's teardown.
            where = "" if report.when == "call" or ours else "error at %s: " % report.when
            test["errors"].append(where + report.longreprtext)
        elif report.skipped and test["status"] != "failed":
            if hasattr(report, "wasxfail"):
                test["status"] = "skipped"
                test["errors"].append("expected to fail (xfail): " + str(report.wasxfail))
            elif report.when != "teardown":
                test["status"] = "skipped"
        if report.when == "teardown":
            self.finish(report.nodeid)

    def finish(self, nodeid):
        test = self.tests.pop(nodeid, None)
        if test is None:
            return
        event = {"event": "test-end", "title": nodeid, "status": test["status"], "durationMs": round(test["ms"])}
        if test["status"] == "failed" and test["errors"]:
            event["error"] = "\n".join(test["errors"])
        if test["findings"]:
            event["findings"] = test["findings"]
        self.writer.write(event)

    def pytest_sessionfinish(self, session, exitstatus):
        for nodeid in list(self.tests):
            self.finish(nodeid)
        counts = trace_counts()
        if counts:
            self.writer.write({"event": "trace", "counts": counts})
        outside = outside_findings()
        if outside:
            self.writer.write({"event": "test-begin", "title": "(debug findings outside tests)"})
            self.writer.write({"event": "test-end", "title": "(debug findings outside tests)", "status": "failed",
                               "durationMs": 0, "error": summarize(outside), "findings": outside})
        self.writer.write({"event": "end"})

    def pytest_unconfigure(self, config):
        self.writer.close()


class Selection:
    """The cell's --grep (a regular expression on node ids) and the tests not to run."""

    def __init__(self, grep, skip):
        self.grep = re.compile(grep) if grep else None
        self.skip = set(skip)

    def pytest_collection_modifyitems(self, session, config, items):
        kept, dropped = [], []
        for item in items:
            (dropped if self.grep is not None and not self.grep.search(item.nodeid) else kept).append(item)
            if item.nodeid in self.skip:
                item.add_marker(pytest.mark.skip(reason="the expectations file says SKIP"))
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept


def debug_module():
    from hpy.universal import _debug
    return _debug


def records_findings(debug):
    """hpy-matrix's debug layer records misuse as findings; another HPy's aborts instead."""
    return hasattr(debug, "get_findings")


class LeakCheck:
    """On a debug backend: handles a test opened and left open, and every other finding of the
    debug layer during the test, fail it, one line per finding."""

    @pytest.fixture(autouse=True)
    def _hpy_matrix_leak_check(self, request):
        debug = debug_module()
        generation = debug.new_generation()
        yield
        if records_findings(debug):
            debug.check_leaks(generation)
            found = debug.get_findings()
            debug.clear_findings()
        else:
            found = [open_handle(h) for h in debug.get_open_handles(generation)]
        if found:
            request.node.user_properties.append((FINDINGS_PROPERTY, [clean(f) for f in found]))
            pytest.fail(summarize(found), pytrace=False)


def open_handle(handle):
    """A handle another HPy's debug mode reports open, as a finding: it does not say which
    extension function opened it."""
    try:
        obj = handle.obj
        what = "%s %s" % (type(obj).__name__, repr(obj)[:60])
    except BaseException:  # noqa: BLE001 - a closed or odd object still makes a finding
        what = None
    ident = int(getattr(handle, "id", 0))
    return {"kind": "leak", "function": "?", "handle": ident, "object": what,
            "message": "handle %d was never closed" % ident}


def clean(finding):
    """A finding as the cell's events carry it: no empty object or stack."""
    out = {"kind": finding["kind"], "function": finding["function"], "handle": finding["handle"], "message": finding["message"]}
    if finding.get("object") is not None:
        out["object"] = finding["object"]
    if finding.get("stack"):
        out["stack"] = list(finding["stack"])
    return out


def outside_findings():
    """What the debug layer found outside any test (module imports, fixtures of wider scope)."""
    if os.environ.get(LEAK_CHECK_ENV) != "1":
        return []
    debug = debug_module()
    if not records_findings(debug):
        return []
    found = [clean(f) for f in debug.get_findings()]
    debug.clear_findings()
    return found


def trace_counts():
    """On a trace backend: calls and nanoseconds per context function over the session, as mocha
    cells report them (what `hpy-matrix coverage --exercised` adds up)."""
    if os.environ.get("HPY") != "trace":
        return {}
    from hpy import trace
    durations = trace.get_durations()
    return {str(name): {"calls": int(calls), "ns": int(durations.get(name, 0))}
            for name, calls in trace.get_call_counts().items() if calls}


def summarize(findings):
    """One line per finding; leaks grouped by the extension function that opened them, in the
    words the mocha cells use: "leak: 2 handles opened in 'f' were never closed (int 1, str 'a')"."""
    leaks, lines = {}, []
    for f in findings:
        if f["kind"] == "leak":
            leaks.setdefault(f["function"], []).append(f.get("object") or "an object")
        else:
            lines.append("%s: %s" % (f["kind"], f["message"]))
    head = []
    for function, objects in leaks.items():
        n = len(objects)
        head.append("leak: %d handle%s opened in '%s' %s never closed (%s)"
                    % (n, "" if n == 1 else "s", function, "was" if n == 1 else "were", ", ".join(objects)))
    return "\n".join(head + lines)


def pytest_configure(config):
    # Taken out of the environment: the Python processes the tests start are not the cell.
    results = os.environ.pop(RESULTS_ENV, None)
    grep = os.environ.pop(GREP_ENV, None)
    skip = json.loads(os.environ.pop(SKIP_ENV, "[]"))
    if results is not None:
        config.pluginmanager.register(CellPlugin(EventWriter(results)), "hpy_matrix_cell")
    if grep or skip:
        config.pluginmanager.register(Selection(grep, skip), "hpy_matrix_selection")
    if os.environ.get(LEAK_CHECK_ENV) == "1":
        # The matrix runner's answer to misuse: findings, reported per test, never an abort (the
        # drop-in's default is HPy's). The Python processes the tests start keep HPy's.
        debug = debug_module()
        if records_findings(debug):
            debug.set_record_findings(True)
        config.pluginmanager.register(LeakCheck(), "hpy_matrix_leak_check")
