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
import { readMatrixConfig, resolveSuites, type MatrixConfig } from '../../harness/runner/config.js';
import { runMatrix } from '../../harness/runner/runner.js';

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

// /proc/self/stat counts CPU time in these.
const CLOCK_TICKS = Number((await execa('getconf', ['CLK_TCK'], { reject: false })).stdout) || 100;

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
    // hpy-matrix's own libraries (the cpython host, the layers) are cached there too, so that
    // each cold run builds them.
    process.env.HPY_MATRIX_CACHE_DIR = cacheDir;
    const before = await compilerRuns();
    const cpuBefore = await cpuSeconds();
    const started = performance.now();
    const result = await runMatrix({ ...config, jobs }, { buildCacheDir: cacheDir });
    const ms = performance.now() - started;
    const cpuAfter = await cpuSeconds();
    return {
      ms,
      cpu: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      compiles: (await compilerRuns()) - before,
      statuses: [...new Set(result.cells.map((c) => c.status))].join('/'),
    };
  };
  type Run = Awaited<ReturnType<typeof runOnce>>;
  const cores = (r: Run) => (r.cpu === null ? null : r.cpu / (r.ms / 1000));
  const row = (label: string, r: Run) => console.log(label.padEnd(28) + `${(r.ms / 1000).toFixed(1)}`.padStart(6)
    + (r.cpu === null ? '-' : r.cpu.toFixed(1)).padStart(8) + (r.cpu === null ? '-' : cores(r)!.toFixed(2)).padStart(7)
    + `${r.compiles}`.padStart(16) + `   ${r.statuses}`);

  console.log('run                         wall s   cpu s  cores   compiler runs   cells');
  // Cold: each --jobs on its own empty cache, once (a cold cache cannot be repeated).
  const cold1 = await runOnce(1, path.join(work, 'cache-jobs-1'));
  row('--jobs 1, cold cache', cold1);
  const cold2 = await runOnce(2, path.join(work, 'cache-jobs-2'));
  row('--jobs 2, cold cache', cold2);
  // Warm: interleaved rounds, each --jobs 2 run compared with the --jobs 1 run just before it.
  const warmRatios: number[] = [];
  const warmCores1: number[] = [];
  let warmCompiles = 0;
  for (let round = 1; round <= rounds; round++) {
    const warm1 = await runOnce(1, path.join(work, 'cache-jobs-1'));
    row(`--jobs 1, warm, round ${round}`, warm1);
    const warm2 = await runOnce(2, path.join(work, 'cache-jobs-2'));
    row(`--jobs 2, warm, round ${round}`, warm2);
    warmRatios.push(warm1.ms / warm2.ms);
    if (cores(warm1) !== null) warmCores1.push(cores(warm1)!);
    warmCompiles += warm1.compiles + warm2.compiles;
  }
  console.log('');
  console.log(`speedup of --jobs 2 over --jobs 1: cold ${(cold1.ms / cold2.ms).toFixed(2)}x, warm ${median(warmRatios).toFixed(2)}x (median of ${rounds} rounds; goal: >= 1.7x on 2 cores)`);
  if (warmCores1.length > 0) {
    // A run keeps more than one core busy even with 1 job (V8's helper threads, the runner
    // itself): 2 jobs can then gain at most the cores there are over that (and never over 2x).
    const busy = median(warmCores1);
    console.log(`cores busy with --jobs 1, warm: ${busy.toFixed(2)} (median), so 2 jobs on ${os.availableParallelism()} cores gain at most ${Math.min(2, os.availableParallelism() / busy).toFixed(2)}x`);
  }
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

/**
 * CPU seconds used so far by this process and by its children that were waited for (the cells
 * and what they ran), from /proc; null where there is no /proc.
 */
async function cpuSeconds(): Promise<number | null> {
  const stat = await readFile('/proc/self/stat', 'utf8').catch(() => null);
  if (stat === null) return null;
  // Fields after the command name, which is in parentheses and may hold spaces: utime, stime,
  // cutime and cstime are fields 14 to 17 of the line, in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / CLOCK_TICKS;
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
