import type { CellResult } from '../matrix/cell-result.js';
import type { MatrixResult } from '../matrix/runner.js';

const ERROR_LINES = 4;
const MESSAGE_LINES = 12;

/** The run as text: a table of cells, the failure details, then a one-line summary. */
export function formatConsoleReport(result: MatrixResult): string {
  const sections = [table(result.cells)];
  const details = result.cells.filter((cell) => cell.status !== 'PASS' && cell.status !== 'SKIP').map(cellDetails);
  if (details.length > 0) sections.push(details.join('\n\n'));
  sections.push(summary(result));
  return sections.join('\n\n') + '\n';
}

function table(cells: CellResult[]): string {
  const header = ['suite', 'backend', 'status', 'passed', 'failed', 'skipped', 'time'];
  const rows = cells.map((c) => [
    c.suite, c.backend, c.status, String(c.passed), String(c.failed), String(c.skipped), seconds(c.durationMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Counts and times read best right-aligned.
  const line = (cols: string[]) => cols
    .map((col, i) => (i >= 3 ? col.padStart(widths[i]!) : col.padEnd(widths[i]!)))
    .join(' | ')
    .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function cellDetails(cell: CellResult): string {
  const lines = [`${cell.suite} × ${cell.backend}: ${cell.status}`];
  for (const test of cell.tests.filter((t) => t.status === 'failed')) {
    lines.push(`  ✗ ${test.title}`);
    if (test.error) lines.push(...firstLines(test.error, ERROR_LINES).map((l) => `      ${l}`));
  }
  if (cell.error) lines.push(...firstLines(cell.error, MESSAGE_LINES).map((l) => `  ${l}`));
  return lines.join('\n');
}

function summary(result: MatrixResult): string {
  const counts = new Map<string, number>();
  for (const cell of result.cells) counts.set(cell.status, (counts.get(cell.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const noun = result.cells.length === 1 ? 'cell' : 'cells';
  return `${result.cells.length} ${noun}: ${parts} (${seconds(result.durationMs)})`;
}

function firstLines(text: string, n: number): string[] {
  const lines = text.split('\n');
  return lines.length <= n ? lines : [...lines.slice(0, n), `… ${lines.length - n} more lines`];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
