// bench/cpython: HPy-style microbenchmarks written twice, on the plain C API (capi_bench.c) and on
// HPy (hpy_bench.c, loaded through hpy_matrix.universal), timed from Python in one process.
// hpy_bench is loaded three times: plain (universal mode, the "HPy" column), with the debug layer
// (debug=True) and with the trace layer (mode=MODE_TRACE). Prints each case's ratio to the C API
// measured in the same run, per column, and their geometric means; never fails on time.
//
//   npm run bench:cpython [-- --iterations N --rounds R]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildExtension } from '../../dist/loader/build/extension.js';
import { ensureHost } from '../../dist/loader/backends/cpython/host-build.js';
import { findPython } from '../../dist/loader/backends/cpython/python.js';

/** Goal for the universal (cpython) column: geometric mean of its ratios to the C API. */
export const GOAL = 1.25;
/** Goal for the debug layer: geometric mean of the debug column's ratios to the C API. */
export const DEBUG_GOAL = 3.0;

/** The HPy columns, in the order run.py reports them. */
const COLUMNS = [
  { key: 'hpy', title: 'HPy', goal: GOAL },
  { key: 'debug', title: 'debug', goal: DEBUG_GOAL },
  { key: 'trace', title: 'trace', goal: undefined },
] as const;
type Side = 'capi' | (typeof COLUMNS)[number]['key'];

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
  const results = JSON.parse(out) as Record<string, Record<Side, number>>;
  const W = 34, C = 9;
  const cell = (s: string) => s.padStart(C);
  const times = (r: Record<Side, number>) => (['capi', ...COLUMNS.map((c) => c.key)] as Side[]).map((k) => cell(r[k].toFixed(1))).join('');
  const ratio = (x: number) => cell(`${x.toFixed(2)}×`);
  console.log(`Python ${python.version}; ns per call, medians of ${values.rounds} interleaved rounds of ${values.iterations};`);
  console.log('ratios: median ns of the column / median ns of the C API, same run');
  console.log(`${''.padEnd(W)}${'ns per call'.padStart((COLUMNS.length + 1) * C)}${'ratio to the C API'.padStart(COLUMNS.length * C + 2)}`);
  console.log(`${'case'.padEnd(W)}${cell('C API')}${COLUMNS.map((c) => cell(c.title)).join('')}  ${COLUMNS.map((c) => cell(c.title)).join('')}`);
  const ratios = COLUMNS.map(() => [] as number[]);
  for (const [name, r] of Object.entries(results)) {
    const row = COLUMNS.map((c, i) => {
      const x = r[c.key] / r.capi;
      ratios[i].push(x);
      return ratio(x);
    });
    console.log(`${name.padEnd(W)}${times(r)}  ${row.join('')}`);
  }
  const geomeans = ratios.map((xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length));
  console.log(`${'geometric mean'.padEnd(W + (COLUMNS.length + 1) * C)}  ${geomeans.map(ratio).join('')}`);
  const goals = COLUMNS.flatMap((c, i) => (c.goal === undefined ? [] : [`${c.title} ${geomeans[i].toFixed(2)}× (goal ≤ ${c.goal}×)`]));
  console.log(`goals, on the geometric mean: ${goals.join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
