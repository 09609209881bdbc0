// bench/matrix: what the matrix runner costs and gains. The default matrix (matrix.json) runs
// with --jobs 1 and --jobs 2, each on a cold build cache and then warm; then cells of one
// trivial test give the per-cell cost of process isolation, next to a bare `node` start
// measured in the same run; last, what running 2 processes at once gains on this machine when
// no runner is involved. The machine is shared: ratios against same-run baselines are what to
// read; nothing here passes or fails on time.
import { execa } from 'execa';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readMatrixConfig, resolveSuites, type MatrixConfig } from '../../harness/matrix/config.js';
import { runMatrix } from '../../harness/matrix/runner.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TRIVIAL_SUITE = 'test/fixtures/suites/trivial';

const { values } = parseArgs({
  options: {
    suite: { type: 'string', multiple: true },
    backend: { type: 'string', multiple: true },
    'overhead-cells': { type: 'string', default: '5' },
    'ceiling-runs': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds <= 0) {
  console.error(`bench/matrix: --rounds must be a positive integer, got '${values.rounds}'`);
  process.exit(2);
}
const overheadCells = Number(values['overhead-cells']);
if (!Number.isInteger(overheadCells) || overheadCells <= 0) {
  console.error(`bench/matrix: --overhead-cells must be a positive integer, got '${values['overhead-cells']}'`);
  process.exit(2);
}

const ceilingRuns = Number(values['ceiling-runs']);
if (!Number.isInteger(ceilingRuns) || ceilingRuns < 2) {
  console.error(`bench/matrix: --ceiling-runs must be an integer of at least 2, got '${values['ceiling-runs']}'`);
  process.exit(2);
}

const work = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-bench-'));
try {
  // Every compiler run goes through this wrapper, which counts it: "warm compiles nothing" is
  // then a count, not a guess from timings.
  const compilerLog = path.join(work, 'compiler-runs.log');
  const cc = path.join(work, 'counting-cc');
  await writeFile(cc, `#!/bin/sh\necho run >> '${compilerLog}'\nexec cc "$@"\n`);
  await chmod(cc, 0o755);
  process.env.CC = cc;
  const compilerRuns = async () => (await readFile(compilerLog, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

  const base = await readMatrixConfig(path.join(ROOT, 'matrix.json'));
  const config: MatrixConfig = {
    ...base,
    ...(values.suite ? { suites: await resolveSuites('--suite', values.suite, ROOT) } : {}),
    ...(values.backend ? { backends: values.backend } : {}),
  };
  const cellCount = config.suites.length * config.backends.length;
  console.log(`bench/matrix: ${cellCount} cells (${config.suites.map((s) => s.name).join(', ')} x ${config.backends.join(', ')}), ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(2)}`);
  console.log('');

  const runOnce = async (jobs: number, cacheDir: string) => {
    const before = await compilerRuns();
    const started = performance.now();
    const result = await runMatrix({ ...config, jobs }, { buildCacheDir: cacheDir });
    return {
      ms: performance.now() - started,
      compiles: (await compilerRuns()) - before,
      statuses: [...new Set(result.cells.map((c) => c.status))].join('/'),
    };
  };
  const row = (label: string, r: { ms: number; compiles: number; statuses: string }) => console.log(
    label.padEnd(28) + `${(r.ms / 1000).toFixed(1)}`.padStart(6) + `${r.compiles}`.padStart(16) + `   ${r.statuses}`);

  console.log('run                         wall s   compiler runs   cells');
  // Cold: each --jobs on its own empty cache, once (a cold cache cannot be repeated).
  const cold1 = await runOnce(1, path.join(work, 'cache-jobs-1'));
  row('--jobs 1, cold cache', cold1);
  const cold2 = await runOnce(2, path.join(work, 'cache-jobs-2'));
  row('--jobs 2, cold cache', cold2);
  // Warm: interleaved rounds, each --jobs 2 run compared with the --jobs 1 run just before it.
  const warmRatios: number[] = [];
  let warmCompiles = 0;
  for (let round = 1; round <= rounds; round++) {
    const warm1 = await runOnce(1, path.join(work, 'cache-jobs-1'));
    row(`--jobs 1, warm, round ${round}`, warm1);
    const warm2 = await runOnce(2, path.join(work, 'cache-jobs-2'));
    row(`--jobs 2, warm, round ${round}`, warm2);
    warmRatios.push(warm1.ms / warm2.ms);
    warmCompiles += warm1.compiles + warm2.compiles;
  }
  console.log('');
  console.log(`speedup of --jobs 2 over --jobs 1: cold ${(cold1.ms / cold2.ms).toFixed(2)}x, warm ${median(warmRatios).toFixed(2)}x (median of ${rounds} rounds; goal: >= 1.7x on 2 cores)`);
  console.log(`compiler runs: cold ${cold1.compiles} + ${cold2.compiles}, warm ${warmCompiles} (goal: 0)`);

  // One cell at a time, so no cell waits for a core.
  const trivial = await resolveSuites('bench', [TRIVIAL_SUITE], ROOT);
  const cellMs: number[] = [];
  const nodeMs: number[] = [];
  for (let i = 0; i < overheadCells; i++) {
    const bare = performance.now();
    await execa(process.execPath, ['-e', '0']);
    nodeMs.push(performance.now() - bare);
    const result = await runMatrix({ backends: [config.backends[0]!], suites: trivial, jobs: 1 }, { buildCacheDir: path.join(work, 'cache-jobs-1') });
    if (result.cells[0]!.status !== 'PASS') throw new Error(`the trivial cell did not pass: ${result.cells[0]!.error ?? result.cells[0]!.status}`);
    cellMs.push(result.cells[0]!.durationMs);
  }
  const cell = median(cellMs);
  const node = median(nodeMs);
  console.log(`per-cell overhead (a cell of one trivial test, median of ${overheadCells}): ${cell.toFixed(0)} ms; a bare node start: ${node.toFixed(0)} ms (${(cell / node).toFixed(1)}x) (goal: < 300 ms)`);

  // What 2 at a time gains on this machine for work of no runner at all: the ceiling to read
  // the matrix's speedup against (a VM's process start and page faults scale less than its
  // arithmetic does).
  const bareStart = ['-e', '0'];
  const compute = ['-e', 'let x = 0; for (let i = 0; i < 1e8; i++) x += i'];
  console.log(`the machine, 2 processes at once against one after another (${ceilingRuns} each): `
    + `bare node starts ${(await pairSpeedup(bareStart, ceilingRuns)).toFixed(2)}x, `
    + `CPU-bound node processes ${(await pairSpeedup(compute, ceilingRuns)).toFixed(2)}x`);
} finally {
  await rm(work, { recursive: true, force: true });
}

/** Wall time of `runs` node processes one after another, over that of the same runs two at a time. */
async function pairSpeedup(args: string[], runs: number): Promise<number> {
  const sequence = async (n: number) => {
    for (let i = 0; i < n; i++) await execa(process.execPath, args);
  };
  const serialStart = performance.now();
  await sequence(runs);
  const serial = performance.now() - serialStart;
  const pairStart = performance.now();
  await Promise.all([sequence(Math.ceil(runs / 2)), sequence(Math.floor(runs / 2))]);
  return serial / (performance.now() - pairStart);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
