// The command line of a cell child: `--backend B --suite-dir D --results F [--grep RE]
// [--skip TITLE]... [--build-cache-dir D] [--compiled-dir D]`. Exit 0 when the suite ran (test
// outcomes are in the results file), 1 when it could not run, 2 on a bad command line.
import { parseArgs } from 'node:util';
import { runCell } from './cell.js';

export async function cellMain(argv: string[]): Promise<never> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string' },
      'suite-dir': { type: 'string' },
      results: { type: 'string' },
      grep: { type: 'string' },
      skip: { type: 'string', multiple: true },
      'build-cache-dir': { type: 'string' },
      'compiled-dir': { type: 'string' },
    },
    strict: true,
  });
  const { backend, 'suite-dir': suiteDir, results } = values;
  if (!backend || !suiteDir || !results) {
    console.error('cell: --backend, --suite-dir and --results are required');
    process.exit(2);
  }
  const ran = await runCell({
    backend, suiteDir, resultsFile: results, grep: values.grep, skip: values.skip ?? [],
    buildCacheDir: values['build-cache-dir'], compiledDir: values['compiled-dir'],
  });
  // Exit now rather than wait for handles a suite left open (timers, sockets): the cell
  // is over once its results are written, and a leak must not turn into a TIMEOUT.
  process.exit(ran ? 0 : 1);
}
