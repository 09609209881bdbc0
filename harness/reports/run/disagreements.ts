// Where implementations disagree: tests of one suite that passed on some backends of a layer and
// failed on others (cpython against python:python3 with official HPy, reference against
// cpython), leaving out failures the expectations file already knows. Derived from the cells
// alone, so every report of a run, or of a merge, shows the same.
import { parseBackendName } from '../../../loader/backends/names.js';
import type { TestStatus } from '../../cell/protocol.js';
import type { CellResult } from '../../runner/cell-result.js';

export interface Disagreement {
  suite: string;
  /** The test's full title. */
  test: string;
  /** Its status on each backend of the layer that ran it; 'crashed' where the cell crashed in it. */
  results: Record<string, TestStatus | 'crashed'>;
}

/**
 * Tests with both a pass and a failure among the backends of one layer (none, debug, trace),
 * unless a failure of it is a known one (the expectations file lists it, with its reason).
 */
export function findDisagreements(cells: readonly CellResult[]): Disagreement[] {
  const groups = new Map<string, Map<string, Disagreement['results']>>();
  const known = new Set<string>();
  for (const cell of cells) {
    const layer = parseBackendName(cell.backend)?.layer ?? 'none';
    const key = `${cell.suite}\0${layer}`;
    const tests = groups.get(key) ?? new Map<string, Disagreement['results']>();
    groups.set(key, tests);
    const note = (title: string, status: TestStatus | 'crashed') => tests.set(title, { ...tests.get(title), [cell.backend]: status });
    for (const t of cell.tests) {
      if (t.status === 'failed' && t.verdict?.outcome === 'expected') known.add(`${key}\0${t.title}`);
      note(t.title, t.status);
    }
    if (cell.crashedIn !== undefined && !cell.tests.some((t) => t.title === cell.crashedIn)) note(cell.crashedIn, 'crashed');
  }
  const found: Disagreement[] = [];
  for (const [key, tests] of groups) {
    const suite = key.slice(0, key.indexOf('\0'));
    for (const [test, results] of tests) {
      const statuses = Object.values(results);
      if (known.has(`${key}\0${test}`)) continue;
      if (statuses.includes('passed') && (statuses.includes('failed') || statuses.includes('crashed'))) found.push({ suite, test, results });
    }
  }
  return found;
}

/** "cpython passed, python:python3 failed". */
export function disagreementText(d: Disagreement): string {
  return Object.entries(d.results).map(([backend, status]) => `${backend} ${status}`).join(', ');
}
