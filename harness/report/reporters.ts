import type { MatrixResult } from '../matrix/runner.js';
import { formatConsoleReport } from './console.js';
import { jsonReport, writeJsonReport } from './json.js';

/** One --reporter: a format, and the file it goes to (stdout when absent). */
export interface ReporterSpec {
  name: string;
  out?: string;
}

type Reporter = (result: MatrixResult, out: string | undefined) => Promise<void>;

/** Reporters that --reporter accepts. A new reporter is one more entry. */
export const REPORTERS: Record<string, Reporter> = {
  console: async (result) => {
    process.stdout.write(formatConsoleReport(result));
  },
  json: async (result, out) => {
    if (out === undefined) process.stdout.write(JSON.stringify(jsonReport(result), null, 2) + '\n');
    else await writeJsonReport(result, out);
  },
};

/**
 * `--reporter name` or `name:file`, repeatable; each `--out` goes, in order, to the next
 * reporter other than console that has no file yet.
 */
export function parseReporterArgs(reporters: string[], outs: string[]): ReporterSpec[] {
  const specs = reporters.map((arg): ReporterSpec => {
    const colon = arg.indexOf(':');
    const spec = colon < 0 ? { name: arg } : { name: arg.slice(0, colon), out: arg.slice(colon + 1) };
    if (!(spec.name in REPORTERS)) throw new Error(`--reporter: unknown reporter '${spec.name}' (known: ${Object.keys(REPORTERS).join(', ')})`);
    return spec;
  });
  const open = specs.filter((s) => s.name !== 'console' && s.out === undefined);
  if (outs.length > open.length) {
    throw new Error(`--out: ${outs.length} given for ${open.length} reporter(s) without a file (console writes to stdout only)`);
  }
  outs.forEach((out, i) => { open[i]!.out = out; });
  return specs;
}

export async function writeReports(result: MatrixResult, specs: ReporterSpec[]): Promise<void> {
  for (const spec of specs) await REPORTERS[spec.name]!(result, spec.out);
}
