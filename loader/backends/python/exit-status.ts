// How a child process ended, read synchronously. The backend waits on a pipe with a blocking
// read, so Node's event loop (which reaps children and emits 'exit') does not run until the call
// returns; the dead child is then still a zombie, and Linux keeps its wait status in
// /proc/<pid>/stat (field 52, exit_code, in waitpid's encoding).
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Its pipe closed a moment before it became a zombie: how long to look for that. */
const ZOMBIE_WAIT_MS = 2000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The wait status of `pid` once it has died, or null when it cannot be known here (no /proc, the
 * process reaped already, or still alive after ZOMBIE_WAIT_MS).
 */
export function zombieStatus(pid: number): ExitStatus | null {
  const deadline = Date.now() + ZOMBIE_WAIT_MS;
  for (;;) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      return null;
    }
    // Fields after the command name, which is in parentheses and may hold anything.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
    const state = fields[0];
    if ((state === 'Z' || state === 'X') && fields.length >= 50) return decodeWaitStatus(Number(fields[49]));
    if (Date.now() >= deadline) return null;
    Atomics.wait(sleeper, 0, 0, 1);
  }
}

/** waitpid's status word: a signal number in the low 7 bits, else the exit code in the next byte. */
export function decodeWaitStatus(status: number): ExitStatus {
  const signal = status & 0x7f;
  if (signal === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: signalName(signal) };
}

export function signalName(n: number): NodeJS.Signals | null {
  const entry = Object.entries(os.constants.signals).find(([, value]) => value === n);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}
