// bench/reference: the cost of the reference backend's context calls, against the floor that
// every one of them pays, one koffi C-to-JavaScript callback. A second table runs the same cases
// on debug:reference and trace:reference (the debug and trace layers over a reference context)
// and on plain reference, each backend in a worker thread of its own pinned to one shared CPU
// (backend-worker.ts says why), timed in the same interleaved rounds as the first table, and
// compares each layer with plain reference round by round. Prints ratios; never fails on time.
//
//   npm run bench:reference [-- --iterations N --rounds R]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import koffi from 'koffi';
import { buildExtension } from '../../dist/loader/build/extension.js';
import { ReferenceBackend } from '../../dist/loader/backends/reference/index.js';
import { layersLibrary } from '../../dist/loader/layers/native.js';
import { contextCases, leftovers, type ContextCase } from './cases.js';
import { currentCpu, startBackendWorker, type Variant } from './backend-worker.js';
import { measure, medianRatio, type Case, type CaseResult } from './measure.js';
import { buildLoops, loadLoops } from './native.js';

/** The goal for a simple context call, as a multiple of the bare callback. */
export const GOAL = 1.5;

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '11' },
  },
});
const iterations = positive('--iterations', values.iterations);
const rounds = positive('--rounds', values.rounds);

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`bench/reference: ${flag} must be a positive integer, got '${text}'`);
    process.exit(2);
  }
  return n;
}

const loopsPath = await buildLoops();
const loops = loadLoops(loopsPath);
const noargs = await buildExtension({ sources: [path.join(import.meta.dirname, 'noargs.c')] });
const backend = new ReferenceBackend();
const ctx = backend.ctx.ptr;

// Declared as the reference context declares its handle-taking members (handles as intptr_t).
const bareType = koffi.pointer(koffi.proto('intptr_t bench_bare_callback(void *ctx, intptr_t h)'));
const bare = koffi.register((_ctx: unknown, h: number) => h, bareType);

const baseline: ContextCase = {
  name: 'bare koffi callback (baseline)',
  callsPerIteration: 1,
  run(n) {
    if (loops.bare(bare, ctx, n) !== 0) throw new Error('bare callback: wrong sum');
  },
};
const plainCases = contextCases(backend, loops, noargs.path);

// The second table's backends, one worker each, all pinned to the CPU this thread is on now.
// The layers library is built here once, not by two workers at the same time.
const LAYERS = ['debug', 'trace'] as const;
const VARIANTS: Variant[] = ['reference', ...LAYERS];
layersLibrary();
const cpu = currentCpu();
const workers = await Promise.all(VARIANTS.map((v) => startBackendWorker(v, cpu, loopsPath, noargs.path)));

// Every case of every backend in one interleaved measurement. The first table shows the
// baseline and plain reference in this thread, as it did before the layers came.
const cases: Case[] = [baseline, ...plainCases, ...workers.flatMap((w) => w.cases)];
const results = measure(cases, { iterations, rounds });
const rowsOf = (k: number) => results.slice(1 + k * plainCases.length, 1 + (k + 1) * plainCases.length);
console.log(format([results[0], ...rowsOf(0)], [baseline, ...plainCases]));
console.log('');
console.log(formatLayers(rowsOf(1), workers.slice(1).map((_, i) => rowsOf(i + 2)), workers.every((w) => w.pinned) ? cpu : -1));

const problems = [...leftovers(backend), ...(await Promise.all(workers.map((w) => w.stop()))).flat()];
for (const p of problems) console.error(`bench/reference: ${p}`);
if (problems.length) process.exitCode = 1;
koffi.unregister(bare);
backend.close();

function format(rows: CaseResult[], rowCases: ContextCase[]): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const head = ['case', 'calls', 'ns/iter', 'ns/call', 'vs bare', `within ${GOAL}x`];
  const widths = [34, 6, 10, 10, 10, 13];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('').trimEnd();
  const out = [
    `bench/reference: ${iterations} iterations x ${rounds} rounds, medians over rounds`,
    `node ${process.version}, koffi ${koffi.version}, ${cpu}, load average ${os.loadavg()[0].toFixed(2)}`,
    '',
    line(head),
  ];
  rows.forEach((r, i) => {
    const simple = rowCases[i].simple;
    out.push(line([r.name, String(r.callsPerIteration), r.nsPerIteration.toFixed(1), r.nsPerCall.toFixed(1),
      `${r.ratio.toFixed(2)}x`, simple ? (r.ratio <= GOAL ? 'yes' : 'no') : '']));
  });
  out.push('', `Goal: simple context calls within ${GOAL}x the bare callback, per call. A row of two calls`,
    'reports their mean (Dup + Close: ns/iter is the pair, ns/call each call).');
  return out.join('\n');
}

/** The layers against plain reference: ns per call, and the median of the per-round ratios. */
function formatLayers(ref: CaseResult[], groups: CaseResult[][], pinnedTo: number): string {
  const head = ['layers, same cases', 'reference', ...LAYERS, ...LAYERS.map((l) => `${l} vs ref`)];
  const widths = [34, 10, ...LAYERS.map(() => 10), ...LAYERS.map(() => 14)];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('').trimEnd();
  const logSums = LAYERS.map(() => 0);
  const out = [line(head), line(['', 'ns/call', ...LAYERS.map(() => 'ns/call')])];
  ref.forEach((r, i) => {
    const ratios = groups.map((g) => medianRatio(g[i], r));
    ratios.forEach((x, l) => (logSums[l] += Math.log(x)));
    out.push(line([r.name, r.nsPerCall.toFixed(1), ...groups.map((g) => g[i].nsPerCall.toFixed(1)),
      ...ratios.map((x) => `${x.toFixed(2)}x`)]));
  });
  out.push(line(['geometric mean', '', ...LAYERS.map(() => ''), ...logSums.map((s) => `${Math.exp(s / ref.length).toFixed(2)}x`)]));
  out.push('', 'The same C loops on the layer\'s context over a reference context, and the NOARGS call through',
    'that backend. Each backend of this table runs in a worker thread of its own, ' +
      (pinnedTo >= 0 ? `all pinned to CPU ${pinnedTo};` : 'not pinned (no sched_setaffinity);'),
    'a ratio is the median over rounds of the layer\'s ns per call / plain reference\'s that round.');
  return out.join('\n');
}
