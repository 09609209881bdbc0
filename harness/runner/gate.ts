// The gate: compares each result with the expectations file and decides the exit status.
import type { CellResult, Outcome, TestResult, Verdict } from './cell-result.js';
import { cellExpectation, testExpectation, type Expectation, type Expectations } from './expectations.js';

export interface Gate {
  /** 0: every result as expected; 1: a regression or an unexpected pass; 2: no run. */
  exitCode: 0 | 1 | 2;
  /** Tests whose verdict is regression, plus cells that regressed as a whole (ERROR, CRASH, TIMEOUT, another status than expected). */
  regressions: number;
  /** Tests that passed against a 'failed' entry, plus cells that ran against an ERROR/CRASH/TIMEOUT entry. */
  unexpectedPasses: number;
  /** Tests, and cells, that passed only on a retry their flaky entry allows. */
  flaky: number;
  expectationsFile?: string;
}

/** What retries changed in a cell: whether the cell was rerun whole, and which tests passed on a retry. */
export interface Retried {
  cell: boolean;
  tests: ReadonlySet<string>;
}

export const NOT_RETRIED: Retried = { cell: false, tests: new Set() };

/**
 * Sets the verdict of every cell and test and counts them. `retried` is keyed like
 * `retriedKey`; cells missing from it were not retried.
 */
export function judgeRun(cells: CellResult[], exp: Expectations | undefined, retried: ReadonlyMap<string, Retried> = new Map()): Gate {
  const counts: Record<Outcome, number> = { expected: 0, regression: 0, 'unexpected-pass': 0, flaky: 0 };
  for (const cell of cells) {
    const cellOwn = judgeCell(cell, exp, retried.get(retriedKey(cell)) ?? NOT_RETRIED);
    if (cellOwn !== undefined) counts[cellOwn]++;
    for (const test of cell.tests) counts[test.verdict!.outcome]++;
  }
  const failing = counts.regression + counts['unexpected-pass'] > 0;
  return {
    exitCode: failing ? 1 : 0,
    regressions: counts.regression,
    unexpectedPasses: counts['unexpected-pass'],
    flaky: counts.flaky,
    ...(exp === undefined ? {} : { expectationsFile: exp.file }),
  };
}

export function retriedKey(cell: Pick<CellResult, 'suite' | 'backend'>): string {
  return `${cell.suite}\0${cell.backend}`;
}

/**
 * Sets the verdicts of a cell and its tests. Returns the outcome of the cell as a whole when
 * that is more than the sum of its tests (it did not run through, or a cell-level entry or
 * retry decided it), so the gate counts it once.
 */
function judgeCell(cell: CellResult, exp: Expectations | undefined, retried: Retried): Outcome | undefined {
  for (const test of cell.tests) {
    test.verdict = judgeTest(test, testExpectation(exp, cell.suite, cell.backend, test.title), retried.tests.has(test.title));
  }
  const entry = cellExpectation(exp, cell.suite, cell.backend);
  const fromTests = worstOutcome(cell.tests.map((t) => t.verdict!.outcome));
  const ranThrough = cell.status === 'PASS' || cell.status === 'FAIL';

  if (cell.status === 'SKIP') {
    cell.verdict = verdict('expected', entry);
    return undefined;
  }
  if (entry?.status !== undefined) {
    if (cell.status === entry.status) {
      cell.verdict = verdict('expected', entry);
      return 'expected';
    }
    // It runs now where the file says it could not: the entry is stale, unless tests regressed.
    const outcome = ranThrough && fromTests !== 'regression' ? 'unexpected-pass' : 'regression';
    cell.verdict = verdict(outcome, entry);
    return outcome;
  }
  if (!ranThrough) {
    cell.verdict = verdict('regression', entry);
    return 'regression';
  }
  if (retried.cell && cell.status === 'PASS') {
    cell.verdict = verdict('flaky', entry);
    return 'flaky';
  }
  cell.verdict = verdict(fromTests, undefined);
  return undefined;
}

function judgeTest(test: TestResult, entry: Expectation | undefined, passedOnRetry: boolean): Verdict {
  if (entry === undefined) return { outcome: test.status === 'failed' ? 'regression' : 'expected' };
  if (entry.flaky !== undefined) {
    if (test.status === 'failed') return verdict('regression', entry);
    return verdict(passedOnRetry ? 'flaky' : 'expected', entry);
  }
  if (entry.status === 'failed' && test.status === 'passed') return verdict('unexpected-pass', entry);
  return verdict('expected', entry);
}

const SEVERITY: Outcome[] = ['regression', 'unexpected-pass', 'flaky', 'expected'];

function worstOutcome(outcomes: Outcome[]): Outcome {
  return SEVERITY.find((o) => outcomes.includes(o)) ?? 'expected';
}

function verdict(outcome: Outcome, entry: Expectation | undefined): Verdict {
  return {
    outcome,
    ...(entry?.status === undefined ? {} : { expected: entry.status }),
    ...(entry === undefined ? {} : { reason: entry.reason }),
  };
}
