// A cell's result as the parent derives it from the events its child wrote and the way the
// child ended, and the shapes every reporter reads.
import { outputTail, type IsolatedRun } from '../child/run-isolated.js';
import type { CellEvent, TestStatus } from '../cell/protocol.js';

/** SKIP: the expectations file says not to run the cell. */
export type CellStatus = 'PASS' | 'FAIL' | 'ERROR' | 'CRASH' | 'TIMEOUT' | 'SKIP';

/**
 * How a result compares with the expectations file. 'expected': as the file says (PASS when
 * the file says nothing); 'regression': worse than expected; 'unexpected-pass': passed where
 * the file expects a failure (the file must be updated); 'flaky': passed only on a retry
 * that the file allows.
 */
export type Outcome = 'expected' | 'regression' | 'unexpected-pass' | 'flaky';

export interface Verdict {
  outcome: Outcome;
  /** The status the expectations file gives (absent: the default, PASS / passed). */
  expected?: CellStatus | TestStatus;
  /** The file's reason for a known failure or a flaky test. */
  reason?: string;
}

/** A finding of the debug layer, on the test it was found in. */
export type { DebugFinding as Finding } from '../../loader/layers/layers.js';
import type { DebugFinding as Finding } from '../../loader/layers/layers.js';

export interface TestResult {
  title: string;
  status: TestStatus;
  error?: string;
  durationMs?: number;
  findings?: Finding[];
  /** Why a skipped test was skipped, when its suite said. */
  reason?: string;
  /** Set by the gate (without an expectations file, every failure is a regression). */
  verdict?: Verdict;
}

export interface CellResult {
  suite: string;
  backend: string;
  status: CellStatus;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  tests: TestResult[];
  /** Why the cell is ERROR, CRASH or TIMEOUT. */
  error?: string;
  /** The signal that killed a CRASH cell, e.g. SIGSEGV. */
  signal?: string;
  /** Full title of the test that had begun but not ended when the cell crashed. */
  crashedIn?: string;
  /** Compiler or loader output of an ERROR cell whose extension did not build. */
  output?: string;
  /** Why a SKIP cell did not run when the expectations file did not say so (a pytest suite on a backend without Python). */
  skipReason?: string;
  /** On a trace backend: calls and nanoseconds per context member (`ctx_Dup`...) the suite made. */
  trace?: Record<string, { calls: number; ns: number }>;
  /** Set by the gate. */
  verdict?: Verdict;
}

/** Derives a cell's result from the events its process wrote and the way it ended. */
export function cellResult(cell: { suite: string; backend: string }, run: IsolatedRun<CellEvent>,
  /** Exit codes of a child that ran its suite: pytest exits 1 when a test failed, 5 when none was collected. */
  ranExitCodes: readonly number[] = [0]): CellResult {
  const { events } = run;
  const tests: TestResult[] = [];
  let running: string | undefined;
  let errorEvent: { message: string; output?: string } | undefined;
  let ended = false;
  let trace: CellResult['trace'];
  for (const e of events) {
    if (e.event === 'trace') trace = e.counts;
    if (e.event === 'test-begin') running = e.title;
    if (e.event === 'test-end') {
      tests.push({
        title: e.title, status: e.status, ...(e.error === undefined ? {} : { error: e.error }), durationMs: e.durationMs,
        ...(e.findings?.length ? { findings: e.findings } : {}),
        ...(e.reason === undefined ? {} : { reason: e.reason }),
      });
      running = undefined;
    }
    // The first error is the cause; later ones (tests of an extension that did not build) follow from it.
    if (e.event === 'error') errorEvent ??= e;
    if (e.event === 'end') ended = true;
  }
  const count = (status: TestStatus) => tests.filter((t) => t.status === status).length;
  const result = (status: CellStatus, extra: Pick<CellResult, 'error' | 'signal' | 'crashedIn' | 'output'> = {}): CellResult => ({
    suite: cell.suite, backend: cell.backend, status,
    passed: count('passed'), failed: count('failed'), skipped: count('skipped'),
    durationMs: Math.round(run.durationMs), tests, ...extra, ...(trace ? { trace } : {}),
  });
  const inTest = running === undefined ? '' : ` in ${quote(running)}`;

  if (run.timedOut) return result('TIMEOUT', { error: `no result within ${run.timeoutMs} ms${inTest}` });
  if (run.outOfMemory) {
    return result('CRASH', {
      error: `out of memory (limit ${megabytes(run.outOfMemory.limitBytes)}, resident ${megabytes(run.outOfMemory.residentBytes)})${inTest}`,
      signal: 'SIGKILL',
      ...(running === undefined ? {} : { crashedIn: running }),
    });
  }
  if (run.signal) {
    return result('CRASH', {
      error: `killed by ${run.signal}${inTest}${outputTail(run.output)}`,
      signal: run.signal,
      ...(running === undefined ? {} : { crashedIn: running }),
    });
  }
  if (errorEvent !== undefined) {
    return result('ERROR', { error: errorEvent.message, ...(errorEvent.output ? { output: errorEvent.output } : {}) });
  }
  if (run.exitCode === undefined || !ranExitCodes.includes(run.exitCode) || (run.exitCode !== 0 && !ended)) {
    return result('ERROR', { error: `cell process exited with code ${run.exitCode}${inTest}${outputTail(run.output)}` });
  }
  if (!ended) {
    return result('ERROR', { error: `cell process exited before the suite finished${inTest}${outputTail(run.output)}` });
  }
  if (tests.length === 0) return result('ERROR', { error: 'no tests ran' });
  return result(count('failed') > 0 ? 'FAIL' : 'PASS');
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MB`;
}

function quote(title: string): string {
  return `'${title}'`;
}
