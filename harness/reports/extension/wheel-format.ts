// Console and Markdown renderings of a wheel's report (HTML: wheel-html.ts): the wheel's tags
// and problems, a line per HPy binary, then each binary's own report under its path in the wheel.
import { formatReport } from './static-text.js';
import { cell, formatExtensionConsole, formatExtensionMarkdown } from './format.js';
import type { WheelBinary, WheelReport } from './wheel-model.js';

/** One line on a binary: OK, what is wrong with it, or why it could not be analysed. */
export function binarySummary(b: WheelBinary): string {
  if (!b.report) return `cannot be analysed: ${b.error ?? 'unknown reason'}`;
  if (b.ok) return 'OK';
  const wrong = [
    ...new Set(b.report.static.problems.map((p) => p.code)),
    ...b.report.backends.filter((x) => x.verdict.status !== 'OK').map((x) => `${x.backend} ${x.verdict.status}`),
  ];
  return `NOT OK: ${wrong.join(', ')}`;
}

/** The last line of the console report. */
export function wheelVerdict(r: WheelReport): string {
  const probed = r.binaries.some((b) => (b.report?.backends.length ?? 0) > 0);
  if (r.ok) return `OK: ${r.binaries.length === 1 ? 'its HPy binary is' : `all ${r.binaries.length} HPy binaries are`} clean${probed ? ' and load on every backend asked' : ''}`;
  const bad = r.binaries.filter((b) => !b.ok).length;
  return `NOT OK: ${[
    ...(bad > 0 ? [`${bad} of ${r.binaries.length} HPy binaries not OK`] : []),
    ...(r.problems.length > 0 ? [`${r.problems.length} problem(s) of the wheel`] : []),
  ].join(', ')}`;
}

/** The tags as a list, or why there are none. */
function tagList(tags: string[] | null, missing: string): string {
  return tags === null ? missing : tags.join(', ');
}

export function formatWheelConsole(r: WheelReport): string {
  const lines = [`Wheel         ${r.wheel}`];
  if (r.name) lines.push(`Distribution  ${r.name.distribution} ${r.name.version}${r.name.build ? ` (build ${r.name.build})` : ''}`);
  lines.push('', 'Tags',
    `  file name  ${tagList(r.tags.fromName, '(not a wheel name)')}`,
    `  WHEEL      ${tagList(r.tags.fromWheelFile, '(none read)')}${r.tags.wheelFile ? `  (${r.tags.wheelFile})` : ''}`);
  if (r.tags.fromName && r.tags.fromWheelFile) {
    lines.push(`  ${r.tags.onlyInName.length + r.tags.onlyInWheelFile.length === 0 ? 'they agree' : 'they disagree (see problems)'}`);
  }
  const width = Math.max(0, ...r.binaries.map((b) => b.path.length));
  lines.push('', `HPy binaries (${r.binaries.length})`,
    ...(r.binaries.length > 0 ? r.binaries.map((b) => `  ${b.path.padEnd(width)}  ${binarySummary(b)}`) : ['  (none)']));
  if (r.otherLibraries.length > 0) lines.push('', 'Other native libraries (not reported)', ...r.otherLibraries.map((l) => `  ${l}`));
  lines.push('', 'Problems of the wheel',
    ...(r.problems.length > 0 ? r.problems.map((p) => `  [${p.code}] ${p.message}`) : ['  (none)']));
  for (const b of r.binaries) {
    lines.push('', `=== ${b.path} ===`, '');
    if (!b.report) lines.push(`cannot be analysed: ${b.error}`);
    else lines.push(b.report.backends.length > 0 ? formatExtensionConsole(b.report) : formatReport(b.report.static));
  }
  lines.push('', wheelVerdict(r));
  return lines.join('\n');
}

export function formatWheelMarkdown(r: WheelReport): string {
  const code = (s: string) => `\`${s}\``;
  const tags = (list: string[] | null, missing: string) => (list === null ? missing : list.map(code).join(', '));
  const out = [`# Wheel ${code(r.wheel.split('/').pop()!)}`, '', `File: ${code(r.wheel)} — ${r.ok ? '**OK**' : '**NOT OK**'}`, '',
    '| tags from | tags |', '|---|---|',
    `| file name | ${tags(r.tags.fromName, '(not a wheel name)')} |`,
    `| ${r.tags.wheelFile ? code(r.tags.wheelFile) : 'WHEEL'} | ${tags(r.tags.fromWheelFile, '(none read)')} |`, ''];
  if (r.binaries.length > 0) {
    out.push('| HPy binary | verdict |', '|---|---|', ...r.binaries.map((b) => `| ${code(b.path)} | ${cell(binarySummary(b))} |`), '');
  }
  if (r.otherLibraries.length > 0) out.push(`Other native libraries (not reported): ${r.otherLibraries.map(code).join(', ')}`, '');
  out.push('Problems of the wheel:', '', ...(r.problems.length > 0 ? r.problems.map((p) => `- [${p.code}] ${p.message}`) : ['- (none)']), '');
  for (const b of r.binaries) {
    if (b.report) out.push(formatExtensionMarkdown(b.report, 2));
    else out.push(`## ${code(b.path)}`, '', `Cannot be analysed: ${b.error}`, '');
  }
  return out.join('\n');
}
