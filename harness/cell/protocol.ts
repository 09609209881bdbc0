// What a cell child tells its parent, one event per line of its events file (child/events.ts).
// The parent derives the cell's status from these events plus the way the child ended.

import type { Capabilities } from '../../loader/backend.js';
import type { DebugFinding } from '../../loader/layers/layers.js';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export type CellEvent =
  | { event: 'start' }
  | { event: 'test-begin'; title: string }
  /** `findings`: what the debug layer found in the test (debug backends only). */
  /** `reason`: why a skipped test was skipped, when the suite said (suite API `skip`). */
  | { event: 'test-end'; title: string; status: TestStatus; error?: string; durationMs: number; findings?: DebugFinding[]; reason?: string }
  /**
   * The suite could not run (no test files, a file that throws at import, no backend), or an
   * extension did not build or load; `output` is the compiler's output of a failed build.
   */
  | { event: 'error'; message: string; output?: string }
  /** Calls and nanoseconds per context member during the suite (trace backends only). */
  | { event: 'trace'; counts: Record<string, { calls: number; ns: number }> }
  /** What the backend says it implements, once it has started (the run's coverage), or why it cannot say. */
  | { event: 'capabilities'; capabilities?: Capabilities; error?: string }
  | { event: 'end' };
