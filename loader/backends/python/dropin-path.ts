// hpy-matrix's drop-in as a python3's own HPy, for python:python3 without official HPy (what CI and
// the tests run): the `hpy` package of native/python/shim, which pytest cells put in front the same
// way, and the folder of the drop-in module it hands out as hpy.universal.
import path from 'node:path';
import { packageRoot } from '../../package-root.js';

/**
 * PYTHONPATH for it; `dropinFolder` is the drop-in module's folder (`hpy-matrix python-path`).
 * Interpreters other than CPython keep their own HPy under this PYTHONPATH: the shim steps aside.
 */
export function dropinPythonPath(dropinFolder: string): string {
  return [path.join(packageRoot(), 'native', 'python', 'shim'), dropinFolder].join(path.delimiter);
}
