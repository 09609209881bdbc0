// JUnit XML as CI servers read it (Jenkins, GitLab, GitHub test-report actions): one
// <testsuite> per cell, one <testcase> per test. A cell that did not run through (ERROR,
// CRASH, TIMEOUT) gets one more testcase carrying an <error>, so CI shows it as broken.
import type { CellResult, TestResult } from '../../runner/cell-result.js';
import type { MatrixResult } from '../../runner/result.js';
import { escapeMarkup as x } from '../markup.js';

const CELL_CASE = '(cell)';

export function formatJunitReport(result: MatrixResult): string {
  const suites = result.cells.map(testsuite);
  const total = (key: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s.counts[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hpy-matrix" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" ` +
      `skipped="${total('skipped')}" time="${secs(result.durationMs)}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

interface Counts { tests: number; failures: number; errors: number; skipped: number }

function testsuite(cell: CellResult): { xml: string; counts: Counts } {
  const name = `${cell.suite} × ${cell.backend}`;
  const cases = cell.tests.map((t) => testcase(cell, t));
  const counts: Counts = { tests: cell.tests.length, failures: cell.failed, errors: 0, skipped: cell.skipped };
  const cellCase = cellTestcase(cell);
  if (cellCase) {
    cases.push(cellCase.xml);
    counts.tests++;
    if (cellCase.kind === 'error') counts.errors++;
    else counts.skipped++;
  }
  const properties = [
    ['suite', cell.suite], ['backend', cell.backend], ['status', cell.status],
    ...(cell.verdict ? [['verdict', cell.verdict.outcome]] : []),
  ].map(([k, v]) => `      <property name="${x(k!)}" value="${x(v!)}"/>`);
  const xml = [
    `  <testsuite name="${x(name)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" ` +
      `skipped="${counts.skipped}" time="${secs(cell.durationMs)}">`,
    '    <properties>', ...properties, '    </properties>',
    ...cases,
    ...(cell.output ? [`    <system-out>${x(cell.output)}</system-out>`] : []),
    '  </testsuite>',
  ].join('\n');
  return { xml, counts };
}

function testcase(cell: CellResult, t: TestResult): string {
  const open = `    <testcase classname="${x(`${cell.suite}.${cell.backend}`)}" name="${x(t.title)}"` +
    (t.durationMs === undefined ? '' : ` time="${secs(t.durationMs)}"`);
  const findings = t.findings?.length
    ? [`      <system-err>${x(t.findings.map((f) => `${f.kind}${f.function ? ` in ${f.function}` : ''}: ${f.message}`).join('\n'))}</system-err>`]
    : [];
  if (t.status === 'passed' && findings.length === 0) return `${open}/>`;
  const body = t.status === 'failed'
    ? [`      <failure message="${x(firstLine(t.error ?? 'failed'))}" type="${x(errorType(t.error))}">${x(t.error ?? '')}</failure>`]
    : t.status === 'skipped'
      ? [skipped(t.verdict?.reason ?? t.reason)]
      : [];
  return [`${open}>`, ...body, ...findings, '    </testcase>'].join('\n');
}

function cellTestcase(cell: CellResult): { kind: 'error' | 'skipped'; xml: string } | undefined {
  const classname = x(`${cell.suite}.${cell.backend}`);
  if (cell.status === 'SKIP') {
    const why = cell.verdict?.reason ?? 'skipped by the expectations file';
    return { kind: 'skipped', xml: `    <testcase classname="${classname}" name="${CELL_CASE}">\n      <skipped message="${x(why)}"/>\n    </testcase>` };
  }
  if (cell.status !== 'ERROR' && cell.status !== 'CRASH' && cell.status !== 'TIMEOUT') return undefined;
  const message = cell.error ?? cell.status;
  // A crash is reported against the test that was running, when the cell knows it.
  const name = cell.crashedIn ?? CELL_CASE;
  return {
    kind: 'error',
    xml: `    <testcase classname="${classname}" name="${x(name)}">\n` +
      `      <error message="${x(firstLine(message))}" type="${cell.status}">${x(message)}</error>\n    </testcase>`,
  };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

/** "AssertionError" of "AssertionError: expected 1 to equal 2", else a generic type. */
function errorType(error: string | undefined): string {
  return /^([A-Za-z_][\w.]*)(?::|$)/.exec(error ?? '')?.[1] ?? 'Error';
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function skipped(reason: string | undefined): string {
  return `      <skipped${reason ? ` message="${x(reason)}"` : ''}/>`;
}
