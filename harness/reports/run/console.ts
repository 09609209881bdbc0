// The console reporter: the cells as a table, then the details of what did not pass, the gate.
import type { CellResult, CellStatus } from '../../runner/cell-result.js';
import type { MatrixResult } from '../../runner/result.js';
import { environmentRows, gateSentence, needsDetails, seconds } from './format-helpers.js';

const ERROR_LINES = 4;
const MESSAGE_LINES = 12;

// ANSI SGR codes written out: util.styleText drops them whenever stdout is not a terminal,
// and whether to colour is decided once, by wantsColour.
const STATUS_STYLE: Record<CellStatus, [open: string, close: string]> = {
  PASS: ['32', '39'], FAIL: ['31', '39'], ERROR: ['35', '39'], CRASH: ['1;31', '22;39'], TIMEOUT: ['33', '39'], SKIP: ['90', '39'],
};
const ansi = (status: CellStatus, text: string) => `\u001b[${STATUS_STYLE[status][0]}m${text}\u001b[${STATUS_STYLE[status][1]}m`;

export interface ConsoleOptions {
  /** Colour the statuses with ANSI codes (for a terminal). */
  colour?: boolean;
}

/** The run as text: a table of cells, the failure details, then the summary and the gate. */
export function formatConsoleReport(result: MatrixResult, opts: ConsoleOptions = {}): string {
  const paint = (status: CellStatus, text: string) => (opts.colour ? ansi(status, text) : text);
  const sections = [table(result.cells, paint)];
  const details = result.cells.filter(needsDetails).map((cell) => cellDetails(cell, paint));
  if (details.length > 0) sections.push(details.join('\n\n'));
  const env = environmentRows(result);
  if (env.length > 0) sections.push(env.map(([k, v]) => `${k}: ${v}`).join(', '));
  sections.push([summary(result), `gate: ${gateSentence(result)}`].join('\n'));
  return sections.join('\n\n') + '\n';
}

/** Colour is for people at a terminal that has not asked for none (https://no-color.org). */
export function wantsColour(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && (process.env.NO_COLOR ?? '') === '';
}

type Paint = (status: CellStatus, text: string) => string;

function table(cells: CellResult[], paint: Paint): string {
  const header = ['suite', 'backend', 'status', 'passed', 'failed', 'skipped', 'time'];
  const rows = cells.map((c) => [
    c.suite, c.backend, c.status, String(c.passed), String(c.failed), String(c.skipped), seconds(c.durationMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Counts and times read best right-aligned; padding is measured before colour is added.
  const line = (cols: string[], status?: CellStatus) => cols
    .map((col, i) => {
      const padded = i >= 3 ? col.padStart(widths[i]!) : col.padEnd(widths[i]!);
      return i === 2 && status ? paint(status, padded) : padded;
    })
    .join(' | ')
    .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(header), rule, ...rows.map((r, i) => line(r, cells[i]!.status))].join('\n');
}

function cellDetails(cell: CellResult, paint: Paint): string {
  const lines = [`${cell.suite} × ${cell.backend}: ${paint(cell.status, cell.status)}`];
  for (const test of cell.tests.filter((t) => t.status === 'failed')) {
    lines.push(`  ✗ ${test.title}`);
    if (test.error) lines.push(...firstLines(test.error, ERROR_LINES).map((l) => `      ${l}`));
  }
  if (cell.error) lines.push(...firstLines(cell.error, MESSAGE_LINES).map((l) => `  ${l}`));
  if (cell.output) lines.push(...firstLines(cell.output, MESSAGE_LINES).map((l) => `  | ${l}`));
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
