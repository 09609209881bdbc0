// The console rendering of the static ABI report (`hpy-matrix report <file>`).
import { migrationOf, type Migration } from '../../../loader/static/migration.js';
import type { StaticReport } from '../../../loader/static/report.js';

/** Console rendering: one section per question a user asks of a binary. */
export function formatReport(r: StaticReport): string {
  const lines: string[] = [];
  const section = (title: string, body: string[]): void => {
    lines.push(title, ...(body.length > 0 ? body.map((l) => `  ${l}`) : ['  (none)']), '');
  };
  const quoted = (s: string | null): string => (s === null ? '(no doc)' : JSON.stringify(s));

  lines.push(`File    ${r.file}`, `Module  ${r.module}`, '');
  section('ABI', [
    `filename tag  ${r.abiTag ?? '(none)'}`,
    `requires      ${r.requiredAbi ? `${r.requiredAbi.major}.${r.requiredAbi.minor}` : 'unknown'}`,
  ]);
  section('Entry points', r.entryPoints.map((e) => `${e.found ? 'found  ' : 'MISSING'}  ${e.symbol}`));
  section('Python C API imports', migrationLines(migrationIn(r)));
  section('Needed libraries', r.needed);
  if (r.methods === null || r.slots === null || r.globals === null) {
    section('Module definition', [`not read: ${whyNoModuleDef(r)}`]);
  } else {
    section('Module definition', [
      `doc      ${quoted(r.moduleDoc)}`,
      ...r.methods.map((m) => `method   ${m.name} (${m.signature})  ${quoted(m.doc)}`),
      ...r.slots.map((s) => `slot     ${s.name ?? 'unknown'} (${s.slot})`),
      `globals  ${r.globals}`,
    ]);
  }
  section('Problems', r.problems.map((p) => `[${p.code}] ${p.message}`));
  if (r.notes.length > 0) section('Notes', r.notes);
  lines.push(r.ok ? 'OK: a clean HPy universal binary' : `NOT OK: ${r.problems.length} ABI problem(s)`);
  return lines.join('\n');
}

/** The report's migration part; a report read from JSON written before it existed has none. */
export function migrationIn(r: StaticReport): Migration | null {
  return r.migration ?? migrationOf(r.pyImports);
}

/** Each imported name under its family, with what replaces it in HPy, then the count. */
function migrationLines(m: Migration | null): string[] {
  if (m === null) return [];
  const width = Math.max(...m.groups.flatMap((g) => g.names.map((n) => n.name.length)));
  return [
    ...m.groups.flatMap((g) => [g.family, ...g.names.map((n) => `  ${n.name.padEnd(width)}  ${n.replacement === null ? '(no HPy replacement)' : `-> ${n.replacement}`}`)]),
    m.summary,
  ];
}

/** Why the static report has no module definition: the entry point, a problem, or a note says. */
function whyNoModuleDef(r: StaticReport): string {
  const init = r.entryPoints.find((e) => e.symbol.startsWith('HPyInit_'));
  if (init && !init.found) return `${init.symbol} is not exported`;
  if (r.problems.some((p) => p.code === 'null-module-def' || p.code === 'bad-module-def')) return 'see the problems';
  return 'see the notes';
}
