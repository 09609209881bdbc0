// Which context functions the suites really call: the cells of a run on trace backends report
// calls per member, and the union over cells is what the suites exercise.
import { CTX_MEMBERS } from '../../../loader/abi/abi.generated.js';
import type { CellResult } from '../../runner/cell-result.js';
import { FUNCTION_MEMBERS } from './table.js';

export interface ExercisedReport {
  schema: 1;
  /** Function members of the context (HPy 0.9.0's and those HPy master appends). */
  total: number;
  /** Test cases that ran (passed or failed) in the traced cells. */
  cases: number;
  /** Members called at least once, in layout order. */
  exercised: string[];
  missed: string[];
  /** Calls per member over every cell. */
  calls: Record<string, number>;
  /** Per traced backend: how many members its cells called. */
  backends: Record<string, { exercised: number; cases: number }>;
  /** Cells that did not run to the end: their calls are missing from the figures. */
  incomplete: Array<{ suite: string; backend: string; status: string }>;
}

const SINCE_MASTER = new Set(CTX_MEMBERS.filter((m) => m.kind === 'func' && m.since === 'master').map((m) => m.name));

export function exercisedReport(cells: CellResult[]): ExercisedReport {
  const calls = new Map<string, number>();
  const backends: ExercisedReport['backends'] = {};
  let cases = 0;
  for (const cell of cells) {
    const ran = cell.passed + cell.failed;
    cases += ran;
    const b = (backends[cell.backend] ??= { exercised: 0, cases: 0 });
    b.cases += ran;
    for (const [name, { calls: n }] of Object.entries(cell.trace ?? {})) calls.set(name, (calls.get(name) ?? 0) + n);
  }
  for (const name of Object.keys(backends)) {
    const seen = new Set(cells.filter((c) => c.backend === name).flatMap((c) => Object.keys(c.trace ?? {})));
    backends[name].exercised = seen.size;
  }
  return {
    schema: 1,
    total: FUNCTION_MEMBERS.length,
    cases,
    exercised: FUNCTION_MEMBERS.filter((f) => calls.has(f)),
    missed: FUNCTION_MEMBERS.filter((f) => !calls.has(f)),
    calls: Object.fromEntries(FUNCTION_MEMBERS.filter((f) => calls.has(f)).map((f) => [f, calls.get(f)!])),
    backends,
    incomplete: cells.filter((c) => c.status !== 'PASS' && c.status !== 'FAIL').map((c) => ({ suite: c.suite, backend: c.backend, status: c.status })),
  };
}

export function formatExercised(r: ExercisedReport): string {
  const of090 = r.exercised.filter((f) => !SINCE_MASTER.has(f)).length;
  const total090 = r.total - SINCE_MASTER.size;
  const lines = [
    `Context functions the suites call: ${r.exercised.length} of ${r.total} ` +
      `(${of090} of HPy 0.9.0's ${total090}), over ${r.cases} test cases`,
  ];
  for (const [name, b] of Object.entries(r.backends)) lines.push(`  ${name}: ${b.exercised} functions, ${b.cases} cases`);
  if (r.missed.length) {
    lines.push('', `Not called by any suite (${r.missed.length}):`);
    for (const f of r.missed) lines.push(`  ${f}${SINCE_MASTER.has(f) ? ' (HPy master)' : ''}`);
  }
  if (r.incomplete.length) {
    lines.push('', 'Cells that did not finish (their calls are missing):');
    for (const c of r.incomplete) lines.push(`  ${c.suite} × ${c.backend}: ${c.status}`);
  }
  return lines.join('\n');
}
