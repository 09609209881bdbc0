// Builds test/fixtures/hybrid/hybrid.c as HPy's tooling builds a hybrid binary: HPY_ABI_HYBRID,
// our headers and the given Python's, named `hybrid.hpy0-cp<XY>.so` for that Python. hpy-matrix
// build makes universal binaries only, so the compiler is run here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { PythonInfo } from '../loader/backends/cpython/python.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HYBRID_SOURCE = path.join(ROOT, 'test/fixtures/hybrid/hybrid.c');

/** 'cp311' for Python 3.11.x: the tag of hybrid file names. */
export function cpythonTag(python: PythonInfo): string {
  return `cp${python.version.split('.').slice(0, 2).join('')}`;
}

/** Compiles the fixture into `dir` (with -Werror: it must build clean) and returns its path. */
export async function buildHybrid(python: PythonInfo, dir: string): Promise<string> {
  const out = path.join(dir, `hybrid.hpy0-${cpythonTag(python)}.so`);
  await execa(process.env.CC || 'cc', [
    '-shared', '-fPIC', '-std=c11', '-O1', '-Wall', '-Wextra', '-Werror', '-DHPY_ABI_HYBRID',
    `-I${path.join(ROOT, 'native/include')}`, `-I${python.include}`, HYBRID_SOURCE, '-o', out,
  ]);
  return out;
}
