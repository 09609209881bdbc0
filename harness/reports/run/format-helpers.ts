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

/**
 * How a reader should take a cell, after the gate: 'expected' is a known failure the
 * expectations file lists (not red beside a green gate), 'regression' and 'unexpected' are what
 * the gate holds against the run. Without a verdict (no gate ran) anything but PASS is a regression.
 */
export type Tone = 'pass' | 'expected' | 'regression' | 'unexpected' | 'flaky' | 'skip';

export function cellTone(cell: CellResult): Tone {
  if (cell.status === 'SKIP') return 'skip';
  switch (cell.verdict?.outcome) {
    case 'regression': return 'regression';
    case 'unexpected-pass': return 'unexpected';
    case 'flaky': return 'flaky';
    case 'expected': return cell.status === 'PASS' ? 'pass' : 'expected';
    default: return cell.status === 'PASS' ? 'pass' : 'regression';
  }
}

/** The cell's status with what the gate made of it: `FAIL (expected: 2)`, `CRASH (expected)`, `PASS (flaky)`. */
export function cellLabel(cell: CellResult): string {
  switch (cellTone(cell)) {
    case 'expected': {
      if (cell.status !== 'FAIL') return `${cell.status} (expected)`;
      const known = cell.tests.filter((t) => t.status === 'failed' && t.verdict?.outcome === 'expected').length;
      return `FAIL (expected: ${known})`;
    }
    case 'flaky': return `${cell.status} (flaky)`;
    case 'unexpected': return `${cell.status} (unexpected pass)`;
    default: return cell.status;
  }
}

/** Cells the gate holds against the run: regressions and unexpected passes. */
export function isGateProblem(cell: CellResult): boolean {
  const tone = cellTone(cell);
  return tone === 'regression' || tone === 'unexpected';
}

/** A failed test's note when the expectations file knows it: ` (expected: <reason>)`, else ''. */
export function expectedNote(test: CellResult['tests'][number]): string {
  if (test.verdict?.outcome !== 'expected' || test.status !== 'failed') return '';
  return test.verdict.reason ? ` (expected: ${test.verdict.reason})` : ' (expected)';
}

/** The suites and backends that have cells, in the matrix's order (a shard has some of them). */
export function axes(result: MatrixResult): { suites: string[]; backends: string[] } {
  const has = (key: 'suite' | 'backend') => (name: string) => result.cells.some((c) => c[key] === name);
  return { suites: result.matrix.suites.filter(has('suite')), backends: result.matrix.backends.filter(has('backend')) };
}

/** "60 cells", or for a shard "20 cells (shard 2/3)". */
export function cellCount(result: MatrixResult): string {
  const cells = plural(result.cells.length, 'cell');
  return result.shard ? `${cells} (shard ${result.shard.index}/${result.shard.total})` : cells;
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
    ['Python', e.python ?? (result.matrix.backends.some((b) => b.endsWith('cpython')) ? '(none on PATH)' : '(not used)')],
    ...Object.entries(e.interpreters ?? {}).map(([label, i]): [string, string] => [label, interpreterText(i)]),
  ];
}

const IMPLEMENTATIONS: Record<string, string> = { cpython: 'CPython', pypy: 'PyPy', graalpy: 'GraalPy' };

/** "PyPy 7.3.11 (Python 3.9.18), HPy 0.0.4". */
function interpreterText(i: NonNullable<MatrixResult['environment']['interpreters']>[string]): string {
  if (i.error !== undefined) return `could not be asked: ${i.error}`;
  const name = IMPLEMENTATIONS[i.implementation ?? ''] ?? i.implementation ?? '?';
  const version = i.implementation === 'cpython' ? `${name} ${i.version}` : `${name} ${i.implementationVersion} (Python ${i.version})`;
  return `${version}, ${i.hpy === null || i.hpy === undefined ? 'no hpy.universal' : `HPy ${i.hpy}`}`;
}
