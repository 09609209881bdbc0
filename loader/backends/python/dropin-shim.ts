// A package `hpy` that makes hpy-matrix's drop-in module the interpreter's own HPy: with its folder
// and the drop-in's (`hpy-matrix python-path`) on PYTHONPATH, `import hpy.universal` in plain
// python3 gives `hpy_matrix.universal`, and hpy.debug and hpy.trace its tooling. This is how CI
// runs `python:python3` without official HPy: a real module in a real separate interpreter.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The drop-in is built for CPython: on another interpreter (PyPy and GraalPy ship an `hpy` of
 * their own) the package takes its folder off sys.path and imports that one in its place, so that
 * one PYTHONPATH serves a run of python:python3 beside python:pypy3.
 */
const INIT = `"""HPy as hpy-matrix's drop-in module provides it (a shim written by hpy-matrix, not official HPy)."""
import sys

if sys.implementation.name != "cpython":
    import importlib
    import os

    _shim = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _shim]
    del sys.modules[__name__]
    sys.modules[__name__] = importlib.import_module(__name__)
`;

/** Each module of the shim replaces itself in sys.modules with the drop-in's counterpart. */
const alias = (target: string, what: string) => `"""${what}: hpy-matrix's ${target}, put here by the python:<interpreter> drop-in shim."""
import importlib
import sys

sys.modules[__name__] = importlib.import_module("${target}")
`;

const FILES: Record<string, string> = {
  'hpy/__init__.py': INIT,
  'hpy/universal.py': alias('hpy_matrix.universal', 'hpy.universal'),
  'hpy/debug/__init__.py': alias('hpy_matrix.debug', 'hpy.debug'),
  'hpy/trace/__init__.py': alias('hpy_matrix.trace', 'hpy.trace'),
};

/** Writes the shim's package `hpy` into `dir`; returns the PYTHONPATH that puts both in use. */
export function writeDropinShim(dir: string, dropinPythonPath: string): string {
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return [dir, dropinPythonPath].join(path.delimiter);
}
