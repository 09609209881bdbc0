// The console reporter: the cells as a table or a grid, the details of what did not pass, the gate.
import type { CellResult } from '../../runner/cell-result.js';
import type { MatrixResult } from '../../runner/result.js';
import {
  axes, cellCount, cellLabel, cellTone, environmentRows, expectedNote, gateSentence, isGateProblem, needsDetails, plural, seconds, type Tone,
} from './format-helpers.js';
import { disagreementText, findDisagreements } from './disagreements.js';

const ERROR_LINES = 4;
const MESSAGE_LINES = 12;
/** More cells than this are shown as a grid, suites down and backends across. */
export const GRID_FROM = 6;
/** Disagreements listed without --verbose. */
const DISAGREEMENTS_SHOWN = 10;

// ANSI SGR codes written out: util.styleText drops them whenever stdout is not a terminal,
// and whether to colour is decided once, by wantsColour.
const TONE_STYLE: Record<Tone, [open: string, close: string]> = {
  pass: ['32', '39'], expected: ['36', '39'], regression: ['1;31', '22;39'], unexpected: ['35', '39'], flaky: ['33', '39'], skip: ['90', '39'],
};

export interface ConsoleOptions {
  /** Colour the statuses with ANSI codes (for a terminal). */
  colour?: boolean;
  /** Every cell in a table and the details of every cell that did not pass, however many cells. */
  verbose?: boolean;
}

/**
 * The run as text. A few cells, or --verbose: a table of cells and the details of every one
 * that did not pass. More: a grid that fits a screen and the details of what the gate holds
 * against the run only. Then the environment, the summary and the gate.
 */
export function formatConsoleReport(result: MatrixResult, opts: ConsoleOptions = {}): string {
  const paint: Paint = (tone, text) => (opts.colour ? `\u001b[${TONE_STYLE[tone][0]}m${text}\u001b[${TONE_STYLE[tone][1]}m` : text);
  const full = opts.verbose === true || result.cells.length <= GRID_FROM;
  const sections = [full ? table(result.cells, paint) : grid(result, paint)];
  const shown = result.cells.filter(full ? needsDetails : isGateProblem);
  if (shown.length > 0) sections.push(shown.map((cell) => cellDetails(cell, paint)).join('\n\n'));
  const hidden = full ? 0 : result.cells.filter((c) => needsDetails(c) && !isGateProblem(c)).length;
  if (hidden > 0) sections.push(`${plural(hidden, 'cell')} with known or flaky results not detailed (--verbose lists them)`);
  const differ = findDisagreements(result.cells);
  if (differ.length > 0) {
    const shown = full ? differ : differ.slice(0, DISAGREEMENTS_SHOWN);
    sections.push([`${plural(differ.length, 'test')} where backends disagree:`,
      ...shown.map((d) => `  ${d.suite}: ${d.test}: ${disagreementText(d)}`),
      ...(shown.length < differ.length ? [`  … ${differ.length - shown.length} more (--verbose lists them)`] : [])].join('\n'));
  }
  const env = environmentRows(result);
  if (env.length > 0) sections.push(env.map(([k, v]) => `${k}: ${v}`).join(', '));
  sections.push([summary(result), `gate: ${gateSentence(result)}`].join('\n'));
  return sections.join('\n\n') + '\n';
}

/** Colour is for people at a terminal that has not asked for none (https://no-color.org). */
export function wantsColour(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && (process.env.NO_COLOR ?? '') === '';
}

type Paint = (tone: Tone, text: string) => string;

/** Columns joined by ' | ', padded before colour is added; `right` columns are right-aligned. */
function render(rows: string[][], tones: Array<Array<Tone | undefined>>, paint: Paint, right: (col: number) => boolean): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (cols: string[], rowTones: Array<Tone | undefined>) => cols
    .map((col, i) => {
      const padded = right(i) ? col.padStart(widths[i]!) : col.padEnd(widths[i]!);
      const tone = rowTones[i];
      return tone ? paint(tone, padded) : padded;
    })
    .join(' | ')
    .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(rows[0]!, []), rule, ...rows.slice(1).map((r, i) => line(r, tones[i] ?? []))];
}

function table(cells: CellResult[], paint: Paint): string {
  const header = ['suite', 'backend', 'status', 'passed', 'failed', 'skipped', 'time'];
  const rows = cells.map((c) => [
    c.suite, c.backend, cellLabel(c), String(c.passed), String(c.failed), String(c.skipped), seconds(c.durationMs),
  ]);
  // Counts and times read best right-aligned.
  return render([header, ...rows], cells.map((c) => [undefined, undefined, cellTone(c)]), paint, (i) => i >= 3).join('\n');
}

function grid(result: MatrixResult, paint: Paint): string {
  const { suites, backends } = axes(result);
  const lookup = new Map(result.cells.map((c) => [`${c.suite}\0${c.backend}`, c]));
  const cellAt = (suite: string, backend: string) => lookup.get(`${suite}\0${backend}`);
  const rows = suites.map((s) => [s, ...backends.map((b) => { const c = cellAt(s, b); return c ? cellLabel(c) : '–'; })]);
  const tones = suites.map((s) => [undefined, ...backends.map((b) => { const c = cellAt(s, b); return c && cellTone(c); })]);
  return render([['suite', ...backends], ...rows], tones, paint, () => false).join('\n');
}

function cellDetails(cell: CellResult, paint: Paint): string {
  const lines = [`${cell.suite} × ${cell.backend}: ${paint(cellTone(cell), cellLabel(cell))}`];
  for (const test of cell.tests.filter((t) => t.status === 'failed')) {
    lines.push(`  ✗ ${test.title}${expectedNote(test)}`);
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
  return `${cellCount(result)}: ${parts} (${seconds(result.durationMs)})`;
}

function firstLines(text: string, n: number): string[] {
  const lines = text.split('\n');
  return lines.length <= n ? lines : [...lines.slice(0, n), `… ${lines.length - n} more lines`];
}
