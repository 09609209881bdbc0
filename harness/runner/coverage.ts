// The run's coverage table, from the capabilities each cell's backend reported as it started:
// the parent never creates a backend to ask.
import type { CellEvent } from '../cell/protocol.js';
import { checkCapabilities, FUNCTION_MEMBERS, type BackendCoverage } from '../reports/coverage/table.js';
import type { CellResult } from './cell-result.js';
import type { RunCoverage } from './result.js';

export class CoverageCollector {
  private readonly tables = new Map<string, BackendCoverage>();
  private readonly problems = new Map<string, string>();

  /** Takes the first table a backend's cells report; later ones say the same. */
  note(backend: string, events: readonly CellEvent[]): void {
    if (this.tables.has(backend)) return;
    for (const e of events) {
      if (e.event !== 'capabilities') continue;
      if (e.capabilities === undefined) {
        this.problems.set(backend, e.error ?? 'capabilities() gave nothing');
        continue;
      }
      try {
        this.tables.set(backend, checkCapabilities(backend, e.capabilities));
        this.problems.delete(backend);
      } catch (err) {
        this.problems.set(backend, (err as Error).message);
      }
    }
  }

  /** Every backend of the run: its table, or why it has none. */
  report(backends: readonly string[], cells: readonly CellResult[]): RunCoverage {
    const report: RunCoverage = { schema: 1, total: FUNCTION_MEMBERS.length, backends: {}, errors: {} };
    for (const backend of backends) {
      const table = this.tables.get(backend);
      if (table) report.backends[backend] = table;
      else report.errors[backend] = this.problems.get(backend) ?? whyNoCellReported(backend, cells);
    }
    return report;
  }
}

function whyNoCellReported(backend: string, cells: readonly CellResult[]): string {
  const failed = cells.find((c) => c.backend === backend && c.status !== 'SKIP' && c.error !== undefined);
  if (failed) return `no cell started the backend (${failed.suite}: ${failed.error!.split('\n', 1)[0]})`;
  return 'no cell of this backend ran';
}
