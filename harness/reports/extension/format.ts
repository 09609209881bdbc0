// Console and Markdown renderings of a per-extension report (HTML: html.ts).
import { formatReport, migrationIn } from './static-text.js';
import type { BackendReport, ExtensionReport, ModuleContents } from './model.js';

const CALLS_SHOWN = 12;

export function formatExtensionConsole(r: ExtensionReport): string {
  const lines = [formatReport(r.static), ''];
  lines.push(`Context functions its machine code calls (static scan): ${r.staticUses.length}`, '');
  for (const b of r.backends) lines.push(...backendConsole(b), '');
  lines.push('Verdicts');
  const width = Math.max(...r.backends.map((b) => b.backend.length));
  for (const b of r.backends) lines.push(`  ${b.backend.padEnd(width)}  ${verdictText(b)}`);
  lines.push('', r.ok ? 'OK: loads and runs on every backend asked' : 'NOT OK: see the verdicts and problems above');
  return lines.join('\n');
}

function backendConsole(b: BackendReport): string[] {
  const yes = (v: boolean) => (v ? 'yes' : 'no');
  const out = [`On ${b.backend}`, `  loads        ${yes(b.loads)}`, `  initializes  ${yes(b.initializes)}`];
  if (b.error) out.push(...b.error.split('\n').map((l) => `  | ${l}`));
  if (b.contents) out.push(...contentsConsole(b.contents));
  if (b.calls) {
    const calls = sortedCalls(b.calls);
    out.push(`  called while loading (${calls.length} functions)`,
      ...calls.slice(0, CALLS_SHOWN).map(([n, c]) => `    ${n.padEnd(40)} ${String(c).padStart(6)}`),
      ...(calls.length > CALLS_SHOWN ? [`    … ${calls.length - CALLS_SHOWN} more (--json lists them all)`] : []));
  }
  if (b.lacking.length) {
    out.push('  used here but not fully provided',
      ...b.lacking.map((l) => `    ${l.name.padEnd(40)} ${l.status}${l.called ? ', called' : ''}: ${l.note}`));
  }
  return out;
}

function contentsConsole(c: ModuleContents): string[] {
  const out = ['  contents'];
  for (const f of c.functions) out.push(`    function  ${f.name} (${f.signature})${f.doc ? `  ${JSON.stringify(f.doc)}` : ''}`);
  for (const t of c.types) {
    out.push(`    type      ${t.name} (${t.specName})`);
    if (!t.spec) {
      out.push(`      ${t.specNote ?? 'spec not decoded'}`);
      continue;
    }
    const s = t.spec;
    out.push(`      basicsize ${s.basicsize}, itemsize ${s.itemsize}, flags ${s.flags}, shape ${s.shape}`);
    if (s.slots.length) out.push(`      slots    ${s.slots.join(', ')}`);
    if (s.methods.length) out.push(`      methods  ${s.methods.map((m) => `${m.name} (${m.signature})`).join(', ')}`);
    if (s.members.length) out.push(`      members  ${s.members.map((m) => `${m.name} (${m.type}${m.readonly ? ', read-only' : ''})`).join(', ')}`);
    if (s.getsets.length) out.push(`      getsets  ${s.getsets.map((g) => `${g.name} (${[g.get && 'get', g.set && 'set'].filter(Boolean).join('/')})`).join(', ')}`);
  }
  for (const o of c.other) out.push(`    other     ${o.name}: ${o.type} = ${o.repr}`);
  if (out.length === 1) out.push('    (nothing)');
  return out;
}

/** `level` is the heading level of the report's title (2 inside a wheel's report). */
export function formatExtensionMarkdown(r: ExtensionReport, level = 1): string {
  const s = r.static;
  const hx = (n: number, text: string) => `${'#'.repeat(level + n)} ${text}`;
  const out = [hx(0, `Extension \`${r.module}\``), '', `File: \`${r.file}\` — ${r.ok ? '**OK**' : '**NOT OK**'}`, ''];
  if (r.backends.length) {
    out.push('| backend | loads | initializes | verdict |', '|---|---|---|---|',
      ...r.backends.map((b) => `| ${cell(b.backend)} | ${yesNo(b.loads)} | ${yesNo(b.initializes)} | ${cell(verdictText(b))} |`), '');
  }
  const migration = migrationIn(s);
  out.push(hx(1, 'Static ABI report'), '',
    `- ABI tag: ${s.abiTag ?? '(none)'}; requires ${s.requiredAbi ? `${s.requiredAbi.major}.${s.requiredAbi.minor}` : 'unknown'}`,
    `- Python C API imports: ${migration?.summary ?? '(none)'}`,
    `- problems: ${s.problems.map((p) => `[${p.code}] ${p.message}`).join('; ') || '(none)'}`,
    `- context functions its machine code calls (static scan): ${r.staticUses.length}`, '');
  if (migration) {
    out.push('| legacy C-API name | family | HPy replacement |', '|---|---|---|',
      ...migration.groups.flatMap((g) => g.names.map((n) => `| \`${n.name}\` | ${g.family} | ${n.replacement === null ? '(none)' : `\`${n.replacement}\``} |`)), '');
  }
  for (const b of r.backends) {
    out.push(hx(1, `On ${b.backend}: ${b.verdict.status}`), '');
    if (b.error) out.push('```', b.error, '```', '');
    if (b.lacking.length) {
      out.push('| used function | here | why |', '|---|---|---|',
        ...b.lacking.map((l) => `| \`${l.name}\`${l.called ? ' (called)' : ''} | ${l.status} | ${cell(l.note)} |`), '');
    }
    if (b.contents) {
      const c = b.contents;
      out.push(...c.functions.map((f) => `- function \`${f.name}\` (${f.signature})`),
        ...c.types.map((t) => `- type \`${t.name}\` (${t.specName})${t.spec ? `: slots ${t.spec.slots.join(', ') || 'none'}; methods ${t.spec.methods.map((m) => m.name).join(', ') || 'none'}; members ${t.spec.members.map((m) => m.name).join(', ') || 'none'}; getsets ${t.spec.getsets.map((g) => g.name).join(', ') || 'none'}` : `: ${t.specNote}`}`),
        ...c.other.map((o) => `- \`${o.name}\`: ${o.type}`), '');
    }
    if (b.calls) out.push(`Called while loading: ${sortedCalls(b.calls).map(([n, k]) => `\`${n}\` ×${k}`).join(', ') || 'nothing'}`, '');
  }
  return out.join('\n');
}

export function verdictText(b: BackendReport): string {
  return b.verdict.message ? `${b.verdict.status}: ${b.verdict.message}` : b.verdict.status;
}

function sortedCalls(calls: Record<string, number>): Array<[string, number]> {
  return Object.entries(calls).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
}

/** Text made safe for one cell of a Markdown table. */
export function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}
