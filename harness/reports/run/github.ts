// GitHub Actions: workflow commands that annotate the job with what the gate holds against the
// run (regressions, unexpected passes; flaky passes as warnings), and the Markdown report for
// the job summary ($GITHUB_STEP_SUMMARY). Other CI systems read the junit reporter.
import type { CellResult, TestResult } from '../../runner/cell-result.js';
import type { MatrixResult } from '../../runner/result.js';
import { gateSentence } from './format-helpers.js';

const MESSAGE_LINES = 12;

/** The annotations, one workflow command per line, then the gate as a notice. */
export function formatGithubAnnotations(result: MatrixResult): string {
  const lines: string[] = [];
  for (const cell of result.cells) lines.push(...cellAnnotations(cell));
  const level = result.gate.exitCode === 0 ? 'notice' : 'error';
  lines.push(command(level, 'hpy-matrix gate', gateSentence(result)));
  return `${lines.join('\n')}\n`;
}

function cellAnnotations(cell: CellResult): string[] {
  const where = `${cell.suite} × ${cell.backend}`;
  const out: string[] = [];
  const ranThrough = cell.status === 'PASS' || cell.status === 'FAIL';
  // Without a verdict (no gate ran) anything that did not pass is a regression.
  const outcome = cell.verdict?.outcome ?? (ranThrough ? undefined : 'regression');
  if (!ranThrough && cell.status !== 'SKIP' && outcome === 'regression') {
    out.push(command('error', `${where}: ${cell.status}`, cell.error ?? cell.status));
  } else if (ranThrough && outcome === 'unexpected-pass' && cell.verdict?.expected !== undefined) {
    out.push(command('error', `${where}: runs now`, `expected ${cell.verdict.expected}${reason(cell.verdict.reason)}, but it ran: update the expectations file`));
  } else if (outcome === 'flaky') {
    out.push(command('warning', `${where}: flaky`, `passed on a retry${reason(cell.verdict?.reason)}`));
  }
  for (const test of cell.tests) out.push(...testAnnotations(where, test));
  return out;
}

function testAnnotations(where: string, test: TestResult): string[] {
  switch (test.verdict?.outcome ?? (test.status === 'failed' ? 'regression' : 'expected')) {
    case 'regression':
      return test.status === 'failed' ? [command('error', `${where}: ${test.title}`, test.error ?? 'failed')] : [];
    case 'unexpected-pass':
      return [command('error', `${where}: ${test.title}`, `passed, but the expectations file says it fails${reason(test.verdict?.reason)}: update it`)];
    case 'flaky':
      return [command('warning', `${where}: ${test.title}`, `passed on a retry${reason(test.verdict?.reason)}`)];
    default:
      return [];
  }
}

function reason(text: string | undefined): string {
  return text ? ` (${text})` : '';
}

/**
 * `::level title=…::message`. The message keeps its first lines; GitHub decodes %25, %0D and
 * %0A in it, and in a property also %3A and %2C.
 */
function command(level: 'error' | 'warning' | 'notice', title: string, message: string): string {
  const lines = message.split('\n');
  const kept = lines.length > MESSAGE_LINES ? [...lines.slice(0, MESSAGE_LINES), `… ${lines.length - MESSAGE_LINES} more lines`] : lines;
  return `::${level} title=${escapeProperty(title)}::${escapeData(kept.join('\n'))}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
