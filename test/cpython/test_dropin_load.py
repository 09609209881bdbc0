"""Loading through hpy_matrix.universal: the module's surface and every refusal, as hpy.universal
does them. Usage: python3 test_dropin_load.py <folder of built binaries>"""
import contextlib
import importlib.util
import io
import os
import shutil
import sys
import tempfile

from hpy_matrix import universal

BUILT = sys.argv[1]


def spec_for(name, path):
    return importlib.util.spec_from_file_location(name, path)


def load(name, path, **kw):
    return universal.load(name, path, spec_for(name, path), **kw)


def raises(exc_type, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except exc_type as e:
        return str(e)
    raise AssertionError(f"{fn.__name__} did not raise {exc_type.__name__}")


def test_surface():
    assert universal.get_version() == ("0.9.0", "hpy-matrix")
    assert (universal.MODE_UNIVERSAL, universal.MODE_DEBUG, universal.MODE_TRACE) == (0, 1, 2)


def test_loads_a_module():
    path = os.path.join(BUILT, "handmade_ok.hpy0.so")
    m = load("handmade_ok", path)
    assert type(m).__name__ == "module"
    assert m.__name__ == "handmade_ok" and m.__doc__ == "handmade module" and m.__file__ == path


def test_newer_minor_version_is_refused_before_running_code():
    path = os.path.join(BUILT, "minor.hpy0.so")
    msg = raises(RuntimeError, load, "minor", path)
    assert msg == ("HPy extension module 'minor' requires unsupported version of the HPy runtime. "
                   "Requested version: 0.3. Current HPy version: 0.0."), msg


def test_abi_tag_mismatch():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "handmade_ok.hpy1.so")
        shutil.copy(os.path.join(BUILT, "handmade_ok.hpy0.so"), path)
        msg = raises(RuntimeError, load, "handmade_ok", path)
        assert msg == (f"HPy extension module 'handmade_ok' at path '{path}': mismatch between the HPy ABI tag "
                       "encoded in the filename and the major version requested by the HPy extension itself. "
                       "Major version tag parsed from filename: 1. Requested version: 0.0."), msg
        untagged = os.path.join(d, "handmade_ok.so")
        shutil.copy(os.path.join(BUILT, "handmade_ok.hpy0.so"), untagged)
        msg = raises(RuntimeError, load, "handmade_ok", untagged)
        assert msg == (f"HPy extension module 'handmade_ok' at path '{untagged}': could not find HPy ABI tag "
                       "encoded in the filename. The extension claims to be compiled with HPy ABI version: 0.0."), msg


def test_missing_file_and_missing_entry_point():
    missing = os.path.join(BUILT, "nothere.hpy0.so")
    msg = raises(RuntimeError, load, "nothere", missing)
    assert msg.startswith(f"Error during loading of the HPy extension module at path '{missing}'. "
                          "Error message from dlopen:"), msg
    path = os.path.join(BUILT, "noinit.hpy0.so")
    msg = raises(RuntimeError, load, "noinit", path)
    assert "while trying to find symbol 'HPyInit_noinit'" in msg, msg


def test_init_returning_null():
    path = os.path.join(BUILT, "initnull.hpy0.so")
    msg = raises(RuntimeError, load, "initnull", path)
    assert msg == (f"Error during loading of the HPy extension module at path '{path}'. "
                   "Function 'HPyInit_initnull' returned NULL."), msg


def test_bad_arguments():
    assert "load() missing required argument 'spec'" in raises(TypeError, universal.load, "x", "y.hpy0.so")
    msg = raises(ValueError, load, "handmade_ok", os.path.join(BUILT, "handmade_ok.hpy0.so"), mode=7)
    assert msg == "invalid HPy mode: 7", msg


def test_load_bootstrap_sets_the_import_attributes():
    path = os.path.join(BUILT, "handmade_ok.hpy0.so")
    spec = spec_for("pkg.handmade_ok", path)
    m = universal._load_bootstrap("handmade_ok", "pkg.handmade_ok", "pkg", path, "the loader", spec, {})
    assert (m.__name__, m.__package__, m.__file__, m.__loader__) == ("pkg.handmade_ok", "pkg", path, "the loader")
    assert m.__spec__ is spec and spec.origin == path


def boot_basic(env):
    """basic.c through _load_bootstrap, as a stub loader of the module `pkg.basic` does it."""
    path = os.path.join(BUILT, "basic.hpy0.so")
    return universal._load_bootstrap("basic", "pkg.basic", "pkg", path, None, spec_for("pkg.basic", path), env)


def mode_of(env):
    """The mode basic.c was loaded in, from the name of the context its function runs with."""
    name = boot_basic(env).context_facts()[0]
    for prefix, mode in (("HPy Universal ABI", "universal"), ("HPy Debug Mode ABI", "debug"),
                         ("HPy Trace Mode ABI", "trace")):
        if name.startswith(prefix):
            return mode
    raise AssertionError(f"unexpected context name {name!r}")


# HPY as HPy 0.9.0's _load_bootstrap reads it (hpymodule.c, get_hpy_mode_from_environ). Checked
# against hpy.universal 0.9.0 itself: every row gives the same there.
HPY_VALUES = [
    (None, "universal"),
    ("", "debug"),  # the empty word is a prefix of "debug", which is tried first
    ("debug", "debug"), ("TRACE", "trace"), ("Universal", "universal"),
    ("d", "debug"), ("tr", "trace"), ("univ", "universal"), ("u", "universal"),
    ("basic:trace", "trace"),
    ("bas:debug", "debug"),  # an entry names every module whose name it begins
    (":trace", "trace"),
    ("basic:", "debug"),
    ("basic:univ", "universal"),
    ("other:debug,basic:trace", "trace"),
    ("basic:trace,basic:debug", "trace"),  # the first entry that names the module decides
    ("other:debug, basic:trace", None),  # " basic" does not begin "basic"
    ("other:debug", None),  # a module no entry names is an error, not universal mode
    ("basicx:debug", None),
    ("other:debug,basic", None),
    ("basic:bogus", None), ("bogus", None), ("debugger", None), ("universal ", None),
]


def test_load_bootstrap_reads_HPY_as_hpy_universal_does():
    for value, expected in HPY_VALUES:
        env = {} if value is None else {"HPY": value}
        if expected is None:
            msg = raises(ValueError, boot_basic, env)
            assert msg == f"invalid HPy mode: {value}", (value, msg)
        else:
            assert mode_of(env) == expected, (value, mode_of(env), expected)


def test_load_bootstrap_reports_a_bad_HPY_or_env():
    long_value = "x" * 60
    assert raises(ValueError, boot_basic, {"HPY": long_value}) == "invalid HPy mode: " + "x" * 50
    assert raises(TypeError, boot_basic, {"HPY": 1}) == "bad argument type for built-in operation"
    assert raises(TypeError, boot_basic, None) == "'NoneType' object is not subscriptable"

    class Failing(dict):
        def __getitem__(self, key):
            raise LookupError(f"no {key} here")
    # A dict, even of a subclass, is read directly; any other mapping answers for itself.
    assert mode_of(Failing(HPY="trace")) == "trace"

    class Env:
        """A mapping that is no dict, as os.environ is not; `broken` keys fail to read."""
        def __init__(self, broken=(), **items):
            self.broken, self.items = broken, items

        def __getitem__(self, key):
            if key in self.broken:
                raise OSError(f"{key} unreadable")
            return self.items[key]
    assert mode_of(Env(HPY="trace")) == "trace"
    assert mode_of(Env()) == "universal"  # its KeyError means no HPY
    assert raises(OSError, boot_basic, Env(broken=["HPY"])) == "HPY unreadable"
    assert raises(OSError, boot_basic, Env(broken=["HPY_LOG"], HPY="trace")) == "HPY_LOG unreadable"


def test_HPY_LOG_says_which_mode_a_module_loads_in():
    def printed(env):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            boot_basic(env)
        return out.getvalue()

    assert printed({"HPY": "basic:trace"}) == ""
    assert printed({"HPY_LOG": ""}) == "Loading 'basic' in HPy universal mode\n"
    assert printed({"HPY": "d", "HPY_LOG": "1"}) == "Loading 'basic' in HPy universal mode with a debug context\n"
    assert printed({"HPY": "basic:trace", "HPY_LOG": "no"}) == "Loading 'basic' in HPy universal mode with a trace context\n"


if __name__ == "__main__":
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        fn()
        print("ok", name)
