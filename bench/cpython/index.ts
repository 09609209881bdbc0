// bench/cpython: HPy-style microbenchmarks written twice, on the plain C API (capi_bench.c) and on
// HPy (hpy_bench.c, loaded through hpy_matrix.universal), timed from Python in one process.
// Prints each case's ratio to the C API and their geometric mean; never fails on time.
//
//   npm run bench:cpython [-- --iterations N --rounds R]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildExtension } from '../../dist/harness/build.js';
import { ensureHost } from '../../dist/loader/backends/cpython/host-build.js';
import { findPython } from '../../dist/loader/backends/cpython/python.js';

/** Goal of issue 4: geometric mean of the ratios to the C API. */
export const GOAL = 1.25;

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '9' } } });
const python = findPython();
const host = ensureHost(python);
const dir = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-bench-cpython-'));
try {
  const here = import.meta.dirname;
  execFileSync(process.env.CC || 'cc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-fPIC', '-shared', `-I${python.include}`,
    path.join(here, 'capi_bench.c'), '-o', path.join(dir, `capi_bench${python.extSuffix}`)], { stdio: 'inherit' });
  await buildExtension({ sources: [path.join(here, 'hpy_bench.c')], out: path.join(dir, 'hpy_bench.hpy0.so') });
  const out = execFileSync(python.executable, [path.join(here, 'run.py'), dir, values.iterations!, values.rounds!], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: host.pythonPath },
  });
  const results = JSON.parse(out) as Record<string, { capi: number; hpy: number }>;
  console.log(`Python ${python.version}; ns per call, medians of ${values.rounds} interleaved rounds of ${values.iterations}`);
  console.log(`${'case'.padEnd(34)}${'C API'.padStart(9)}${'HPy'.padStart(9)}${'ratio'.padStart(9)}`);
  const ratios: number[] = [];
  for (const [name, r] of Object.entries(results)) {
    const ratio = r.hpy / r.capi;
    ratios.push(ratio);
    console.log(`${name.padEnd(34)}${r.capi.toFixed(1).padStart(9)}${r.hpy.toFixed(1).padStart(9)}${`${ratio.toFixed(2)}×`.padStart(9)}`);
  }
  const geomean = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
  console.log(`${'geometric mean'.padEnd(52)}${`${geomean.toFixed(2)}×`.padStart(9)}  (goal ≤ ${GOAL}×)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
