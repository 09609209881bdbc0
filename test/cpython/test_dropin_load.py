"""Loading through hpy_matrix.universal: the module's surface and every refusal, as hpy.universal
does them. Usage: python3 test_dropin_load.py <folder of built binaries>"""
import importlib.util
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


def test_load_bootstrap_honours_the_HPY_variable():
    path = os.path.join(BUILT, "handmade_ok.hpy0.so")

    def boot(env):
        spec = spec_for("pkg.handmade_ok", path)
        return universal._load_bootstrap("handmade_ok", "pkg.handmade_ok", "pkg", path, "the loader", spec, env)

    m = boot({})
    assert (m.__name__, m.__package__, m.__file__, m.__loader__) == ("handmade_ok", "pkg", path, "the loader")
    assert m.__spec__.origin == path
    assert boot({"HPY": "other:debug"}).__name__ == "handmade_ok"
    assert boot({"HPY": "Universal"}).__name__ == "handmade_ok"
    assert raises(ValueError, boot, {"HPY": "bogus"}) == "invalid HPy mode: bogus"
    assert boot({"HPY": "handmade_ok:debug"}).__name__ == "handmade_ok"
    assert boot({"HPY": "trace"}).__name__ == "handmade_ok"


if __name__ == "__main__":
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and callable(f)]
    for name, fn in tests:
        fn()
        print("ok", name)
