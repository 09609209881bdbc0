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
const SKIPS = 'test/fixtures/suites/skips';
const DEFAULT_SUITES = (JSON.parse(readFileSync(path.join(ROOT, 'matrix.json'), 'utf8')) as { suites: string[] }).suites;

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
      expect({ status: p.status, tests: p.passed + p.skipped }, suite).to.deep.equal({ status: 'PASS', tests: c.passed + c.skipped });
      expect(p.passed + p.skipped, suite).to.be.greaterThan(0);
      // Only tests of misuse that HPy leaves undefined (checked by hpy-matrix's own backends) skip there.
      const passedOnCpython = new Set(c.tests.filter((t) => t.status === 'passed').map((t) => t.title));
      for (const t of p.tests.filter((x) => x.status === 'skipped' && passedOnCpython.has(x.title))) {
        expect(t.reason, `${suite}: ${t.title}`).to.match(/ is misuse that HPy leaves undefined: hpy-matrix's backends check it, another HPy need not$/);
      }
    }
    expect(r.exitCode).to.equal(0);
  });

  it('debug: and trace: over python:python3 use the interpreter\'s own modes', async () => {
    const r = await run(['--jobs', '2', '--suite', 'basic', '--suite', 'debug', '--backend', 'debug:python:python3', '--backend', 'trace:python:python3']);
    expect(cell(r, 'basic', 'debug:python:python3').status).to.equal('PASS');
    const traced = cell(r, 'basic', 'trace:python:python3');
    expect(traced.status).to.equal('PASS');
    expect(traced.trace?.ctx_Add?.calls).to.be.greaterThan(0);
    // The debug suite reads hpy-matrix's own findings: skipped on an interpreter's HPy, saying why.
    expect(cell(r, 'debug', 'trace:python:python3')).to.include({ status: 'PASS', passed: 0 });
    const debug = cell(r, 'debug', 'debug:python:python3');
    expect(debug).to.include({ status: 'PASS', passed: 0, skipped: debug.tests.length });
    expect(new Set(debug.tests.map((t) => t.reason))).to.deep.equal(new Set([
      "it reads the findings of hpy-matrix's own debug layer; another HPy's debug mode aborts on misuse instead, and names no function for a leak",
    ]));
  });

  it('tests of context functions added after HPy 0.9.0 skip on an HPy 0.9.0, which is never handed the binary; skips carry their reasons', async () => {
    const marker = path.join(s.dir, 'handed-over');
    const official = s.fakeHpy('hpy-0.9.0-like', 'MODE_UNIVERSAL = 0\nMODE_DEBUG = 1\nMODE_TRACE = 2\n\n'
      + 'def get_version():\n    return ("0.9.0", "0123abc")\n\n'
      + `def load(*args, **kw):\n    open(${JSON.stringify(marker)}, "w").close()\n`);
    const r = await run(['--suite', SKIPS, '--backend', 'reference', '--backend', 'python:python3'], { PYTHONPATH: official });
    const reasons = (c: CellResult) => Object.fromEntries(c.tests.map((t) => [t.title, t.status === 'skipped' ? t.reason ?? '(none)' : t.status]));
    const common = {
      'skips in the test, with a reason': 'said in the test',
      'skips in the test, without one': '(none)',
      'skips in before all first': 'said in before all',
      'skips in before all second': 'said in before all',
      'skips in before each first': 'said in before each, for the first test only',
      'skips in before each second runs': 'passed',
    };
    expect(reasons(cell(r, SKIPS, 'reference'))).to.deep.equal({ 'skips a binary that needs a newer HPy inserts': 'passed', ...common });
    const insert = path.join(ROOT, SKIPS, 'insert.c');
    const skipped = reasons(cell(r, SKIPS, 'python:python3'));
    expect(skipped['skips a binary that needs a newer HPy inserts']).to.match(new RegExp(
      `^python:python3: \\S+/insert\\.hpy0\\.so calls HPyList_Insert, which its hpy\\.universal 0\\.9\\.0 does not have \\(added to HPy after 0\\.9\\.0\\)$`));
    expect({ ...skipped, 'skips a binary that needs a newer HPy inserts': 'checked' })
      .to.deep.equal({ 'skips a binary that needs a newer HPy inserts': 'checked', ...common });
    expect(existsSync(marker), `${insert} was handed to the HPy`).to.equal(false);
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
    // The gate treats the refusal as any ERROR: an expectations entry records it, and the run passes.
    const expectations = path.join(s.dir, 'pypy-expectations.json');
    writeFileSync(expectations, JSON.stringify({ schema: 1, expectations: ['basic', 'objects'].flatMap((suite) => ['python:pypy3', 'debug:python:pypy3']
      .map((backend) => ({ suite, backend, status: 'ERROR', reason: "Debian's pypy3 has HPy 0.0.4" }))) }));
    const recorded = await run(['--suite', 'basic', '--suite', 'objects', '--backend', 'python:pypy3', '--backend', 'debug:python:pypy3',
      '--expectations', expectations]);
    expect(recorded.cells.map((c) => [c.status, c.verdict?.outcome])).to.deep.equal(Array(4).fill(['ERROR', 'expected']));
    expect(recorded.exitCode).to.equal(0);
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

  it('coverage says it cannot list the functions of an HPy that does not say, and lists the others', async () => {
    const official = s.fakeHpy('hpy-0.9.0-silent', 'MODE_UNIVERSAL = 0\nMODE_DEBUG = 1\nMODE_TRACE = 2\n\ndef get_version():\n    return ("0.9.0", "0123abc")\n');
    const r = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'coverage', '--backend', 'python:python3', '--backend', 'reference'],
      { cwd: ROOT, reject: false, env: { PYTHONPATH: official } });
    expect(r.exitCode, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('reference '))).to.have.length(1);
    expect(lines).to.include('python:python3: its hpy.universal 0.9.0 does not say which context functions it implements, '
      + 'so hpy-matrix cannot list them (run the suites on it instead)');
    expect(lines.filter((l) => l.startsWith('python:python3 '))).to.deep.equal([]);
    const json = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'coverage', '--json', '--backend', 'python:python3'],
      { cwd: ROOT, reject: false, env: { PYTHONPATH: official } });
    const report = JSON.parse(json.stdout) as { backends: object; unlisted: Record<string, string> };
    expect(report.backends).to.deep.equal({});
    expect(Object.keys(report.unlisted)).to.deep.equal(['python:python3']);
  });

  it('report --backend python:<interpreter>: an HPy that loads the binary but does not say what it implements is OK, saying so', async () => {
    // The drop-in without its _missing_members: an HPy that loads 0.9 binaries and says nothing of itself.
    const silent = s.fakeHpy('hpy-silent-dropin', 'from hpy_matrix.universal import load, get_version, MODE_UNIVERSAL, MODE_DEBUG, MODE_TRACE\n');
    const basic = path.join(s.dir, 'basic.hpy0.so');
    await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'build', 'suites/basic/basic.c', '-o', basic], { cwd: ROOT });
    const r = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'report', basic, '--backend', 'python:python3'],
      { cwd: ROOT, reject: false, env: { PYTHONPATH: `${silent}:${s.dropinPath}` } });
    expect(r.stdout.split('\n')).to.include.members([
      '  python:python3  OK: loads; which context functions it implements is not known',
      'OK: loads and runs on every backend asked',
    ]);
    expect(r.exitCode, r.stderr).to.equal(0);
  });

  it('the memory limit counts the interpreter\'s memory too', async () => {
    const r = await run(['--suite', 'test/fixtures/suites/memory-hog', '--backend', 'python:python3', '--max-memory', '300']);
    const c = cell(r, 'test/fixtures/suites/memory-hog', 'python:python3');
    expect(c).to.include({ status: 'CRASH', signal: 'SIGKILL', crashedIn: 'memory-hog grows without end', passed: 1 });
    expect(c.error).to.match(/^out of memory \(limit 300 MB, resident \d+ MB\) in 'memory-hog grows without end'$/);
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
