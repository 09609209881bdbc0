// bench/reference: the cost of the reference backend's context calls, against the floor that
// every one of them pays, one koffi C-to-JavaScript callback. Prints ratios; never fails on time.
//
//   npm run bench:reference [-- --iterations N --rounds R]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import koffi from 'koffi';
import { buildExtension } from '../../dist/harness/build.js';
import type { Backend, Ref } from '../../dist/loader/backend.js';
import { ReferenceBackend } from '../../dist/loader/backends/reference/index.js';
import { measure, type Case, type CaseResult } from './measure.js';
import { buildLoops, loadLoops, type Loop } from './native.js';

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

const loops = loadLoops(await buildLoops());
const noargs = await buildExtension({ sources: [path.join(import.meta.dirname, 'noargs.c')] });
const backend = new ReferenceBackend();
const ctx = backend.ctx.ptr;

// Declared as the reference context declares its handle-taking members (handles as intptr_t).
const bareType = koffi.pointer(koffi.proto('intptr_t bench_bare_callback(void *ctx, intptr_t h)'));
const bare = koffi.register((_ctx: unknown, h: number) => h, bareType);

/** A C loop over the reference context; a failed call surfaces with the pending exception. */
function contextLoop(name: string, callsPerIteration: number, loop: Loop): Case {
  return {
    name,
    callsPerIteration,
    run(n) {
      if (loop(ctx, n) !== 0) {
        const e = backend.ctx.takeError();
        throw new Error(`${name}: a context call failed${e ? `: ${backend.str(e as unknown as Ref)}` : ''}`);
      }
    },
  };
}

// The NOARGS row goes through the Backend contract, as the suite API does.
const contract: Backend = backend;
const mod = contract.loadModule(noargs.path);
const nothing = contract.getattr(mod, 'nothing');

// Rows flagged `simple` are held to GOAL; the others are context for them.
const cases: Array<Case & { simple?: boolean }> = [
  {
    name: 'bare koffi callback (baseline)',
    callsPerIteration: 1,
    run(n) {
      if (loops.bare(bare, ctx, n) !== 0) throw new Error('bare callback: wrong sum');
    },
  },
  { ...contextLoop('Dup + Close', 2, loops.dupClose), simple: true },
  { ...contextLoop('Long_FromInt64_t + Close', 2, loops.longFrom), simple: true },
  { ...contextLoop('Long_AsInt64_t', 1, loops.longAs), simple: true },
  { ...contextLoop('Add of two small ints + Close', 2, loops.add), simple: true },
  { ...contextLoop('Tuple_FromArray of 4 + Close', 2, loops.tuple), simple: true },
  { ...contextLoop('GetAttr_s on a module + Close', 2, loops.getattr), simple: true },
  {
    name: 'NOARGS call from TypeScript',
    callsPerIteration: 1,
    run(n) {
      for (let i = 0; i < n; i++) contract.release(contract.call(nothing, []));
    },
  },
];

const results = measure(cases, { iterations, rounds });
console.log(format(results));
if (backend.openHandles !== 0) {
  console.error(`bench/reference: ${backend.openHandles} handle(s) left open: a loop leaks`);
  process.exitCode = 1;
}
koffi.unregister(bare);
backend.close();

function format(rows: CaseResult[]): string {
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
    const simple = cases[i].simple;
    out.push(line([r.name, String(r.callsPerIteration), r.nsPerIteration.toFixed(1), r.nsPerCall.toFixed(1),
      `${r.ratio.toFixed(2)}x`, simple ? (r.ratio <= GOAL ? 'yes' : 'no') : '']));
  });
  out.push('', `Goal: simple context calls within ${GOAL}x the bare callback, per call. A row of two calls`,
    'reports their mean (Dup + Close: ns/iter is the pair, ns/call each call).');
  return out.join('\n');
}
