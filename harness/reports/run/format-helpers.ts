// Small pieces of wording shared by every reporter, so that they say the same thing.
import type { CellResult } from '../../runner/cell-result.js';
import type { MatrixResult } from '../../runner/result.js';

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "3 passed, 1 failed, 2 skipped", leaving out zero counts except passed. */
export function testCounts(cell: Pick<CellResult, 'passed' | 'failed' | 'skipped'>): string {
  const parts = [`${cell.passed} passed`];
  if (cell.failed > 0) parts.push(`${cell.failed} failed`);
  if (cell.skipped > 0) parts.push(`${cell.skipped} skipped`);
  return parts.join(', ');
}

/** Cells that have something to show beyond their counts. */
export function needsDetails(cell: CellResult): boolean {
  return cell.status !== 'PASS' && cell.status !== 'SKIP';
}

/** Suites and backends in the order the run has them (suite-major cells). */
export function axes(result: MatrixResult): { suites: string[]; backends: string[] } {
  return {
    suites: [...new Set(result.cells.map((c) => c.suite))],
    backends: [...new Set(result.cells.map((c) => c.backend))],
  };
}

/** The gate in one sentence. */
export function gateSentence(result: MatrixResult): string {
  const g = result.gate;
  const verdict = g.exitCode === 0 ? 'as expected' : g.exitCode === 1 ? 'not as expected' : 'the run could not happen';
  const file = g.expectationsFile === undefined ? 'no expectations file' : `expectations: ${g.expectationsFile}`;
  return `exit ${g.exitCode} (${verdict}): ${plural(g.regressions, 'regression')}, ${plural(g.unexpectedPasses, 'unexpected pass', 'unexpected passes')}, ${g.flaky} flaky; ${file}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Environment as label/value pairs, in a fixed order. */
export function environmentRows(result: MatrixResult): Array<[string, string]> {
  const e = result.environment;
  return [
    ['hpy-matrix', e.hpyMatrixVersion],
    ['Node.js', e.node],
    ['platform', `${e.platform} ${e.arch}`],
    ['CPUs', String(e.cpus)],
    ['Python', e.python ?? '(none on PATH)'],
  ];
}
