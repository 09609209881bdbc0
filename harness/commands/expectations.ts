// `hpy-matrix expectations`: checks the expectations file, or rewrites it from a run (--update).
import type { Argv, CommandModule } from 'yargs';
import { ConfigError, readMatrixConfig } from '../runner/config.js';
import { readExpectations, writeExpectations, type Expectation, type Expectations } from '../runner/expectations.js';
import { updatedExpectations } from '../runner/update-expectations.js';
import { DEFAULT_CONFIG, displayPath, exists, matrixOptions, prepareRun, runWithProgress, type MatrixArgs } from './run.js';

interface ExpectationsArgs extends MatrixArgs {
  update: boolean;
  file?: string;
}

export const expectationsCommand: CommandModule<object, ExpectationsArgs> = {
  command: 'expectations',
  describe: 'Check the expectations file, or (--update) rewrite it from a run of the matrix',
  builder: (yargs: Argv<object>) => matrixOptions(yargs)
    .option('update', { type: 'boolean', default: false, describe: 'run the matrix and record every current non-pass' })
    .option('file', { type: 'string', describe: "expectations file (default: matrix.json's 'expectations')" }) as Argv<ExpectationsArgs>,
  handler: async (argv) => {
    process.exitCode = await expectations(argv);
  },
};

/** Exit status: 0 the file is valid (and, with --update, rewritten); 2 it is not, or the run could not happen. */
async function expectations(args: ExpectationsArgs): Promise<number> {
  try {
    const file = await targetFile(args);
    if (!args.update) {
      console.log(`${file}: ${describe((await readExpectations(file)).entries)}`);
      return 0;
    }
    const existing = await exists(file);
    const prepared = await prepareRun(args, existing ? file : undefined);
    // Without an existing file the run is judged against nothing and the new file starts empty.
    const old: Expectations = existing ? prepared.expectations! : { file, entries: [] };
    const result = await runWithProgress(existing ? prepared : { config: prepared.config }, args.grep);
    const entries = updatedExpectations(old.entries, result.cells);
    await writeExpectations(file, entries);
    const before = new Set(old.entries.map((e) => JSON.stringify(e)));
    const after = new Set(entries.map((e) => JSON.stringify(e)));
    const added = entries.filter((e) => !before.has(JSON.stringify(e))).length;
    const dropped = old.entries.filter((e) => !after.has(JSON.stringify(e))).length;
    console.log(`${file}: ${added} added, ${dropped} dropped; ${describe(entries)}`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`hpy-matrix expectations: ${err.message}`);
    return 2;
  }
}

/** --file (relative to cwd), else the file matrix.json names. */
async function targetFile(args: ExpectationsArgs): Promise<string> {
  if (args.file !== undefined) return args.file;
  const configFile = args.config ?? DEFAULT_CONFIG;
  const config = await readMatrixConfig(configFile);
  if (config.expectations === undefined) {
    throw new ConfigError(configFile, "names no expectations file: add \"expectations\": \"expectations.json\" or pass --file");
  }
  return displayPath(config.expectations);
}

function describe(entries: Expectation[]): string {
  const count = (pred: (e: Expectation) => boolean) => entries.filter(pred).length;
  const todo = count((e) => e.reason.startsWith('TODO'));
  return `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} (${count((e) => e.status === 'failed')} failed tests, `
    + `${count((e) => e.test === undefined && e.status !== undefined && e.status !== 'SKIP')} cells that do not run through, `
    + `${count((e) => e.flaky !== undefined)} flaky, ${count((e) => e.status === 'SKIP')} skipped`
    + `${todo > 0 ? `; ${todo} with a TODO reason` : ''})`;
}

