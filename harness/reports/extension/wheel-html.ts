// A wheel's report as one HTML page (`hpy-matrix report <file.whl> --format html`): its tags and
// problems, a table of its HPy binaries, then each binary's section as an extension report shows it.
import { detailsButtons, htmlPage } from '../html-page.js';
import { escapeMarkup as h } from '../markup.js';
import { extensionSection } from './html.js';
import { binarySummary } from './wheel-format.js';
import type { WheelReport } from './wheel-model.js';

export function wheelPage(r: WheelReport): string {
  const fileName = r.wheel.split('/').pop()!;
  const tags = (list: string[] | null, missing: string) => (list === null ? h(missing) : list.map((t) => `<code>${h(t)}</code>`).join(', '));
  const out = [
    detailsButtons(),
    `<h1>Wheel <code>${h(fileName)}</code></h1>`,
    `<p>${h(r.wheel)}: ${r.ok ? '<span class="OK">OK</span>' : '<span class="FAIL">NOT OK</span>'}</p>`,
    '<h2>Tags</h2>',
    '<table id="wheel-tags" class="tags"><tbody>',
    `<tr><th scope="row">file name</th><td>${tags(r.tags.fromName, '(not a wheel name)')}</td></tr>`,
    `<tr><th scope="row">${r.tags.wheelFile ? h(r.tags.wheelFile) : 'WHEEL'}</th><td>${tags(r.tags.fromWheelFile, '(none read)')}</td></tr>`,
    '</tbody></table>',
    `<h2>HPy binaries (${r.binaries.length})</h2>`,
  ];
  if (r.binaries.length > 0) {
    out.push('<table id="wheel-binaries" class="binaries"><thead><tr><th>path in the wheel</th><th>verdict</th></tr></thead><tbody>',
      ...r.binaries.map((b, i) => `<tr><td><a href="#binary-${i}"><code>${h(b.path)}</code></a></td>` +
        `<td class="${b.ok ? 'OK' : 'FAIL'}">${h(binarySummary(b))}</td></tr>`),
      '</tbody></table>');
  } else {
    out.push('<p>(none)</p>');
  }
  if (r.otherLibraries.length > 0) {
    out.push('<p>Other native libraries (not reported): ', r.otherLibraries.map((l) => `<code>${h(l)}</code>`).join(' '), '</p>');
  }
  out.push('<h2>Problems of the wheel</h2>',
    r.problems.length > 0 ? `<ul>${r.problems.map((p) => `<li>[${h(p.code)}] ${h(p.message)}</li>`).join('')}</ul>` : '<p>(none)</p>');
  for (const [i, b] of r.binaries.entries()) {
    if (b.report) out.push(...extensionSection(b.report, `binary-${i}`, 2));
    else out.push(`<section id="binary-${i}" class="extension"><h2><code>${h(b.path)}</code></h2>`,
      `<p><span class="FAIL">cannot be analysed</span>: ${h(b.error ?? '')}</p></section>`);
  }
  return htmlPage(`hpy-matrix report: ${fileName}`, out);
}
