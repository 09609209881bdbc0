// The results file a cell child writes for its parent: one JSON object per line, each
// written synchronously as it happens, so whatever the child managed to say before a crash
// is on disk. The parent derives the cell status from these events plus the exit.

import type { DebugFinding } from '../../loader/layers/layers.js';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export type CellEvent =
  | { event: 'start' }
  | { event: 'test-begin'; title: string }
  /** `findings`: what the debug layer found in the test (debug backends only). */
  | { event: 'test-end'; title: string; status: TestStatus; error?: string; durationMs: number; findings?: DebugFinding[] }
  /**
   * The suite could not run (no test files, a file that throws at import, no backend), or an
   * extension did not build or load; `output` is the compiler's output of a failed build.
   */
  | { event: 'error'; message: string; output?: string }
  /** Calls and nanoseconds per context member during the suite (trace backends only). */
  | { event: 'trace'; counts: Record<string, { calls: number; ns: number }> }
  | { event: 'end' };

export function encodeEvent(event: CellEvent): string {
  return JSON.stringify(event) + '\n';
}

/**
 * Parses a results file. A last line cut short by a crash mid-write is dropped: every
 * complete line before it still counts.
 */
export function decodeEvents(text: string): CellEvent[] {
  const events: CellEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as CellEvent);
    } catch {
      break;
    }
  }
  return events;
}
