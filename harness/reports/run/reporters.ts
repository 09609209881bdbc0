// The reporters of `hpy-matrix run` and how --reporter/--out choose them.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MatrixResult } from '../../runner/result.js';
import { formatConsoleReport, wantsColour } from './console.js';
import { formatGithubAnnotations } from './github.js';
import { formatHtmlReport } from './html.js';
import { formatJsonReport } from './json.js';
import { formatJunitReport } from './junit.js';
import { formatMarkdownReport } from './markdown.js';

/** One --reporter: a format, and the file it goes to (stdout when absent). */
export interface ReporterSpec {
  name: string;
  out?: string;
}

/** How a reporter is asked to render: `toTerminal` says the text goes to an interactive stdout. */
export interface RenderOptions {
  toTerminal: boolean;
  /** --verbose: the console reporter lists every cell in full. */
  verbose?: boolean;
}

/** Renders the run from its result alone. */
type Reporter = (result: MatrixResult, opts: RenderOptions) => string;

/** Reporters that --reporter accepts. A new reporter is one more entry. */
export const REPORTERS: Record<string, Reporter> = {
  console: (result, { toTerminal, verbose }) => formatConsoleReport(result, { colour: toTerminal, verbose }),
  json: (result) => formatJsonReport(result),
  junit: (result) => formatJunitReport(result),
  markdown: (result) => formatMarkdownReport(result),
  html: (result) => formatHtmlReport(result),
  github: (result) => formatGithubAnnotations(result),
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

  // Workflow commands are lines GitHub picks out of any output: they may share stdout with console.
  const toStdout = specs.filter((s) => s.out === undefined && !(s.name === 'github' && specs.some((o) => o.name === 'console' && o.out === undefined)))
    .map((s) => s.name);
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
export async function writeReports(result: MatrixResult, specs: ReporterSpec[], opts: { verbose?: boolean } = {}): Promise<void> {
  for (const spec of specs) {
    const reporter = REPORTERS[spec.name];
    if (!reporter) throw new Error(`unknown reporter '${spec.name}' (known: ${Object.keys(REPORTERS).join(', ')})`);
    const toTerminal = spec.out === undefined && wantsColour(process.stdout);
    const text = reporter(result, { toTerminal, verbose: opts.verbose });
    if (spec.name === 'github') await appendStepSummary(result);
    if (spec.out === undefined) {
      process.stdout.write(text);
    } else {
      await mkdir(path.dirname(path.resolve(spec.out)), { recursive: true });
      await writeFile(spec.out, text);
    }
  }
}

/** Inside a GitHub Actions job, the Markdown report goes to the job's summary page too. */
async function appendStepSummary(result: MatrixResult): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) await appendFile(file, formatMarkdownReport(result));
}
