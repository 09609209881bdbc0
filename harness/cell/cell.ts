// The child side of a cell: runs one suite's mocha files on one backend in this process and
// writes what happens, event by event, for the parent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Mocha from 'mocha';
import { CapabilitiesUnknownError } from '../../loader/backend.js';
import { openSession, type Session } from '../suite/session.js';
import { CellReporter, describeError, type EventSink } from './mocha-reporter.js';
import { checkEachTest } from './debug-checks.js';
import { compiledName, compileSync } from './precompile.js';
import { openEventWriter } from '../child/events.js';
import type { CellEvent } from './protocol.js';

export interface CellOptions {
  backend: string;
  /** Absolute path of the suite folder. */
  suiteDir: string;
  /** File the events go to, one JSON line each (see protocol.ts). */
  resultsFile: string;
  /** Only tests whose full title matches run (a regular expression source). */
  grep?: string;
  /** Full titles of tests not to run: they are reported skipped (the expectations file says SKIP). */
  skip?: string[];
  buildCacheDir?: string;
  /** Where the parent put the suite's TypeScript compiled to JavaScript (precompile.ts). */
  compiledDir?: string;
}

const TEST_FILE = /\.test\.(ts|js|mjs)$/;

/**
 * Runs one suite on one backend in this process. Returns false when the suite could not
 * run at all (the reason is in the results file as an `error` event).
 */
export async function runCell(opts: CellOptions): Promise<boolean> {
  const events = openEventWriter<CellEvent>(opts.resultsFile);
  const sink: EventSink = (event) => events.write(event);
  try {
    sink({ event: 'start' });
    return await runSuite(opts, sink);
  } finally {
    events.close();
  }
}

async function runSuite(opts: CellOptions, sink: EventSink): Promise<boolean> {
  const files = findTestFiles(opts.suiteDir);
  if (files.length === 0) {
    sink({ event: 'error', message: `no test files (*.test.ts, *.test.js, *.test.mjs for mocha; test_*.py, *_test.py for pytest) in ${opts.suiteDir}` });
    return false;
  }
  await registerTypeScript(files, opts.compiledDir);

  let session: Session;
  try {
    session = openSession({ backend: opts.backend, suiteDir: opts.suiteDir, buildCacheDir: opts.buildCacheDir });
  } catch (err) {
    sink({ event: 'error', message: `cannot open a ${opts.backend} session: ${describeError(err)}` });
    return false;
  }
  try {
    // Created now, not at the first test that needs it: a backend that cannot start (no
    // python3 for cpython) is the cell's ERROR, not a failure of whichever test came first.
    session.getBackend();
  } catch (err) {
    session.close();
    sink({ event: 'error', message: `backend '${opts.backend}' did not start: ${err instanceof Error ? err.message : String(err)}` });
    return false;
  }
  sink(capabilitiesEvent(session));
  try {
    return await runMocha(opts, files, sink, session);
  } finally {
    session.close();
  }
}

async function runMocha(opts: CellOptions, files: string[], sink: EventSink, session: Session): Promise<boolean> {
  const mochaOptions: Mocha.MochaOptions & { failHookAffectedTests: boolean } = {
    reporter: CellReporter,
    reporterOptions: { sink },
    // The cell has its own time limit; a per-test default of 2 s would turn slow
    // backends (debug) into failures. Tests can still set this.timeout().
    timeout: 0,
    grep: opts.grep === undefined ? undefined : new RegExp(opts.grep),
    color: false,
    // Tests under a failing hook are reported failed instead of silently missing.
    failHookAffectedTests: true,
  };
  const mocha = new Mocha(mochaOptions);
  for (const file of files) mocha.addFile(file);

  let loading = '';
  mocha.suite.on('pre-require', (_context: unknown, file: string) => { loading = file; });
  try {
    await mocha.loadFilesAsync();
  } catch (err) {
    sink({ event: 'error', message: `cannot load ${path.basename(loading)}: ${describeError(err)}` });
    return false;
  }
  markSkipped(mocha.suite, new Set(opts.skip ?? []));
  const debug = session.getBackend().debug;
  if (debug) checkEachTest(mocha.suite, session, debug);
  await new Promise<number>((resolve) => mocha.run(resolve));
  const trace = session.getBackend().trace;
  if (trace) sink({ event: 'trace', counts: trace.counts() });
  sink({ event: 'end' });
  return true;
}

/** A backend whose capabilities() throws still runs its suite; the run's coverage says why it has no table. */
function capabilitiesEvent(session: Session): CellEvent {
  try {
    return { event: 'capabilities', capabilities: session.getBackend().capabilities() };
  } catch (err) {
    if (err instanceof CapabilitiesUnknownError) return { event: 'capabilities', error: err.message };
    return { event: 'capabilities', error: `capabilities() failed: ${describeError(err)}` };
  }
}

/** Pending tests are reported skipped and their hooks do not run. */
function markSkipped(suite: Mocha.Suite, titles: ReadonlySet<string>): void {
  if (titles.size === 0) return;
  for (const test of suite.tests) if (titles.has(test.fullTitle())) test.pending = true;
  for (const child of suite.suites) markSkipped(child, titles);
}

/**
 * Makes require() run .ts files. When the parent compiled every test file of the suite, the
 * compiled JavaScript is all a cell needs (a file it meets that the parent did not compile is
 * compiled here, synchronously). Otherwise tsx's loaders go in, both, as `node --import tsx`
 * does: mocha require()s each file first (Node has require(esm)) and imports only when that
 * fails, so with the ESM hooks alone a .ts file's relative imports fail to resolve and mocha
 * reports that instead of the real error.
 */
async function registerTypeScript(testFiles: string[], compiledDir: string | undefined): Promise<void> {
  const compiled = (file: string, source: string) => compiledDir && path.join(compiledDir, compiledName(file, source));
  const allCompiled = compiledDir !== undefined && testFiles.every((f) => !f.endsWith('.ts') || existsSync(compiled(f, readFileSync(f, 'utf8'))!));
  if (!allCompiled) {
    // Imported only here: loading tsx alone costs a cell about a tenth of a second.
    (await import('tsx/esm/api')).register();
    (await import('tsx/cjs/api')).register();
    return;
  }
  process.setSourceMapsEnabled(true);
  const extensions = (createRequire(import.meta.url)('node:module') as { _extensions: Record<string, Loader> })._extensions;
  extensions['.ts'] = (module, file) => {
    const source = readFileSync(file, 'utf8');
    const done = compiled(file, source)!;
    module._compile(existsSync(done) ? readFileSync(done, 'utf8') : compileSync(file, source), file);
  };
}
type Loader = (module: { _compile(code: string, file: string): void }, file: string) => void;

function findTestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && TEST_FILE.test(entry.name))
    .map((entry) => path.join(dir, entry.name))
    .sort();
}
