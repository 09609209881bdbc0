// `hpy-matrix merge`: the json reports of a sharded run (--shard i/n in n CI jobs) joined into
// one run, with every reporter and the gate over the whole matrix. One report alone is
// rendered again as it is.
import { readFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { MergeError, mergeResults, type ShardReport } from '../runner/merge.js';
import { parseJsonReport } from '../reports/run/json.js';
import { parseReporterArgs, writeReports, type ReporterSpec } from '../reports/run/reporters.js';

interface MergeArgs {
  reports: string[];
  reporter: string[];
  out?: string[];
  verbose: boolean;
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <reports..>',
  describe: 'Join the json reports of the shards of one run into the whole run: its reports and its gate',
  builder: (yargs: Argv<object>) => yargs
    .positional('reports', { type: 'string', array: true, demandOption: true, describe: 'json reports of hpy-matrix run --shard i/n' })
    .option('reporter', { type: 'string', array: true, default: ['console'], describe: 'report format, or format:file (repeatable)' })
    .option('out', { type: 'string', array: true, describe: 'file of the next reporter other than console (repeatable)' })
    .option('verbose', { type: 'boolean', default: false, describe: 'console: every cell in a table and the details of every cell that did not pass' }) as Argv<MergeArgs>,
  handler: async (argv) => {
    process.exitCode = await merge(argv);
  },
};

/** Exit status: the merged gate's (0 or 1), 2 when the reports cannot be merged or written. */
async function merge(args: MergeArgs): Promise<number> {
  const fail = (message: string) => {
    console.error(`hpy-matrix merge: ${message}`);
    return 2;
  };
  let reporters: ReporterSpec[];
  try {
    reporters = parseReporterArgs(args.reporter, args.out ?? []);
  } catch (err) {
    return fail((err as Error).message);
  }
  const shards: ShardReport[] = [];
  for (const source of args.reports) {
    try {
      shards.push({ source, result: parseJsonReport(await readFile(source, 'utf8'), source) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === undefined) return fail((err as Error).message);
      return fail(`${source}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code})`}`);
    }
  }
  let merged;
  try {
    merged = mergeResults(shards);
  } catch (err) {
    if (!(err instanceof MergeError)) throw err;
    return fail(err.message);
  }
  try {
    await writeReports(merged, reporters, { verbose: args.verbose });
  } catch (err) {
    return fail(`cannot write the report: ${(err as Error).message}`);
  }
  return merged.gate.exitCode;
}
