// The reporters of `hpy-matrix run` and how --reporter/--out choose them.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { collectCoverage, FUNCTION_MEMBERS, type CoverageReport } from '../coverage/table.js';
import { buildExtensionReport } from '../ext-report/build-report.js';
import type { ExtensionReport } from '../ext-report/model.js';
import type { MatrixResult } from '../matrix/runner.js';
import { formatConsoleReport, wantsColour } from './console.js';
import { formatHtmlReport } from './html.js';
import { formatJsonReport } from './json.js';
import { formatJunitReport } from './junit.js';
import { formatMarkdownReport } from './markdown.js';

/** One --reporter: a format, and the file it goes to (stdout when absent). */
export interface ReporterSpec {
  name: string;
  out?: string;
}

/** Renders the run; `toTerminal` says the text goes to an interactive stdout. */
type Reporter = (result: MatrixResult, toTerminal: boolean) => Promise<string>;

/** Reporters that --reporter accepts. A new reporter is one more entry. */
export const REPORTERS: Record<string, Reporter> = {
  console: async (result, toTerminal) => formatConsoleReport(result, { colour: toTerminal }),
  json: async (result) => formatJsonReport(result),
  junit: async (result) => formatJunitReport(result),
  markdown: async (result) => formatMarkdownReport(result),
  html: async (result) => formatHtmlReport(result, { coverage: await runCoverage(result), extensions: await runExtensionReports(result) }),
};

/**
 * `--reporter name` or `name:file`, repeatable; each `--out` goes, in order, to the next
 * reporter other than console that has no file yet. Messages start with the flag at fault.
 */
export function parseReporterArgs(reporters: string[], outs: string[]): ReporterSpec[] {
  const known = Object.keys(REPORTERS).join(', ');
  const specs = reporters.map((arg): ReporterSpec => {
    const colon = arg.indexOf(':');
    const name = colon < 0 ? arg : arg.slice(0, colon);
    if (!(name in REPORTERS)) throw new Error(`--reporter: unknown reporter '${name}' (known: ${known})`);
    if (colon < 0) return { name };
    const out = arg.slice(colon + 1);
    if (out === '') throw new Error(`--reporter: '${arg}' names no file (write ${name}:FILE, or ${name} for stdout)`);
    if (name === 'console') throw new Error(`--reporter: console writes to stdout only; for a file use markdown:${out} or json:${out}`);
    return { name, out };
  });
  const open = specs.filter((s) => s.name !== 'console' && s.out === undefined);
  if (outs.length > open.length) {
    const which = open.length === 0 ? 'none' : open.map((s) => s.name).join(', ');
    throw new Error(`--out: ${outs.length} file(s) for ${open.length} reporter(s) without a file (${which}); console writes to stdout only`);
  }
  outs.forEach((out, i) => { open[i]!.out = out; });

  const toStdout = specs.filter((s) => s.out === undefined).map((s) => s.name);
  if (toStdout.length > 1) {
    throw new Error(`--reporter: ${toStdout.join(' and ')} would both write to stdout; give all but one a file (name:FILE or --out FILE)`);
  }
  const byFile = new Map<string, string>();
  for (const s of specs) {
    if (s.out === undefined) continue;
    const file = path.resolve(s.out);
    const other = byFile.get(file);
    if (other !== undefined) throw new Error(`--out: ${other} and ${s.name} would both write to ${s.out}`);
    byFile.set(file, s.name);
  }
  return specs;
}

/** Writes every report: to its file, or to stdout. */
export async function writeReports(result: MatrixResult, specs: ReporterSpec[]): Promise<void> {
  for (const spec of specs) {
    const reporter = REPORTERS[spec.name];
    if (!reporter) throw new Error(`unknown reporter '${spec.name}' (known: ${Object.keys(REPORTERS).join(', ')})`);
    const toTerminal = spec.out === undefined && wantsColour(process.stdout);
    const text = await reporter(result, toTerminal);
    if (spec.out === undefined) {
      process.stdout.write(text);
    } else {
      await mkdir(path.dirname(path.resolve(spec.out)), { recursive: true });
      await writeFile(spec.out, text);
    }
  }
}

/**
 * The coverage table of every backend of the run, made here in the parent: each backend is
 * created, asked and closed. One that cannot be is named with its reason instead.
 */
/**
 * The per-extension report (as `hpy-matrix report --backend`) of each extension the config
 * names, on the run's backends. An extension without a static report (a bad file) has none:
 * the json report carries why.
 */
export async function runExtensionReports(result: MatrixResult): Promise<ExtensionReport[]> {
  const backends = [...new Set(result.cells.map((c) => c.backend))];
  const reports: ExtensionReport[] = [];
  for (const ext of result.extensions ?? []) {
    if (ext.report) reports.push(await buildExtensionReport(ext.file, { backends }));
  }
  return reports;
}

export async function runCoverage(result: MatrixResult): Promise<{ report: CoverageReport; errors: Record<string, string> }> {
  // Loaded on demand: backends pull in koffi, which the other reporters do not need.
  const make = (await import('../../loader/backends/index.js')).createBackend;
  const report: CoverageReport = { schema: 1, total: FUNCTION_MEMBERS.length, backends: {} };
  const errors: Record<string, string> = {};
  for (const name of new Set(result.cells.map((c) => c.backend))) {
    try {
      report.backends[name] = collectCoverage([name], make).backends[name]!;
    } catch (err) {
      errors[name] = (err as Error).message;
    }
  }
  return { report, errors };
}
