// The `hpy-matrix` command line: one yargs command per file in commands/.
import yargs from 'yargs';
import { buildCommand } from './commands/build.js';
import { coverageCommand } from './commands/coverage.js';
import { expectationsCommand } from './commands/expectations.js';
import { initCommand } from './commands/init.js';
import { mergeCommand } from './commands/merge.js';
import { pythonPathCommand } from './commands/python-path.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';

/** Entry point of `hpy-matrix`. Commands set process.exitCode; usage errors exit 2. */
export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('hpy-matrix')
    .command(buildCommand)
    .command(coverageCommand)
    .command(expectationsCommand)
    .command(initCommand)
    .command(mergeCommand)
    .command(pythonPathCommand)
    .command(reportCommand)
    .command(runCommand)
    .demandCommand(1, 'Name a command: build, coverage, expectations, init, merge, python-path, report or run.')
    .strict()
    .help()
    .fail((msg, err, y) => {
      if (err) throw err;
      console.error(`hpy-matrix: ${msg}\n`);
      console.error(y.help());
      process.exit(2);
    })
    .parseAsync();
}
