// The synchronous-call mechanism the python backend did not choose, kept to measure it against the
// one it did: a worker thread owns the driver's process and its pipes (Node's own, event-driven)
// and hands each answer to the main thread, which sleeps in Atomics.wait. Same driver.py, same
// requests; only the way the main thread waits differs.
import { Worker } from 'node:worker_threads';

const STATE = 0;
const LENGTH = 1;
// STATE: the main thread posts a request (POSTED), the worker takes it (SENT) and posts the answer
// (ANSWERED), the main thread reads it and goes back to IDLE.
const IDLE = 0;
const POSTED = 1;
const ANSWERED = 2;
const SENT = 3;
const CAPACITY = 1 << 20;

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { shared, executable, script } = workerData;
const ctl = new Int32Array(shared, 0, 2);
const bytes = new Uint8Array(shared, 8);
// The driver falls back to fds 3 and 4 as they are when they are sockets (Node's pipes).
const child = spawn(executable, ['-u', script], { stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'] });
const requests = child.stdio[3];
let pending = [];
let hello = true;
child.stdio[4].on('data', (chunk) => {
  pending.push(chunk);
  if (chunk[chunk.length - 1] !== 10) return;
  const answer = Buffer.concat(pending);
  pending = [];
  if (hello) {
    hello = false;
    parentPort.postMessage(answer.toString('latin1'));
    next();
    return;
  }
  // Without its newline, as the blocking reader returns a line.
  bytes.set(answer.subarray(0, answer.length - 1));
  Atomics.store(ctl, ${LENGTH}, answer.length - 1);
  Atomics.store(ctl, ${STATE}, ${ANSWERED});
  Atomics.notify(ctl, ${STATE});
  next();
});
function next() {
  const state = Atomics.load(ctl, ${STATE});
  if (state === ${POSTED}) {
    Atomics.store(ctl, ${STATE}, ${SENT});
    requests.write(Buffer.from(bytes.subarray(0, Atomics.load(ctl, ${LENGTH}))));
    return;
  }
  const waited = Atomics.waitAsync(ctl, ${STATE}, state);
  if (waited.async) waited.value.then(next);
  else setImmediate(next);
}
parentPort.on('message', (m) => { if (m === 'close') { child.kill(); process.exit(0); } });
`;

export class WorkerChannel {
  private readonly shared = new SharedArrayBuffer(8 + CAPACITY);
  private readonly ctl = new Int32Array(this.shared, 0, 2);
  private readonly bytes = new Uint8Array(this.shared, 8);
  private readonly worker: Worker;

  private constructor(executable: string, script: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared: this.shared, executable, script } });
  }

  /** Starts the driver in a worker; resolves once it said hello. */
  static async open(executable: string, script: string): Promise<WorkerChannel> {
    const channel = new WorkerChannel(executable, script);
    await new Promise((resolve) => channel.worker.once('message', resolve));
    return channel;
  }

  /** One request line in, one answer line out, blocking this thread meanwhile. */
  roundTrip(line: string): string {
    const { written } = new TextEncoder().encodeInto(line, this.bytes);
    Atomics.store(this.ctl, LENGTH, written);
    Atomics.store(this.ctl, STATE, POSTED);
    Atomics.notify(this.ctl, STATE);
    for (let state = Atomics.load(this.ctl, STATE); state !== ANSWERED; state = Atomics.load(this.ctl, STATE)) {
      Atomics.wait(this.ctl, STATE, state);
    }
    const answer = Buffer.from(this.bytes.subarray(0, Atomics.load(this.ctl, LENGTH))).toString('latin1');
    Atomics.store(this.ctl, STATE, IDLE);
    return answer;
  }

  close(): void {
    this.worker.postMessage('close');
  }
}
