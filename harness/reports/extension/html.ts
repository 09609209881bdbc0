// An extension's ABI report in HTML: a section of the run's report, or a page of its own
// (`hpy-matrix report <file> --backend B --format html`).
import type { BackendReport, ExtensionReport, ModuleContents } from './model.js';
import { detailsButtons, htmlPage, statusClass } from '../html-page.js';
import { escapeMarkup as h } from '../markup.js';
import { migrationIn } from './static-text.js';

export function extensionPage(report: ExtensionReport): string {
  return htmlPage(`hpy-matrix report: ${report.module}`, [detailsButtons(), ...extensionSection(report, 'ext', 1)]);
}

/** `level` is the heading level of the section's title. */
export function extensionSection(report: ExtensionReport, id: string, level: number): string[] {
  const hx = (n: number, text: string, attrs = '') => `<h${level + n}${attrs}>${text}</h${level + n}>`;
  const s = report.static;
  const migration = migrationIn(s);
  const out = [
    `<section id="${h(id)}" class="extension">`,
    hx(0, `Extension <code>${h(report.module)}</code>`),
    `<p>${h(report.file)}: ${report.ok ? '<span class="OK">OK</span>' : '<span class="FAIL">NOT OK</span>'}</p>`,
  ];
  if (report.backends.length > 0) {
    out.push(hx(1, 'Verdict per backend'),
      '<table class="verdicts"><thead><tr><th>backend</th><th>loads</th><th>initializes</th><th>verdict</th></tr></thead><tbody>',
      ...report.backends.map((b) => `<tr><th scope="row">${h(b.backend)}</th><td>${yesNo(b.loads)}</td><td>${yesNo(b.initializes)}</td>` +
        `<td class="${statusClass(b.verdict.status)}"><strong>${h(b.verdict.status)}</strong>${b.verdict.message ? `: ${h(b.verdict.message)}` : ''}</td></tr>`),
      '</tbody></table>');
  }
  out.push(hx(1, 'Static ABI report'), '<table class="static"><tbody>',
    row('ABI tag', s.abiTag ?? '(none)'),
    row('requires', s.requiredAbi ? `${s.requiredAbi.major}.${s.requiredAbi.minor}` : 'unknown'),
    row('entry points', s.entryPoints.map((e) => `${e.found ? 'found' : 'MISSING'} ${e.symbol}`).join('\n')),
    row('Python C API imports', migration === null ? '(none)' : [
      ...migration.groups.map((g) => `${g.family}: ${g.names.map((n) => `${n.name}${n.replacement === null ? '' : ` -> ${n.replacement}`}`).join(', ')}`),
      migration.summary,
    ].join('\n')),
    row('needed libraries', s.needed.join(', ') || '(none)'),
    row('problems', s.problems.map((p) => `[${p.code}] ${p.message}`).join('\n') || '(none)'),
    ...(s.notes.length ? [row('notes', s.notes.join('\n'))] : []),
    '</tbody></table>');
  if (report.staticUses.length > 0) {
    out.push(`<details><summary>Context functions its machine code calls (static scan, ${report.staticUses.length})</summary>`,
      `<p>${report.staticUses.map((n) => `<code>${h(n)}</code>`).join(' ')}</p></details>`);
  }
  for (const b of report.backends) out.push(...backendPart(b, hx));
  out.push('</section>');
  return out;
}

function backendPart(b: BackendReport, hx: (n: number, text: string) => string): string[] {
  const out = [hx(1, `On ${h(b.backend)}: <span class="${statusClass(b.verdict.status)}">${h(b.verdict.status)}</span>`)];
  if (b.error) out.push(`<pre>${h(b.error)}</pre>`);
  if (b.lacking.length > 0) {
    out.push('<table class="lacking"><thead><tr><th>used function</th><th>on this backend</th><th>why</th></tr></thead><tbody>',
      ...b.lacking.map((l) => `<tr><td><code>${h(l.name)}</code>${l.called ? ' (called)' : ''}</td><td class="${l.status === 'partial' ? 'partial' : 'no'}">${l.status}</td><td>${h(l.note)}</td></tr>`),
      '</tbody></table>');
  }
  if (b.contents) out.push(...contentsPart(b.contents, hx));
  if (b.calls) {
    const calls = Object.entries(b.calls).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    out.push(`<details><summary>Context functions called while loading (${calls.length})</summary>`,
      '<table><thead><tr><th>function</th><th>calls</th></tr></thead><tbody>',
      ...calls.map(([n, c]) => `<tr><td><code>${h(n)}</code></td><td class="num">${c}</td></tr>`), '</tbody></table></details>');
  }
  return out;
}

function contentsPart(c: ModuleContents, hx: (n: number, text: string) => string): string[] {
  const out = [hx(2, 'Module contents')];
  if (c.doc !== null) out.push(`<p>${h(c.doc)}</p>`);
  if (c.functions.length > 0) {
    out.push('<table class="functions"><thead><tr><th>function</th><th>signature</th><th>doc</th></tr></thead><tbody>',
      ...c.functions.map((f) => `<tr><td><code>${h(f.name)}</code></td><td>${h(f.signature)}</td><td>${h(f.doc ?? '')}</td></tr>`), '</tbody></table>');
  }
  for (const t of c.types) {
    out.push(`<details open><summary>type <code>${h(t.name)}</code> (${h(t.specName)})</summary>`);
    if (!t.spec) {
      out.push(`<p class="note">${h(t.specNote ?? 'spec not decoded')}</p></details>`);
      continue;
    }
    const sp = t.spec;
    out.push(`<p>basicsize ${sp.basicsize}, itemsize ${sp.itemsize}, flags ${h(sp.flags)}, shape ${h(sp.shape)}${sp.doc ? ` — ${h(sp.doc)}` : ''}</p>`, '<ul>',
      `<li>slots: ${sp.slots.map((x) => `<code>${h(x)}</code>`).join(' ') || '(none)'}</li>`,
      `<li>methods: ${sp.methods.map((m) => `<code>${h(m.name)}</code> (${h(m.signature)})`).join(', ') || '(none)'}</li>`,
      `<li>members: ${sp.members.map((m) => `<code>${h(m.name)}</code> (${h(m.type)}${m.readonly ? ', read-only' : ''})`).join(', ') || '(none)'}</li>`,
      `<li>getsets: ${sp.getsets.map((g) => `<code>${h(g.name)}</code> (${[g.get ? 'get' : '', g.set ? 'set' : ''].filter(Boolean).join('/')})`).join(', ') || '(none)'}</li>`,
      '</ul></details>');
  }
  if (c.other.length > 0) {
    out.push('<table class="other"><thead><tr><th>attribute</th><th>type</th><th>value</th></tr></thead><tbody>',
      ...c.other.map((o) => `<tr><td><code>${h(o.name)}</code></td><td>${h(o.type)}</td><td><code>${h(o.repr)}</code></td></tr>`), '</tbody></table>');
  }
  return out;
}

function row(label: string, value: string): string {
  return `<tr><th scope="row">${h(label)}</th><td><pre>${h(value)}</pre></td></tr>`;
}

function yesNo(v: boolean): string {
  return v ? '<span class="yes">yes</span>' : '<span class="no">no</span>';
}
