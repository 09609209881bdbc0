// pytest suites in the matrix: an extension's own Python tests, loaded through a stub module,
// on cpython, debug:cpython and trace:cpython with hpy-matrix as `hpy`; skipped on reference; a
// leak caught per test, a crash named, a subprocess that gets the drop-in, a missing pytest.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import type { CellResult } from '../harness/runner/cell-result.js';
import { ConfigError, readMatrixConfig, resolveSuites } from '../harness/runner/config.js';
import { pytestSkipReason } from '../harness/runner/pytest-cell.js';
import { findPython } from '../loader/backends/cpython/python.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin/hpy-matrix.js');
const OK = path.join(ROOT, 'test/fixtures/suites/pytest-ok');
const CRASH = path.join(ROOT, 'test/fixtures/suites/pytest-crash');

interface Report { cells: CellResult[] }

describe('pytest suites', function () {
  this.timeout(240_000);
  let tmp: string;
  let build: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-pytest-'));
    build = path.join(tmp, 'build');
    // Built the way a project builds its binary, with the stub loader beside it.
    const built = await execa(process.execPath, [CLI, 'build', path.join(ROOT, 'test/fixtures/pytest/pyext.c'), '-o', path.join(build, 'pyext.hpy0.so'), '--stub']);
    expect(built.stdout.split('\n')).to.deep.equal([path.join(build, 'pyext.hpy0.so'), path.join(build, 'pyext.py')]);
  });
  after(async () => { await rm(tmp, { recursive: true, force: true }); });

  const run = (args: string[], env: Record<string, string> = {}) =>
    execa(process.execPath, [CLI, 'run', ...args], { cwd: tmp, reject: false, env });
  const cellOf = (report: Report, suite: string, backend: string) =>
    report.cells.find((c) => c.suite.endsWith(suite) && c.backend === backend)!;
  const tests = (cell: CellResult) => cell.tests.map((t) => [t.title, t.status]);

  describe('a run of a config with pytest suites', () => {
    let report: Report;
    let exitCode: number | undefined;

    before(async () => {
      await writeFile(path.join(tmp, 'matrix.json'), JSON.stringify({
        backends: ['reference', 'cpython', 'debug:cpython', 'trace:cpython'],
        suites: [{ path: OK, pythonPath: ['build'] }, { path: CRASH, pythonPath: ['build'] }],
      }));
      const r = await run(['--reporter', 'json']);
      exitCode = r.exitCode;
      report = JSON.parse(r.stdout) as Report;
    });

    it('skips them on reference, saying why', () => {
      expect(cellOf(report, 'pytest-ok', 'reference')).to.deep.include({
        status: 'SKIP', skipReason: 'pytest suites need a Python interpreter, and reference has none (they run on cpython and python:<interpreter>, under debug: and trace: too)',
      });
    });

    it('runs each test as a test of the cell, named by its node id, on cpython and trace:cpython', () => {
      for (const backend of ['cpython', 'trace:cpython']) {
        expect(tests(cellOf(report, 'pytest-ok', backend)), backend).to.deep.equal([
          ['test_pyext.py::test_add', 'passed'],
          ['test_pyext.py::test_add_refuses_one_argument', 'passed'],
          ['test_pyext.py::test_leak', 'passed'],
          ['test_pyext.py::test_type_check_of_a_non_type', 'passed'],
          ['test_pyext.py::test_subprocess_gets_the_dropin', 'passed'],
          ['test_pyext.py::test_skipped', 'skipped'],
        ]);
        expect(cellOf(report, 'pytest-ok', backend).status).to.equal('PASS');
      }
      // The trace cell reports the context functions the tests called, as mocha trace cells do.
      expect(cellOf(report, 'pytest-ok', 'trace:cpython').trace!.ctx_Add!.calls).to.equal(1);
      expect(cellOf(report, 'pytest-ok', 'cpython')).to.not.have.property('trace');
    });

    it('on debug:cpython, fails the tests that leaked or misused HPy with the findings, also in the JSON; a subprocess is in debug mode too', () => {
      const cell = cellOf(report, 'pytest-ok', 'debug:cpython');
      expect(cell.status).to.equal('FAIL');
      const leak = cell.tests.find((t) => t.title === 'test_pyext.py::test_leak')!;
      expect(leak).to.include({ status: 'failed', error: "leak: 1 handle opened in 'leak' was never closed (int 424242)" });
      expect(leak.findings).to.have.length(1);
      expect(leak.findings![0]).to.include({ kind: 'leak', function: 'leak', object: 'int 424242' });
      // Misuse is a finding in the cell, as on every debug backend of the matrix (the drop-in's own
      // default, HPy's, would abort the interpreter).
      const misuse = cell.tests.find((t) => t.title === 'test_pyext.py::test_type_check_of_a_non_type')!;
      expect(misuse).to.include({ status: 'failed', error: 'invalid-argument: HPy_TypeCheck arg 2 must be a type' });
      expect(misuse.findings).to.deep.equal([{ kind: 'invalid-argument', function: 'HPy_TypeCheck', handle: 0, message: 'HPy_TypeCheck arg 2 must be a type' }]);
      expect(cell.tests.find((t) => t.title === 'test_pyext.py::test_subprocess_gets_the_dropin')!.status).to.equal('passed');
    });

    it('names the test running when the interpreter crashed, with Python\'s own report', () => {
      for (const backend of ['cpython', 'debug:cpython', 'trace:cpython']) {
        const cell = cellOf(report, 'pytest-crash', backend);
        expect(cell).to.include({ status: 'CRASH', signal: 'SIGSEGV', crashedIn: 'test_crash.py::test_crash', passed: 1 });
        expect(cell.error).to.match(/^killed by SIGSEGV in 'test_crash\.py::test_crash'\nFatal Python error: Segmentation fault/);
        expect(cell.error).to.include('test_crash.py", line 10 in test_crash');
      }
      expect(exitCode).to.equal(1);
    });
  });

  it('--grep selects tests by node id, as in mocha cells', async () => {
    const r = await run(['--suite', OK, '--backend', 'cpython', '--grep', 'test_add', '--reporter', 'json'], { PYTHONPATH: build });
    expect(tests((JSON.parse(r.stdout) as Report).cells[0]!)).to.deep.equal([
      ['test_pyext.py::test_add', 'passed'],
      ['test_pyext.py::test_add_refuses_one_argument', 'passed'],
    ]);
  });

  it('runs without matrix.json from --suite and --backend, with the user\'s PYTHONPATH', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-noconfig-'));
    try {
      const r = await execa(process.execPath, [CLI, 'run', '--suite', OK, '--backend', 'cpython', '--backend', 'debug:cpython'],
        { cwd: folder, reject: false, env: { PYTHONPATH: build } });
      expect(r.stdout).to.match(/pytest-ok +\| cpython +\| PASS +\| +5 \| +0 \| +1 \|/);
      expect(r.stdout).to.match(/pytest-ok +\| debug:cpython +\| FAIL +\| +3 \| +2 \| +1 \|/);
      expect(r.exitCode).to.equal(1);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('a Python without pytest: ERROR naming what to install', async () => {
    const venv = path.join(tmp, 'venv');
    execFileSync(findPython().executable, ['-m', 'venv', '--without-pip', venv]);
    const python = path.join(venv, 'bin', 'python');
    const r = await run(['--suite', OK, '--backend', 'cpython', '--reporter', 'json'], { HPY_MATRIX_PYTHON: python, PYTHONPATH: build });
    const cell = (JSON.parse(r.stdout) as Report).cells[0]!;
    expect(cell).to.include({
      status: 'ERROR',
      error: `pytest is not installed for ${python}: install it (apt-get install python3-pytest, or ${python} -m pip install pytest)`,
    });
  });

  it('a Python that is not there: the cell says what the cpython backend says', async () => {
    const r = await run(['--suite', OK, '--backend', 'cpython', '--reporter', 'json'], { HPY_MATRIX_PYTHON: '/nonexistent/python3' });
    expect((JSON.parse(r.stdout) as Report).cells[0]!.error).to.match(/^backend 'cpython' did not start: the cpython backend needs Python 3: '\/nonexistent\/python3' was not found/);
  });

  it('which backends run pytest cells, and why the others skip them', () => {
    const running = ['cpython', 'debug:cpython', 'trace:cpython', 'python:pypy3', 'debug:python:/usr/bin/python3'];
    expect(running.map(pytestSkipReason)).to.deep.equal(running.map(() => undefined));
    expect(pytestSkipReason('debug:reference')).to.equal('pytest suites need a Python interpreter, and debug:reference has none (they run on cpython and python:<interpreter>, under debug: and trace: too)');
  });

  describe('on python:<interpreter>, in that interpreter with its own HPy', () => {
    // python3's HPy here is hpy-matrix's drop-in (the shim and the built package on PYTHONPATH).
    let dropinPath: string;
    before(async () => {
      const host = (await execa(process.execPath, [CLI, 'python-path'])).stdout.trim();
      dropinPath = [path.join(ROOT, 'native/python/shim'), host, build].join(path.delimiter);
    });

    it('runs the tests there, as on cpython; an HPy before 0.9 is refused in one line', async () => {
      const r = await run(['--suite', OK, '--backend', 'python:python3', '--backend', 'trace:python:python3', '--backend', 'python:pypy3', '--reporter', 'json'],
        { PYTHONPATH: dropinPath });
      const report = JSON.parse(r.stdout) as Report;
      for (const backend of ['python:python3', 'trace:python:python3']) {
        expect(tests(cellOf(report, 'pytest-ok', backend)), backend).to.deep.equal([
          ['test_pyext.py::test_add', 'passed'],
          ['test_pyext.py::test_add_refuses_one_argument', 'passed'],
          ['test_pyext.py::test_leak', 'passed'],
          ['test_pyext.py::test_type_check_of_a_non_type', 'passed'],
          ['test_pyext.py::test_subprocess_gets_the_dropin', 'passed'],
          ['test_pyext.py::test_skipped', 'skipped'],
        ]);
      }
      expect(cellOf(report, 'pytest-ok', 'trace:python:python3').trace!.ctx_Add!.calls).to.equal(1);
      expect(cellOf(report, 'pytest-ok', 'python:pypy3')).to.include({
        status: 'ERROR', error: "backend 'python:pypy3' did not start: python:pypy3: its hpy.universal is 0.0.4, which cannot load HPy 0.9 universal binaries",
      });
    });

    it('under debug:, a leak fails its test with the finding', async () => {
      const r = await run(['--suite', OK, '--backend', 'debug:python:python3', '--reporter', 'json'], { PYTHONPATH: dropinPath });
      const cell = cellOf(JSON.parse(r.stdout) as Report, 'pytest-ok', 'debug:python:python3');
      expect(cell.tests.find((t) => t.title === 'test_pyext.py::test_leak')).to.include({
        status: 'failed', error: "leak: 1 handle opened in 'leak' was never closed (int 424242)",
      });
    });

    it('with an HPy whose debug mode only lists open handles, a leak fails its test naming no function', async () => {
      // Official HPy's debug API (new_generation, get_open_handles) and nothing of hpy-matrix's.
      const fake = path.join(tmp, 'fake-hpy');
      await mkdir(path.join(fake, 'hpy', 'universal'), { recursive: true });
      await writeFile(path.join(fake, 'hpy', 'universal', '__init__.py'), [
        'MODE_UNIVERSAL, MODE_DEBUG, MODE_TRACE = 0, 1, 2',
        'def get_version():', '    return ("0.9.0", "fake")',
      ].join('\n') + '\n');
      await writeFile(path.join(fake, 'hpy', 'universal', '_debug.py'), [
        'class Handle:', '    id = 7', '    obj = 5',
        'OPEN = []', 'def new_generation():', '    OPEN.clear()', '    return 1',
        'def get_open_handles(generation):', '    return list(OPEN)',
      ].join('\n') + '\n');
      const suite = path.join(tmp, 'fake-suite');
      await mkdir(suite, { recursive: true });
      await writeFile(path.join(suite, 'test_fake.py'), [
        'from hpy.universal import _debug', 'def test_leaks():', '    _debug.OPEN.append(_debug.Handle())',
        'def test_clean():', '    pass',
      ].join('\n') + '\n');
      const r = await run(['--suite', suite, '--backend', 'debug:python:python3', '--reporter', 'json'], { PYTHONPATH: fake });
      const cell = (JSON.parse(r.stdout) as Report).cells[0]!;
      expect(tests(cell)).to.deep.equal([['test_fake.py::test_leaks', 'failed'], ['test_fake.py::test_clean', 'passed']]);
      const leak = cell.tests[0]!;
      expect(leak.error).to.equal("leak: 1 handle opened in '?' was never closed (int 5)");
      expect(leak.findings).to.deep.equal([{ kind: 'leak', function: '?', handle: 7, object: 'int 5', message: 'handle 7 was never closed' }]);
    });
  });

  describe('the suite kind and its matrix.json entry', () => {
    it('is pytest for a folder of Python tests, mocha for one with mocha test files', async () => {
      const suites = await resolveSuites('--suite', [OK, 'basic'], ROOT);
      expect(suites.map((s) => s.kind)).to.deep.equal(['pytest', 'mocha']);
    });

    it('reads pythonPath, args and env, relative to the config', async () => {
      const file = path.join(tmp, 'entry.json');
      await writeFile(file, JSON.stringify({ backends: ['cpython'], suites: [{ path: OK, pythonPath: ['build'], args: ['-x'], env: { A: '1' } }] }));
      expect((await readMatrixConfig(file)).suites).to.deep.equal([
        { name: OK, dir: OK, kind: 'pytest', pythonPath: [build], args: ['-x'], env: { A: '1' } },
      ]);
    });

    it('refuses what it cannot use, naming the entry', async () => {
      const refusal = async (entry: unknown) => {
        const file = path.join(tmp, 'bad.json');
        await writeFile(file, JSON.stringify({ backends: ['cpython'], suites: [entry] }));
        try {
          await readMatrixConfig(file);
        } catch (err) {
          if (err instanceof ConfigError) return err.reason;
          throw err;
        }
        return 'accepted';
      };
      expect(await refusal({ path: OK, python: [] })).to.equal("'suites'[0]: unknown key 'python' (allowed: path, kind, pythonPath, args, env)");
      expect(await refusal({ kind: 'pytest' })).to.equal('\'suites\'[0]: "path" must be the suite\'s folder, got undefined');
      expect(await refusal({ path: OK, kind: 'nose' })).to.equal('\'suites\'[0]: "kind" must be "mocha" or "pytest", got "nose"');
      expect(await refusal({ path: OK, pythonPath: ['absent'] })).to.equal(`'suites'[0]: "pythonPath" folder ${path.join(tmp, 'absent')} not found`);
      expect(await refusal({ path: OK, args: '-x' })).to.equal('\'suites\'[0]: "args" must be an array of strings, got "-x"');
      expect(await refusal({ path: OK, env: { A: 1 } })).to.equal('\'suites\'[0]: "env" must be an object of strings, got {"A":1}');
      expect(await refusal({ path: path.join(ROOT, 'suites/basic'), args: ['-x'] }))
        .to.equal(`'suites'[0]: "args" applies to pytest suites, and '${path.join(ROOT, 'suites/basic')}' is a mocha suite`);
      expect(await refusal({ path: 'basic' })).to.equal(`suite folder 'basic' not found (looked for ${path.join(tmp, 'basic')})`);
      expect(await refusal(3)).to.equal("'suites'[0] must be a suite name, a path or an object with \"path\", got 3");
    });
  });

  it('the hpy shim keeps an installed HPy\'s other modules (a namespace package) reachable, and its own first', async () => {
    const installed = path.join(tmp, 'installed');
    await mkdir(path.join(installed, 'hpy', 'devel'), { recursive: true });
    await writeFile(path.join(installed, 'hpy', 'devel', '__init__.py'), 'WHO = "installed hpy.devel"\n');
    await mkdir(path.join(installed, 'hpy', 'debug'), { recursive: true });
    await writeFile(path.join(installed, 'hpy', 'debug', '__init__.py'), 'raise ImportError("the installed hpy.debug was imported")\n');
    const host = (await execa(process.execPath, [CLI, 'python-path'])).stdout;
    const code = 'import hpy.devel, hpy.universal, hpy.debug.leakdetector, hpy.debug.pytest, hpy.trace; '
      + 'print(hpy.devel.WHO, hpy.universal.__name__, hpy.debug.LeakDetector.__module__)';
    const out = execFileSync(findPython().executable, ['-c', code],
      { env: { ...process.env, PYTHONPATH: [path.join(ROOT, 'native/python/shim'), host, installed].join(path.delimiter) }, encoding: 'utf8' });
    expect(out.trim()).to.equal('installed hpy.devel hpy_matrix.universal hpy_matrix.debug.leakdetector');
  });

  it('the stub loader build --stub writes loads the binary with hpy.universal', async () => {
    const stub = await readFile(path.join(build, 'pyext.py'), 'utf8');
    expect(stub).to.include('from hpy.universal import _load_bootstrap');
    const host = (await execa(process.execPath, [CLI, 'python-path'])).stdout;
    const shim = path.join(ROOT, 'native/python/shim');
    const out = execFileSync(findPython().executable, ['-c', 'import pyext; print(pyext.add(20, 22), pyext.__doc__)'],
      { env: { ...process.env, PYTHONPATH: [shim, host, build].join(path.delimiter) }, encoding: 'utf8' });
    expect(out.trim()).to.equal('42 pytest fixture extension');
  });
});
