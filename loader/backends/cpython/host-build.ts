// Builds native/cpython into `hpy_matrix/universal<EXT_SUFFIX>` for one Python, cached by a hash
// of the sources, our headers, the Python headers' location and version, and the flags. The
// result is both the drop-in Python package (its folder goes on PYTHONPATH) and the library the
// `cpython` backend loads into Node. Synchronous: backends are created synchronously, and after
// the first build this is a few stat calls.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { filesUnder } from '../../build/cache.js';
import { buildNative, NativeBuildError } from '../../build/native-library.js';
import { packageRoot } from '../../package-root.js';
import { findPython, PYTHON_INFO_ENV, PythonSetupError, type PythonInfo } from './python.js';

export interface Host {
  /** Folder to put on PYTHONPATH: holds the package `hpy_matrix`. */
  pythonPath: string;
  /** The shared library itself. */
  library: string;
}

/**
 * The host library for `python`, built if this exact build is not cached yet: the cpython
 * context with the debug and trace layers, as the package `hpy_matrix`.
 */
export function ensureHost(python: PythonInfo, cc?: string): Host {
  const prepared = process.env[HOST_ENV];
  if (prepared) {
    const host = JSON.parse(prepared) as Host & { python: string };
    if (host.python === python.executable && existsSync(host.library)) return { pythonPath: host.pythonPath, library: host.library };
  }
  const native = path.join(packageRoot(), 'native');
  const dirs = ['cpython', 'debug'].map((d) => path.join(native, d));
  const sources = dirs.flatMap(filesUnder).filter((f) => f.endsWith('.c'));
  let entry;
  try {
    entry = buildNative({
      kind: 'cpython-host',
      inputs: [...dirs, path.join(native, 'include'), path.join(native, 'python')],
      sources,
      args: [`-I${python.include}`, `-I${path.join(native, 'include')}`, ...dirs.map((d) => `-I${d}`)],
      key: `${python.include}\0${python.version}\0${python.extSuffix}`,
      output: path.join('hpy_matrix', `universal${python.extSuffix}`),
      cc,
    });
  } catch (e) {
    if (!(e instanceof NativeBuildError)) throw e;
    throw new PythonSetupError(e.message.startsWith("'")
      ? `the cpython backend is built with a C compiler: ${e.message}`
      : `building the cpython backend failed:\n${e.message.replace(/^compiling [^\n]*\n/, '')}`);
  }
  // The package's Python half (hpy_matrix/__init__.py, hpy_matrix/debug...) beside the library;
  // the entry's key covers these files, so a complete entry has the right ones.
  const pythonHalf = path.join(entry.dir, 'hpy_matrix');
  if (entry.built || !existsSync(path.join(pythonHalf, '__init__.py'))) {
    cpSync(path.join(native, 'python', 'hpy_matrix'), pythonHalf, { recursive: true });
  }
  return { pythonPath: entry.dir, library: entry.library };
}

/**
 * Finds the Python and builds the host once, in this process, and returns the environment that
 * lets child processes (matrix cells) use both without asking again: `python3` behind a pyenv
 * shim costs about 300 ms per query, and parallel cells would otherwise race to build.
 */
export function prepareCPython(): Record<string, string> {
  const info = findPython();
  const host = ensureHost(info);
  return { [PYTHON_INFO_ENV]: JSON.stringify(info), [HOST_ENV]: JSON.stringify({ ...host, python: info.executable }) };
}

/** Set by prepareCPython's caller for its children: the host it built, so they skip hashing native/. */
const HOST_ENV = 'HPY_MATRIX_CPYTHON_HOST';

/** The Python and host that prepareCPython put in `env`, for a parent that starts that Python itself. */
export function preparedPython(env: Record<string, string>): { python: PythonInfo; host: Host } | undefined {
  const info = env[PYTHON_INFO_ENV];
  const host = env[HOST_ENV];
  if (info === undefined || host === undefined) return undefined;
  const { pythonPath, library } = JSON.parse(host) as Host;
  return { python: JSON.parse(info) as PythonInfo, host: { pythonPath, library } };
}
