// Progress of a run on stderr: on a terminal one status line redrawn in place; elsewhere (CI
// logs) one plain line per finished cell, which reads well in a log that only grows.
import type { CellResult } from './cell-result.js';
import type { ProgressListener } from './runner.js';

export interface ProgressState {
  total: number;
  done: number;
  /** `suite × backend` of the cells running now, in start order. */
  running: string[];
  /** Finished cells by status, in first-seen order. */
  statuses: Map<string, number>;
}

export function cellLabel(cell: { suite: string; backend: string }): string {
  return `${cell.suite} × ${cell.backend}`;
}

/**
 * The terminal status line, at most `width` columns: counts first, since they matter most,
 * then as many running cells as fit.
 */
export function renderStatusLine(state: ProgressState, width: number): string {
  const counts = [...state.statuses].map(([status, n]) => `${n} ${status}`).join(', ');
  const head = `[${state.done}/${state.total}] ${state.running.length} running${counts === '' ? '' : ` | ${counts}`}`;
  if (state.running.length === 0) return truncate(head, width);
  return truncate(`${head} | ${state.running.join(', ')}`, width);
}

/** The plain line of a finished cell: `[3/12] basic × reference PASS 24 passed, 0 failed, 1 skipped (2.1 s)`. */
export function renderCellLine(cell: CellResult, done: number, total: number): string {
  const counts = `${cell.passed} passed, ${cell.failed} failed, ${cell.skipped} skipped`;
  const reason = cell.status === 'SKIP' || cell.status === 'PASS' || cell.status === 'FAIL' ? '' : ` - ${firstLine(cell.error ?? '')}`;
  return `[${done}/${total}] ${cellLabel(cell)} ${cell.status} ${counts} (${(cell.durationMs / 1000).toFixed(1)} s)${reason}`;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A listener that draws progress on `out` (stderr): redrawn on a terminal, plain lines otherwise. */
export function progressDisplay(out: Output): ProgressListener & { finish(): void } {
  const state: ProgressState = { total: 0, done: 0, running: [], statuses: new Map() };
  const tty = out.isTTY === true;
  const redraw = () => out.write(`\r\x1b[2K${renderStatusLine(state, (out.columns ?? 80) - 1)}`);
  return {
    runStarted(total) {
      state.total = total;
      if (tty) redraw();
    },
    cellStarted(cell) {
      state.running.push(cellLabel(cell));
      if (tty) redraw();
    },
    cellFinished(cell) {
      const label = cellLabel(cell);
      state.running = state.running.filter((r) => r !== label);
      state.done++;
      state.statuses.set(cell.status, (state.statuses.get(cell.status) ?? 0) + 1);
      if (tty) redraw();
      else out.write(renderCellLine(cell, state.done, state.total) + '\n');
    },
    finish() {
      // The report follows on stdout; a stale status line would sit in the middle of it.
      if (tty) out.write('\r\x1b[2K');
    },
  };
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}
