// The HTML report of a run: the matrix (suite × backend), each cell's failures, the gate, the
// environment, the API coverage of the run's backends and per-extension sections.
import { FUNCTION_MEMBERS, statuses, type Status } from '../coverage/table.js';
import type { CellResult } from '../../runner/cell-result.js';
import type { MatrixResult, RunCoverage, RunExtension } from '../../runner/result.js';
import {
  axes, cellCount, cellLabel, cellTone, environmentRows, expectedNote, gateSentence, needsDetails, seconds, testCounts,
} from './format-helpers.js';
import { disagreementText, findDisagreements } from './disagreements.js';
import { extensionSection } from '../extension/html.js';
import { detailsButtons, htmlPage } from '../html-page.js';
import { escapeMarkup as h } from '../markup.js';

export function formatHtmlReport(result: MatrixResult): string {
  const extensions = result.extensions ?? [];
  const body = [
    '<h1>hpy-matrix report</h1>',
    navigation(result),
    `<p id="summary">${h(summaryLine(result))}</p>`,
    ...gateSection(result),
    ...matrixSection(result),
    ...failuresSection(result),
    ...disagreementsSection(result),
    ...environmentSection(result),
    ...coverageSection(result.coverage),
    ...extensions.flatMap((e, i) => e.report ? extensionSection(e.report, `ext-${i}`, 2) : unreadableExtension(e, `ext-${i}`)),
  ];
  return htmlPage('hpy-matrix report', body);
}

function navigation(result: MatrixResult): string {
  const links = [['#matrix', 'Matrix'], ['#failures', 'Failures'], ['#environment', 'Environment'], ['#coverage', 'API coverage']];
  (result.extensions ?? []).forEach((e, i) => links.push([`#ext-${i}`, e.report?.module ?? e.file]));
  return `<nav>${links.map(([href, text]) => `<a href="${h(href!)}">${h(text!)}</a>`).join(' · ')}</nav>`;
}

function summaryLine(result: MatrixResult): string {
  const counts = new Map<string, number>();
  for (const c of result.cells) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return `${cellCount(result)}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')} in ${seconds(result.durationMs)}`;
}

function gateSection(result: MatrixResult): string[] {
  const g = result.gate;
  return [
    '<h2 id="gate">Gate</h2>',
    `<p class="${g.exitCode === 0 ? 'PASS' : 'FAIL'}">${h(gateSentence(result))}</p>`,
  ];
}

function matrixSection(result: MatrixResult): string[] {
  const { suites, backends } = axes(result);
  const lookup = new Map(result.cells.map((c, i) => [`${c.suite}\0${c.backend}`, { cell: c, index: i }]));
  const rows = suites.map((suite) => {
    const tds = backends.map((backend) => {
      const found = lookup.get(`${suite}\0${backend}`);
      if (!found) return '<td>–</td>';
      const { cell, index } = found;
      const label = needsDetails(cell) ? `<a href="#cell-${index}">${h(cellLabel(cell))}</a>` : h(cellLabel(cell));
      return `<td class="${toneClass(cell)}"><span class="status">${label}</span>` +
        `<span class="counts">${h(testCounts(cell))}</span><span class="time">${seconds(cell.durationMs)}</span></td>`;
    });
    return `<tr><th scope="row">${h(suite)}</th>${tds.join('')}</tr>`;
  });
  return [
    '<h2 id="matrix">Matrix</h2>',
    '<table id="matrix-table">',
    `<thead><tr><th>suite</th>${backends.map((b) => `<th>${h(b)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
  ];
}

function failuresSection(result: MatrixResult): string[] {
  const failing = result.cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => needsDetails(cell));
  if (failing.length === 0) return ['<h2 id="failures">Failures</h2>', '<p>None: every cell passed.</p>'];
  return ['<h2 id="failures">Failures</h2>', detailsButtons(), ...failing.map(({ cell, index }) => cellDetails(cell, index))];
}

/** Open by default: a failure is what the reader came for. */
function cellDetails(cell: CellResult, index: number): string {
  const parts = [`<details open id="cell-${index}" class="cell">`,
    `<summary>${h(`${cell.suite} × ${cell.backend}`)}: <span class="${toneClass(cell)}">${h(cellLabel(cell))}</span> (${h(testCounts(cell))})</summary>`];
  if (cell.verdict) parts.push(`<p class="note">gate: ${h(cell.verdict.outcome)}${cell.verdict.reason ? ` — ${h(cell.verdict.reason)}` : ''}</p>`);
  if (cell.error) parts.push(`<pre class="cell-error">${h(cell.error)}</pre>`);
  const failed = cell.tests.filter((t) => t.status === 'failed');
  if (failed.length > 0) {
    parts.push('<ul class="failed-tests">');
    for (const t of failed) {
      parts.push(`<li><strong>${h(t.title)}</strong>${h(expectedNote(t))}${t.error ? `<pre>${h(t.error)}</pre>` : ''}`);
      for (const f of t.findings ?? []) parts.push(`<p class="note">${h(`${f.kind}${f.function ? ` in ${f.function}` : ''}: ${f.message}`)}</p>`);
      parts.push('</li>');
    }
    parts.push('</ul>');
  }
  if (cell.output) parts.push(`<details><summary>output</summary><pre>${h(cell.output)}</pre></details>`);
  parts.push('</details>');
  return parts.join('\n');
}

/** Cells are coloured by what the gate made of them: a known failure is not red. */
function toneClass(cell: CellResult): string {
  return `tone-${cellTone(cell)}`;
}

function disagreementsSection(result: MatrixResult): string[] {
  const differ = findDisagreements(result.cells);
  if (differ.length === 0) return [];
  return ['<h2 id="disagreements">Where backends disagree</h2>',
    `<p>${differ.length} test${differ.length === 1 ? '' : 's'} passed on some backends of a layer and failed on others.</p>`,
    '<table id="disagreements-table"><thead><tr><th>suite</th><th>test</th><th>results</th></tr></thead><tbody>',
    ...differ.map((d) => `<tr><td>${h(d.suite)}</td><td>${h(d.test)}</td><td>${h(disagreementText(d))}</td></tr>`),
    '</tbody></table>'];
}

function environmentSection(result: MatrixResult): string[] {
  const rows = environmentRows(result);
  if (rows.length === 0) return [];
  return ['<h2 id="environment">Environment</h2>',
    `<dl class="env">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`];
}

const CELL_TEXT: Record<Status, string> = { implemented: 'yes', partial: 'partial', unsupported: 'no' };

/** A file named by the config that could not be analysed at all. */
function unreadableExtension(ext: RunExtension, id: string): string[] {
  return [`<section id="${h(id)}" class="extension">`, `<h2>Extension <code>${h(ext.file)}</code></h2>`,
    `<p class="FAIL">${h(ext.error ?? 'no report')}</p>`, '</section>'];
}

function coverageSection(coverage: RunCoverage): string[] {
  const names = Object.keys(coverage.backends);
  const out = ['<h2 id="coverage">API coverage</h2>',
    `<p>${coverage.total} context functions; per backend, from its <code>capabilities()</code>.</p>`];
  for (const [backend, reason] of Object.entries(coverage.errors)) {
    out.push(`<p class="FAIL">${h(backend)}: no coverage table (${h(reason)})</p>`);
  }
  if (names.length === 0) return out;
  out.push('<table id="coverage-summary"><thead><tr><th>backend</th><th>implemented</th><th>partial</th><th>unsupported</th></tr></thead><tbody>');
  for (const name of names) {
    const b = coverage.backends[name]!;
    out.push(`<tr><th scope="row">${h(name)}</th><td class="num">${b.implemented.length}</td><td class="num">${b.partial.length}</td><td class="num">${b.unsupported.length}</td></tr>`);
  }
  out.push('</tbody></table>');
  for (const name of names) {
    const b = coverage.backends[name]!;
    const notes = [
      ...b.partial.map((p) => ['partial', p.name, p.missing] as const),
      ...b.unsupported.map((u) => ['unsupported', u.name, u.reason] as const),
    ];
    if (notes.length === 0) continue;
    out.push(`<h3>${h(name)}: partial and unsupported</h3>`, '<table><thead><tr><th>function</th><th>status</th><th>why</th></tr></thead><tbody>',
      ...notes.map(([status, fn, why]) => `<tr><td><code>${h(fn)}</code></td><td class="${status === 'partial' ? 'partial' : 'no'}">${status}</td><td>${h(why)}</td></tr>`),
      '</tbody></table>');
  }
  const byBackend = names.map((n) => statuses(coverage.backends[n]!));
  out.push('<details><summary>Every function by backend</summary>',
    '<input type="search" hidden placeholder="filter functions" data-filter="coverage-table">',
    `<table id="coverage-table"><thead><tr><th>function</th>${names.map((n) => `<th>${h(n)}</th>`).join('')}</tr></thead><tbody>`,
    ...FUNCTION_MEMBERS.map((fn) => `<tr><td><code>${h(fn)}</code></td>${byBackend.map((s) => {
      const text = CELL_TEXT[s.get(fn)!];
      return `<td class="${text}">${text}</td>`;
    }).join('')}</tr>`),
    '</tbody></table></details>');
  return out;
}
