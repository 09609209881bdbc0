import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../loader/package-root.js';

/** Where a run happened, for reports: results on another machine may differ for these reasons. */
export interface RunEnvironment {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  hpyMatrixVersion: string;
  /** Version of the Python the cpython backend uses, `$HPY_MATRIX_PYTHON` or `python3` on PATH (e.g. '3.11.7'); absent when there is none. */
  python?: string;
}

export async function runEnvironment(): Promise<RunEnvironment> {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  const python = await pythonVersion();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: os.availableParallelism(),
    hpyMatrixVersion: pkg.version,
    ...(python === undefined ? {} : { python }),
  };
}

async function pythonVersion(): Promise<string | undefined> {
  const run = await execa(process.env.HPY_MATRIX_PYTHON || 'python3', ['--version'], { reject: false, all: true, stdin: 'ignore' });
  if (run.exitCode !== 0) return undefined;
  return /Python (\S+)/.exec(run.all ?? '')?.[1];
}
