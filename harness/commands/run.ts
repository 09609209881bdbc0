// `hpy-matrix run`: the matrix of suites × backends, its reports and its gate.
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import {
  checkBackends, ConfigError, readMatrixConfig, resolveExpectationsPath, resolveSuites, type MatrixConfig,
} from '../runner/config.js';
import { readExpectations, type Expectations } from '../runner/expectations.js';
import { progressDisplay } from '../runner/progress.js';
import { DEFAULT_MAX_MEMORY_MB, runMatrix, type MatrixResult } from '../runner/runner.js';
import { retriedKey } from '../runner/gate.js';
import { parseShard, type Shard } from '../runner/shard.js';
import { parseJsonReport } from '../reports/run/json.js';
import { parseReporterArgs, writeReports, type ReporterSpec } from '../reports/run/reporters.js';

/** The flags that choose what runs: shared by `run` and `expectations --update`. */
export interface MatrixArgs {
  /** Absent: matrix.json, which --suite and --backend together can do without. */
  config?: string;
  backend?: string[];
  suite?: string[];
  jobs?: number;
  timeout?: number;
  maxMemory?: number;
  grep?: string;
}

interface RunArgs extends MatrixArgs {
  expectations?: string;
  shard?: string;
  durations?: string;
  verbose: boolean;
  reporter: string[];
  out?: string[];
}

export function matrixOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('config', { type: 'string', describe: `matrix file (default: ${DEFAULT_CONFIG}; not needed when --suite and --backend are both given)` })
    .option('backend', { type: 'string', array: true, describe: 'backend to run (repeatable; replaces the config list)' })
    .option('suite', { type: 'string', array: true, describe: 'suite name or folder path (repeatable; replaces the config list)' })
    .option('jobs', { type: 'number', describe: 'cells run at once (default: config, else CPU count)' })
    .option('timeout', { type: 'number', describe: 'time limit of one cell in ms (default: config, else 10 minutes)' })
    .option('max-memory', { type: 'number', describe: `memory limit of one cell in MB of resident memory (default: config, else ${DEFAULT_MAX_MEMORY_MB})` })
    .option('grep', { type: 'string', describe: 'run only tests whose full title matches this regular expression' });
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Run the conformance suites on the backends of matrix.json, one child process per cell',
  builder: (yargs: Argv<object>) => matrixOptions(yargs)
    .option('expectations', { type: 'string', describe: 'expectations file (default: the one matrix.json names)' })
    .option('reporter', {
      type: 'string', array: true, default: ['console'],
      describe: 'report format, or format:file (repeatable)',
    })
    .option('out', { type: 'string', array: true, describe: 'file of the next reporter other than console (repeatable)' })
    .option('verbose', { type: 'boolean', default: false, describe: 'console: every cell in a table and the details of every cell that did not pass' })
    .option('shard', { type: 'string', describe: 'run only share i of n of the cells (i/n), for one job of a CI job matrix; join the reports with hpy-matrix merge' })
    .option('durations', { type: 'string', describe: 'json report of an earlier run: --shard balances the shards by its cell durations' }) as Argv<RunArgs>,
  handler: async (argv) => {
    process.exitCode = await run(argv);
  },
};

/** Exit status: the gate's (0 as expected, 1 regression or unexpected pass), 2 when the run could not happen. */
async function run(args: RunArgs): Promise<number> {
  let prepared: PreparedRun;
  let reporters: ReporterSpec[];
  try {
    prepared = { ...(await prepareRun(args, args.expectations)), ...(await sharding(args)) };
    reporters = reporterSpecs(args.reporter, args.out ?? []);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`hpy-matrix run: ${err.message}`);
    return 2;
  }
  const result = await runWithProgress(prepared, args.grep);
  try {
    await writeReports(result, reporters, { verbose: args.verbose });
  } catch (err) {
    console.error(`hpy-matrix run: cannot write the report: ${(err as Error).message}`);
    return 2;
  }
  return result.gate.exitCode;
}

export interface PreparedRun {
  config: MatrixConfig;
  expectations?: Expectations;
  shard?: Shard;
  durations?: ReadonlyMap<string, number>;
}

/** --shard, and the durations of --durations' report to balance it by. */
async function sharding(args: RunArgs): Promise<Pick<PreparedRun, 'shard' | 'durations'>> {
  if (args.durations !== undefined && args.shard === undefined) throw new ConfigError('--durations', 'balances shards: give --shard i/n too');
  if (args.shard === undefined) return {};
  const shard = parseShard('--shard', args.shard);
  if (args.durations === undefined) return { shard };
  let text: string;
  try {
    text = await readFile(args.durations, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError('--durations', `${args.durations}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(err)})`}`);
  }
  let earlier;
  try {
    earlier = parseJsonReport(text, args.durations);
  } catch (err) {
    throw new ConfigError('--durations', (err as Error).message);
  }
  return { shard, durations: new Map(earlier.cells.map((c) => [retriedKey(c), c.durationMs])) };
}

/**
 * The config file with the command line's overrides (--suite paths are relative to cwd), and
 * the expectations file read and checked: every ConfigError here means exit status 2.
 */
export async function prepareRun(args: MatrixArgs, expectationsFlag: string | undefined): Promise<PreparedRun> {
  const file = await configOrNone(args);
  if (args.grep !== undefined) checkRegExp('--grep', args.grep);
  const expectationsFile = expectationsFlag === undefined
    ? file.expectations
    : await resolveExpectationsPath('--expectations', expectationsFlag, process.cwd());
  const config: MatrixConfig = {
    ...file,
    backends: args.backend ? checkBackends('--backend', args.backend) : file.backends,
    suites: args.suite ? await resolveSuites('--suite', args.suite, process.cwd()) : file.suites,
    jobs: args.jobs === undefined ? file.jobs : positiveInteger('--jobs', args.jobs),
    timeout: args.timeout === undefined ? file.timeout : positiveInteger('--timeout', args.timeout),
    maxMemory: args.maxMemory === undefined ? file.maxMemory : positiveInteger('--max-memory', args.maxMemory),
    ...(expectationsFile === undefined ? {} : { expectations: expectationsFile }),
  };
  return {
    config,
    ...(expectationsFile === undefined ? {} : { expectations: await readExpectations(displayPath(expectationsFile)) }),
  };
}

export const DEFAULT_CONFIG = 'matrix.json';

/**
 * The config file, or, when none was named, matrix.json is absent and the command line names
 * both suites and backends, an empty one: a project can run without writing a config first.
 */
async function configOrNone(args: MatrixArgs): Promise<MatrixConfig> {
  if (args.config === undefined && args.suite && args.backend && !(await exists(DEFAULT_CONFIG))) {
    return { backends: [], suites: [] };
  }
  try {
    return await readMatrixConfig(args.config ?? DEFAULT_CONFIG);
  } catch (err) {
    if (!(err instanceof ConfigError) || args.config !== undefined || await exists(DEFAULT_CONFIG)) throw err;
    throw new ConfigError(DEFAULT_CONFIG, 'no such file (give both --suite and --backend to run without one, or write one: hpy-matrix init)');
  }
}

export async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

export async function runWithProgress({ config, expectations, shard, durations }: PreparedRun, grep: string | undefined): Promise<MatrixResult> {
  const progress = progressDisplay(process.stderr);
  try {
    return await runMatrix(config, { grep, expectations, progress, shard, durations });
  } finally {
    progress.finish();
  }
}

/** The reporters module throws plain Errors for bad --reporter/--out: they are config errors here. */
function reporterSpecs(reporters: string[], outs: string[]): ReporterSpec[] {
  try {
    return parseReporterArgs(reporters, outs);
  } catch (err) {
    const message = (err as Error).message;
    const flag = /^(--\w+): (.*)$/s.exec(message);
    throw flag ? new ConfigError(flag[1]!, flag[2]!) : new ConfigError('--reporter', message);
  }
}

/** Relative to cwd when inside it, so messages and reports stay short. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function checkRegExp(source: string, pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (err) {
    throw new ConfigError(source, (err as Error).message);
  }
}

function positiveInteger(source: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(source, `must be a positive integer, got ${value}`);
  return value;
}
