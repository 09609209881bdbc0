// `hpy-matrix coverage`: which context functions each backend implements, or (--exercised) which the suites call.
import type { CommandModule } from 'yargs';
import type { Backend } from '../../loader/backend.js';
import { BACKEND_NAMES } from '../../loader/backends/names.js';
import { formatCoverage } from '../reports/coverage/format.js';
import { collectCoverage, CoverageError, type CoverageReport } from '../reports/coverage/table.js';
import { exercisedReport, formatExercised } from '../reports/coverage/exercised.js';
import { checkBackends, ConfigError, readMatrixConfig } from '../runner/config.js';
import { runWithProgress } from './run.js';

interface CoverageArgs {
  backend?: string[];
  json: boolean;
  all: boolean;
  exercised: boolean;
  config: string;
  jobs?: number;
}

type CreateBackend = (name: string) => Backend;

// Loaded on demand: the backends pull in koffi, which the other commands do not need.
const defaultCreate = async (): Promise<CreateBackend> => (await import('../../loader/backends/index.js')).createBackend;

/**
 * Exit codes: 0 the table was printed, 2 it could not be made (an unknown backend, a backend
 * that cannot start, or one whose capabilities are inconsistent), with one line on stderr.
 */
export async function runCoverage(args: CoverageArgs, create?: CreateBackend): Promise<number> {
  if (args.exercised) return runExercised(args);
  let report: CoverageReport;
  try {
    const names = args.backend ? checkBackends('--backend', [...new Set(args.backend)]) : [...BACKEND_NAMES];
    report = collectCoverage(names, create ?? (await defaultCreate()));
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof CoverageError)) throw err;
    console.error(`hpy-matrix coverage: ${err.message}`);
    return 2;
  }
  console.log(args.json ? JSON.stringify(report, null, 2) : formatCoverage(report, { all: args.all }));
  return 0;
}

/**
 * `--exercised`: runs the config's suites on the trace layer over each base backend (the
 * config's, or --backend's) and reports the context functions they call. Exit codes: 0 the
 * report is complete, 1 some cell did not finish (its calls are missing), 2 no run.
 */
async function runExercised(args: CoverageArgs): Promise<number> {
  let prepared;
  try {
    const file = await readMatrixConfig(args.config);
    const names = args.backend ? checkBackends('--backend', [...new Set(args.backend)]) : file.backends;
    const traced = [...new Set(names.map((n) => `trace:${n.slice(n.indexOf(':') + 1)}`))];
    prepared = { config: { ...file, backends: traced, ...(args.jobs === undefined ? {} : { jobs: args.jobs }) } };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`hpy-matrix coverage: ${err.message}`);
    return 2;
  }
  const result = await runWithProgress(prepared, undefined);
  const report = exercisedReport(result.cells);
  console.log(args.json ? JSON.stringify(report, null, 2) : formatExercised(report));
  return report.incomplete.length ? 1 : 0;
}

export const coverageCommand: CommandModule<object, CoverageArgs> = {
  command: 'coverage',
  describe: 'Which context functions each backend implements, implements in part, or refuses',
  builder: (y) =>
    y
      .option('backend', { type: 'string', array: true, describe: 'backend to describe (repeatable; default: every backend)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the table as JSON' })
      .option('all', { type: 'boolean', default: false, describe: 'also list every function with its status per backend' })
      .option('exercised', { type: 'boolean', default: false, describe: 'run the suites on trace backends and list the functions they call' })
      .option('config', { type: 'string', default: 'matrix.json', describe: 'matrix file whose suites --exercised runs' })
      .option('jobs', { type: 'number', describe: 'cells run at once with --exercised' }),
  handler: async (args) => {
    process.exitCode = await runCoverage(args);
  },
};
