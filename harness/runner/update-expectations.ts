// `hpy-matrix expectations --update`: the file rewritten so that it says what the run saw.
import type { CellResult } from './cell-result.js';
import { TODO_REASON, type Expectation } from './expectations.js';

const NOT_RUN_THROUGH = ['ERROR', 'CRASH', 'TIMEOUT'];

/**
 * Keeps the entries the run confirms or could not check (with their reasons), flaky and SKIP
 * entries, drops entries whose results now pass, and adds an entry with a TODO reason for
 * every non-pass that no kept entry covers: failed tests, and cells that did not run through.
 */
export function updatedExpectations(old: Expectation[], cells: CellResult[]): Expectation[] {
  const kept = old.filter((entry) => stillTrue(entry, cells));
  const added: Expectation[] = [];
  for (const cell of cells) {
    const about = (test: string | undefined) => kept.filter((e) => e.suite === cell.suite
      && (e.backend === cell.backend || e.backend === '*') && e.test === test);
    if (NOT_RUN_THROUGH.includes(cell.status) && !about(undefined).some((e) => e.status === cell.status || e.flaky)) {
      added.push({ suite: cell.suite, backend: cell.backend, status: cell.status as Expectation['status'], reason: TODO_REASON });
    }
    for (const test of cell.tests.filter((t) => t.status === 'failed')) {
      if (about(test.title).length === 0) {
        added.push({ suite: cell.suite, backend: cell.backend, test: test.title, status: 'failed', reason: TODO_REASON });
      }
    }
  }
  // An exact entry whose status changed is replaced: the new one shadows nothing stale.
  const replaced = new Set(added.map(key));
  return [...kept.filter((e) => !replaced.has(key(e))), ...added];
}

/** True unless the run has results the entry is about and none of them is what it says. */
function stillTrue(entry: Expectation, cells: CellResult[]): boolean {
  if (entry.flaky !== undefined || entry.status === 'SKIP') return true;
  const applicable = cells.filter((c) => c.suite === entry.suite && (entry.backend === '*' || c.backend === entry.backend));
  if (entry.test === undefined) {
    return applicable.length === 0 || applicable.some((c) => c.status === entry.status);
  }
  const tests = applicable.flatMap((c) => c.tests.filter((t) => t.title === entry.test));
  return tests.length === 0 || tests.some((t) => t.status === 'failed');
}

function key(e: Expectation): string {
  return JSON.stringify([e.suite, e.backend, e.test ?? null]);
}
