import type { MatrixResult } from '../matrix/runner.js';
import { formatConsoleReport } from './console.js';
import { jsonReport, writeJsonReport } from './json.js';

export interface ReportTargets {
  /** File of the json report; without it the report goes to stdout. */
  out?: string;
}

type Reporter = (result: MatrixResult, targets: ReportTargets) => Promise<void>;

/** Reporters that --reporter accepts. A new reporter is one more entry. */
export const REPORTERS: Record<string, Reporter> = {
  console: async (result) => {
    process.stdout.write(formatConsoleReport(result));
  },
  json: async (result, { out }) => {
    if (out === undefined) process.stdout.write(JSON.stringify(jsonReport(result), null, 2) + '\n');
    else await writeJsonReport(result, out);
  },
};

export async function writeReports(result: MatrixResult, names: string[], targets: ReportTargets): Promise<void> {
  for (const name of names) {
    const reporter = REPORTERS[name];
    if (!reporter) throw new Error(`unknown reporter '${name}'`);
    await reporter(result, targets);
  }
}
