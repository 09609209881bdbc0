// One way to run a child process in isolation: a Node.js script of ours in a process of its own
// (a crash or a hang in native code costs only that process), told where to write its events,
// with a time limit. Cells and extension probes both run through here.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { decodeEvents } from './events.js';

export interface IsolatedRun<E> {
  /** What the child wrote to its events file, in order. */
  events: E[];
  /** Lines of the events file that did not parse (a line cut short by a crash). */
  unreadable: number;
  exitCode?: number;
  /** The signal that killed the child; absent when it was killed for its time limit. */
  signal?: string;
  timedOut: boolean;
  timeoutMs: number;
  /** Set when the child was killed for passing `maxMemoryBytes`: the limit, and the resident size seen. */
  outOfMemory?: { limitBytes: number; residentBytes: number };
  /** The child's stderr, or its stdout when stderr is empty: the only clue when its events say nothing. */
  output: string;
  durationMs: number;
}

export interface IsolatedOptions {
  /** The program; default this Node, without this process's execArgv. */
  command?: string;
  /** Its arguments; `--results <file>` is appended unless `resultsEnv` names a variable for the file instead. */
  args: string[];
  resultsEnv?: string;
  /** The child's working folder (default: this process's). */
  cwd?: string;
  timeoutMs: number;
  /** The child's environment, added to this process's. */
  env?: Record<string, string>;
  /** Folder for the events file (default: a temporary one, removed afterwards). */
  resultsDir?: string;
  /** The child is killed once its resident memory, with its own children's, passes this many bytes (Linux: read from /proc). */
  maxMemoryBytes?: number;
}

/**
 * Runs `node <args> --results <file>` with this Node and without this process's execArgv (the
 * child must not start with the parent's loaders, e.g. mocha's --import tsx), or another
 * program that takes the file from an environment variable.
 */
export async function runIsolated<E>(opts: IsolatedOptions): Promise<IsolatedRun<E>> {
  const ownDir = opts.resultsDir === undefined ? await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-child-')) : undefined;
  const dir = ownDir ?? opts.resultsDir!;
  const results = path.join(dir, `events-${randomUUID()}.jsonl`);
  try {
    const started = performance.now();
    const args = opts.resultsEnv === undefined ? [...opts.args, '--results', results] : opts.args;
    const running = execa(opts.command ?? process.execPath, args, {
      reject: false,
      timeout: opts.timeoutMs,
      // Plain text in captured output: it ends up in error messages and reports.
      env: { ...opts.env, FORCE_COLOR: '0', ...(opts.resultsEnv === undefined ? {} : { [opts.resultsEnv]: results }) },
      stdin: 'ignore',
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    const watch = opts.maxMemoryBytes === undefined || running.pid === undefined
      ? undefined : watchMemory(running.pid, opts.maxMemoryBytes, () => running.kill('SIGKILL'));
    const child = await running;
    const outOfMemory = watch?.stop();
    const durationMs = performance.now() - started;
    const { events, unreadable } = decodeEvents<E>(await readFile(results, 'utf8').catch(() => ''));
    return {
      events,
      unreadable,
      ...(child.exitCode === undefined ? {} : { exitCode: child.exitCode }),
      // A child stopped at its time limit is a hang, not a crash.
      ...(child.signal && !child.timedOut ? { signal: child.signal } : {}),
      timedOut: child.timedOut,
      timeoutMs: opts.timeoutMs,
      ...(outOfMemory === undefined ? {} : { outOfMemory }),
      output: (child.stderr.trim() === '' ? child.stdout : child.stderr).trimEnd(),
      durationMs,
    };
  } finally {
    if (ownDir !== undefined) await rm(ownDir, { recursive: true, force: true });
    else await rm(results, { force: true });
  }
}

/** The last `lines` lines of a child's output on lines of their own after a message, or ''. */
export function outputTail(output: string, lines = 20): string {
  const text = output.trimEnd();
  return text === '' ? '' : `\n${text.split('\n').slice(-lines).join('\n')}`;
}

const MEMORY_POLL_MS = 50;

/**
 * Polls the resident size of process `pid` and calls `kill` once it passes `limitBytes`. A
 * limit on the address space (ulimit -v) would not do: V8 reserves far more address space than
 * it uses. Where /proc cannot be read (not Linux), nothing is watched.
 */
function watchMemory(pid: number, limitBytes: number, kill: () => void): { stop(): { limitBytes: number; residentBytes: number } | undefined } {
  let over: { limitBytes: number; residentBytes: number } | undefined;
  const timer = setInterval(() => {
    const resident = residentBytes(pid);
    if (resident === undefined) {
      clearInterval(timer);
      return;
    }
    if (resident > limitBytes && over === undefined) {
      over = { limitBytes, residentBytes: resident };
      kill();
    }
  }, MEMORY_POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      return over;
    },
  };
}

/**
 * VmRSS of a process and all its descendants (a python:<interpreter> cell's interpreter, a
 * pytest cell's workers), from /proc; undefined once the process is gone or where there is no /proc.
 */
function residentBytes(pid: number): number | undefined {
  const own = processResident(pid);
  if (own === undefined) return undefined;
  let total = own;
  const seen = new Set([pid]);
  const queue = childrenOf(pid);
  while (queue.length > 0) {
    const child = queue.shift()!;
    if (seen.has(child)) continue;
    seen.add(child);
    total += processResident(child) ?? 0;
    queue.push(...childrenOf(child));
  }
  return total;
}

function processResident(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The children of every thread of `pid` (a child belongs to the thread that started it). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}
