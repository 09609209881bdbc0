// `hpy-matrix build`: compiles HPy sources into a universal binary with our headers.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import { BuildError, buildExtension, UNIVERSAL_SUFFIX } from '../../loader/build/extension.js';
import { writeStub } from '../../loader/build/stub.js';
import type { ElfImage } from '../../loader/static/elf.js';
import { analyseBinary, type StaticReport } from '../../loader/static/report.js';

interface BuildArgs {
  sources: string[];
  out: string;
  cc?: string;
  cflag?: string[];
  stub: boolean;
}

/**
 * Prints the binary's path (and the stub's, with --stub) on stdout; compiler warnings, and a
 * warning when the binary calls context functions that HPy 0.9.0 hosts lack, on stderr. Exit
 * codes: 0 built, 1 the build failed (one `hpy-matrix build: <file>: <reason>` line, then
 * compiler output), or built a binary no loader could load (its HPy_MODINIT names another
 * module than its file name), which is then removed.
 */
export async function runBuild(args: BuildArgs): Promise<void> {
  try {
    const result = await buildExtension({ sources: args.sources, out: args.out, cc: args.cc, cflags: args.cflag });
    if (result.warnings) process.stderr.write(result.warnings.endsWith('\n') ? result.warnings : `${result.warnings}\n`);
    // What `hpy-matrix report` would say of the binary, for the two things a build checks.
    const { report, elf } = analyseBinary(result.path, await readFile(result.path));
    checkEntryPoint(report, elf);
    const afterRelease = report.afterReleaseApi;
    if (afterRelease.length > 0) {
      console.error(`hpy-matrix build: warning: ${result.path} calls ${afterRelease.join(', ')}, which HPy 0.9.0 does not have: `
        + 'it runs on hpy-matrix, but hosts with HPy 0.9.0 or older crash (problem post-0.9-api of hpy-matrix report)');
    }
    console.log(result.path);
    if (args.stub) console.log(await writeStub(result.path));
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    console.error(`hpy-matrix build: ${err.file}: ${err.reason}`);
    if (err.output) console.error(err.output.trimEnd());
    process.exitCode = 1;
  }
}

/** Loaders look for HPyInit_<the file's module name>: a binary whose HPy_MODINIT says otherwise is removed. */
function checkEntryPoint(report: StaticReport, elf: ElfImage): void {
  const { file, module } = report;
  if (report.entryPoints.some((e) => e.symbol === `HPyInit_${module}` && e.found)) return;
  const named = elf.symbols.filter((s) => s.defined && s.name.startsWith('HPyInit_')).map((s) => s.name.slice('HPyInit_'.length));
  rmSync(file, { force: true });
  const fix = named.length === 1
    ? `its HPy_MODINIT names module '${named[0]}': name the output ${named[0]}${UNIVERSAL_SUFFIX}, or write HPy_MODINIT(${module}, …)`
    : 'no HPy_MODINIT in the sources';
  throw new BuildError(file, `the binary exports no HPyInit_${module}, so no loader could load it (${fix}); it was removed`);
}

export const buildCommand: CommandModule<object, BuildArgs> = {
  command: 'build <sources..>',
  describe: 'Compile C sources into an HPy universal binary with hpy-matrix headers and runtime helpers',
  builder: (y) =>
    y
      .positional('sources', { type: 'string', array: true, demandOption: true, describe: 'C source files of the extension' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'output binary, named <module>.hpy0.so' })
      .option('cc', { type: 'string', describe: 'C compiler (default: $CC, else cc)' })
      .option('cflag', { type: 'string', array: true, describe: 'extra compiler flag (repeatable), e.g. --cflag=-DNDEBUG' })
      .option('stub', { type: 'boolean', default: false, describe: 'also write <module>.py beside the binary: `import <module>` then loads it with hpy.universal' }),
  handler: (args) => runBuild(args),
};
