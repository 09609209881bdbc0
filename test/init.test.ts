// `hpy-matrix init`, as a user meets it: the built CLI in an empty folder, then `hpy-matrix run`
// there, which must pass; with --extension pointing at a built binary; and every refusal, with
// its message and nothing written.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { findPython } from '../loader/backends/cpython/python.js';
import { buildExtension } from '../loader/build/extension.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin', 'hpy-matrix.js');
const ALL_BACKENDS = ['reference', 'cpython', 'debug:reference', 'debug:cpython'];

/** The built CLI in `cwd`. */
function hpyMatrix(cwd: string, args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [CLI, ...args], { cwd, reject: false, env });
}

/** Every file under `dir`, relative to it, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

interface RunReport { cells: Array<{ suite: string; backend: string; status: string; passed: number; failed: number; tests: Array<{ title: string }> }>;
  extensions?: Array<{ file: string; report?: { backends: Array<{ backend: string; verdict: { status: string } }> } }> }

describe('hpy-matrix init', function () {
  // A run builds the example extension and starts a child per cell.
  this.timeout(180_000);
  let tmp: string;
  let folder = 0;
  /** A new empty folder. */
  const fresh = async (): Promise<string> => {
    const dir = path.join(tmp, `repo-${++folder}`);
    await mkdir(dir);
    return dir;
  };

  before(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-init-test-')); });
  after(async () => { await rm(tmp, { recursive: true, force: true }); });

  describe('in a folder without an extension', () => {
    let dir: string;
    let init: Awaited<ReturnType<typeof hpyMatrix>>;
    before(async () => {
      dir = await fresh();
      init = await hpyMatrix(dir, ['init']);
    });

    it('writes matrix.json, an empty expectations file, an example extension and its suite, and says what to run next', async () => {
      expect(init.exitCode, init.stderr).to.equal(0);
      expect(init.stdout).to.equal([
        'wrote matrix.json', 'wrote expectations.json', 'wrote hpy-tests/example/example.c', 'wrote hpy-tests/example/example.test.ts',
        '', 'Backends: reference, cpython, debug:reference, debug:cpython',
        '', 'Next, run the suite on every backend of matrix.json:', '', '  npx hpy-matrix run'].join('\n'));
      expect(await filesUnder(dir)).to.deep.equal(['expectations.json', 'hpy-tests/example/example.c', 'hpy-tests/example/example.test.ts', 'matrix.json']);
      expect(JSON.parse(await readFile(path.join(dir, 'matrix.json'), 'utf8'))).to.deep.equal({
        backends: ALL_BACKENDS, suites: ['./hpy-tests/example'], expectations: 'expectations.json' });
      expect(JSON.parse(await readFile(path.join(dir, 'expectations.json'), 'utf8'))).to.deep.equal({ schema: 1, expectations: [] });
      expect(await readFile(path.join(dir, 'hpy-tests/example/example.c'), 'utf8')).to.include('HPy_MODINIT(example, moduledef)');
    });

    it('leaves a folder where `hpy-matrix run` passes on every backend', async () => {
      const run = await hpyMatrix(dir, ['run', '--reporter', 'json']);
      expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout) as RunReport;
      expect(report.cells.map((c) => [c.suite, c.backend, c.status, c.passed, c.failed])).to.deep.equal(
        ALL_BACKENDS.map((b) => ['./hpy-tests/example', b, 'PASS', 3, 0]));
    });

    it('refuses to run twice, naming the files that exist, and writes nothing', async () => {
      const before = await Promise.all(['matrix.json', 'hpy-tests/example/example.c'].map((f) => stat(path.join(dir, f))));
      const again = await hpyMatrix(dir, ['init']);
      expect(again.exitCode).to.equal(2);
      expect(again.stdout).to.equal('');
      expect(again.stderr).to.equal('hpy-matrix init: matrix.json: already exists (so do expectations.json, ' +
        'hpy-tests/example/example.c, hpy-tests/example/example.test.ts); nothing was written: init never writes over a file');
      const after = await Promise.all(['matrix.json', 'hpy-tests/example/example.c'].map((f) => stat(path.join(dir, f))));
      expect(after.map((s) => s.mtimeMs)).to.deep.equal(before.map((s) => s.mtimeMs));
    });
  });

  it('checks every file before writing any: one existing suite file keeps matrix.json from being written', async () => {
    const dir = await fresh();
    await mkdir(path.join(dir, 'hpy-tests/example'), { recursive: true });
    await writeFile(path.join(dir, 'hpy-tests/example/example.test.ts'), '// mine\n');
    const init = await hpyMatrix(dir, ['init']);
    expect(init.exitCode).to.equal(2);
    expect(init.stderr).to.equal('hpy-matrix init: hpy-tests/example/example.test.ts: already exists; nothing was written: init never writes over a file');
    expect(await filesUnder(dir)).to.deep.equal(['hpy-tests/example/example.test.ts']);
    expect(await readFile(path.join(dir, 'hpy-tests/example/example.test.ts'), 'utf8')).to.equal('// mine\n');
  });

  describe('with --extension', () => {
    let dir: string;
    let init: Awaited<ReturnType<typeof hpyMatrix>>;
    before(async () => {
      dir = await fresh();
      await buildExtension({ sources: [path.join(ROOT, 'test/fixtures/static/hpy_module.c')], out: path.join(dir, 'build', 'hpydemo.hpy0.so') });
      init = await hpyMatrix(dir, ['init', '--extension', 'build/hpydemo.hpy0.so']);
    });

    it('writes a suite that loads the binary by a path relative to the suite, and names it in matrix.json', async () => {
      expect(init.exitCode, init.stderr).to.equal(0);
      expect(init.stdout.split('\n').slice(0, 3)).to.deep.equal(['wrote matrix.json', 'wrote expectations.json', 'wrote hpy-tests/hpydemo/hpydemo.test.ts']);
      expect(await filesUnder(dir)).to.deep.equal(['build/hpydemo.hpy0.so', 'expectations.json', 'hpy-tests/hpydemo/hpydemo.test.ts', 'matrix.json']);
      expect(JSON.parse(await readFile(path.join(dir, 'matrix.json'), 'utf8'))).to.deep.equal({
        backends: ALL_BACKENDS, suites: ['./hpy-tests/hpydemo'], extensions: ['./build/hpydemo.hpy0.so'], expectations: 'expectations.json' });
      const suite = await readFile(path.join(dir, 'hpy-tests/hpydemo/hpydemo.test.ts'), 'utf8');
      expect(suite).to.include("const BINARY = '../../build/hpydemo.hpy0.so';\n");
      expect(suite).to.include("const FUNCTIONS: string[] = ['add', 'one'];\n");
      expect(suite).not.to.match(/\{\{\w+\}\}/);
    });

    it('leaves a folder where `hpy-matrix run` passes: the module\'s name and each function of its definition', async () => {
      const run = await hpyMatrix(dir, ['run', '--reporter', 'json']);
      expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout) as RunReport;
      expect(report.cells.map((c) => [c.backend, c.status])).to.deep.equal(ALL_BACKENDS.map((b) => [b, 'PASS']));
      expect(report.cells[0]!.tests.map((t) => t.title)).to.deep.equal([
        'hpydemo is the module hpydemo', 'hpydemo has the function add', 'hpydemo has the function one']);
      // The run's report of the binary that matrix.json names, probed on the run's backends.
      const probed = report.extensions!.map((e) => [path.basename(e.file), e.report!.backends.map((b) => b.backend)]);
      expect(probed).to.deep.equal([['hpydemo.hpy0.so', ALL_BACKENDS]]);
      expect(report.extensions![0]!.report!.backends[0]!.verdict.status).to.equal('OK');
    });
  });

  it('writes suites that type-check against the suite API', async () => {
    const dir = await fresh();
    await buildExtension({ sources: [path.join(ROOT, 'test/fixtures/static/hpy_module.c')], out: path.join(dir, 'hpydemo.hpy0.so') });
    expect((await hpyMatrix(dir, ['init', '--extension', 'hpydemo.hpy0.so'])).exitCode).to.equal(0);
    // The example suite beside it, from a second folder's init.
    const other = await fresh();
    expect((await hpyMatrix(other, ['init'])).exitCode).to.equal(0);
    const files = [path.join(dir, 'hpy-tests/hpydemo/hpydemo.test.ts'), path.join(other, 'hpy-tests/example/example.test.ts')];
    await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: true,
        types: ['node', 'mocha'], typeRoots: [path.join(ROOT, 'node_modules/@types')],
        paths: { 'hpy-matrix/suite': [path.join(ROOT, 'harness/suite/index.ts')] },
      },
      files,
    }));
    const tsc = await execa(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')], { reject: false });
    expect(tsc.exitCode, tsc.stdout).to.equal(0);
  });

  it('leaves out the cpython backends when there is no usable Python, and says why; the run passes', async () => {
    const dir = await fresh();
    const env = { HPY_MATRIX_PYTHON: path.join(tmp, 'no-python3') };
    const init = await hpyMatrix(dir, ['init'], env);
    expect(init.exitCode, init.stderr).to.equal(0);
    expect(init.stdout).to.include(['Backends: reference, debug:reference',
      `Left out cpython and debug:cpython, which cannot start here: the cpython backend needs Python 3: '${env.HPY_MATRIX_PYTHON}' was not found ` +
        '(install python3, e.g. apt-get install python3 libpython3-dev, or set HPY_MATRIX_PYTHON)',
      "Add them to matrix.json's backends once they can start."].join('\n'));
    expect(JSON.parse(await readFile(path.join(dir, 'matrix.json'), 'utf8')).backends).to.deep.equal(['reference', 'debug:reference']);
    const run = await hpyMatrix(dir, ['run'], env);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
  });

  it('without a C compiler keeps only reference, and says the example needs one', async () => {
    const dir = await fresh();
    const init = await hpyMatrix(dir, ['init'], { CC: 'no-such-cc' });
    expect(init.exitCode, init.stderr).to.equal(0);
    const compiler = "C compiler 'no-such-cc' not found; install gcc (e.g. apt-get install gcc) or pass another compiler";
    expect(init.stdout).to.include(['Backends: reference',
      `Left out cpython, debug:cpython and debug:reference, which cannot start here: ${compiler}`,
      "Add them to matrix.json's backends once they can start.",
      'Note: the example suite builds example.c with a C compiler, which this machine lacks: install gcc before `hpy-matrix run`'].join('\n'));
    expect(JSON.parse(await readFile(path.join(dir, 'matrix.json'), 'utf8')).backends).to.deep.equal(['reference']);
  });

  describe('--pytest', () => {
    it('in a folder without an extension: the example extension built with its stub, pytest tests of it, and the run is green', async () => {
      const dir = await fresh();
      const init = await hpyMatrix(dir, ['init', '--pytest']);
      expect(init.exitCode, init.stderr).to.equal(0);
      expect(init.stdout).to.equal([
        'wrote matrix.json', 'wrote expectations.json', 'wrote hpy-tests/example/example.c', 'wrote hpy-tests/example/build/example.py',
        'wrote hpy-tests/example/test_example.py', 'built hpy-tests/example/build/example.hpy0.so',
        '', 'Backends: cpython, debug:cpython',
        'Note: reference and debug:reference are not in matrix.json: pytest suites need a Python interpreter, which the reference backend does not have',
        '', 'Next, run the suite on every backend of matrix.json:', '', '  npx hpy-matrix run'].join('\n'));
      expect(JSON.parse(await readFile(path.join(dir, 'matrix.json'), 'utf8'))).to.deep.equal({
        backends: ['cpython', 'debug:cpython'],
        suites: [{ path: './hpy-tests/example', pythonPath: ['./hpy-tests/example/build'] }],
        expectations: 'expectations.json',
      });
      const run = await hpyMatrix(dir, ['run', '--reporter', 'json']);
      expect(run.exitCode, run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout) as RunReport;
      expect(report.cells.map((c) => [c.backend, c.status, c.passed])).to.deep.equal([['cpython', 'PASS', 3], ['debug:cpython', 'PASS', 3]]);
      // A second init refuses, naming the files, the built binary among them.
      const again = await hpyMatrix(dir, ['init', '--pytest']);
      expect(again.exitCode).to.equal(2);
      expect(again.stderr).to.match(/^hpy-matrix init: matrix\.json: already exists \(so do .*hpy-tests\/example\/build\/example\.hpy0\.so\)/);
    });

    it('--extension: pytest tests of the user\'s binary through a stub beside them; the run is green', async () => {
      const dir = await fresh();
      await buildExtension({ sources: [path.join(ROOT, 'test/fixtures/pytest/pyext.c')], out: path.join(dir, 'build', 'pyext.hpy0.so') });
      const init = await hpyMatrix(dir, ['init', '--pytest', '--extension', 'build/pyext.hpy0.so']);
      expect(init.exitCode, init.stderr).to.equal(0);
      expect(await filesUnder(dir)).to.deep.equal([
        'build/pyext.hpy0.so', 'expectations.json', 'hpy-tests/pyext/pyext.py', 'hpy-tests/pyext/test_pyext.py', 'matrix.json']);
      expect(await readFile(path.join(dir, 'hpy-tests/pyext/test_pyext.py'), 'utf8')).to.include('FUNCTIONS = ["add", "leak", "type_check", "crash"]');
      const run = await hpyMatrix(dir, ['run', '--reporter', 'json']);
      expect(run.exitCode, run.stderr).to.equal(0);
      const report = JSON.parse(run.stdout) as RunReport;
      expect(report.cells.map((c) => [c.backend, c.status, c.tests.map((t) => t.title)])).to.deep.equal(['cpython', 'debug:cpython'].map((b) => [b, 'PASS', [
        'test_pyext.py::test_is_the_module', 'test_pyext.py::test_has_the_function[add]',
        'test_pyext.py::test_has_the_function[leak]', 'test_pyext.py::test_has_the_function[type_check]',
        'test_pyext.py::test_has_the_function[crash]']]));
    });
  });

  describe('refusals: exit 2, one line, nothing written', () => {
    const refused = async (args: string[], message: string, setUp?: (dir: string) => Promise<void>) => {
      const dir = await fresh();
      await setUp?.(dir);
      const before = await filesUnder(dir);
      const init = await hpyMatrix(dir, ['init', ...args]);
      expect(init.exitCode).to.equal(2);
      expect(init.stdout).to.equal('');
      expect(init.stderr).to.equal(message);
      expect(await filesUnder(dir)).to.deep.equal(before);
    };

    it('--pytest where the Python has no pytest, saying what to install', async () => {
      const venv = path.join(tmp, 'venv-without-pytest');
      await execa(findPython().executable, ['-m', 'venv', '--without-pip', venv]);
      const python = path.join(venv, 'bin', 'python');
      const dir = await fresh();
      const init = await hpyMatrix(dir, ['init', '--pytest'], { HPY_MATRIX_PYTHON: python });
      expect([init.exitCode, init.stderr]).to.deep.equal([2,
        `hpy-matrix init: --pytest: pytest is not installed for ${python}: install it (apt-get install python3-pytest, or ${python} -m pip install pytest)`]);
      expect(await filesUnder(dir)).to.deep.equal([]);
    });

    it('--pytest where the cpython backends cannot start', async () => {
      const dir = await fresh();
      const init = await hpyMatrix(dir, ['init', '--pytest'], { HPY_MATRIX_PYTHON: '/nonexistent/python3' });
      expect(init.exitCode).to.equal(2);
      expect(init.stderr).to.match(/^hpy-matrix init: --pytest: pytest suites run on the cpython backends, which cannot start here: the cpython backend needs Python 3: '\/nonexistent\/python3' was not found/);
      expect(await filesUnder(dir)).to.deep.equal([]);
    });

    it('--extension that does not exist', async () => {
      await refused(['--extension', 'build/absent.hpy0.so'], 'hpy-matrix init: build/absent.hpy0.so: no such file');
    });

    it('--extension that is not an ELF file', async () => {
      await refused(['--extension', 'notes.hpy0.so'], 'hpy-matrix init: notes.hpy0.so: not an ELF file',
        (dir) => writeFile(path.join(dir, 'notes.hpy0.so'), 'hello\n'));
    });

    it('--extension that is not a clean universal binary, with its first problem', async () => {
      const pyInclude = (await execa('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["include"])'])).stdout;
      await refused(['--extension', 'cpyext.hpy0.so'],
        'hpy-matrix init: cpyext.hpy0.so: not a clean HPy universal binary: [py-imports] imports 2 Python C API symbol(s) ' +
        '(PyLong_FromLong, PyModule_Create2); a universal binary imports none (and 4 more); `hpy-matrix report cpyext.hpy0.so` says more',
        async (dir) => {
          await execa('cc', ['-shared', '-fPIC', `-I${pyInclude}`, path.join(ROOT, 'test/fixtures/static/cpython_ext.c'), '-o', path.join(dir, 'cpyext.hpy0.so')]);
        });
    });
  });

  it('a file it cannot write: exit 2 naming it, and the files written before it are removed', async () => {
    const dir = await fresh();
    // A file where the suite's folder goes; matrix.json and expectations.json are written first.
    await writeFile(path.join(dir, 'hpy-tests'), '');
    const init = await hpyMatrix(dir, ['init']);
    expect(init.exitCode).to.equal(2);
    expect(init.stdout).to.equal('');
    expect(init.stderr).to.equal(`hpy-matrix init: hpy-tests/example/example.c: cannot write: ENOTDIR: not a directory, mkdir '${path.join(dir, 'hpy-tests/example')}'; nothing was written`);
    expect(await filesUnder(dir)).to.deep.equal(['hpy-tests']);
  });
});
