// `hpy-matrix init`: sets up an extension's repository for `hpy-matrix run`: matrix.json, an
// empty expectations file and one suite (mocha, or pytest with --pytest), either for the user's
// own binary (--extension) or for a small example extension written beside it. It never writes
// over a file.
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { resolveCompiler } from '../../loader/build/cache.js';
import { BuildError, buildExtension } from '../../loader/build/extension.js';
import { stubSource } from '../../loader/build/stub.js';
import { findPython } from '../../loader/backends/cpython/python.js';
import { packageRoot } from '../../loader/package-root.js';
import { ReportError, staticReport, type StaticReport } from '../../loader/static/report.js';
import { formatExpectations } from '../runner/expectations.js';
import { pytestNotInstalled } from '../runner/pytest-cell.js';

interface InitArgs {
  extension?: string;
  pytest?: boolean;
}

/** Where the suites go, relative to the repository. */
const SUITES_DIR = 'hpy-tests';
const ALL_BACKENDS = ['reference', 'cpython', 'debug:reference', 'debug:cpython'];

/** A refusal: exit status 2 with `hpy-matrix init: <subject>: <reason>`. */
class InitError extends Error {
  constructor(readonly subject: string, readonly reason: string) {
    super(`${subject}: ${reason}`);
  }
}

interface Planned {
  /** Relative to the current folder. */
  file: string;
  text: string;
}

interface Plan {
  files: Planned[];
  backends: string[];
  /** Backends left out, with why they cannot start here. */
  leftOut: Array<{ backends: string[]; reason: string }>;
  /** Things worth knowing before the first run. */
  notes: string[];
  /** A binary init builds once the files are written (a pytest suite imports it, built). */
  build?: { source: string; out: string };
}

/** Exit codes: 0 the files were written, 2 nothing was written (one line on stderr says why). */
export async function runInit(args: InitArgs, cwd = process.cwd()): Promise<number> {
  try {
    const plan = args.pytest
      ? (args.extension === undefined ? await pytestExamplePlan() : await pytestExtensionPlan(args.extension, cwd))
      : (args.extension === undefined ? await examplePlan() : await extensionPlan(args.extension, cwd));
    await refuseExisting([...plan.files, ...(plan.build ? [{ file: plan.build.out, text: '' }] : [])], cwd);
    await writeAll(plan.files, cwd, plan.build);
    console.log(summary(plan));
    return 0;
  } catch (err) {
    if (!(err instanceof InitError)) throw err;
    console.error(`hpy-matrix init: ${err.subject}: ${err.reason}`);
    return 2;
  }
}

/** No extension of the user's yet: an example one (`add`) and the suite that builds it. */
async function examplePlan(): Promise<Plan> {
  const dir = `${SUITES_DIR}/example`;
  const { backends, leftOut, compilerMissing } = usableBackends();
  return {
    files: [
      ...configFiles(backends, `./${dir}`, undefined),
      { file: `${dir}/example.c`, text: await template('example/example.c', { built: MOCHA_BUILT }) },
      { file: `${dir}/example.test.ts`, text: await template('example/example.test.ts') },
    ],
    backends,
    leftOut,
    notes: compilerMissing ? ['the example suite builds example.c with a C compiler, which this machine lacks: install gcc before `hpy-matrix run`'] : [],
  };
}

const MOCHA_BUILT = 'Its suite (example.test.ts) names this file, so hpy-matrix builds it as an\n   HPy 0.9 universal binary with its own headers, cached until the source changes.';
const PYTEST_BUILT = 'init built it into build/example.hpy0.so, with the stub loader\n   build/example.py that `import example` goes through; build it again after a change\n   (test_example.py says how).';

/** The user's binary: a suite that loads it and checks what its module definition promises. */
async function extensionPlan(extension: string, cwd: string): Promise<Plan> {
  const { binary, report } = cleanBinary(extension, cwd);
  const module = report.module;
  const suiteDir = `${SUITES_DIR}/${module}`;
  const fromSuite = path.relative(path.join(cwd, suiteDir), binary);
  const test = await template('extension/extension.test.ts', {
    module,
    binary: tsString(fromSuite.split(path.sep).join('/')),
    functions: tsList((report.methods ?? []).map((m) => m.name)),
  });
  const { backends, leftOut } = usableBackends();
  const notes: string[] = [];
  if (report.methods === null) {
    notes.push(`the module definition of ${extension} could not be read without running it, so FUNCTIONS in ${suiteDir}/${module}.test.ts is empty: list the functions there`);
  }
  return {
    files: [...configFiles(backends, `./${suiteDir}`, relativeFromConfig(cwd, binary)), { file: `${suiteDir}/${module}.test.ts`, text: test }],
    backends,
    leftOut,
    notes,
  };
}

/** The static report of the user's binary, refused unless it is a clean universal binary. */
function cleanBinary(extension: string, cwd: string): { binary: string; report: StaticReport } {
  const binary = path.resolve(cwd, extension);
  let report;
  try {
    report = staticReport(binary);
  } catch (err) {
    if (err instanceof ReportError) throw new InitError(extension, err.reason);
    throw err;
  }
  if (!report.ok) {
    const [first, ...more] = report.problems;
    throw new InitError(extension, `not a clean HPy universal binary: [${first!.code}] ${first!.message}` +
      `${more.length > 0 ? ` (and ${more.length} more)` : ''}; \`hpy-matrix report ${extension}\` says more`);
  }
  return { binary, report };
}

/**
 * --pytest without an extension: the example extension, built by init with its stub loader
 * beside it, and pytest tests that import it.
 */
async function pytestExamplePlan(): Promise<Plan> {
  const backends = pytestBackends();
  const dir = `${SUITES_DIR}/example`;
  const source = `${dir}/example.c`;
  const out = `${dir}/build/example.hpy0.so`;
  return {
    files: [
      ...configFiles(backends, pytestSuite(`./${dir}`, `./${dir}/build`), undefined),
      { file: source, text: await template('example/example.c', { built: PYTEST_BUILT }) },
      { file: `${dir}/build/example.py`, text: stubSource('example', 'example.hpy0.so', 'hpy-matrix init') },
      { file: `${dir}/test_example.py`, text: await template('pytest/test_example.py', { source, binary: out }) },
    ],
    backends,
    leftOut: [],
    notes: [PYTEST_ON_REFERENCE],
    build: { source, out },
  };
}

/** --pytest --extension: pytest tests of the user's binary, imported through a stub beside them. */
async function pytestExtensionPlan(extension: string, cwd: string): Promise<Plan> {
  const { binary, report } = cleanBinary(extension, cwd);
  const backends = pytestBackends();
  const module = report.module;
  const dir = `${SUITES_DIR}/${module}`;
  const fromSuite = path.relative(path.join(cwd, dir), binary).split(path.sep).join('/');
  const functions = `[${(report.methods ?? []).map((m) => JSON.stringify(m.name)).join(', ')}]`;
  const notes: string[] = [];
  if (report.methods === null) {
    notes.push(`the module definition of ${extension} could not be read without running it, so FUNCTIONS in ${dir}/test_${module}.py is empty: list the functions there`);
  }
  return {
    files: [
      ...configFiles(backends, pytestSuite(`./${dir}`, `./${dir}`), relativeFromConfig(cwd, binary)),
      { file: `${dir}/${module}.py`, text: stubSource(module, fromSuite, 'hpy-matrix init') },
      { file: `${dir}/test_${module}.py`, text: await template('pytest/test_extension.py', { module, functions }) },
    ],
    backends,
    leftOut: [],
    notes: [PYTEST_ON_REFERENCE, ...notes],
  };
}

const PYTEST_ON_REFERENCE = 'reference and debug:reference are not in matrix.json: pytest suites need a Python interpreter, which the reference backend does not have';

/** A pytest suite entry of matrix.json: the folder, and where `import <module>` finds the stub. */
function pytestSuite(dir: string, pythonPath: string): { path: string; pythonPath: string[] } {
  return { path: dir, pythonPath: [pythonPath] };
}

/**
 * pytest suites run on the cpython backends, in the Python they use: init refuses --pytest
 * where that Python, its pytest or the C compiler that builds the cpython context is missing.
 */
function pytestBackends(): string[] {
  let python;
  try {
    python = findPython();
    resolveCompiler();
  } catch (err) {
    throw new InitError('--pytest', `pytest suites run on the cpython backends, which cannot start here: ${(err as Error).message}`);
  }
  try {
    execFileSync(python.executable, ['-c', 'import pytest'], { stdio: 'ignore' });
  } catch {
    throw new InitError('--pytest', pytestNotInstalled(python.executable));
  }
  return ['cpython', 'debug:cpython'];
}

/**
 * The backends that can start on this machine. A config whose first run is red teaches nothing
 * but what to install, so init writes only these and says what it left out and why: cpython
 * needs a Python with headers and a shared libpython, and the cpython context and the debug
 * layer are compiled on first use.
 */
function usableBackends(): Pick<Plan, 'backends' | 'leftOut'> & { compilerMissing: boolean } {
  const leftOut: Plan['leftOut'] = [];
  let compilerProblem: string | undefined;
  try {
    resolveCompiler();
  } catch (err) {
    compilerProblem = (err as Error).message;
  }
  let pythonProblem: string | undefined;
  try {
    findPython();
  } catch (err) {
    pythonProblem = (err as Error).message;
  }
  const cannot = (backends: string[], reason: string | undefined): void => {
    if (reason === undefined) return;
    const same = leftOut.find((l) => l.reason === reason);
    if (same) same.backends.push(...backends);
    else leftOut.push({ backends, reason });
  };
  cannot(['cpython', 'debug:cpython'], pythonProblem ?? compilerProblem);
  cannot(['debug:reference'], compilerProblem);
  const out = new Set(leftOut.flatMap((l) => l.backends));
  return { backends: ALL_BACKENDS.filter((b) => !out.has(b)), leftOut, compilerMissing: compilerProblem !== undefined };
}

function configFiles(backends: string[], suite: string | { path: string; pythonPath: string[] }, extension: string | undefined): Planned[] {
  const config = { backends, suites: [suite], ...(extension === undefined ? {} : { extensions: [extension] }), expectations: 'expectations.json' };
  return [
    { file: 'matrix.json', text: `${JSON.stringify(config, null, 2)}\n` },
    { file: 'expectations.json', text: formatExpectations([]) },
  ];
}

/** A path as matrix.json wants it: relative to its folder, with a `/` (`./build/foo.hpy0.so`). */
function relativeFromConfig(cwd: string, file: string): string {
  const rel = path.relative(cwd, file).split(path.sep).join('/');
  return rel.startsWith('../') ? rel : `./${rel}`;
}

/** A TypeScript string literal, quoted as the templates quote theirs. */
function tsString(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}'`;
}

/** A TypeScript array of strings: on one line when it is short, else one item per line. */
function tsList(items: string[]): string {
  const oneLine = `[${items.map(tsString).join(', ')}]`;
  return oneLine.length <= 72 ? oneLine : `[\n${items.map((i) => `  ${tsString(i)},\n`).join('')}]`;
}

/** A template of templates/init with its `{{name}}` placeholders filled in. */
async function template(name: string, values: Record<string, string> = {}): Promise<string> {
  const text = await readFile(path.join(packageRoot(), 'templates', 'init', name), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name}: no value for {{${key}}}`);
    return value;
  });
}

/** Every target is checked before any is written, so a refusal leaves the folder as it was. */
async function refuseExisting(files: Planned[], cwd: string): Promise<void> {
  const existing: string[] = [];
  for (const { file } of files) {
    // lstat: a dangling symlink is a file init would write through.
    if (await lstat(path.join(cwd, file)).then(() => true, () => false)) existing.push(file);
  }
  if (existing.length === 0) return;
  const [first, ...more] = existing;
  throw new InitError(first!, `already exists${more.length > 0 ? ` (so do ${more.join(', ')})` : ''}; nothing was written: init never writes over a file`);
}

/**
 * Writes every file and builds the planned binary, or on a failure removes what it wrote and
 * says what could not be done.
 */
async function writeAll(files: Planned[], cwd: string, build?: Plan['build']): Promise<void> {
  const written: string[] = [];
  for (const { file, text } of files) {
    const target = path.join(cwd, file);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      // 'wx': a file that appeared since the check is still not overwritten.
      await writeFile(target, text, { flag: 'wx' });
      written.push(target);
    } catch (err) {
      await Promise.all(written.map((w) => rm(w, { force: true })));
      const e = err as NodeJS.ErrnoException;
      throw new InitError(file, `cannot write: ${e.code === 'EEXIST' ? 'it appeared while init ran' : e.message}; nothing was written`);
    }
  }
  if (build === undefined) return;
  try {
    await buildExtension({ sources: [path.join(cwd, build.source)], out: path.join(cwd, build.out) });
  } catch (err) {
    await Promise.all(written.map((w) => rm(w, { force: true })));
    if (!(err instanceof BuildError)) throw err;
    throw new InitError(build.source, `cannot build it: ${err.reason}; nothing was written`);
  }
}

function summary(plan: Plan): string {
  const lines = plan.files.map((f) => `wrote ${f.file}`);
  if (plan.build) lines.push(`built ${plan.build.out}`);
  lines.push('', `Backends: ${plan.backends.join(', ')}`);
  for (const l of plan.leftOut) lines.push(`Left out ${andList(l.backends)}, which cannot start here: ${l.reason}`);
  if (plan.leftOut.length > 0) lines.push("Add them to matrix.json's backends once they can start.");
  for (const n of plan.notes) lines.push(`Note: ${n}`);
  lines.push('', 'Next, run the suite on every backend of matrix.json:', '', '  npx hpy-matrix run');
  return lines.join('\n');
}

/** 'a', 'a and b', 'a, b and c'. */
function andList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init',
  describe: 'Set up this folder for `hpy-matrix run`: matrix.json, expectations.json and a suite (mocha, or pytest with --pytest) of --extension, or of an example extension',
  builder: (y) =>
    y
      .option('extension', { type: 'string', describe: 'your built universal binary (e.g. build/foo.hpy0.so): the suite loads it' })
      .option('pytest', { type: 'boolean', describe: 'a pytest suite instead of a mocha one (runs on the cpython backends)' }),
  handler: async (args) => {
    process.exitCode = await runInit(args);
  },
};
