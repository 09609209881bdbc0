// python:<interpreter> cells as a user runs them, `hpy-matrix run --backend python:...`: the default
// suites on python3 with hpy-matrix's drop-in as its HPy, Debian's pypy3 refused cell by cell, and
// an interpreter that is missing, has no HPy, crashes, exits or hangs, each with its message.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import type { CellResult } from '../harness/runner/cell-result.js';
import type { RunEnvironment } from '../harness/runner/environment.js';
import { scratch, type Scratch } from './python-dropin.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FAULTS = 'test/fixtures/suites/python-faults';
const DEFAULT_SUITES = (JSON.parse(readFileSync(path.join(ROOT, 'matrix.json'), 'utf8')) as { suites: string[] }).suites;

/**
 * What fails on a python:<interpreter> backend and not on its in-process counterpart, by cell and
 * test, with the reason. Everything else must be as on cpython.
 */
const KNOWN_DIFFERENCES: Record<string, Record<string, string>> = {
  'debug × debug:python:python3': {
    'debug layer a handle never closed is a leak, with the object it holds':
      "HPy's debug mode (hpy.universal._debug.get_open_handles) does not record which extension function opened a leaked handle",
  },
};

interface Run {
  exitCode: number;
  cells: CellResult[];
  stderr: string;
  environment: RunEnvironment;
}

describe('hpy-matrix run --backend python:<interpreter>', function () {
  this.timeout(300_000);
  let s: Scratch;
  before(() => {
    s = scratch();
  });
  after(() => s?.remove());

  const run = async (args: string[], env: Record<string, string> = {}): Promise<Run> => {
    const r = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'run', '--reporter', 'json', ...args], {
      cwd: ROOT, reject: false, env: { PYTHONPATH: s.dropinPath, ...env },
    });
    let report: { cells: CellResult[]; environment: RunEnvironment };
    try {
      report = JSON.parse(r.stdout) as { cells: CellResult[]; environment: RunEnvironment };
    } catch {
      throw new Error(`no json report (exit ${r.exitCode}):\n${r.stderr}`);
    }
    return { exitCode: r.exitCode ?? -1, cells: report.cells, environment: report.environment, stderr: r.stderr };
  };
  const cell = (r: Run, suite: string, backend: string) => {
    const found = r.cells.find((c) => c.suite === suite && c.backend === backend);
    if (!found) throw new Error(`no cell ${suite} × ${backend}`);
    return found;
  };
  const failures = (c: CellResult) => c.tests.filter((t) => t.status === 'failed').map((t) => t.title);

  it('the default suites pass on python:python3 exactly as on cpython', async () => {
    const r = await run(['--jobs', '2', '--backend', 'cpython', '--backend', 'python:python3', ...DEFAULT_SUITES.flatMap((x) => ['--suite', x])]);
    for (const suite of DEFAULT_SUITES) {
      const [c, p] = [cell(r, suite, 'cpython'), cell(r, suite, 'python:python3')];
      expect(failures(p), `${suite} × python:python3: ${p.error ?? ''}`).to.deep.equal([]);
      expect({ status: p.status, passed: p.passed, skipped: p.skipped }, suite)
        .to.deep.equal({ status: 'PASS', passed: c.passed, skipped: c.skipped });
      expect(p.passed + p.skipped, suite).to.be.greaterThan(0);
    }
    expect(r.exitCode).to.equal(0);
  });

  it('debug: and trace: over python:python3 use the interpreter\'s own modes', async () => {
    const r = await run(['--jobs', '2', '--suite', 'basic', '--suite', 'debug', '--backend', 'debug:python:python3', '--backend', 'trace:python:python3']);
    expect(cell(r, 'basic', 'debug:python:python3').status).to.equal('PASS');
    const traced = cell(r, 'basic', 'trace:python:python3');
    expect(traced.status).to.equal('PASS');
    expect(traced.trace?.ctx_Add?.calls).to.be.greaterThan(0);
    // The debug suite's tests skip without a debug layer, and run under the interpreter's.
    expect(cell(r, 'debug', 'trace:python:python3')).to.include({ status: 'PASS', passed: 0 });
    const debug = cell(r, 'debug', 'debug:python:python3');
    const known = KNOWN_DIFFERENCES['debug × debug:python:python3']!;
    expect(failures(debug)).to.deep.equal(Object.keys(known));
    expect(debug.tests.find((t) => t.status === 'failed')!.error).to.match(/^AssertionError: findings on debug:python:python3: expected \[ 'leak in \?' \] to deeply equal \[ 'leak in leak' \]/);
    expect(debug.passed).to.equal(debug.tests.length - 1);
    // Every mistake is a finding, as on every debug backend of the matrix (the drop-in's own
    // default, HPy's, would abort the interpreter at the first).
    expect(debug.status).to.equal('FAIL');
    expect(debug.tests.length).to.equal(cell(r, 'debug', 'trace:python:python3').tests.length);
  });

  it('python:pypy3 (HPy 0.0.4) is refused in one line in every cell, and the run goes on', async function () {
    expect(existsSync('/usr/bin/pypy3'), 'Debian\'s pypy3, which scripts/setup-system.sh installs').to.equal(true);
    const r = await run(['--suite', 'basic', '--suite', 'objects', '--backend', 'python:pypy3', '--backend', 'debug:python:pypy3', '--backend', 'reference']);
    for (const suite of ['basic', 'objects']) {
      for (const backend of ['python:pypy3', 'debug:python:pypy3']) {
        expect(cell(r, suite, backend)).to.include({
          status: 'ERROR',
          error: `backend '${backend}' did not start: python:pypy3: its hpy.universal is 0.0.4, which cannot load HPy 0.9 universal binaries`,
        });
      }
      expect(cell(r, suite, 'reference').status).to.equal('PASS');
    }
    expect(r.exitCode).to.equal(1);
    // The run's environment names the interpreter and its HPy, refused or not.
    const pypy = r.environment.interpreters!['python:pypy3']!;
    expect(Object.keys(r.environment.interpreters!)).to.deep.equal(['python:pypy3']);
    expect(pypy).to.include({ implementation: 'pypy', hpy: '0.0.4' });
    expect(pypy.implementationVersion).to.match(/^7\.3\.\d+$/);
    expect(pypy.version).to.match(/^3\.9\.\d+$/);
  });

  it('an interpreter that is not there, and one without hpy.universal', async () => {
    const r = await run(['--suite', 'basic', '--backend', 'python:no-such-python-here', '--backend', 'python:python3'], { PYTHONPATH: '' });
    expect(cell(r, 'basic', 'python:no-such-python-here')).to.include({
      status: 'ERROR', error: "backend 'python:no-such-python-here' did not start: python:no-such-python-here: 'no-such-python-here' was not found on PATH",
    });
    expect(cell(r, 'basic', 'python:python3')).to.include({
      status: 'ERROR', error: "backend 'python:python3' did not start: python:python3: it has no hpy.universal (ModuleNotFoundError: No module named 'hpy')",
    });
  });

  it('matrix.json names python:<interpreter> backends', async () => {
    const config = path.join(s.dir, 'matrix.json');
    writeFileSync(config, JSON.stringify({ backends: ['python:python3'], suites: [path.join(ROOT, 'suites', 'basic')] }));
    const r = await run(['--config', config]);
    expect(r.cells.map((c) => [c.backend, c.status])).to.deep.equal([['python:python3', 'PASS']]);
  });

  it('a segfault in the interpreter is the cell\'s CRASH, with the signal, the running test and the interpreter\'s stack', async () => {
    const r = await run(['--suite', FAULTS, '--backend', 'python:python3', '--grep', 'before|segfault']);
    const c = cell(r, FAULTS, 'python:python3');
    expect(c).to.include({ status: 'CRASH', signal: 'SIGSEGV', crashedIn: 'python-faults segfault: writes through NULL in C', passed: 1 });
    const lines = c.error!.split('\n');
    expect(lines[0]).to.equal("killed by SIGSEGV in 'python-faults segfault: writes through NULL in C'");
    expect(lines).to.include('Fatal Python error: Segmentation fault');
    expect(lines.at(-1)).to.equal('python:python3: the interpreter was killed by SIGSEGV during call');
  });

  it('an interpreter that exits in a call fails that test and the later ones, naming the exit code', async () => {
    const r = await run(['--suite', FAULTS, '--backend', 'python:python3', '--grep', 'before|exit']);
    const c = cell(r, FAULTS, 'python:python3');
    expect(c).to.include({ status: 'FAIL', passed: 1, failed: 2 });
    const errors = c.tests.filter((t) => t.status === 'failed').map((t) => t.error!.split('\n')[0]);
    expect(errors).to.deep.equal([
      'DriverGoneError: python:python3: the interpreter exited with code 3 during call',
      'DriverGoneError: python:python3: the interpreter is gone since an earlier call (it exited with code 3 during call)',
    ]);
  });

  it('an interpreter that hangs in a call is killed at HPY_MATRIX_PYTHON_TIMEOUT, and the cell ends', async () => {
    const r = await run(['--suite', FAULTS, '--backend', 'python:python3', '--grep', 'before|hang'], { HPY_MATRIX_PYTHON_TIMEOUT: '2' });
    const c = cell(r, FAULTS, 'python:python3');
    expect(c).to.include({ status: 'FAIL', passed: 1, failed: 2 });
    expect(c.durationMs).to.be.lessThan(30_000);
    const errors = c.tests.filter((t) => t.status === 'failed').map((t) => t.error!.split('\n')[0]);
    expect(errors).to.deep.equal([
      'DriverGoneError: python:python3: the interpreter did not answer within 2 s during call, and was killed',
      'DriverGoneError: python:python3: the interpreter is gone since an earlier call (it did not answer within 2 s during call, and was killed)',
    ]);
  });
});
