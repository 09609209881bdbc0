// bench/cpython: HPy-style microbenchmarks written twice, on the plain C API (capi_bench.c) and on
// HPy (hpy_bench.c, loaded through hpy_matrix.universal), timed from Python in one process.
// hpy_bench is loaded three times: plain (universal mode, the "HPy" column), with the debug layer
// (debug=True) and with the trace layer (mode=MODE_TRACE), which is timed counting only and with
// durations on ("trace+ns", the drop-in's default, as HPy's). Every round times each case on every
// column back to back; a case's ratio is the median over rounds of its column's time over the C
// API's time in the same round. Prints the ratios, their geometric means and the worst case per
// column against the goals; never fails on time. Then the trace layer's clock against
// CLOCK_MONOTONIC (clock_check.c): what a reading costs, and how far apart the two put the ends
// of busy intervals of 200 ns to 2 ms, with CLOCK_MONOTONIC_COARSE for comparison.
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

/** A column's goals, on its ratios to the C API: the geometric mean, and the worst case. */
interface Goal {
  geomean: number;
  worst?: number;
}

/** The HPy columns, in the order run.py times them, with their goals (none: shown only). */
export const COLUMNS: readonly { key: string; title: string; goal?: Goal }[] = [
  { key: 'hpy', title: 'HPy', goal: { geomean: 1.05 } },
  { key: 'debug', title: 'debug', goal: { geomean: 1.8, worst: 2.5 } },
  { key: 'trace', title: 'trace', goal: { geomean: 1.6 } },
  { key: 'trace_ns', title: 'trace+ns' },
];

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '50000' }, rounds: { type: 'string', default: '21' } } });
const python = findPython();
const host = ensureHost(python);
const dir = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-bench-cpython-'));
try {
  const here = import.meta.dirname;
  execFileSync(process.env.CC || 'cc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-fPIC', '-shared', `-I${python.include}`,
    path.join(here, 'capi_bench.c'), '-o', path.join(dir, `capi_bench${python.extSuffix}`)], { stdio: 'inherit' });
  await buildExtension({ sources: [path.join(here, 'hpy_bench.c')], out: path.join(dir, 'hpy_bench.hpy0.so') });
  const native = path.join(here, '../../native');
  execFileSync(process.env.CC || 'cc', ['-std=c11', '-O2', '-Wall', '-Wextra', `-I${path.join(native, 'include')}`,
    `-I${path.join(native, 'debug')}`, path.join(here, 'clock_check.c'), path.join(native, 'debug/trace_clock.c'),
    '-o', path.join(dir, 'clock_check')], { stdio: 'inherit' });
  const out = execFileSync(python.executable, [path.join(here, 'run.py'), dir, values.iterations!, values.rounds!], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: host.pythonPath },
  });
  const { clock, times } = JSON.parse(out) as { clock: string; times: Record<string, Record<string, number[]>> };
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const W = 34, C = 9;
  const cell = (s: string) => s.padStart(C);
  const ratio = (x: number) => cell(`${x.toFixed(2)}×`);
  console.log(`Python ${python.version}; ${values.rounds} interleaved rounds of ${values.iterations} calls; ns per call: medians over rounds;`);
  console.log(`ratio: median over rounds of the column's time / the C API's time in the same round; trace+ns: durations on (clock: ${clock})`);
  console.log(`${''.padEnd(W)}${'ns per call'.padStart((COLUMNS.length + 1) * C)}${'ratio to the C API'.padStart(COLUMNS.length * C + 2)}`);
  console.log(`${'case'.padEnd(W)}${cell('C API')}${COLUMNS.map((c) => cell(c.title)).join('')}  ${COLUMNS.map((c) => cell(c.title)).join('')}`);
  const ratios = COLUMNS.map(() => [] as { name: string; x: number }[]);
  for (const [name, t] of Object.entries(times)) {
    const ns = ['capi', ...COLUMNS.map((c) => c.key)].map((k) => cell(median(t[k]).toFixed(1))).join('');
    const row = COLUMNS.map((c, i) => {
      const x = median(t[c.key].map((v, round) => v / t.capi[round]));
      ratios[i].push({ name, x });
      return ratio(x);
    });
    console.log(`${name.padEnd(W)}${ns}  ${row.join('')}`);
  }
  const geomeans = ratios.map((xs) => Math.exp(xs.reduce((s, r) => s + Math.log(r.x), 0) / xs.length));
  const worst = ratios.map((xs) => xs.reduce((a, b) => (b.x > a.x ? b : a)));
  console.log(`${'geometric mean'.padEnd(W + (COLUMNS.length + 1) * C)}  ${geomeans.map(ratio).join('')}`);
  console.log(`${'worst case'.padEnd(W + (COLUMNS.length + 1) * C)}  ${worst.map((w) => ratio(w.x)).join('')}`);
  console.log('goals:');
  COLUMNS.forEach((c, i) => {
    if (!c.goal) return;
    const parts = [`geometric mean ${geomeans[i].toFixed(2)}× (≤ ${c.goal.geomean}×: ${geomeans[i] <= c.goal.geomean ? 'met' : 'not met'})`];
    if (c.goal.worst !== undefined) {
      parts.push(`worst case ${worst[i].x.toFixed(2)}× on ${worst[i].name} (≤ ${c.goal.worst}×: ${worst[i].x <= c.goal.worst ? 'met' : 'not met'})`);
    }
    console.log(`  ${c.title.padEnd(6)} ${parts.join(', ')}`);
  });
  type Interval = { ns: number; median: number; p5: number; p95: number; coarse_median: number; coarse_p5: number; coarse_p95: number };
  const check = JSON.parse(execFileSync(path.join(dir, 'clock_check'), { encoding: 'utf8' })) as {
    clock: string; intervals: Interval[]; read_ns: Record<'layer' | 'monotonic' | 'coarse', number>; coarse_resolution_ns: number;
  };
  const span = (ns: number) => (ns >= 1e6 ? `${ns / 1e6} ms` : ns >= 1e3 ? `${ns / 1e3} µs` : `${ns} ns`);
  const diff = (m: number, lo: number, hi: number) => `${m.toFixed(0)} (${lo.toFixed(0)}…${hi.toFixed(0)})`;
  console.log(`trace durations' clock: ${check.clock}, ${check.read_ns.layer.toFixed(1)} ns a reading; CLOCK_MONOTONIC ${check.read_ns.monotonic.toFixed(1)} ns, ` +
    `CLOCK_MONOTONIC_COARSE ${check.read_ns.coarse.toFixed(1)} ns (resolution ${span(check.coarse_resolution_ns)})`);
  console.log('  interval minus CLOCK_MONOTONIC\'s, ns: median (5th…95th percentile) of 101');
  for (const i of check.intervals) {
    console.log(`  ${span(i.ns).padStart(7)}: ${check.clock} ${diff(i.median, i.p5, i.p95).padEnd(20)} coarse ${diff(i.coarse_median, i.coarse_p5, i.coarse_p95)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
