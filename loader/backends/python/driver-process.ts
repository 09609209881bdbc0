// The driver's process and the two pipes to it, read and written synchronously: the suite API
// is synchronous, so every call blocks in read(2) until the driver answers (a worker thread with
// Atomics.wait was measured at ~7x the round trip; bench/python). Node cannot make an anonymous
// pipe it can block on, so the pipes are FIFOs, opened both ways for the child to inherit as fds 3
// and 4 and unlinked at once: nothing is left on disk, however this process ends.
//
// The interpreter's stdout and stderr go to an unlinked temporary file: its last lines explain a
// driver that never started or died, and all of it is copied to this process's stderr when the
// backend closes or the interpreter crashes.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zombieStatus, type ExitStatus } from './exit-status.js';
import { InterpreterError } from './interpreter.js';
import { Watchdog } from './watchdog.js';

/** The interpreter stopped answering: how, and during what. */
export class DriverGoneError extends InterpreterError {
  constructor(message: string, readonly status: ExitStatus | null, readonly timedOut: boolean) {
    super(message);
    this.name = 'DriverGoneError';
  }
}

export interface DriverOptions {
  /** `python:<interpreter>`, the start of every message. */
  label: string;
  executable: string;
  driverScript: string;
  /** The interpreter's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Longest wait for one answer, in milliseconds. */
  timeoutMs: number;
  /** Called with the error once the interpreter is found dead, before the call throws it. */
  onGone?: (error: DriverGoneError, output: string) => void;
}

const INITIAL_BUFFER = 64 * 1024;
const LOG_TAIL_LINES = 8;

export class DriverProcess {
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly requests: number;
  private readonly answers: number;
  private readonly log: number;
  private readonly watchdog: Watchdog;
  private buffer = Buffer.allocUnsafe(INITIAL_BUFFER);
  private start = 0;
  private end = 0;
  /** Set by Node's 'exit' event, when the event loop ran after the driver died. */
  private exited: ExitStatus | null = null;
  private gone: DriverGoneError | null = null;
  /** What later calls throw: the interpreter died in an earlier one. */
  private goneSince: DriverGoneError | null = null;
  private closed = false;
  /** What of the log was copied to stderr already. */
  private logCopied = 0;

  constructor(private readonly opts: DriverOptions) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-python-'));
    let both: number[] = [];
    try {
      const requestsPath = path.join(dir, 'requests');
      const answersPath = path.join(dir, 'answers');
      execFileSync('mkfifo', [requestsPath, answersPath]);
      // O_RDWR never waits for the other end (Linux); the child inherits these and reopens each
      // one way. This process keeps one way each, so that the child's death ends our reads.
      both = [openSync(requestsPath, constants.O_RDWR), openSync(answersPath, constants.O_RDWR)];
      this.log = openSync(path.join(dir, 'output'), 'w+');
      this.child = spawn(opts.executable, ['-u', opts.driverScript], {
        stdio: ['ignore', this.log, this.log, both[0]!, both[1]!],
        env: opts.env ?? process.env,
      });
      // A failed spawn is reported as an event; the reads below find the end of file instead.
      this.child.on('error', () => {});
      this.child.on('exit', (code, signal) => {
        this.exited = { code, signal };
      });
      this.child.unref();
      this.requests = openSync(requestsPath, constants.O_WRONLY);
      this.answers = openSync(answersPath, constants.O_RDONLY);
    } finally {
      for (const fd of both) closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
    if (this.child.pid === undefined) {
      // Checked before (it exists and is executable), so rare; never a watchdog without a pid,
      // whose kill(0) would hit this process's own group.
      for (const fd of [this.requests, this.answers, this.log]) closeSync(fd);
      throw new InterpreterError(`${opts.label}: ${opts.executable} could not be started`);
    }
    this.pid = this.child.pid;
    this.watchdog = new Watchdog(this.pid, opts.timeoutMs);
  }

  /** True once the interpreter was found dead (or the process closed). */
  get isGone(): boolean {
    return this.gone !== null || this.closed;
  }

  /** The error of a call made after the interpreter died. */
  private goneBefore(): DriverGoneError {
    return this.goneSince!;
  }

  /** Writes one request line. */
  send(line: string, during: string): void {
    if (this.gone) throw this.goneBefore();
    if (this.closed) throw new InterpreterError(`${this.opts.label}: the backend is closed`);
    const data = Buffer.from(line, 'utf8');
    try {
      for (let off = 0; off < data.length;) off += writeSync(this.requests, data, off, data.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') throw this.died(during);
      throw e;
    }
  }

  /** Reads one answer line (without its newline), waiting as long as the watchdog allows. */
  receive(during: string): string {
    if (this.gone) throw this.goneBefore();
    for (;;) {
      const newline = this.buffer.indexOf(10, this.start);
      if (newline !== -1 && newline < this.end) {
        // The driver writes ASCII only (JSON with escapes): latin1 is the cheapest decoding.
        const line = this.buffer.toString('latin1', this.start, newline);
        this.start = newline + 1;
        if (this.start === this.end) this.start = this.end = 0;
        return line;
      }
      this.makeRoom();
      this.watchdog.readBegins();
      let n: number;
      try {
        n = readSync(this.answers, this.buffer, this.end, this.buffer.length - this.end, null);
      } finally {
        this.watchdog.readEnds();
      }
      if (n === 0) throw this.died(during);
      this.end += n;
    }
  }

  private makeRoom(): void {
    if (this.start > 0) {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end === this.buffer.length) {
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, 0, this.end);
      this.buffer = bigger;
    }
  }

  /** The error for a driver found dead. */
  private died(during: string): DriverGoneError {
    if (this.gone) return this.goneBefore();
    const { label, timeoutMs } = this.opts;
    const timedOut = this.watchdog.fired;
    this.watchdog.stop();
    const status = timedOut ? null : this.exited ?? zombieStatus(this.pid);
    const how = timedOut ? `did not answer within ${timeoutMs / 1000} s during ${during}, and was killed`
      : status?.signal ? `was killed by ${status.signal} during ${during}`
      : status?.code !== undefined && status.code !== null ? `exited with code ${status.code} during ${during}`
      : `is gone (during ${during})`;
    const output = this.output();
    // Shown in the message, or printed by onGone: not copied to stderr again at close.
    this.logCopied = Buffer.byteLength(output);
    const tail = output.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
    this.gone = new DriverGoneError(`${label}: the interpreter ${how}${tail ? `; its last output:\n${tail}` : ''}`, status, timedOut);
    this.goneSince = new DriverGoneError(`${label}: the interpreter is gone since an earlier call (it ${how})`, status, timedOut);
    this.opts.onGone?.(this.gone, output);
    return this.gone;
  }

  /** Everything the interpreter printed so far. */
  output(from = 0): string {
    const size = fstatSync(this.log).size;
    if (size <= from) return '';
    const bytes = Buffer.allocUnsafe(size - from);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(this.log, bytes, got, bytes.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    return bytes.toString('utf8', 0, got);
  }

  /** Copies what the interpreter printed since the last copy to this process's stderr. */
  forwardOutput(): void {
    const size = fstatSync(this.log).size;
    if (size <= this.logCopied) return;
    const text = this.output(this.logCopied);
    this.logCopied = size;
    try {
      writeSync(2, text);
    } catch {
      // stderr closed: nobody to tell.
    }
  }

  /** Ends the driver (end of its requests pipe) without waiting for it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watchdog.stop();
    this.forwardOutput();
    for (const fd of [this.requests, this.answers, this.log]) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    }
  }
}
