import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { cacheRoot } from '../../loader/build/cache.js';
import { precompileSuites } from '../cell/precompile.js';
import pLimit from 'p-limit';
import { preparations } from '../../loader/backends/prepare.js';
import { buildExtensionReport, PROBE_TIMEOUT_MS } from '../reports/extension/report.js';
import { cellResult, type CellResult, type TestResult } from './cell-result.js';
import type { MatrixConfig, SuiteRef } from './config.js';
import { CoverageCollector } from './coverage.js';
import { runEnvironment } from './environment.js';
import { cellExpectation, skippedTests, testExpectation, type Expectations } from './expectations.js';
import { judgeRun, retriedKey, type Retried } from './gate.js';
import { cellCodeCacheFile, cellScript, prepareWorkerScript } from './package-paths.js';
import type { CellEvent } from '../cell/protocol.js';
import { runIsolated } from '../child/run-isolated.js';
import type { MatrixIdentity, MatrixResult, RunExtension } from './result.js';
import { pytestSkipReason, runPytestCell } from './pytest-cell.js';
import { shareOf, type Shard } from './shard.js';

export type { MatrixResult } from './result.js';

export interface RunOptions {
  /** Only tests whose full title matches this regular expression run. */
  grep?: string;
  buildCacheDir?: string;
  /** Known failures, flaky tests and skips; without it every non-pass is a regression. */
  expectations?: Expectations;
  progress?: ProgressListener;
  /** Run only this share of the cells (and of the extensions to probe). */
  shard?: Shard;
  /** Cell durations of an earlier run (keyed by `retriedKey`), to balance the shards by. */
  durations?: ReadonlyMap<string, number>;
}

/** Told about cells as they start and finish (in completion order), e.g. to draw progress. */
export interface ProgressListener {
  runStarted(totalCells: number): void;
  cellStarted(cell: { suite: string; backend: string }): void;
  cellFinished(cell: CellResult): void;
}

export const DEFAULT_CELL_TIMEOUT_MS = 10 * 60_000;
/** A cell uses 100 to 200 MB; a CI runner has a few GB for two cells at once. */
export const DEFAULT_MAX_MEMORY_MB = 2048;
/** Read by launch.cts. */
const CODE_CACHE_ENV = 'HPY_MATRIX_CELL_CODE_CACHE';

/** Runs every suite × backend cell, each in its own child process, and judges the results. */
export async function runMatrix(config: MatrixConfig, opts: RunOptions = {}): Promise<MatrixResult> {
  const started = performance.now();
  const limit = pLimit(config.jobs ?? os.availableParallelism());
  const resultsDir = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-run-'));
  let stop: (() => Promise<unknown>) | undefined;
  try {
    const all = config.suites.flatMap((suite) => config.backends.map((backend) => ({ suite, backend })));
    const share = opts.shard ? shareOf(all.map((c) => retriedKey({ suite: c.suite.name, backend: c.backend })), opts.shard, opts.durations) : all.map((_, i) => i);
    const cells = share.map((i) => all[i]!);
    const backends = config.backends.filter((b) => cells.some((c) => c.backend === b));
    const extensionFiles = opts.shard ? shareOf(config.extensions ?? [], opts.shard).map((i) => config.extensions![i]!) : config.extensions;
    const cacheDir = opts.buildCacheDir ?? cacheRoot();
    const { ready: prepared, problems, stop: stopPreparing } = prepareOffThread(backends);
    stop = stopPreparing;
    const compiledDir = path.join(cacheDir, 'suites-js');
    const bundled = await precompileSuites([...new Set(cells.filter((c) => c.suite.kind === 'mocha').map((c) => c.suite.dir))], compiledDir);
    const codeCacheEnv: Record<string, string> = bundled.size === 0 ? {} : { [CODE_CACHE_ENV]: await codeCacheFile(cacheDir) };
    opts.progress?.runStarted(cells.length);
    const retried = new Map<string, Retried>();
    const results: CellResult[] = new Array(cells.length);
    const coverage = new CoverageCollector();
    const timeoutMs = config.timeout ?? DEFAULT_CELL_TIMEOUT_MS;
    const maxMemoryBytes = (config.maxMemory ?? DEFAULT_MAX_MEMORY_MB) * 2 ** 20;
    // A cell joins the queue once its backend is prepared, so the cells of other backends run
    // meanwhile. Backend by backend: cells running at once are then of different suites, which
    // on a cold cache compile different extensions instead of waiting for one build.
    const queueOrder = cells.map((_, i) => i).sort((a, b) =>
      config.backends.indexOf(cells[a]!.backend) - config.backends.indexOf(cells[b]!.backend) || a - b);
    const cellsDone = Promise.all(queueOrder.map(async (i) => {
      const { suite, backend } = cells[i]!;
      const isBundled = bundled.has(suite.dir);
      const env = { ...(await prepared.get(backend)), ...(isBundled ? codeCacheEnv : {}) };
      results[i] = await limit(async () => {
        const outcome = await runCellWithRetries({
          suite, backend, opts, compiledDir, bundled: isBundled, env, problem: problems.get(backend),
          timeoutMs, maxMemoryBytes, resultsDir, onCapabilities: (events) => coverage.note(backend, events),
        });
        retried.set(retriedKey(outcome.result), outcome.retried);
        return outcome.result;
      });
    }));
    // Probed in the queue beside the cells, each backend once it is prepared.
    const extensions = Promise.all((extensionFiles ?? []).map((file) => limit(() =>
      extensionReport(file, config.backends, { timeoutMs: Math.min(timeoutMs, PROBE_TIMEOUT_MS), maxMemoryBytes },
        async (backend) => (await prepared.get(backend)) ?? {}))));
    await cellsDone;
    const gate = judgeRun(results, opts.expectations, retried);
    return {
      matrix: matrixIdentity(config, opts),
      ...(opts.shard ? { shard: opts.shard } : {}),
      cells: results,
      durationMs: Math.round(performance.now() - started),
      environment: runEnvironment(Object.assign({}, ...(await Promise.all(prepared.values())))),
      gate,
      coverage: coverage.report(backends, results),
      ...(extensionFiles === undefined ? {} : { extensions: await extensions }),
    };
  } finally {
    // Set-up nobody waits for any more (the run failed before its cells) must not keep the
    // process alive.
    await stop?.();
    await rm(resultsDir, { recursive: true, force: true });
  }
}

/** The matrix a run is of, and the fingerprint that tells whether two shard reports are of the same one. */
function matrixIdentity(config: MatrixConfig, opts: RunOptions): MatrixIdentity {
  const suites = config.suites.map((s) => s.name);
  const fingerprint = createHash('sha256').update(JSON.stringify({
    suites,
    backends: config.backends,
    // By name: CI jobs check the project out in different folders.
    extensions: (config.extensions ?? []).map((f) => path.basename(f)),
    grep: opts.grep ?? null,
    expectations: opts.expectations?.entries ?? null,
  })).digest('hex');
  return { suites, backends: [...config.backends], fingerprint };
}

/**
 * The bundled cells' code cache file, its folder made. The caches of other bundles or Nodes go:
 * each is about 600 KB, and a rebuilt bundle never uses an old one again. (Runs on two Nodes
 * sharing one build cache then take turns writing theirs; a cell without one is only slower.)
 */
async function codeCacheFile(cacheDir: string): Promise<string> {
  const file = cellCodeCacheFile(cacheDir);
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const stale = (await readdir(dir)).filter((name) => name.endsWith('.bin') && name !== path.basename(file));
  await Promise.all(stale.map((name) => rm(path.join(dir, name), { force: true })));
  return file;
}

/**
 * What every cell of these backends would otherwise set up by itself (the layers library; the
 * cpython backend's Python and host), done once, on a worker thread (see prepare-worker.ts).
 * Maps each backend that has set-up to its cells' environment, ready when its step is done;
 * empty when the step failed or the worker could not run, and then the cells set up by
 * themselves, and fail with the message as ERROR.
 */
function prepareOffThread(backends: string[]): {
  ready: Map<string, Promise<Record<string, string>>>;
  /** Why a backend's step failed, once it did. */
  problems: Map<string, string>;
  stop: () => Promise<unknown>;
} {
  const steps = preparations(backends);
  const problems = new Map<string, string>();
  const ready = new Map<string, Promise<Record<string, string>>>();
  const resolvers = new Map<string, (env: Record<string, string>) => void>();
  for (const step of steps) {
    const done = new Promise<Record<string, string>>((resolve) => {
      for (const backend of step.backends) resolvers.set(backend, resolve);
    });
    for (const backend of step.backends) ready.set(backend, done);
  }
  if (steps.length === 0) return { ready, problems, stop: async () => {} };
  // No inherited execArgv: the worker runs compiled JavaScript, without the parent's loaders.
  const worker = new Worker(prepareWorkerScript(), { workerData: backends, execArgv: [] });
  // By backend name, not by step: the worker runs dist/, which may be older than this file.
  worker.on('message', ({ backends: done, env, error }: { backends: string[]; env: Record<string, string>; error?: string }) => {
    for (const backend of done) {
      if (error !== undefined) problems.set(backend, error);
      resolvers.get(backend)?.(env);
      resolvers.delete(backend);
    }
  });
  // Steps it did not get to are left to the cells.
  const giveUp = (why: string) => () => {
    for (const [backend, resolve] of resolvers) {
      problems.set(backend, why);
      resolve({});
    }
    resolvers.clear();
  };
  worker.once('error', (err) => giveUp(`the set-up of the backends failed: ${err.message}`)());
  worker.once('exit', giveUp('the set-up of the backends stopped before this backend'));
  return { ready, problems, stop: () => worker.terminate() };
}

interface CellJob {
  suite: SuiteRef;
  backend: string;
  opts: RunOptions;
  env: Record<string, string>;
  /** Why preparing the backend failed, if it did. */
  problem?: string;
  compiledDir: string;
  /** The suite runs on the bundled cell (see cellScript). */
  bundled: boolean;
  timeoutMs: number;
  maxMemoryBytes: number;
  resultsDir: string;
  /** Told every run's events, for the backend's capabilities. */
  onCapabilities: (events: CellEvent[]) => void;
}

/**
 * A cell as the expectations file wants it run: not at all when it says SKIP, with its SKIP
 * tests left out, again as a whole when it is flaky, and again for its failing flaky tests
 * alone (with a --grep of their titles) as many times as their entries allow.
 */
async function runCellWithRetries(job: CellJob): Promise<{ result: CellResult; retried: Retried }> {
  const { opts, suite, backend } = job;
  const exp = opts.expectations;
  const cellEntry = cellExpectation(exp, suite.name, backend);
  const cannotHost = suite.kind === 'pytest' ? pytestSkipReason(backend) : undefined;
  if (cellEntry?.status === 'SKIP' || cannotHost !== undefined) {
    const result: CellResult = {
      suite: suite.name, backend, status: 'SKIP', passed: 0, failed: 0, skipped: 0, durationMs: 0, tests: [],
      ...(cannotHost === undefined || cellEntry?.status === 'SKIP' ? {} : { skipReason: cannotHost }),
    };
    opts.progress?.cellFinished(result);
    return { result, retried: { cell: false, tests: new Set() } };
  }
  opts.progress?.cellStarted({ suite: suite.name, backend });
  const skip = skippedTests(exp, suite.name, backend);

  let result = await runOneCell(job, { grep: opts.grep, skip });
  let cellRetries = cellEntry?.flaky?.retries ?? 0;
  let retriedCell = false;
  while (result.status !== 'PASS' && cellRetries-- > 0) {
    const again = await runOneCell(job, { grep: opts.grep, skip });
    again.durationMs += result.durationMs;
    result = again;
    retriedCell = true;
  }

  const passedOnRetry = new Set<string>();
  const retriesOf = (t: TestResult) => testExpectation(exp, suite.name, backend, t.title)?.flaky?.retries ?? 0;
  for (let attempt = 1; ; attempt++) {
    const failing = result.tests.filter((t) => t.status === 'failed' && retriesOf(t) >= attempt);
    if (failing.length === 0) break;
    const retry = await runOneCell(job, { grep: exactTitles(failing.map((t) => t.title)), skip });
    result.durationMs += retry.durationMs;
    for (const passed of retry.tests.filter((t) => t.status === 'passed')) {
      const index = result.tests.findIndex((t) => t.title === passed.title);
      if (index >= 0 && result.tests[index]!.status === 'failed') {
        result.tests[index] = passed;
        passedOnRetry.add(passed.title);
      }
    }
  }
  if (passedOnRetry.size > 0) recount(result);
  opts.progress?.cellFinished(result);
  return { result, retried: { cell: retriedCell, tests: passedOnRetry } };
}

/** Counts and status after failed tests were replaced by their passing retries. */
function recount(cell: CellResult): void {
  cell.passed = cell.tests.filter((t) => t.status === 'passed').length;
  cell.failed = cell.tests.filter((t) => t.status === 'failed').length;
  if (cell.status === 'FAIL' && cell.failed === 0) cell.status = 'PASS';
}

/** A --grep that matches exactly these full titles. */
function exactTitles(titles: string[]): string {
  return `^(?:${titles.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}

async function runOneCell(job: CellJob, select: { grep?: string; skip: string[] }): Promise<CellResult> {
  if (job.suite.kind === 'pytest') {
    return runPytestCell({ ...job, ...select });
  }
  const run = await runIsolated<CellEvent>({
    args: [
      cellScript(job.bundled),
      '--backend', job.backend,
      '--suite-dir', job.suite.dir,
      ...(select.grep === undefined ? [] : ['--grep', select.grep]),
      ...select.skip.flatMap((title) => ['--skip', title]),
      ...(job.opts.buildCacheDir === undefined ? [] : ['--build-cache-dir', job.opts.buildCacheDir]),
      '--compiled-dir', job.compiledDir,
    ],
    env: job.env,
    timeoutMs: job.timeoutMs,
    maxMemoryBytes: job.maxMemoryBytes,
    resultsDir: job.resultsDir,
  });
  job.onCapabilities(run.events);
  return cellResult({ suite: job.suite.name, backend: job.backend }, run);
}

/** An extension whose file cannot be analysed at all has no report: the result says why. */
async function extensionReport(file: string, backends: string[], limits: { timeoutMs: number; maxMemoryBytes: number },
  envOf: (backend: string) => Promise<Record<string, string>>): Promise<RunExtension> {
  try {
    return { file, report: await buildExtensionReport(file, { backends, ...limits, envOf }) };
  } catch (err) {
    return { file, error: (err as Error).message };
  }
}
