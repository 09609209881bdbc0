// A reference backend (plain, debug:reference or trace:reference) in a worker thread of its
// own, for bench/reference's table of the layers.
//
// Why workers: the reference backend's hot paths (its koffi callbacks, Backend.call through a
// call gate) are JavaScript shared by every backend of an isolate. With plain reference and the
// layers in one isolate, V8 sees several contexts and gates at the same sites and the plain rows
// get slower (the NOARGS row by about a third), which is not what a process running one backend
// pays. A worker is an isolate of its own, in the same process: the main thread still
// interleaves every case round by round, handing one case at a time to a worker and blocking
// until it is done (Atomics on shared memory, so measure() stays synchronous); the worker times
// its own iterations, so the hand-over is not in the figure.
//
// Why pinned: on a shared machine two threads of one process can sit on different cores, one of
// them shared with another job, and a comparison across them then measures the cores. Every
// worker pins itself to the same CPU (sched_setaffinity on its own thread); as only one of them
// runs at a time, they never compete for it.
import koffi from 'koffi';
import { isMainThread, MessageChannel, parentPort, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import type { Case } from './measure.js';

/** The backends a worker can run: plain reference, or a layer over it. */
export type Variant = 'reference' | 'debug' | 'trace';

interface Setup {
  kind: 'bench-reference-backend';
  variant: Variant;
  /** The CPU to pin the worker's thread to; -1 for none. */
  cpu: number;
  loopsPath: string;
  noargsPath: string;
  /** [state, case index] */
  control: SharedArrayBuffer;
  /** [ns per iteration, iterations] */
  numbers: SharedArrayBuffer;
  errors: MessagePort;
}

const IDLE = 0, RUN = 1, DONE = 2, FAILED = 3, STOP = 4;

export interface BackendWorker {
  /** The backend's name: reference, debug:reference, trace:reference. */
  readonly label: string;
  /** Whether the worker's thread is pinned to the CPU it was given. */
  readonly pinned: boolean;
  /** The worker's cases, run there and timed there. */
  readonly cases: Case[];
  /** Ends the worker; resolves to what its backend left behind (leaks, debug findings). */
  stop(): Promise<string[]>;
}

/** The CPU the calling thread runs on, or -1 when libc cannot say. */
export function currentCpu(): number {
  try {
    const getcpu = koffi.load('libc.so.6').func('int sched_getcpu(void)') as () => number;
    return getcpu();
  } catch {
    return -1;
  }
}

/** Pins the calling thread to `cpu`; false when that is not possible here. */
function pinThread(cpu: number): boolean {
  if (cpu < 0) return false;
  try {
    const setaffinity = koffi.load('libc.so.6').func('int sched_setaffinity(int pid, size_t size, uint8_t *mask)') as
      (pid: number, size: number, mask: Uint8Array) => number;
    const mask = new Uint8Array(128);
    if (cpu >= mask.length * 8) return false;
    mask[cpu >> 3] = 1 << (cpu & 7);
    return setaffinity(0, mask.length, mask) === 0; // pid 0: this thread
  } catch {
    return false;
  }
}

/** Starts a worker running the context cases on `variant`, pinned to `cpu` (-1: not pinned). */
export async function startBackendWorker(variant: Variant, cpu: number, loopsPath: string, noargsPath: string): Promise<BackendWorker> {
  const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const numbers = new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT);
  const ctl = new Int32Array(control);
  const num = new Float64Array(numbers);
  const { port1: errors, port2: errorsForWorker } = new MessageChannel();
  const setup: Setup = { kind: 'bench-reference-backend', variant, cpu, loopsPath, noargsPath, control, numbers, errors: errorsForWorker };
  // The worker loads this file through tsx, as the main thread does.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: setup, transferList: [errorsForWorker] });
  const messages: unknown[] = [];
  const waiters: Array<(m: unknown) => void> = [];
  let failure: Error | undefined;
  const next = () => new Promise<unknown>((resolve, reject) => {
    if (failure) reject(failure);
    else if (messages.length) resolve(messages.shift());
    else waiters.push(resolve);
  });
  worker.on('message', (m) => (waiters.length ? waiters.shift()!(m) : messages.push(m)));
  worker.on('error', (e) => {
    failure = e;
    for (const w of waiters.splice(0)) w(Promise.reject(e));
  });
  const ready = (await next()) as { pinned: boolean; cases: Array<{ name: string; callsPerIteration: number }> };
  const names = ready.cases;

  const label = variant === 'reference' ? variant : `${variant}:reference`;
  const time = (index: number, n: number): number => {
    num[1] = n;
    ctl[1] = index;
    Atomics.store(ctl, 0, RUN);
    Atomics.notify(ctl, 0);
    // A worker that died leaves the state at RUN: give up after two minutes without an answer.
    while (Atomics.load(ctl, 0) === RUN) if (Atomics.wait(ctl, 0, RUN, 120_000) === 'timed-out') break;
    const state = Atomics.load(ctl, 0);
    const ns = num[0];
    Atomics.store(ctl, 0, IDLE);
    Atomics.notify(ctl, 0);
    if (state !== DONE) {
      const why = state === FAILED ? (receiveMessageOnPort(errors)?.message as string | undefined) : undefined;
      throw new Error(`${label}: ${names[index].name}: ${why ?? 'the worker stopped answering'}`);
    }
    return ns;
  };
  const cases: Case[] = names.map((c, i) => ({
    name: c.name,
    callsPerIteration: c.callsPerIteration,
    run: (n) => void time(i, n),
    time: (n) => time(i, n),
  }));
  return {
    label,
    pinned: ready.pinned,
    cases,
    async stop() {
      Atomics.store(ctl, 0, STOP);
      Atomics.notify(ctl, 0);
      const report = (await next()) as string[];
      await worker.terminate();
      errors.close();
      return report;
    },
  };
}

/** The worker: sets up the backend and its cases, then runs what the main thread asks for. */
async function serve(setup: Setup): Promise<void> {
  const { ReferenceBackend } = await import('../../dist/loader/backends/reference/index.js');
  const { contextCases, leftovers } = await import('./cases.js');
  const { loadLoops } = await import('./native.js');
  const ctl = new Int32Array(setup.control);
  const num = new Float64Array(setup.numbers);
  const pinned = pinThread(setup.cpu);
  const loops = loadLoops(setup.loopsPath);
  const backend = new ReferenceBackend(setup.variant === 'reference' ? undefined : setup.variant);
  const cases = contextCases(backend, loops, setup.noargsPath);
  parentPort!.postMessage({ pinned, cases: cases.map((c) => ({ name: c.name, callsPerIteration: c.callsPerIteration })) });
  for (;;) {
    Atomics.wait(ctl, 0, IDLE);
    const state = Atomics.load(ctl, 0);
    if (state === STOP) break;
    if (state !== RUN) continue;
    try {
      const n = num[1];
      const t0 = process.hrtime.bigint();
      cases[ctl[1]].run(n);
      num[0] = Number(process.hrtime.bigint() - t0) / n;
      Atomics.store(ctl, 0, DONE);
    } catch (e) {
      setup.errors.postMessage(e instanceof Error ? e.message : String(e));
      Atomics.store(ctl, 0, FAILED);
    }
    Atomics.notify(ctl, 0);
    // Until the main thread has taken the figure.
    for (let s = Atomics.load(ctl, 0); s === DONE || s === FAILED; s = Atomics.load(ctl, 0)) Atomics.wait(ctl, 0, s);
  }
  const report = leftovers(backend);
  backend.close();
  parentPort!.postMessage(report);
}

if (!isMainThread && (workerData as Setup | null)?.kind === 'bench-reference-backend') await serve(workerData as Setup);
