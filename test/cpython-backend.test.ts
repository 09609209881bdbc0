// The cpython backend's half in TypeScript: CPython embedded in this process, objects crossing
// as references that JavaScript owns, Python exceptions as PythonError.
import { expect } from 'chai';
import { execa } from 'execa';
import { LoadError } from '../loader/binary.js';
import type { Ref } from '../loader/backend.js';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CPythonBackend } from '../loader/backends/cpython/index.js';
import { findPython, PythonSetupError } from '../loader/backends/cpython/python.js';
import { ensureHost, prepareCPython } from '../loader/backends/cpython/host-build.js';
import { backendContractTests } from './backend-contract.js';

describe('cpython backend: the embedded interpreter', function () {
  this.timeout(120_000);
  let b: CPythonBackend;
  const run = (source: string): Ref => {
    const builtins = b.importModule('builtins');
    const evaluate = b.getattr(builtins, 'eval');
    const code = b.fromPrimitive(source);
    // Called from no Python frame: eval needs its globals given.
    const globals = b.newDict([]);
    try {
      return b.call(evaluate, [code, globals]);
    } finally {
      for (const r of [builtins, evaluate, code, globals]) b.release(r);
    }
  };

  before(() => {
    b = new CPythonBackend();
  });
  after(() => b.close());

  it('is the CPython that python3 on PATH names', async () => {
    const { stdout } = await execa('python3', ['-c', 'import platform; print(platform.python_version())']);
    expect(b.pythonVersion).to.equal(stdout.trim());
    expect(b.typeName(b.importModule('sys'))).to.equal('module');
  });

  backendContractTests(() => b);

  it('gives and takes references exactly: no object leaks through a thousand round trips', () => {
    const obj = run('object()');
    const sys = b.importModule('sys');
    const getrefcount = b.getattr(sys, 'getrefcount');
    const count = () => {
      const r = b.call(getrefcount, [obj]);
      try {
        return b.toPrimitive(r);
      } finally {
        b.release(r);
      }
    };
    const before = count();
    for (let i = 0; i < 1000; i++) {
      const t = b.newTuple([obj]);
      const [item] = b.items(t);
      b.release(item!);
      b.release(t);
      b.release(b.dup(obj));
    }
    expect(count()).to.equal(before);
  });

  it('loads binaries with the same checks and messages as every backend', () => {
    expect(() => b.loadModule('/nonexistent/x.hpy0.so')).to.throw(LoadError, '/nonexistent/x.hpy0.so: no such file');
  });
});

describe('cpython backend without a usable Python', () => {
  // A stand-in `python3` that answers the sysconfig query with what a broken install has.
  const fakePython = (answer: Record<string, unknown>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-fake-python-'));
    const file = path.join(dir, 'python3');
    const full = { executable: file, version: '3.11.0', include: dir, libdir: dir, multiarch: '', instsoname: 'libpython3.11.so.1.0',
      ldlibrary: 'libpython3.11.so', shared: true, extSuffix: '.so', ...answer };
    writeFileSync(file, `#!/bin/sh\necho '${JSON.stringify(full)}'\n`);
    chmodSync(file, 0o755);
    return { file, dir };
  };

  it('names the missing headers and the package that has them', () => {
    const { file, dir } = fakePython({});
    expect(() => findPython(file)).to.throw(PythonSetupError,
      `the cpython backend needs the headers of Python 3.11.0: ${path.join(dir, 'Python.h')} is missing (install them, e.g. apt-get install python3-dev)`);
  });

  it('names a missing shared libpython', () => {
    const { file, dir } = fakePython({});
    writeFileSync(path.join(dir, 'Python.h'), '');
    expect(() => findPython(file)).to.throw(PythonSetupError,
      /^the cpython backend needs Python 3\.11\.0 as a shared library \(libpython3\.11\.so\), which .* does not have \(looked for .*libpython3\.11\.so\.1\.0.*\); install it/);
  });

  it('names a Python that does not answer in time', () => {
    const { file } = fakePython({});
    writeFileSync(file, '#!/bin/sh\nexec sleep 30\n');
    expect(() => findPython(file, 300)).to.throw(PythonSetupError, `the cpython backend could not query '${file}': it did not answer within 0.3 s`);
  });

  it('fails to start with a message that says what to install', async () => {
    const script = "import('./loader/backends/cpython/index.ts').then(({ CPythonBackend }) => { try { new CPythonBackend(); } catch (e) { console.log(e.name + ': ' + e.message); } })";
    const r = await execa(process.execPath, ['--import', 'tsx', '-e', script], { env: { HPY_MATRIX_PYTHON: '/nonexistent/python3' } });
    expect(r.stdout).to.equal("PythonSetupError: the cpython backend needs Python 3: '/nonexistent/python3' was not found (install python3, e.g. apt-get install python3 libpython3-dev, or set HPY_MATRIX_PYTHON)");
  });
});

describe('cpython host prepared by the parent', () => {
  // process.env is set and deleted key by key: a plain object put in its place would no
  // longer reach getenv() in this process.
  const saved = process.env.HPY_MATRIX_CPYTHON_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.HPY_MATRIX_CPYTHON_HOST;
    else process.env.HPY_MATRIX_CPYTHON_HOST = saved;
  });

  it('hands its children the host it built, which they use as long as it is there and for the same Python', () => {
    const env = prepareCPython();
    const prepared = JSON.parse(env.HPY_MATRIX_CPYTHON_HOST!) as { library: string; pythonPath: string; python: string };
    const python = findPython();
    expect(prepared.python).to.equal(python.executable);
    const built = ensureHost(python);
    expect(prepared).to.deep.include(built);

    // A child trusts the parent's entry without hashing the sources again...
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-host-'));
    try {
      const stand = path.join(tmp, 'universal.so');
      writeFileSync(stand, '');
      process.env.HPY_MATRIX_CPYTHON_HOST = JSON.stringify({ ...prepared, library: stand });
      expect(ensureHost(python).library).to.equal(stand);
      // ...but not one that is gone, nor one built for another Python.
      process.env.HPY_MATRIX_CPYTHON_HOST = JSON.stringify({ ...prepared, library: `${stand}.gone` });
      expect(ensureHost(python)).to.deep.equal(built);
      process.env.HPY_MATRIX_CPYTHON_HOST = JSON.stringify({ ...prepared, library: stand, python: '/other/python3' });
      expect(ensureHost(python)).to.deep.equal(built);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
