// bench/python: what the python:<interpreter> backend costs, as ratios against baselines measured
// in the same run (the machine is shared: absolute times drift, ratios less). Three parts:
//  1. the synchronous-call mechanism: one round trip to driver.py (its `ping`) with the main
//     thread blocking in read(2) on a FIFO (what the backend does) and with a worker thread owning
//     the pipes while the main thread sleeps in Atomics.wait (the alternative);
//  2. one call of an extension function, `add(1, 2)`, on python:python3 and on cpython;
//  3. suite cells through the matrix runner, on python:python3 and on cpython, rounds alternating.
// python3 gets hpy-matrix's drop-in as its HPy (native/python/shim). Nothing fails on time.
//
//   npm run bench:python [-- --calls N --rounds R --suite basic --suite objects ...]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildExtension } from '../../loader/build/extension.js';
import { createBackend } from '../../loader/backends/index.js';
import { ensureHost } from '../../loader/backends/cpython/host-build.js';
import { findPython } from '../../loader/backends/cpython/python.js';
import { DriverProcess } from '../../loader/backends/python/driver-process.js';
import { dropinPythonPath } from '../../loader/backends/python/dropin-path.js';
import { driverScript, resolveInterpreter } from '../../loader/backends/python/interpreter.js';
import { resolveSuites } from '../../harness/runner/config.js';
import { runMatrix } from '../../harness/runner/runner.js';
import { WorkerChannel } from './worker-channel.js';

/** Goals of the issue: one call's round trip, and a cell against the same cell on cpython. */
const CALL_GOAL_US = 30;
const CELL_GOAL_RATIO = 3;
const DEFAULT_SUITES = ['basic', 'objects', 'errors', 'types', 'containers'];
const ROOT = path.resolve(import.meta.dirname, '..', '..');

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    suite: { type: 'string', multiple: true },
  },
});
const calls = positive('--calls', values.calls!);
const rounds = positive('--rounds', values.rounds!);

process.env.PYTHONPATH = dropinPythonPath(ensureHost(findPython()).pythonPath);
console.log(`bench/python: ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(2)}; python3 with hpy-matrix's drop-in as its HPy`);
console.log('');
await mechanisms();
console.log('');
await oneCall();
console.log('');
await cells();

/** Part 1: the driver's `ping`, both ways, interleaved. */
async function mechanisms(): Promise<void> {
  const executable = resolveInterpreter('python3');
  const blocking = new DriverProcess({ label: 'python:python3', executable, driverScript: driverScript(), timeoutMs: 60_000 });
  blocking.receive('the handshake');
  const worker = await WorkerChannel.open(executable, driverScript());
  const ping = '["ping",0]\n';
  const viaPipe = () => {
    blocking.send(ping, 'ping');
    return blocking.receive('ping');
  };
  const viaWorker = () => worker.roundTrip(ping);
  if (viaPipe() !== '[0,null]' || viaWorker() !== '[0,null]') throw new Error('the driver did not answer ping');
  const pipe: number[] = [];
  const atomics: number[] = [];
  for (let r = 0; r < rounds; r++) {
    pipe.push(microseconds(viaPipe, calls));
    atomics.push(microseconds(viaWorker, calls));
  }
  blocking.close();
  worker.close();
  const [p, w] = [median(pipe), median(atomics)];
  console.log('1. synchronous round trip to driver.py (ping), median of rounds');
  console.log(`   blocking read on a FIFO (chosen)      ${p.toFixed(1).padStart(7)} us`);
  console.log(`   worker thread + Atomics.wait          ${w.toFixed(1).padStart(7)} us  (${(w / p).toFixed(1)}x the blocking read)`);
}

/** Part 2: `add(1, 2)` through the Backend contract on both backends. */
async function oneCall(): Promise<void> {
  const binary = (await buildExtension({ sources: [path.join(ROOT, 'suites', 'basic', 'basic.c')] })).path;
  const measure = (name: string) => {
    const b = createBackend(name);
    try {
      const m = b.loadModule(binary);
      const add = b.getattr(m, 'add');
      const [one, two] = [b.fromPrimitive(1), b.fromPrimitive(2)];
      if (b.toPrimitive(b.call(add, [one, two])) !== 3n) throw new Error(`add(1, 2) is not 3 on ${name}`);
      const times: number[] = [];
      for (let r = 0; r < rounds; r++) times.push(microseconds(() => b.release(b.call(add, [one, two])), calls));
      return median(times);
    } finally {
      b.close();
    }
  };
  const python = measure('python:python3');
  const cpython = measure('cpython');
  console.log('2. one call, add(1, 2), through the Backend contract, median of rounds');
  console.log(`   python:python3   ${python.toFixed(2).padStart(8)} us   (goal: <= ${CALL_GOAL_US} us)`);
  console.log(`   cpython          ${cpython.toFixed(2).padStart(8)} us   (python:python3 is ${(python / cpython).toFixed(0)}x)`);
}

/** Part 3: whole cells, one at a time, python:python3 and cpython alternating. */
async function cells(): Promise<void> {
  const suites = await resolveSuites('--suite', values.suite ?? DEFAULT_SUITES, ROOT);
  const backends = ['cpython', 'python:python3'];
  const ms = new Map<string, number[]>();
  // A first run builds what the cells need, so that no round pays for compiling.
  await runMatrix({ backends, suites, jobs: 1 });
  for (let r = 0; r < rounds; r++) {
    for (const backend of backends) {
      const result = await runMatrix({ backends: [backend], suites, jobs: 1 });
      for (const cell of result.cells) {
        if (cell.status !== 'PASS') {
          throw new Error(`${cell.suite} x ${backend}: ${cell.status} ${cell.error ?? ''}`);
        }
        const key = `${cell.suite}\0${backend}`;
        ms.set(key, [...(ms.get(key) ?? []), cell.durationMs]);
      }
    }
  }
  console.log(`3. suite cells (median of ${rounds} rounds, one cell at a time)`);
  console.log(`   ${'suite'.padEnd(12)}${'cpython'.padStart(10)}${'python:python3'.padStart(16)}   ratio`);
  let logSum = 0;
  for (const suite of suites) {
    const [c, p] = backends.map((b) => median(ms.get(`${suite.name}\0${b}`)!));
    logSum += Math.log(p! / c!);
    console.log(`   ${suite.name.padEnd(12)}${`${c!.toFixed(0)} ms`.padStart(10)}${`${p!.toFixed(0)} ms`.padStart(16)}   ${(p! / c!).toFixed(2)}x`);
  }
  console.log(`   geometric mean of the ratios: ${Math.exp(logSum / suites.length).toFixed(2)}x (goal: <= ${CELL_GOAL_RATIO}x)`);
}

function microseconds(f: () => unknown, n: number): number {
  for (let i = 0; i < Math.min(n, 2000); i++) f();
  const start = performance.now();
  for (let i = 0; i < n; i++) f();
  return ((performance.now() - start) * 1000) / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function positive(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`bench/python: ${flag} must be a positive integer, got '${raw}'`);
    process.exit(2);
  }
  return n;
}
