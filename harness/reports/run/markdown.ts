// GitHub-flavoured Markdown: a matrix table suite × backend, then the details of every cell
// that did not pass, the gate and the environment. Fit for a CI job summary or a PR comment.
import type { CellResult, CellStatus } from '../../runner/cell-result.js';
import type { MatrixResult } from '../../runner/result.js';
import {
  axes, cellCount, cellLabel, cellTone, environmentRows, expectedNote, gateSentence, needsDetails, seconds, testCounts, type Tone,
} from './format-helpers.js';
import { disagreementText, findDisagreements } from './disagreements.js';

// A regression is marked by its status; a known failure, a flaky pass and an unexpected pass
// have marks of their own, so that only what the gate holds against the run looks broken.
const REGRESSION_MARK: Record<CellStatus, string> = { PASS: '✅', FAIL: '❌', ERROR: '⚠️', CRASH: '💥', TIMEOUT: '⏱️', SKIP: '⏭️' };
const MARK: Record<Exclude<Tone, 'regression'>, string> = { pass: '✅', expected: '☑️', unexpected: '❗', flaky: '🔁', skip: '⏭️' };

function mark(cell: CellResult): string {
  const tone = cellTone(cell);
  return tone === 'regression' ? REGRESSION_MARK[cell.status] : MARK[tone];
}

export function formatMarkdownReport(result: MatrixResult): string {
  const out = ['# hpy-matrix report', ''];
  out.push(`**Gate:** ${inline(gateSentence(result))}`, '');
  out.push(...matrixTable(result), '');
  out.push(`${cellCount(result)} in ${seconds(result.durationMs)}.`, '');

  const failing = result.cells.filter(needsDetails);
  if (failing.length > 0) {
    out.push('## Failures', '');
    for (const cell of failing) out.push(...cellSection(cell));
  }
  const differ = findDisagreements(result.cells);
  if (differ.length > 0) {
    out.push('## Where backends disagree', '', '| suite | test | results |', '|---|---|---|',
      ...differ.map((d) => `| ${cellText(d.suite)} | ${cellText(d.test)} | ${cellText(disagreementText(d))} |`), '');
  }
  const env = environmentRows(result);
  if (env.length > 0) out.push('## Environment', '', '| | |', '|---|---|', ...env.map(([k, v]) => `| ${cellText(k)} | ${cellText(v)} |`), '');
  return out.join('\n');
}

/** One row per suite, one column per backend; a missing combination shows as a dash. */
export function matrixTable(result: MatrixResult): string[] {
  const { suites, backends } = axes(result);
  const lookup = new Map(result.cells.map((c) => [`${c.suite}\0${c.backend}`, c]));
  const rows = suites.map((suite) => {
    const cells = backends.map((backend) => {
      const c = lookup.get(`${suite}\0${backend}`);
      return c ? `${mark(c)} ${cellLabel(c)} (${testCounts(c)})` : '–';
    });
    return `| ${cellText(suite)} | ${cells.map(cellText).join(' | ')} |`;
  });
  return [`| suite | ${backends.map(cellText).join(' | ')} |`, `|---|${backends.map(() => '---').join('|')}|`, ...rows];
}

function cellSection(cell: CellResult): string[] {
  const out = [`### ${inline(`${cell.suite} × ${cell.backend}`)}: ${inline(cellLabel(cell))}`, ''];
  for (const t of cell.tests.filter((t) => t.status === 'failed')) {
    out.push(`- **${inline(t.title)}**${inline(expectedNote(t))}`);
    if (t.error) out.push('', ...fenced(t.error, '  '), '');
  }
  if (cell.error) out.push('', ...fenced(cell.error, ''), '');
  if (cell.output) out.push('Output:', '', ...fenced(cell.output, ''), '');
  if (out[out.length - 1] !== '') out.push('');
  return out;
}

/** Text inside a table cell: pipes escaped, no line breaks. */
function cellText(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** Text in running Markdown: characters that would start markup are escaped. */
function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/[\\`*_[\]<>#]/g, (c) => `\\${c}`);
}

/** A code block whose fence is longer than any backtick run inside it. */
function fenced(text: string, indent: string): string[] {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence, ...text.split('\n'), fence].map((l) => `${indent}${l}`);
}
