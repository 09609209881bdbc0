// Where a run happened, as the reports show it.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PYTHON_INFO_ENV, type PythonInfo } from '../../loader/backends/cpython/python.js';
import { packageRoot } from '../../loader/package-root.js';
import { INTERPRETERS_ENV, type InterpreterInfo } from '../../loader/backends/python/describe.js';

/** Where a run happened, for reports: results on another machine may differ for these reasons. */
export interface RunEnvironment {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  hpyMatrixVersion: string;
  /**
   * Version of the Python the cpython backend uses (e.g. '3.11.7'), in runs with a cpython
   * backend; absent when it has none or there is no Python.
   */
  python?: string;
  /** Each external interpreter of the run (`python:<interpreter>`): what it is and its HPy. */
  interpreters?: Record<string, InterpreterInfo>;
}

/** `cellEnv` is what the backends were prepared with (it holds the Python that was found). */
export function runEnvironment(cellEnv: Record<string, string>): RunEnvironment {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  const info = cellEnv[PYTHON_INFO_ENV];
  const python = info === undefined ? undefined : (JSON.parse(info) as PythonInfo).version;
  const interpreters = cellEnv[INTERPRETERS_ENV];
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: os.availableParallelism(),
    hpyMatrixVersion: pkg.version,
    ...(python === undefined ? {} : { python }),
    ...(interpreters === undefined ? {} : { interpreters: JSON.parse(interpreters) as Record<string, InterpreterInfo> }),
  };
}
