import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { cellResult, type CellResult } from './cell-result.js';
import type { MatrixConfig, SuiteRef } from './config.js';
import { cellMainScript } from './package-paths.js';
import { decodeEvents } from './protocol.js';

export interface RunOptions {
  /** Only tests whose full title matches this regular expression run. */
  grep?: string;
  buildCacheDir?: string;
}

export interface MatrixResult {
  /** One per suite × backend, suite-major, in config order (not completion order). */
  cells: CellResult[];
  durationMs: number;
  /** Where the run happened (filled by the runner; optional until it does). */
  environment?: {
    node: string;
    platform: string;
    arch: string;
    cpus: number;
    hpyMatrixVersion: string;
    /** Version of the `python3` on PATH, when there is one. */
    python?: string;
  };
  /** The gate's verdict over the whole run (filled by the runner; optional until it does). */
  gate?: {
    exitCode: 0 | 1 | 2;
    regressions: number;
    unexpectedPasses: number;
    flaky: number;
    expectationsFile?: string;
  };
}

export const DEFAULT_CELL_TIMEOUT_MS = 10 * 60_000;

/** Runs every suite × backend cell, each in its own child process. */
export async function runMatrix(config: MatrixConfig, opts: RunOptions = {}): Promise<MatrixResult> {
  const started = performance.now();
  const limit = pLimit(config.jobs ?? os.availableParallelism());
  const resultsDir = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-run-'));
  try {
    const cells = config.suites.flatMap((suite) => config.backends.map((backend) => ({ suite, backend })));
    const results = await Promise.all(cells.map(({ suite, backend }, i) => limit(() => runOneCell({
      suite, backend, opts,
      timeoutMs: config.timeout ?? DEFAULT_CELL_TIMEOUT_MS,
      resultsFile: path.join(resultsDir, `cell-${i}.jsonl`),
    }))));
    return { cells: results, durationMs: Math.round(performance.now() - started) };
  } finally {
    await rm(resultsDir, { recursive: true, force: true });
  }
}

interface CellJob {
  suite: SuiteRef;
  backend: string;
  opts: RunOptions;
  timeoutMs: number;
  resultsFile: string;
}

async function runOneCell(job: CellJob): Promise<CellResult> {
  const args = [
    cellMainScript(),
    '--backend', job.backend,
    '--suite-dir', job.suite.dir,
    '--results', job.resultsFile,
    ...(job.opts.grep === undefined ? [] : ['--grep', job.opts.grep]),
    ...(job.opts.buildCacheDir === undefined ? [] : ['--build-cache-dir', job.opts.buildCacheDir]),
  ];
  const started = performance.now();
  // process.execPath and no inherited execArgv: the child must not start with the parent's
  // loaders (e.g. mocha's --import tsx); it registers its own.
  const child = await execa(process.execPath, args, {
    reject: false,
    timeout: job.timeoutMs,
    // Plain text in captured output: it ends up in error messages and reports.
    env: { FORCE_COLOR: '0' },
    stdin: 'ignore',
  });
  const durationMs = performance.now() - started;
  const events = decodeEvents(await readFile(job.resultsFile, 'utf8').catch(() => ''));
  return cellResult(
    { suite: job.suite.name, backend: job.backend, durationMs },
    events,
    {
      exitCode: child.exitCode,
      signal: child.signal,
      timedOut: child.timedOut,
      timeoutMs: job.timeoutMs,
      output: child.stderr.trim() === '' ? child.stdout : child.stderr,
    },
  );
}
