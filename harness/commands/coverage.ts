import type { CommandModule } from 'yargs';
import type { Backend } from '../../loader/backend.js';
import { BACKEND_NAMES } from '../../loader/backends/names.js';
import { formatCoverage } from '../coverage/format.js';
import { collectCoverage, CoverageError, type CoverageReport } from '../coverage/table.js';
import { checkBackends, ConfigError } from '../matrix/config.js';

interface CoverageArgs {
  backend?: string[];
  json: boolean;
  all: boolean;
}

type CreateBackend = (name: string) => Backend;

// Loaded on demand: the backends pull in koffi, which the other commands do not need.
const defaultCreate = async (): Promise<CreateBackend> => (await import('../../loader/backends/index.js')).createBackend;

/**
 * Exit codes: 0 the table was printed, 2 it could not be made (an unknown backend, a backend
 * that cannot start, or one whose capabilities are inconsistent), with one line on stderr.
 */
export async function runCoverage(args: CoverageArgs, create?: CreateBackend): Promise<number> {
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

export const coverageCommand: CommandModule<object, CoverageArgs> = {
  command: 'coverage',
  describe: 'Which context functions each backend implements, implements in part, or refuses',
  builder: (y) =>
    y
      .option('backend', { type: 'string', array: true, describe: 'backend to describe (repeatable; default: every backend)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the table as JSON' })
      .option('all', { type: 'boolean', default: false, describe: 'also list every function with its status per backend' }),
  handler: async (args) => {
    process.exitCode = await runCoverage(args);
  },
};
