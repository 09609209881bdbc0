// The time limit of one read from the driver. The main thread blocks in read(2), where no timer
// can fire; a worker thread watches the reads instead and kills the interpreter when one has
// waited too long, which ends the read (end of file). Per read, the main thread only bumps a
// shared counter: the worker looks at it a few times a second, so it costs nothing per call.
import { Worker } from 'node:worker_threads';

// Slots of the shared array: READS is odd while a read waits (a new value for each read); FIRED
// is set by the worker when it killed the interpreter; STOP asks the worker to end.
const READS = 0;
const FIRED = 1;
const STOP = 2;

// Plain CommonJS for `eval`: the cell runs from a bundle, where a worker file of ours has no path.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { shared, pid, timeoutMs, pollMs } = workerData;
const ctl = new Int32Array(shared);
let seen = -1;
let since = 0;
while (Atomics.wait(ctl, ${STOP}, 0, pollMs) === 'timed-out') {
  const reads = Atomics.load(ctl, ${READS});
  if ((reads & 1) === 0) continue;
  const now = Date.now();
  if (reads !== seen) {
    seen = reads;
    since = now;
  } else if (now - since >= timeoutMs) {
    Atomics.store(ctl, ${FIRED}, 1);
    try { process.kill(pid, 'SIGKILL'); } catch {}
    break;
  }
}
`;

export class Watchdog {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(3 * 4));
  private readonly worker: Worker;

  constructor(pid: number, readonly timeoutMs: number) {
    const pollMs = Math.max(5, Math.min(250, Math.floor(timeoutMs / 8)));
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared: this.ctl.buffer, pid, timeoutMs, pollMs } });
    // Never what keeps a process alive, and never an error of its own.
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  readBegins(): void {
    Atomics.add(this.ctl, READS, 1);
  }

  readEnds(): void {
    Atomics.add(this.ctl, READS, 1);
  }

  /** True once the worker killed the interpreter for a read that waited too long. */
  get fired(): boolean {
    return Atomics.load(this.ctl, FIRED) === 1;
  }

  stop(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.notify(this.ctl, STOP);
  }
}
