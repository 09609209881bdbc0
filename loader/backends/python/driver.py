# hpy-matrix's driver for the python:<interpreter> backend: runs inside the interpreter under test
# and serves the Backend contract over two pipes (requests on fd 3, answers on fd 4), one JSON
# document per line. Plain Python, standard library only: it must start on Python 3.8+, PyPy 3.9
# and GraalPy alike, and it never loads a binary itself unless asked to (the handshake comes first).
#
# Requests:  [op, released_ids, *args]        answers: [0, value]         a result
#                                                      [1, error]         a Python exception
#                                                      [2, fid, args, kw] a call of a JavaScript function
# While a JavaScript function runs, requests nest; its outcome comes back as ["ret", ids, value],
# ["raise", ids, exception] or ["fail", ids, message].
#
# Values, JavaScript to Python: null, true/false, integers up to 2**53, strings as JSON; tagged lists
# for the rest: ["r", id] an object held here, ["f", "1.5"] a float, ["I", "-1f"] an int in hex,
# ["y", "base64"] bytes. Python to JavaScript: None, bools, ints up to 2**53 and str as JSON;
# ["f", x] a float (x a string when not finite), ["I", hex] a larger int, ["r", id, kind] an object
# now held here under id until JavaScript releases it.
import os
import sys

# The script's own folder must not shadow anything the interpreter imports (hpy above all).
if sys.path and os.path.dirname(os.path.abspath(__file__)) == os.path.abspath(sys.path[0] or "."):
    del sys.path[0]

import binascii
import gc
import json

REQUESTS_FD = 3
ANSWERS_FD = 4
MAX_SAFE = 2 ** 53 - 1
# Kinds as the Backend contract names them, by exact type: subclasses are 'other' (9).
KINDS = {type(None): 0, bool: 1, int: 2, float: 3, str: 4, bytes: 5, tuple: 6, list: 7, dict: 8}
THIS_FILE = os.path.abspath(__file__)
# Built once: json.dumps and json.loads with arguments of their own build one per call.
ENCODE = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
DECODE = json.JSONDecoder().decode


def die_with_parent():
    """Linux: the kernel kills this process when the Node process that started it dies, even if an
    extension hangs in C code and never reads its next request (an orphan would spin forever)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except Exception:
        # No ctypes (some builds): a driver waiting for a request still ends at end of file.
        pass
    if os.getppid() == 1:
        os._exit(0)


def open_pipes():
    """The pipes arrive as fds 3 and 4, opened for reading and writing both. Reopened one way each,
    so that this process holds no writer of its own requests pipe: when Node goes away, reading it
    ends (end of file) instead of waiting forever."""
    fds = []
    for fd, flags in ((REQUESTS_FD, os.O_RDONLY), (ANSWERS_FD, os.O_WRONLY)):
        try:
            one_way = os.open("/proc/self/fd/%d" % fd, flags)
        except OSError:
            fds.append(fd)
            continue
        os.close(fd)
        fds.append(one_way)
    return fds


def hpy_report():
    """What the handshake says about the interpreter's own HPy, without loading anything with it."""
    try:
        import hpy.universal as universal
    except BaseException as e:
        return None, "%s: %s" % (type(e).__name__, e)
    try:
        version = universal.get_version()
    except BaseException as e:
        return None, "hpy.universal.get_version() failed: %s: %s" % (type(e).__name__, e)
    if isinstance(version, tuple):
        number, revision = (str(version[0]), str(version[1]) if len(version) > 1 else "")
    else:
        number, revision = str(version), ""
    modes = [m for m in ("MODE_UNIVERSAL", "MODE_DEBUG", "MODE_TRACE") if hasattr(universal, m)]
    return {"version": number, "revision": revision, "modes": modes,
            "file": getattr(universal, "__file__", None)}, None


# Calls as a plain call site makes them, `f(a, b, key=c)`: CPython checks the result of such a call
# (a NULL without an exception, or a result with one set, become SystemError at once), which the
# f(*args, **kwargs) form skips. Compiled once per shape, as code of the module 'sys' at line 1:
# where CPython places a call made from outside any Python frame (warnings name that location),
# which is what a call from JavaScript is on the in-process backends.
CALL_SITE_GLOBALS = {"__name__": "sys", "__builtins__": __builtins__}
CALL_SITES = {}
CALL_SITE_CODES = set()


def call_site(nargs, names):
    site = CALL_SITES.get((nargs, names))
    if site is not None:
        return site
    import keyword
    if len(CALL_SITES) > 256 or not all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
        return lambda f, a, k: f(*a, **dict(zip(names, k)))
    arguments = ["a[%d]" % i for i in range(nargs)] + ["%s=k[%d]" % (n, i) for i, n in enumerate(names)]
    namespace = {}
    exec(compile("def call(f, a, k): return f(%s)" % ", ".join(arguments), "sys", "exec"), CALL_SITE_GLOBALS, namespace)
    site = CALL_SITES[(nargs, names)] = namespace["call"]
    CALL_SITE_CODES.add(site.__code__)
    return site


class Driver:
    def __init__(self, requests, answers_fd):
        self.requests = requests
        self.answers_fd = answers_fd
        self.objects = {}
        self.next_id = 1
        self.universal = None
        # HPy's trace counters cannot be reset: counts are reported relative to this.
        self.trace_base = {}
        self.findings = []

    # --- the wire -------------------------------------------------------------------------------

    def send(self, message):
        data = (ENCODE(message) + "\n").encode("ascii")
        view = memoryview(data)
        while view:
            view = view[os.write(self.answers_fd, view):]

    def hold(self, o):
        i = self.next_id
        self.next_id = i + 1
        self.objects[i] = o
        return i

    def put(self, o):
        t = type(o)
        if t is int:
            return o if -MAX_SAFE <= o <= MAX_SAFE else ["I", format(o, "x")]
        if t is str or t is bool or o is None:
            return o
        if t is float:
            return ["f", o if o - o == 0 else repr(o)]
        return ["r", self.hold(o), KINDS.get(t, 9)]

    def get(self, x):
        if type(x) is list:
            tag = x[0]
            if tag == "r":
                try:
                    return self.objects[x[1]]
                except KeyError:
                    raise RuntimeError("hpy-matrix driver: no object #%s (released already)" % x[1]) from None
            if tag == "f":
                return float(x[1])
            if tag == "I":
                return int(x[1], 16)
            if tag == "y":
                return binascii.a2b_base64(x[1])
            raise RuntimeError("hpy-matrix driver: unknown value tag %r" % (tag,))
        return x

    def release(self, ids):
        objects = self.objects
        for i in ids:
            objects.pop(i, None)

    def error(self, e):
        # The driver's own frames would keep the call's arguments alive as long as the exception.
        tb = e.__traceback__
        while tb is not None and (tb.tb_frame.f_code.co_filename == THIS_FILE or tb.tb_frame.f_code in CALL_SITE_CODES):
            tb = tb.tb_next
        try:
            e.__traceback__ = tb
        except Exception:
            pass
        try:
            message = str(e)
        except BaseException:
            message = "<exception str() failed>"
        chain = []
        x = e
        while x is not None and len(chain) < 100:
            chain.append(type(x).__name__)
            x = x.__cause__ if x.__cause__ is not None else x.__context__
        return [self.hold(e), type(e).__name__, message, chain]

    def serve(self):
        """Answers requests until the end of the requests pipe (returns None) or until the
        JavaScript function being called returns (returns its outcome)."""
        readline = self.requests.readline
        handlers = self.handlers
        while True:
            line = readline()
            if not line:
                return None
            message = DECODE(line.decode("utf-8", "surrogatepass"))
            op = message[0]
            if message[1]:
                self.release(message[1])
            if op == "ret" or op == "raise" or op == "fail":
                return message
            try:
                answer = [0, handlers[op](self, *message[2:])]
            except BaseException as e:
                answer = [1, self.error(e)]
            try:
                self.send(answer)
            except BaseException as e:
                # An answer that cannot be written (a value JSON cannot carry, or an exception
                # an extension left set that surfaces here) is the call's error, not the driver's end.
                self.send([1, self.error(e)])

    # --- operations -------------------------------------------------------------------------------

    def op_ping(self):
        return None

    def op_load(self, name, path, mode):
        import importlib.machinery
        universal = self.universal
        if universal is None:
            import hpy.universal as universal
            self.universal = universal
        spec = importlib.machinery.ModuleSpec(name, None, origin=path)
        if mode == "debug":
            # hpy-matrix's drop-in answers misuse as HPy does unless told to record it as findings,
            # which the matrix reports (an official HPy aborts, having no such switch).
            record = getattr(getattr(universal, "_debug", None), "set_record_findings", None)
            if record is not None:
                record(True)
        if hasattr(universal, "MODE_UNIVERSAL"):
            m = universal.load(name, path, spec, mode=getattr(universal, "MODE_" + mode.upper()))
        else:
            # Before HPy 0.9 there were no modes: only debug=True.
            m = universal.load(name, path, debug=(mode == "debug"))
        if type(m).__name__ == "module":
            sys.modules[name] = m
        return self.put(m)

    def op_import(self, name):
        import importlib
        return self.put(importlib.import_module(name))

    def op_call(self, f, args, kwargs):
        get = self.get
        f = get(f)
        args = [get(a) for a in args]
        if kwargs:
            return self.put(call_site(len(args), tuple(k for k, _ in kwargs))(f, args, [get(v) for _, v in kwargs]))
        return self.put(call_site(len(args), ())(f, args, ()))

    def op_getattr(self, o, name):
        return self.put(getattr(self.get(o), name))

    def op_hasattr(self, o, name):
        try:
            getattr(self.get(o), name)
        except AttributeError:
            return False
        return True

    def op_setattr(self, o, name, value):
        setattr(self.get(o), name, self.get(value))

    def op_delattr(self, o, name):
        delattr(self.get(o), name)

    def op_repr(self, o):
        return repr(self.get(o))

    def op_str(self, o):
        return str(self.get(o))

    def op_type(self, o):
        return type(self.get(o)).__name__

    def op_is(self, a, b):
        return self.get(a) is self.get(b)

    def op_callable(self, o):
        return callable(self.get(o))

    def op_tuple(self, items):
        return self.put(tuple([self.get(x) for x in items]))

    def op_list(self, items):
        return self.put([self.get(x) for x in items])

    def op_dict(self, entries):
        get = self.get
        d = {}
        for k, v in entries:
            d[get(k)] = get(v)
        return self.put(d)

    def op_items(self, o):
        put = self.put
        return [put(x) for x in list(self.get(o))]

    def op_entries(self, o):
        put = self.put
        return [[put(k), put(v)] for k, v in self.get(o).items()]

    def op_bytes(self, o):
        return binascii.b2a_base64(self.get(o), newline=False).decode("ascii")

    def op_function(self, name, fid):
        driver = self

        def function(*args, **kwargs):
            put = driver.put
            driver.send([2, fid, [put(a) for a in args], [[k, put(v)] for k, v in kwargs.items()]])
            outcome = driver.serve()
            if outcome is None:
                os._exit(0)
            kind, value = outcome[0], outcome[2]
            if kind == "ret":
                return driver.get(value)
            if kind == "raise":
                raise driver.get(value)
            raise RuntimeError("JavaScript error: %s" % value)

        function.__name__ = function.__qualname__ = name
        return self.put(function)

    def op_gc(self):
        """Collects until a collection finds nothing (CPython's count; other collectors say None:
        then twice, which runs the finalizers the first one queued)."""
        freed = False
        for _ in range(100):
            n = gc.collect()
            if n is None:
                gc.collect()
                break
            if n == 0:
                break
            freed = True
        return freed

    def op_missing(self):
        import hpy.universal as universal
        missing = getattr(universal, "_missing_members", None)
        return None if missing is None else [str(m) for m in missing()]

    # The interpreter's own debug mode (hpy.universal._debug), for leak checks around each test.

    def debug_module(self):
        import hpy.universal as universal
        return universal._debug

    def op_debug_generation(self):
        return self.debug_module().new_generation()

    def op_debug_leaks(self, generation):
        leaks = []
        for h in self.debug_module().get_open_handles(generation):
            try:
                obj = h.obj
                what = "%s %s" % (type(obj).__name__, repr(obj)[:60])
            except BaseException:
                what = None
            stack = getattr(h, "allocation_stacktrace", None)
            leaks.append({"handle": int(getattr(h, "id", 0)), "object": what,
                          "stack": stack.splitlines() if stack else None})
        return leaks

    def op_debug_findings(self):
        debug = self.debug_module()
        take = getattr(debug, "get_findings", None)
        if take is None:
            return []
        found = [dict(f) for f in take()]
        debug.clear_findings()
        return found

    def op_debug_stack_limit(self, frames):
        self.debug_module().set_handle_stack_trace_limit(frames if frames > 0 else None)

    # The interpreter's own trace mode (hpy.trace).

    def op_trace_counts(self):
        import hpy.trace as trace
        calls = trace.get_call_counts()
        durations = trace.get_durations()
        base = self.trace_base
        out = {}
        for name, n in calls.items():
            before = base.get(name, (0, 0))
            n = int(n) - before[0]
            if n > 0:
                out[str(name)] = [n, int(durations.get(name, 0)) - before[1]]
        return out

    def op_trace_reset(self):
        import hpy.trace as trace
        durations = trace.get_durations()
        self.trace_base = {name: (int(n), int(durations.get(name, 0))) for name, n in trace.get_call_counts().items()}


Driver.handlers = {name[3:]: f for name, f in vars(Driver).items() if name.startswith("op_")}


def hello():
    """The interpreter and its HPy, as the handshake (and --describe) report them."""
    hpy, hpy_error = hpy_report()
    impl = sys.implementation
    return {
        "driver": 1,
        "implementation": impl.name,
        "version": "%d.%d.%d" % sys.version_info[:3],
        "implementationVersion": "%d.%d.%d" % tuple(impl.version[:3]),
        "executable": sys.executable,
        "pid": os.getpid(),
        "hpy": hpy,
        "hpyError": hpy_error,
    }


def main():
    if sys.argv[1:] == ["--describe"]:
        # For a run's report of its interpreters: the handshake alone, on stdout, no pipes.
        sys.stdout.write(json.dumps(hello()) + "\n")
        return
    try:
        import faulthandler
        # A crash of the interpreter prints its Python stack: the backend shows it with the signal.
        faulthandler.enable()
    except Exception:
        pass
    requests_fd, answers_fd = open_pipes()
    driver = Driver(os.fdopen(requests_fd, "rb", buffering=1 << 16), answers_fd)
    driver.send(hello())
    # After the hello, which it would delay (ctypes takes a few ms to import) while Node waits.
    die_with_parent()
    driver.serve()
    # End of the requests pipe: Node closed the backend or went away. No teardown of the
    # interpreter: nothing is left to say, and an extension's finalizers must not hang the exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
