// Console rendering of the coverage table, kept within 100 columns.
import { CTX_MEMBERS } from '../../../loader/abi/abi.generated.js';
import { FUNCTION_MEMBERS, statuses, type CoverageReport, type Status } from './table.js';

const WIDTH = 100;
const NAME_COLUMN = Math.max(...FUNCTION_MEMBERS.map((n) => n.length)) + 2;
const FROM_MASTER = CTX_MEMBERS.filter((m) => m.kind === 'func' && m.since === 'master').length;
const CELL: Record<Status, string> = { implemented: 'yes', partial: 'partial', unsupported: 'no' };
const LEGEND = 'yes = implemented, partial = part of the contract is missing, no = unsupported';

export interface FormatOptions {
  /** Adds the table of every function by backend. */
  all?: boolean;
}

export function formatCoverage(report: CoverageReport, opts: FormatOptions = {}): string {
  const names = Object.keys(report.backends);
  const lines: string[] = [
    `Context functions: ${report.total} (${report.total - FROM_MASTER} of HPy 0.9.0, ${FROM_MASTER} appended by HPy master)`, ''];

  const label = Math.max(...names.map((n) => n.length)) + 2;
  for (const name of names) {
    const b = report.backends[name];
    const share = Math.floor((100 * b.implemented.length) / report.total);
    lines.push(`${name.padEnd(label)}${count(b.implemented.length, 'implemented')}  ${count(b.partial.length, 'partial')}` +
      `  ${count(b.unsupported.length, 'unsupported')}   (${share}% fully implemented)`);
  }
  for (const why of Object.values(report.unlisted ?? {})) lines.push(`${why}`);

  for (const name of names) {
    const b = report.backends[name];
    if (b.partial.length) {
      lines.push('', `${name}: partial (${b.partial.length}), what is missing`);
      for (const p of b.partial) lines.push(...reasonLines(p.name, p.missing));
    }
    if (b.unsupported.length) {
      lines.push('', `${name}: unsupported (${b.unsupported.length}), raise SystemError when called`);
      for (const u of b.unsupported) lines.push(...reasonLines(u.name, u.reason));
    }
  }

  if (opts.all) lines.push('', ...allFunctionsTable(report));
  return lines.join('\n');
}

function count(n: number, what: string): string {
  return `${String(n).padStart(3)} ${what}`;
}

/** `  name   reason`, the reason wrapped at word boundaries under its own column. */
function reasonLines(name: string, reason: string): string[] {
  const indent = 2 + NAME_COLUMN;
  const words = reason.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let line = `  ${name.padEnd(NAME_COLUMN)}`;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      out.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  out.push(line.trimEnd());
  return out;
}

/** One row per function, one column per backend; numbered columns when names would not fit. */
function allFunctionsTable(report: CoverageReport): string[] {
  const names = Object.keys(report.backends);
  const cellWidth = Math.max(...Object.values(CELL).map((c) => c.length)) + 2;
  const wide = names.map((n) => Math.max(n.length + 2, cellWidth));
  const fits = NAME_COLUMN + wide.reduce((a, b) => a + b, 0) <= WIDTH;
  const headers = fits ? names : names.map((_, i) => `[${i + 1}]`);
  const widths = fits ? wide : names.map(() => cellWidth);

  const lines = [`All functions (${LEGEND})`];
  if (!fits) lines.push(...names.map((n, i) => `  [${i + 1}] ${n}`));
  const row = (first: string, cells: string[]) =>
    (first.padEnd(NAME_COLUMN) + cells.map((c, i) => c.padEnd(widths[i])).join('')).trimEnd();
  lines.push(row('function', headers));
  const byBackend = names.map((n) => statuses(report.backends[n]));
  for (const fn of FUNCTION_MEMBERS) lines.push(row(fn, byBackend.map((s) => CELL[s.get(fn)!])));
  return lines;
}
