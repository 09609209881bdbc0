import type { Argv, CommandModule } from 'yargs';
import { checkBackends, ConfigError, readMatrixConfig, resolveSuites, type MatrixConfig } from '../matrix/config.js';
import { runMatrix } from '../matrix/runner.js';
import { REPORTERS, writeReports } from '../report/reporters.js';

interface RunArgs {
  config: string;
  backend?: string[];
  suite?: string[];
  jobs?: number;
  timeout?: number;
  grep?: string;
  reporter: string[];
  out?: string;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Run the conformance suites on the backends of matrix.json, one child process per cell',
  builder: (yargs: Argv<object>) => yargs
    .option('config', { type: 'string', default: 'matrix.json', describe: 'matrix file' })
    .option('backend', { type: 'string', array: true, describe: 'backend to run (repeatable; replaces the config list)' })
    .option('suite', { type: 'string', array: true, describe: 'suite name or folder path (repeatable; replaces the config list)' })
    .option('jobs', { type: 'number', describe: 'cells run at once (default: config, else CPU count)' })
    .option('timeout', { type: 'number', describe: 'time limit of one cell in ms (default: config, else 10 minutes)' })
    .option('grep', { type: 'string', describe: 'run only tests whose full title matches this regular expression' })
    .option('reporter', {
      type: 'string', array: true, choices: Object.keys(REPORTERS), default: ['console'],
      describe: 'report format (repeatable)',
    })
    .option('out', { type: 'string', describe: 'file of the json report (default: stdout)' }),
  handler: async (argv) => {
    process.exitCode = await run(argv);
  },
};

/** Exit status: 0 every cell passed, 1 some cell did not, 2 the run could not happen. */
async function run(args: RunArgs): Promise<number> {
  let config: MatrixConfig;
  try {
    config = await configFromArgs(args);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`hpy-matrix run: ${err.message}`);
    return 2;
  }
  const result = await runMatrix(config, { grep: args.grep });
  await writeReports(result, args.reporter, { out: args.out });
  return result.cells.every((cell) => cell.status === 'PASS') ? 0 : 1;
}

/** The config file with the command line's overrides; --suite paths are relative to cwd. */
async function configFromArgs(args: RunArgs): Promise<MatrixConfig> {
  const config = await readMatrixConfig(args.config);
  if (args.grep !== undefined) checkRegExp('--grep', args.grep);
  if (args.out !== undefined && !args.reporter.includes('json')) {
    throw new ConfigError('--out', 'names the json report file: add --reporter json');
  }
  return {
    backends: args.backend ? checkBackends('--backend', args.backend) : config.backends,
    suites: args.suite ? await resolveSuites('--suite', args.suite, process.cwd()) : config.suites,
    jobs: args.jobs === undefined ? config.jobs : positiveInteger('--jobs', args.jobs),
    timeout: args.timeout === undefined ? config.timeout : positiveInteger('--timeout', args.timeout),
  };
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
