// Builds native/cpython into `hpy_matrix/universal<EXT_SUFFIX>` for one Python, cached by a hash
// of the sources, our headers, the Python headers' location and version, and the flags. The
// result is both the drop-in Python package (its folder goes on PYTHONPATH) and the library the
// `cpython` backend loads into Node. Synchronous: backends are created synchronously, and after
// the first build this is a few stat calls.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../package-root.js';
import { findPython, PYTHON_INFO_ENV, PythonSetupError, type PythonInfo } from './python.js';

const FLAGS = ['-std=c11', '-Wall', '-Wextra', '-O2', '-fPIC', '-shared', '-fvisibility=hidden'];
const RECIPE = 'hpy-matrix cpython host 1';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export function hostCacheRoot(): string {
  const base = process.env.HPY_MATRIX_CACHE_DIR || path.join(os.homedir(), '.cache', 'hpy-matrix', 'builds');
  return path.join(base, 'cpython-host');
}

export interface Host {
  /** Folder to put on PYTHONPATH: holds the package `hpy_matrix`. */
  pythonPath: string;
  /** The shared library itself. */
  library: string;
}

/** The host library for `python`, built if this exact build is not cached yet. */
export function ensureHost(python: PythonInfo, cc = process.env.CC || 'cc'): Host {
  const native = path.join(packageRoot(), 'native');
  const sources = filesUnder(path.join(native, 'cpython')).filter((f) => f.endsWith('.c'));
  const hash = createHash('sha256');
  hash.update(`${RECIPE}\0${JSON.stringify(FLAGS)}\0${python.include}\0${python.version}\0${python.extSuffix}\0${cc}\0`);
  for (const f of [...filesUnder(path.join(native, 'cpython')), ...filesUnder(path.join(native, 'include'))]) {
    const text = readFileSync(f);
    hash.update(`${path.relative(native, f)}\0${text.length}\0`);
    hash.update(text);
  }
  const dir = path.join(hostCacheRoot(), hash.digest('hex').slice(0, 32));
  const pkg = path.join(dir, 'hpy_matrix');
  const library = path.join(pkg, `universal${python.extSuffix}`);
  if (existsSync(library)) return { pythonPath: dir, library };

  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, '__init__.py'), '"""hpy-matrix: HPy universal binaries on CPython through hpy-matrix\'s own context."""\n');
  const tmp = `${library}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    execFileSync(cc, [...FLAGS, `-I${python.include}`, `-I${path.join(native, 'include')}`, `-I${path.join(native, 'cpython')}`, ...sources, '-o', tmp], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new PythonSetupError(`the cpython backend is built with a C compiler: '${cc}' was not found (install gcc, e.g. apt-get install gcc)`);
    throw new PythonSetupError(`building the cpython backend failed:\n${err.stderr?.toString() ?? err.message}`);
  }
  // Concurrent builders each rename a complete file into place; the last one wins.
  renameSync(tmp, library);
  return { pythonPath: dir, library };
}

/**
 * Finds the Python and builds the host once, in this process, and returns the environment that
 * lets child processes (matrix cells) use both without asking again: `python3` behind a pyenv
 * shim costs about 300 ms per query, and parallel cells would otherwise race to build.
 */
export function prepareCPython(): Record<string, string> {
  const info = findPython();
  ensureHost(info);
  return { [PYTHON_INFO_ENV]: JSON.stringify(info) };
}
