// `hpy-matrix run` and runMatrix: statuses, retries, isolation, reports of a real run.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { cellResult, type CellResult } from '../harness/runner/cell-result.js';
import { compiledName, precompileSuites } from '../harness/cell/precompile.js';
import { resolveSuites } from '../harness/runner/config.js';
import type { CellEvent } from '../harness/cell/protocol.js';
import { decodeEvents } from '../harness/child/events.js';
import type { IsolatedRun } from '../harness/child/run-isolated.js';
import { runMatrix, type MatrixResult } from '../harness/runner/runner.js';
import { buildExtension } from '../loader/build/extension.js';
import { KNOWN_BACKENDS } from '../loader/backends/names.js';
import { REPORTERS } from '../harness/reports/run/reporters.js';
import { formatConsoleReport } from '../harness/reports/run/console.js';
import { formatHtmlReport } from '../harness/reports/run/html.js';
import { parseJsonReport } from '../harness/reports/run/json.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = 'test/fixtures/suites';
const fixture = (name: string) => path.join(ROOT, FIXTURES, name);

function cli(args: string[]) {
  return execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'run', ...args], { cwd: ROOT, reject: false });
}

async function matrixOf(names: string[], config: { timeout?: number; maxMemory?: number } = {}, buildCacheDir?: string): Promise<MatrixResult> {
  const suites = await resolveSuites('test', names.map((name) => `${FIXTURES}/${name}`), ROOT);
  return runMatrix({ backends: ['reference'], suites, ...config }, { buildCacheDir });
}

function cellOf(result: MatrixResult, name: string): CellResult {
  const cell = result.cells.find((c) => c.suite === `${FIXTURES}/${name}`);
  if (!cell) throw new Error(`no cell for ${name}`);
  return cell;
}

describe('hpy-matrix run', function () {
  // Each cell is a fresh node process.
  this.timeout(120_000);

  describe('cells', () => {
    const SUITES = ['all-pass', 'one-fail', 'crash', 'empty', 'import-error', 'native-crash', 'build-error'];
    let result: MatrixResult;

    before(async () => {
      result = await matrixOf(SUITES, {}, '/tmp/fixture-cache');
    });

    it('keeps config order: one cell per suite × backend', () => {
      expect(result.cells.map((c) => [c.suite, c.backend])).to.deep.equal(
        SUITES.map((name) => [`${FIXTURES}/${name}`, 'reference']),
      );
    });

    it('PASS: runs .test.ts, .test.js and .test.mjs files in a session of the cell', () => {
      const cell = cellOf(result, 'all-pass');
      expect(cell).to.include({ status: 'PASS', passed: 5, failed: 0, skipped: 1 });
      expect(cell.tests.map(({ title, status }) => ({ title, status }))).to.deep.equal([
        { title: 'all-pass js runs a .test.js file', status: 'passed' },
        { title: 'all-pass mjs runs a .test.mjs file', status: 'passed' },
        { title: 'all-pass session runs on reference with build cache /tmp/fixture-cache', status: 'passed' },
        { title: 'all-pass session runs in main.js', status: 'passed' },
        { title: 'all-pass session sees its own folder as the suite folder', status: 'passed' },
        { title: 'all-pass session is skipped on purpose', status: 'skipped' },
      ]);
      expect(cell.error).to.equal(undefined);
      for (const test of cell.tests) expect(test.durationMs, test.title).to.be.a('number').at.least(0);
    });

    it('FAIL: keeps the assertion message of the failing test', () => {
      const cell = cellOf(result, 'one-fail');
      expect(cell).to.include({ status: 'FAIL', passed: 1, failed: 1, skipped: 0 });
      const failed = cell.tests.find((t) => t.status === 'failed');
      expect(failed?.title).to.equal('one-fail fails on purpose');
      expect(failed?.error).to.match(/^AssertionError: fixture arithmetic: expected 2 to equal 3\n/);
    });

    it('CRASH: names the signal and the test that was running, keeps the tests before it', () => {
      const cell = cellOf(result, 'crash');
      expect(cell).to.include({ status: 'CRASH', signal: 'SIGSEGV', crashedIn: 'crash dies with a segfault', passed: 1 });
      expect(cell.tests.map((t) => t.title)).to.deep.equal(['crash runs before the crash']);
      expect(cell.error).to.match(/^killed by SIGSEGV in 'crash dies with a segfault'/);
    });

    it('CRASH: a NULL write in an extension\'s C code is SIGSEGV in the test that called it', () => {
      const cell = cellOf(result, 'native-crash');
      expect(cell).to.include({ status: 'CRASH', signal: 'SIGSEGV', crashedIn: 'native-crash writes through NULL in C', passed: 1 });
    });

    it('ERROR: an extension that does not build, with the compiler output in the cell', () => {
      const cell = cellOf(result, 'build-error');
      expect(cell.status).to.equal('ERROR');
      expect(cell.error).to.equal(`extension did not build: ${fixture('build-error')}/broken.c: compilation failed`);
      expect(cell.output).to.match(/broken\.c:8:\d+: error: .no_such_identifier_in_build_error_fixture. undeclared/);
    });

    it('the gate: without an expectations file every non-pass is a regression', () => {
      // 5 cells that did not run through, 1 failed test, and the 2 failed tests of build-error
      // (its hook, and the test under it).
      expect(result.gate).to.deep.equal({ exitCode: 1, regressions: 8, unexpectedPasses: 0, flaky: 0 });
      expect(cellOf(result, 'all-pass').verdict).to.deep.equal({ outcome: 'expected' });
      expect(cellOf(result, 'crash').verdict).to.deep.equal({ outcome: 'regression' });
      expect(cellOf(result, 'one-fail').tests.map((t) => t.verdict?.outcome)).to.deep.equal(['expected', 'regression']);
    });

    it('environment: node, platform, cpus, our version; no Python in a run without cpython', () => {
      const env = result.environment;
      expect(env).to.include({ node: process.version, platform: process.platform, arch: process.arch, hpyMatrixVersion: '0.1.0' });
      expect(env.cpus).to.be.at.least(1);
      expect(env).to.not.have.property('python');
    });

    it('environment: the Python of the cpython backend in a run with one', async () => {
      const suites = await resolveSuites('test', [`${FIXTURES}/trivial`], ROOT);
      const run = await runMatrix({ backends: ['debug:cpython'], suites });
      const python = await execa('python3', ['--version'], { reject: false, all: true });
      expect(run.environment.python).to.equal(/Python (\S+)/.exec(python.all ?? '')?.[1]);
    });

    it('ERROR: a suite folder without test files', () => {
      const cell = cellOf(result, 'empty');
      expect(cell.status).to.equal('ERROR');
      expect(cell.error).to.equal(`no test files (*.test.ts, *.test.js, *.test.mjs for mocha; test_*.py, *_test.py for pytest) in ${fixture('empty')}`);
    });

    it('ERROR: a test file that throws at import, with its own error', () => {
      const cell = cellOf(result, 'import-error');
      expect(cell).to.include({ status: 'ERROR', passed: 0, failed: 0 });
      expect(cell.error).to.match(/^cannot load broken\.test\.ts: Error: fixture: broken at import\n/);
    });

    it('console report, --verbose: a row per cell, then the failures and errors', () => {
      const text = formatConsoleReport(result, { verbose: true });
      const lines = text.split('\n');
      expect(lines[0]).to.match(/^suite\s+\| backend\s+\| status\s+\| passed \| failed \| skipped \|\s+time$/);
      expect(text).to.match(/^test\/fixtures\/suites\/all-pass\s+\| reference \| PASS\s+\|\s+5 \|\s+0 \|\s+1 \|\s+\d+\.\d s$/m);
      expect(text).to.match(/^test\/fixtures\/suites\/one-fail\s+\| reference \| FAIL\s+\|\s+1 \|\s+1 \|\s+0 \|/m);
      expect(text).to.match(/^test\/fixtures\/suites\/crash\s+\| reference \| CRASH\s+\|\s+1 \|\s+0 \|\s+0 \|/m);
      expect(text).to.contain('test/fixtures/suites/one-fail × reference: FAIL\n  ✗ one-fail fails on purpose\n'
        + '      AssertionError: fixture arithmetic: expected 2 to equal 3\n');
      expect(text).to.contain("  killed by SIGSEGV in 'crash dies with a segfault'");
      expect(text).to.contain('  no test files (*.test.ts, *.test.js, *.test.mjs for mocha; test_*.py, *_test.py for pytest) in');
      expect(text).to.contain('  cannot load broken.test.ts: Error: fixture: broken at import');
      expect(text).not.to.contain('all-pass × reference');
      expect(lines.at(-3)).to.match(/^7 cells: 1 PASS, 1 FAIL, 2 CRASH, 3 ERROR \(\d+\.\d s\)$/);
      expect(lines.at(-2)).to.match(/^gate: exit 1 \(not as expected\): /);
    });
  });

  it('CRASH: a cell whose memory passes the limit is stopped, naming the limit and the test; the others go on', async () => {
    const result = await matrixOf(['memory-hog', 'trivial'], { maxMemory: 300 });
    const hog = cellOf(result, 'memory-hog');
    expect(hog).to.include({ status: 'CRASH', signal: 'SIGKILL', crashedIn: 'memory-hog grows without end', passed: 1 });
    expect(hog.error).to.match(/^out of memory \(limit 300 MB, resident \d+ MB\) in 'memory-hog grows without end'$/);
    expect(cellOf(result, 'trivial').status).to.equal('PASS');
  });

  it('TIMEOUT: a cell that never finishes is stopped', async () => {
    const cell = cellOf(await matrixOf(['hang'], { timeout: 3000 }), 'hang');
    expect(cell.status).to.equal('TIMEOUT');
    // The running test is named when the child got that far before the limit; how far a
    // child gets in 3 s depends on the machine, so both forms are right.
    expect(cell.error).to.match(/^no result within 3000 ms( in 'hang never finishes')?$/);
  });

  it('ERROR: a missing compiler and a backend that does not start are named; the other cells go on', async () => {
    process.env.CC = 'no-such-cc';
    let result: MatrixResult;
    try {
      const suites = await resolveSuites('test', [`${FIXTURES}/native-crash`, `${FIXTURES}/trivial`], ROOT);
      result = await runMatrix({ backends: ['reference', 'pypy'], suites }, { buildCacheDir: path.join(os.tmpdir(), 'hpy-matrix-no-cc') });
    } finally {
      delete process.env.CC;
    }
    expect(result.cells.map((c) => [c.suite.replace(`${FIXTURES}/`, ''), c.backend, c.status, c.error])).to.deep.equal([
      ['native-crash', 'reference', 'ERROR', "extension did not build: no-such-cc: C compiler 'no-such-cc' not found; install gcc (e.g. apt-get install gcc) or pass another compiler"],
      ['native-crash', 'pypy', 'ERROR', `backend 'pypy' did not start: unknown backend 'pypy' (known: ${KNOWN_BACKENDS})`],
      ['trivial', 'reference', 'PASS', undefined],
      ['trivial', 'pypy', 'ERROR', `backend 'pypy' did not start: unknown backend 'pypy' (known: ${KNOWN_BACKENDS})`],
    ]);
  });

  describe('backends prepared once, off the runner thread', () => {
    let work: string;
    before(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-prepare-'));
    });
    after(async () => {
      delete process.env.HPY_MATRIX_PYTHON;
      await rm(work, { recursive: true, force: true });
    });

    it('runs the cells that need no Python while the Python is being asked', async () => {
      // This Python answers only once the reference cell has finished (or after 20 s, so that
      // a runner waiting for the answer before starting any cell fails on the order).
      const flag = path.join(work, 'reference-finished');
      const python = path.join(work, 'python-after-flag');
      await writeFile(python, `#!/bin/sh\nfor i in $(seq 400); do [ -e '${flag}' ] && break; sleep 0.05; done\nexec python3 "$@"\n`, { mode: 0o755 });
      process.env.HPY_MATRIX_PYTHON = python;
      const order: string[] = [];
      const suites = await resolveSuites('test', [`${FIXTURES}/trivial`], ROOT);
      const result = await runMatrix({ backends: ['cpython', 'reference'], suites, jobs: 2 }, {
        progress: {
          runStarted: () => {},
          cellStarted: (c) => order.push(`start ${c.backend}`),
          cellFinished: (c) => {
            order.push(`finish ${c.backend}`);
            if (c.backend === 'reference') void writeFile(flag, '');
          },
        },
      });
      expect(order).to.deep.equal(['start reference', 'finish reference', 'start cpython', 'finish cpython']);
      expect(result.cells.map((c) => [c.backend, c.status])).to.deep.equal([['cpython', 'PASS'], ['reference', 'PASS']]);
      expect(result.environment.python).to.match(/^3\.\d+\.\d+$/);
    });

    it('queues the cells backend by backend, and reports them suite by suite', async () => {
      const started: string[] = [];
      const suites = await resolveSuites('test', [`${FIXTURES}/trivial`, `${FIXTURES}/bundled`], ROOT);
      const result = await runMatrix({ backends: ['debug:reference', 'trace:reference'], suites, jobs: 1 }, {
        progress: { runStarted: () => {}, cellStarted: (c) => started.push(`${c.suite.split('/').at(-1)} ${c.backend}`), cellFinished: () => {} },
      });
      expect(started).to.deep.equal(['trivial debug:reference', 'bundled debug:reference', 'trivial trace:reference', 'bundled trace:reference']);
      expect(result.cells.map((c) => `${c.suite.split('/').at(-1)} ${c.backend} ${c.status}`)).to.deep.equal(
        ['trivial debug:reference PASS', 'trivial trace:reference PASS', 'bundled debug:reference PASS', 'bundled trace:reference PASS']);
    });

    it('builds the layers library once, before the cells of the layers over reference start', async () => {
      // On an empty cache, cells that built it themselves would all compile it at once.
      const log = path.join(work, 'compiler-runs');
      const cc = path.join(work, 'counting-cc');
      await writeFile(cc, `#!/bin/sh\necho "$@" >> '${log}'\nexec cc "$@"\n`, { mode: 0o755 });
      process.env.CC = cc;
      process.env.HPY_MATRIX_CACHE_DIR = path.join(work, 'native-cache');
      try {
        const suites = await resolveSuites('test', [`${FIXTURES}/trivial`, `${FIXTURES}/bundled`], ROOT);
        const result = await runMatrix({ backends: ['debug:reference', 'trace:reference'], suites, jobs: 2 });
        expect(result.cells.map((c) => c.status)).to.deep.equal(['PASS', 'PASS', 'PASS', 'PASS']);
      } finally {
        delete process.env.CC;
        delete process.env.HPY_MATRIX_CACHE_DIR;
      }
      const runs = (await readFile(log, 'utf8')).trim().split('\n');
      expect(runs.filter((args) => args.includes('libhpymatrix-layers.so'))).to.have.length(1);
    });

    it('stops preparing when the run fails before its cells: nothing more is built, and the process can exit', async () => {
      const python = path.join(work, 'slow-python');
      await writeFile(python, '#!/bin/sh\nsleep 1\nexec python3 "$@"\n', { mode: 0o755 });
      const cache = path.join(work, 'stopped-cache');
      const script = `
        import { runMatrix } from './harness/runner/runner.ts';
        const suites = [{ name: 'gone', dir: '${path.join(work, 'no-such-suite')}', kind: 'mocha' }];
        await runMatrix({ backends: ['cpython', 'debug:reference'], suites }).then(() => console.log('ran'), () => console.log('rejected'));`;
      const child = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: ROOT, reject: false, env: { HPY_MATRIX_PYTHON: python, HPY_MATRIX_CACHE_DIR: cache },
      });
      expect(child.stdout, child.stderr).to.equal('rejected');
      // The Python query may have run; the host and the layers library, which come after it, not.
      const built = await readdir(cache).catch(() => []);
      expect(built.filter((d) => d === 'cpython-host' || d === 'layers')).to.deep.equal([]);
    });

    it('a missing Python: the cpython cells are ERROR saying what to install, the others run', async () => {
      process.env.HPY_MATRIX_PYTHON = '/nonexistent/python3';
      const suites = await resolveSuites('test', [`${FIXTURES}/trivial`], ROOT);
      const result = await runMatrix({ backends: ['reference', 'debug:cpython'], suites });
      expect(result.cells.map((c) => [c.backend, c.status, c.error])).to.deep.equal([
        ['reference', 'PASS', undefined],
        ['debug:cpython', 'ERROR', "backend 'debug:cpython' did not start: the cpython backend needs Python 3: '/nonexistent/python3' was not found (install python3, e.g. apt-get install python3 libpython3-dev, or set HPY_MATRIX_PYTHON)"],
      ]);
      expect(result.environment).to.not.have.property('python');
    });
  });

  it('prebuilt extensions of the config get a static ABI report', async () => {
    const built = await buildExtension({ sources: [fixture('native-crash/segv.c')], cacheDir: path.join(os.tmpdir(), 'hpy-matrix-run-ext') });
    const suites = await resolveSuites('test', [`${FIXTURES}/trivial`], ROOT);
    const result = await runMatrix({ backends: ['reference'], suites, extensions: [built.path, path.join(ROOT, 'package.json')] });
    expect(result.extensions).to.have.length(2);
    expect(result.extensions![0]).to.deep.include({ file: built.path });
    expect(result.extensions![0]!.report).to.deep.include({ module: 'segv' });
    expect(result.extensions![0]!.report!.static.ok).to.equal(true);
    expect(result.extensions![0]!.report!.backends.map((b) => [b.backend, b.loads, b.initializes])).to.deep.equal([['reference', true, true]]);
    expect(result.extensions![1]!.error).to.match(/package\.json: /);
  });

  it('the coverage of the run\'s backends comes from its cells; a backend no cell started says why', async () => {
    process.env.HPY_MATRIX_PYTHON = '/nonexistent/python3';
    try {
      const suites = await resolveSuites('test', [`${FIXTURES}/trivial`], ROOT);
      const { coverage } = await runMatrix({ backends: ['reference', 'cpython'], suites });
      expect(Object.keys(coverage.backends)).to.deep.equal(['reference']);
      const reference = coverage.backends.reference!;
      expect(reference.implemented.length + reference.partial.length + reference.unsupported.length).to.equal(coverage.total);
      expect(reference.unsupported.map((u) => u.name)).to.include('ctx_Compile_s');
      expect(coverage.errors.cpython).to.match(/^no cell started the backend \(test\/fixtures\/suites\/trivial: backend 'cpython' did not start: the cpython backend needs Python 3/);
    } finally {
      delete process.env.HPY_MATRIX_PYTHON;
    }
  });

  it('the html report of a run equals the one rendered later from its json file', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-views-'));
    try {
      const { path: so } = await buildExtension({ sources: [fixture('leaky/leaky.c')], cacheDir: path.join(tmp, 'cache') });
      const config = path.join(tmp, 'matrix.json');
      await writeFile(config, JSON.stringify({ backends: ['reference'], suites: [path.join(ROOT, FIXTURES, 'one-fail')], extensions: [so] }));
      const json = path.join(tmp, 'run.json');
      const html = path.join(tmp, 'run.html');
      const run = await cli(['--config', config, '--reporter', `json:${json}`, '--reporter', `html:${html}`]);
      expect(run.exitCode, run.stderr).to.equal(1);
      const fromJson = parseJsonReport(await readFile(json, 'utf8'), json);
      expect(fromJson.extensions![0]!.report!.backends[0]!.contents!.functions.map((f) => f.name)).to.deep.equal(['leak', 'add']);
      expect(fromJson.coverage.backends).to.have.property('reference');
      expect(formatHtmlReport(fromJson)).to.equal(await readFile(html, 'utf8'));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('a json report that cannot be read back is refused with one line naming the file', () => {
    expect(() => parseJsonReport('{"schema": 1', 'a.json')).to.throw(/^a\.json: not JSON \(/);
    expect(() => parseJsonReport('[]', 'b.json')).to.throw('b.json: not a json report of hpy-matrix run (not an object)');
    expect(() => parseJsonReport('{"schema": 7}', 'c.json')).to.throw('c.json: json report schema 7, this hpy-matrix reads schema 1');
    expect(() => parseJsonReport('{"schema": 1, "cells": []}', 'd.json')).to.throw('d.json: not a complete json report (no matrix, durationMs, environment, gate, coverage)');
  });

  it('bench/matrix (smoke, times never checked): every row, the speedup, compiler runs and the per-cell cost', async () => {
    const bench = await execa(process.execPath, ['--import', 'tsx', 'bench/matrix/index.ts',
      '--suite', `${FIXTURES}/native-crash`, '--backend', 'reference', '--rounds', '1', '--overhead-cells', '1', '--ceiling-runs', '2'], { cwd: ROOT, reject: false });
    expect(bench.exitCode, bench.stderr).to.equal(0);
    const n = String.raw`\d+(?:\.\d+)?`;
    // native-crash builds one extension and crashes: per cold cache one compiler run for each
    // runtime helper and one for the extension, none warm.
    const cold = (await readdir(path.join(ROOT, 'native/runtime'))).filter((f) => f.endsWith('.c')).length + 1;
    // Columns: wall s, cpu s, cores busy, compiler runs, statuses.
    expect(bench.stdout).to.match(new RegExp(`^--jobs 1, cold cache +${n} +${n} +${n} +${cold}   CRASH$`, 'm'));
    expect(bench.stdout).to.match(new RegExp(`^--jobs 2, warm, round 1 +${n} +${n} +${n} +0   CRASH$`, 'm'));
    expect(bench.stdout).to.match(new RegExp(`^cores busy with --jobs 1, warm: ${n} \\(median\\), so 2 jobs on \\d+ cores gain at most ${n}x$`, 'm'));
    expect(bench.stdout).to.match(new RegExp(`^speedup of --jobs 2 over --jobs 1: cold ${n}x, warm ${n}x \\(median of 1 rounds`, 'm'));
    expect(bench.stdout).to.contain(`compiler runs: cold ${cold} + ${cold}, warm 0 (goal: 0)`);
    expect(bench.stdout).to.match(new RegExp(`^per-cell overhead \\(a cell of one trivial test, median of 1\\): ${n} ms; a bare node start: ${n} ms`, 'm'));
    expect(bench.stdout).to.match(new RegExp(`^the machine, 2 processes at once against one after another \\(2 each\\): bare node starts ${n}x, CPU-bound node processes ${n}x$`, 'm'));
  });

  describe('TypeScript compiled once, in the parent', () => {
    it('runs a suite of TypeScript files alone on the bundled cell, with the bundle as hpy-matrix/suite', async () => {
      const cell = cellOf(await matrixOf(['bundled']), 'bundled');
      expect(cell.tests.map(({ title, status }) => ({ title, status }))).to.deep.equal([
        { title: 'bundled runs in launch.cjs', status: 'passed' },
        { title: "bundled catches the backend's exceptions as the PythonError of hpy-matrix/suite", status: 'passed' },
      ]);
    });

    it("keeps V8's code cache of the bundle under the build cache, replaces one V8 refuses, and removes those of other bundles", async () => {
      const cache = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-code-cache-'));
      try {
        expect(cellOf(await matrixOf(['bundled'], {}, cache), 'bundled').status).to.equal('PASS');
        const dir = path.join(cache, 'cell-code');
        const [file, ...others] = await readdir(dir);
        expect(others).to.deep.equal([]);
        const written = await readFile(path.join(dir, file!));
        expect(written.length).to.be.above(100_000);
        await writeFile(path.join(dir, file!), 'not a code cache');
        await writeFile(path.join(dir, 'of-an-older-bundle.bin'), 'stale');
        await writeFile(path.join(dir, `${file!}.4242.tmp`), 'being written by a cell of another run');
        expect(cellOf(await matrixOf(['bundled'], {}, cache), 'bundled').status).to.equal('PASS');
        expect((await readFile(path.join(dir, file!))).length).to.be.above(100_000);
        expect((await readdir(dir)).sort()).to.deep.equal([file!, `${file!}.4242.tmp`]);
      } finally {
        await rm(cache, { recursive: true, force: true });
      }
    });

    it('tells which suites are all TypeScript and all compiled (the bundled cell runs those)', async () => {
      const tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-precompile-'));
      try {
        const suite = async (name: string, files: Record<string, string>) => {
          const dir = path.join(tmp, name);
          await mkdir(dir);
          for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
          return dir;
        };
        const ts = await suite('ts', { 'a.test.ts': 'export const a: number = 1;', 'helper.ts': 'export const b = 2;' });
        const mjs = await suite('mjs', { 'a.test.ts': 'export const a = 1;', 'b.test.mjs': 'export const b = 2;' });
        const js = await suite('js', { 'a.test.ts': 'export const a = 1;', 'helper.js': 'exports.b = 2;' });
        const tla = await suite('tla', { 'a.test.ts': 'await Promise.resolve(); export const a = 1;' });
        const bundled = await precompileSuites([ts, mjs, js, tla], path.join(tmp, 'out'));
        expect([...bundled]).to.deep.equal([ts]);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    });

    it('compiles the suite files into the cache and cells run them (import.meta included)', async () => {
      const cache = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-ts-'));
      try {
        const result = await matrixOf(['all-pass'], {}, cache);
        expect(cellOf(result, 'all-pass').status).to.equal('PASS');
        const file = path.join(fixture('all-pass'), 'session.test.ts');
        const compiled = await readFile(path.join(cache, 'suites-js', compiledName(file, await readFile(file, 'utf8'))), 'utf8');
        expect(compiled).to.include('require("chai")');
        // What the cell ran is what was compiled: a changed compiled file changes the result.
        await writeFile(path.join(cache, 'suites-js', compiledName(file, await readFile(file, 'utf8'))),
          compiled.replace('sees its own folder as the suite folder', 'ran the compiled copy'));
        const again = await matrixOf(['all-pass'], {}, cache);
        expect(cellOf(again, 'all-pass').tests.map((t) => t.title)).to.include('all-pass session ran the compiled copy');
      } finally {
        await rm(cache, { recursive: true, force: true });
      }
    });
  });

  describe('status from the events file and the exit', () => {
    const cell = { suite: 's', backend: 'reference' };
    const begun = '{"event":"start"}\n{"event":"test-begin","title":"t one"}\n';
    const ran = (text: string, exit: Partial<IsolatedRun<CellEvent>> = {}): IsolatedRun<CellEvent> =>
      ({ ...decodeEvents<CellEvent>(text), exitCode: 0, timedOut: false, timeoutMs: 1000, output: '', durationMs: 12.4, ...exit });

    it('keeps every complete line of a file cut mid-write, and counts the cut one', () => {
      const { events, unreadable } = decodeEvents<CellEvent>(`${begun}{"event":"test-end","title":"t one","status":"passed","durationMs":1}\n{"event":"test-be`);
      expect(events.map((e) => e.event)).to.deep.equal(['start', 'test-begin', 'test-end']);
      expect(unreadable).to.equal(1);
    });

    it('drops a bad line in the middle and keeps the lines after it', () => {
      const { events, unreadable } = decodeEvents<CellEvent>(`${begun}garbage\n{"event":"end"}\n`);
      expect(events.map((e) => e.event)).to.deep.equal(['start', 'test-begin', 'end']);
      expect(unreadable).to.equal(1);
    });

    it('ERROR when the child exits cleanly in the middle of a test', () => {
      expect(cellResult(cell, ran(begun))).to.deep.equal({
        suite: 's', backend: 'reference', status: 'ERROR', passed: 0, failed: 0, skipped: 0, durationMs: 12, tests: [],
        error: "cell process exited before the suite finished in 't one'",
      });
    });

    it('ERROR with the end of stderr when the child exits nonzero', () => {
      const result = cellResult(cell, ran(begun, { exitCode: 3, output: 'first\nlast words\n' }));
      expect(result.error).to.equal("cell process exited with code 3 in 't one'\nfirst\nlast words");
    });

    it('CRASH with the signal and the running test; TIMEOUT when stopped at the limit', () => {
      expect(cellResult(cell, ran(begun, { signal: 'SIGSEGV', output: 'Segmentation fault' }))).to.include({
        status: 'CRASH', signal: 'SIGSEGV', crashedIn: 't one', error: "killed by SIGSEGV in 't one'\nSegmentation fault",
      });
      expect(cellResult(cell, ran(begun, { timedOut: true }))).to.include({ status: 'TIMEOUT', error: "no result within 1000 ms in 't one'" });
    });

    it('ERROR when a finished suite ran no test (e.g. --grep matched none)', () => {
      expect(cellResult(cell, ran('{"event":"start"}\n{"event":"end"}\n')))
        .to.include({ status: 'ERROR', error: 'no tests ran' });
    });

    it('PASS when every test that ran was skipped', () => {
      expect(cellResult(cell, ran('{"event":"test-end","title":"t","status":"skipped","durationMs":0}\n{"event":"end"}\n')))
        .to.include({ status: 'PASS', skipped: 1 });
    });
  });

  describe('command line', () => {
    let tmp: string;
    before(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-run-test-')); });
    after(async () => { await rm(tmp, { recursive: true, force: true }); });

    async function config(name: string, text: string): Promise<string> {
      const file = path.join(tmp, name);
      await writeFile(file, text);
      return file;
    }

    it('exits 0 when every cell passes and prints the table; progress goes to stderr, one line per cell', async () => {
      const run = await cli(['--backend', 'reference', '--suite', `${FIXTURES}/all-pass`]);
      expect(run.exitCode, run.stderr).to.equal(0);
      expect(run.stderr).to.match(/^\[1\/1\] test\/fixtures\/suites\/all-pass × reference PASS 5 passed, 0 failed, 1 skipped \(\d+\.\d s\)$/);
      expect(run.stdout).to.match(/^test\/fixtures\/suites\/all-pass\s+\| reference \| PASS /m);
      expect(run.stdout).to.match(/^1 cell: 1 PASS /m);
    });

    it('exits 1 when a cell fails, and --grep narrows the tests', async () => {
      const failing = await cli(['--backend', 'reference', '--suite', `${FIXTURES}/one-fail`]);
      expect(failing.exitCode).to.equal(1);
      const narrowed = await cli(['--backend', 'reference', '--suite', `${FIXTURES}/one-fail`, '--grep', '^one-fail adds$']);
      expect(narrowed.exitCode, narrowed.stdout).to.equal(0);
    });

    it('writes the json report to --out: schema 1 and the cell results', async () => {
      const out = path.join(tmp, 'reports', 'run.json');
      const run = await cli(['--backend', 'reference', '--suite', `${FIXTURES}/one-fail`, '--suite', `${FIXTURES}/all-pass`,
        '--grep', 'mjs|adds|fails', '--reporter', 'json', '--out', out]);
      expect(run.exitCode).to.equal(1);
      expect(run.stdout).to.equal('');
      const report = JSON.parse(await readFile(out, 'utf8')) as { schema: number; cells: CellResult[] };
      expect(report.schema).to.equal(1);
      expect(report.cells).to.have.length(2);
      const [oneFail, allPass] = report.cells;
      expect(oneFail).to.deep.include({ suite: `${FIXTURES}/one-fail`, backend: 'reference', status: 'FAIL', passed: 1, failed: 1, skipped: 0 });
      expect(oneFail!.tests[1]!.error).to.match(/^AssertionError: fixture arithmetic/);
      expect(allPass).to.deep.include({ suite: `${FIXTURES}/all-pass`, status: 'PASS', passed: 1, failed: 0, skipped: 0 });
      expect(allPass!.tests).to.have.length(1);
      expect(allPass!.tests[0]).to.deep.include({ title: 'all-pass mjs runs a .test.mjs file', status: 'passed', verdict: { outcome: 'expected' } });
      expect(allPass!.durationMs).to.be.a('number');
    });

    it('writes the json report to stdout without --out', async () => {
      const run = await cli(['--backend', 'reference', '--suite', `${FIXTURES}/all-pass`, '--grep', 'mjs', '--reporter', 'json']);
      expect(run.exitCode).to.equal(0);
      const report = JSON.parse(run.stdout) as { schema: number; cells: CellResult[] };
      expect(report.schema).to.equal(1);
      expect(report.cells.map((c) => [c.suite, c.status, c.passed])).to.deep.equal([[`${FIXTURES}/all-pass`, 'PASS', 1]]);
    });

    it('reads suites of a config file relative to its folder', async () => {
      const file = await config('relative.json', JSON.stringify({ backends: ['reference'], suites: [`./${path.relative(tmp, fixture('all-pass'))}`], jobs: 1 }));
      const run = await cli(['--config', file]);
      expect(run.exitCode, run.stderr).to.equal(0);
    });

    const configErrors: Array<[string, string, (file: string) => string]> = [
      ['invalid JSON', '{\n  "backends": ["reference"],\n  "suites": ["basic"],\n}\n',
        (f) => `${f}: invalid JSON at line 4, column 1: Expected double-quoted property name`],
      ['truncated JSON', '{\n  "backends": [', (f) => `${f}: invalid JSON at line 2, column 16: Unexpected end of JSON input`],
      ['not an object', '["reference"]', (f) => `${f}: must be a JSON object like {"backends": ["reference"], "suites": ["basic"]}`],
      ['wrong type', '{"backends": "reference", "suites": ["basic"]}',
        (f) => `${f}: 'backends' must be a non-empty array of strings, got "reference"`],
      ['missing list', '{"backends": ["reference"]}', (f) => `${f}: 'suites' must be a non-empty array of suite names, paths or {"path": …} objects, got nothing`],
      ['wrong jobs', '{"backends": ["reference"], "suites": ["basic"], "jobs": 1.5}',
        (f) => `${f}: 'jobs' must be a positive integer, got 1.5`],
      ['unknown key', '{"backends": ["reference"], "suites": ["basic"], "job": 2}',
        (f) => `${f}: unknown key 'job' (allowed: backends, suites, extensions, jobs, timeout, maxMemory, expectations)`],
      ['unknown backend', '{"backends": ["pypy"], "suites": ["basic"]}',
        (f) => `${f}: unknown backend 'pypy' (known: ${KNOWN_BACKENDS})`],
      ['missing suite folder', '{"backends": ["reference"], "suites": ["./nowhere"]}',
        (f) => `${f}: suite folder './nowhere' not found (looked for ${path.join(path.dirname(f), 'nowhere')})`],
      ['unknown suite name', '{"backends": ["reference"], "suites": ["nowhere"]}',
        (f) => `${f}: unknown suite 'nowhere': no folder ${path.join(ROOT, 'suites', 'nowhere')} (a path to a folder needs a '/', e.g. ./nowhere)`],
    ];
    for (const [what, text, message] of configErrors) {
      it(`exits 2 on a config with ${what}`, async () => {
        const file = await config(`${what.replace(/ /g, '-')}.json`, text);
        const run = await cli(['--config', file]);
        expect(run.exitCode).to.equal(2);
        expect(run.stderr.trim()).to.match(new RegExp(`^${escape(`hpy-matrix run: ${message(file)}`)}`));
        expect(run.stderr.trim().split('\n')).to.have.length(1);
      });
    }

    it('exits 2 on a missing config file', async () => {
      const run = await cli(['--config', path.join(tmp, 'absent.json')]);
      expect(run.exitCode).to.equal(2);
      expect(run.stderr.trim()).to.equal(`hpy-matrix run: ${path.join(tmp, 'absent.json')}: no such file`);
    });

    it('runs without matrix.json when --suite and --backend are both given', async () => {
      const suite = path.join(ROOT, FIXTURES, 'trivial');
      const run = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'run', '--suite', suite, '--backend', 'reference', '--reporter', 'json'],
        { cwd: tmp, reject: false });
      expect(run.exitCode, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout).cells.map((c: CellResult) => [c.suite, c.backend, c.status])).to.deep.equal([[suite, 'reference', 'PASS']]);
    });

    it('without matrix.json and without both --suite and --backend, says what to do', async () => {
      const run = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'run', '--backend', 'reference'], { cwd: tmp, reject: false });
      expect(run.exitCode).to.equal(2);
      expect(run.stderr.trim()).to.equal('hpy-matrix run: matrix.json: no such file (give both --suite and --backend to run without one, or write one: hpy-matrix init)');
    });

    it('exits 2 on bad command-line overrides, naming the flag', async () => {
      const cases: Array<[string[], string]> = [
        [['--backend', 'pypy'], `hpy-matrix run: --backend: unknown backend 'pypy' (known: ${KNOWN_BACKENDS})`],
        [['--reporter', 'yaml'], `hpy-matrix run: --reporter: unknown reporter 'yaml' (known: ${Object.keys(REPORTERS).join(', ')})`],
        [['--expectations', 'nowhere.json'], `hpy-matrix run: --expectations: expectations file 'nowhere.json' not found (looked for ${path.join(ROOT, 'nowhere.json')})`],
        [['--suite', './nowhere'], `hpy-matrix run: --suite: suite folder './nowhere' not found (looked for ${path.join(ROOT, 'nowhere')})`],
        [['--jobs', '0'], 'hpy-matrix run: --jobs: must be a positive integer, got 0'],
        [['--max-memory', '-5'], 'hpy-matrix run: --max-memory: must be a positive integer, got -5'],
        [['--grep', '('], 'hpy-matrix run: --grep: Invalid regular expression: /(/: Unterminated group'],
      ];
      for (const [args, message] of cases) {
        const run = await cli(args);
        expect(run.exitCode, args.join(' ')).to.equal(2);
        expect(run.stderr.trim()).to.equal(message);
      }
      // The wording of a lone --out belongs to the reporters module; the flag must be named.
      const out = await cli(['--out', 'x.json']);
      expect(out.exitCode).to.equal(2);
      expect(out.stderr.trim()).to.match(/^hpy-matrix run: --out: .+$/);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
