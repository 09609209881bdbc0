// Finding the CPython the `cpython` backend embeds: `$HPY_MATRIX_PYTHON`, else `python3` on PATH,
// asked about itself through sysconfig.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface PythonInfo {
  /** The interpreter as asked for, and its sys.executable. */
  command: string;
  executable: string;
  /** e.g. '3.11.7' */
  version: string;
  /** Folder of Python.h. */
  include: string;
  /** The shared libpython to load into Node. */
  libpython: string;
  /** Suffix of extension modules, e.g. '.cpython-311-x86_64-linux-gnu.so'. */
  extSuffix: string;
}

/** The backend cannot run on this machine; the message says what to install. */
export class PythonSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PythonSetupError';
  }
}

const QUERY = `
import json, sys, sysconfig
v = sysconfig.get_config_vars()
print(json.dumps({
  "executable": sys.executable, "version": sys.version.split()[0],
  "include": sysconfig.get_paths()["include"], "libdir": v.get("LIBDIR") or "",
  "multiarch": v.get("MULTIARCH") or "", "instsoname": v.get("INSTSONAME") or "",
  "ldlibrary": v.get("LDLIBRARY") or "", "shared": bool(v.get("Py_ENABLE_SHARED")),
  "extSuffix": v.get("EXT_SUFFIX") or ".so"}))
`;

// A Python that hangs (a broken shim) must not hang a run: it answers in well under a second.
const QUERY_TIMEOUT_MS = 60_000;

/** Set by a parent process that already asked (the matrix runner), so cells skip the query. */
export const PYTHON_INFO_ENV = 'HPY_MATRIX_PYTHON_INFO';

/** `timeoutMs`: how long the query may take (QUERY_TIMEOUT_MS; shorter in tests). */
export function findPython(command = process.env.HPY_MATRIX_PYTHON || 'python3', timeoutMs = QUERY_TIMEOUT_MS): PythonInfo {
  const known = process.env[PYTHON_INFO_ENV];
  if (known) {
    const info = JSON.parse(known) as PythonInfo;
    if (info.command === command) return info;
  }
  let raw: string;
  try {
    raw = execFileSync(command, ['-S', '-c', QUERY], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ETIMEDOUT') {
      throw new PythonSetupError(`the cpython backend could not query '${command}': it did not answer within ${timeoutMs / 1000} s`);
    }
    if (err.code === 'ENOENT') {
      throw new PythonSetupError(`the cpython backend needs Python 3: '${command}' was not found (install python3, e.g. apt-get install python3 libpython3-dev, or set HPY_MATRIX_PYTHON)`);
    }
    throw new PythonSetupError(`the cpython backend could not query '${command}': ${(err.stderr || err.message).trim()}`);
  }
  const q = JSON.parse(raw) as Record<string, string | boolean>;
  const str = (k: string) => String(q[k]);
  if (!existsSync(path.join(str('include'), 'Python.h'))) {
    throw new PythonSetupError(`the cpython backend needs the headers of Python ${str('version')}: ${path.join(str('include'), 'Python.h')} is missing (install them, e.g. apt-get install python3-dev)`);
  }
  const candidates = [str('instsoname'), str('ldlibrary')].filter(Boolean).flatMap((name) => [
    path.join(str('libdir'), name),
    path.join(str('libdir'), str('multiarch'), name),
  ]);
  const libpython = candidates.find((f) => existsSync(f));
  if (!libpython) {
    throw new PythonSetupError(`the cpython backend needs Python ${str('version')} as a shared library (libpython${str('version').split('.').slice(0, 2).join('.')}.so), which '${str('executable')}' does not have (looked for ${candidates.join(', ')}); install it (e.g. apt-get install libpython3-dev) or point HPY_MATRIX_PYTHON at a Python built with --enable-shared`);
  }
  return {
    command, executable: str('executable'), version: str('version'), include: str('include'), libpython, extSuffix: str('extSuffix'),
  };
}

