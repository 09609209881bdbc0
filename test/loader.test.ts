// The loader's handshake and its error messages, on binaries made wrong on purpose.
import { expect } from 'chai';
import { execa } from 'execa';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadError, openBinary } from '../loader/binary.js';
import { parseFileName } from '../loader/file-name.js';
import { PythonError } from '../loader/backend.js';
import { ReferenceBackend } from '../loader/backends/reference/index.js';

const fixture = new URL('./fixtures/loader/handmade.c', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hpy-matrix-loader-'));

async function handmade(file: string, modname: string, defines: string[] = []): Promise<string> {
  const out = join(dir, file);
  await execa('cc', ['-std=c11', '-Wall', '-Wextra', '-fPIC', '-shared', '-o', out, `-DMODNAME=${modname}`,
    ...defines.map((d) => `-D${d}`), fixture]);
  return out;
}

function loadError(path: string, opts = {}): string {
  try {
    openBinary(path, opts);
  } catch (e) {
    expect(e).to.be.instanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected a LoadError');
}

describe('loader: file names', () => {
  it('derives the module name and the ABI tag', () => {
    expect(parseFileName('/x/foo.hpy0.so')).to.deep.equal({ module: 'foo', abiTag: 'hpy0', tagMajor: 0, hybridSuffix: null, cpythonSuffix: null });
    expect(parseFileName('/x/my-ext.hpy0.so').module).to.equal('my_ext');
    expect(parseFileName('/x/foo.hpy0-cp311.so')).to.include({ tagMajor: 0, hybridSuffix: '-cp311' });
    expect(parseFileName('/x/foo.cpython-311-x86_64-linux-gnu.so')).to.include({ tagMajor: null, cpythonSuffix: '.cpython-311-x86_64-linux-gnu.so' });
    expect(parseFileName('/x/foo.hpy0.so', 'pkg.sub.my-mod').module).to.equal('my_mod');
  });
});

describe('loader: bad input', function () {
  let good: string;
  before(async () => {
    good = await handmade('good.hpy0.so', 'good');
  });

  it('accepts a well-formed binary and reports its required ABI', () => {
    const bin = openBinary(good);
    expect(bin.name).to.equal('good');
    expect(bin.required).to.deep.equal({ major: 0, minor: 0 });
  });

  it('missing file', () => {
    expect(loadError(join(dir, 'nope.hpy0.so'))).to.equal(`${join(dir, 'nope.hpy0.so')}: no such file`);
  });

  it('not an ELF file', () => {
    const p = join(dir, 'text.hpy0.so');
    writeFileSync(p, 'this is not a shared library\n');
    expect(loadError(p)).to.equal(`${p}: not an ELF file`);
  });

  it('truncated ELF file', () => {
    const p = join(dir, 'trunc.hpy0.so');
    writeFileSync(p, readFileSync(good).subarray(0, 200));
    expect(loadError(p)).to.match(/trunc\.hpy0\.so: cannot be loaded: /);
  });

  it('ELF file of another architecture', () => {
    const p = join(dir, 'arm.hpy0.so');
    const data = readFileSync(good);
    data.writeUInt16LE(183, 18); // e_machine = EM_AARCH64
    writeFileSync(p, data);
    expect(loadError(p)).to.equal(`${p}: ELF for AArch64 (e_machine 183, 64-bit), but this machine is x86-64`);
  });

  it('CPython-ABI extension', () => {
    const p = join(dir, 'good.cpython-311-x86_64-linux-gnu.so');
    copyFileSync(good, p);
    expect(loadError(p)).to.equal(`${p}: a CPython-ABI extension, not an HPy universal binary (expected a name ending in .hpy0.so)`);
  });

  it('hybrid binary', () => {
    const p = join(dir, 'good.hpy0-cp311.so');
    copyFileSync(good, p);
    expect(loadError(p)).to.equal(`${p}: a hybrid HPy binary (built for cp311): it calls CPython's C API, and there is no CPython in this backend (hybrid binaries load on cpython, debug:cpython and trace:cpython)`);
  });

  it('no ABI tag in the file name', () => {
    const p = join(dir, 'good.so');
    copyFileSync(good, p);
    expect(loadError(p)).to.equal(`${p}: the file name has no .hpy<N> ABI tag (expected a name ending in .hpy0.so)`);
  });

  it('required ABI 1.0', async () => {
    const p = await handmade('v1.hpy1.so', 'v1', ['REQUIRED_MAJOR=1']);
    expect(loadError(p)).to.equal(`${p}: requires HPy ABI 1.0, but hpy-matrix provides ABI 0.0 (HPy 0.9)`);
  });

  it('required minor version newer than ours', async () => {
    const p = await handmade('minor.hpy0.so', 'minor', ['REQUIRED_MINOR=3']);
    expect(loadError(p)).to.equal(`${p}: requires HPy ABI 0.3, but hpy-matrix provides ABI 0.0 (HPy 0.9)`);
  });

  it('file-name tag that disagrees with the required major', () => {
    const p = join(dir, 'good.hpy1.so');
    copyFileSync(good, p);
    expect(loadError(p)).to.equal(`${p}: the file name says ABI 1 (.hpy1) but the binary requires HPy ABI 0.0`);
  });

  it('missing entry points', async () => {
    const p = await handmade('noinit.hpy0.so', 'noinit', ['OMIT_INIT']);
    expect(loadError(p)).to.equal(`${p}: missing entry point HPyInit_noinit (is the module name 'noinit' right? HPy_MODINIT must use it)`);
    const renamed = join(dir, 'renamed.hpy0.so');
    copyFileSync(good, renamed);
    expect(loadError(renamed)).to.match(/missing entry point get_required_hpy_major_version_renamed/);
  });

  it('the reference backend refuses to make a class with type(name, bases, dict), saying so', () => {
    const b = new ReferenceBackend();
    try {
      const type = b.getattr(b.importModule('builtins'), 'type');
      expect(b.typeName(b.call(type, [b.fromPrimitive(1)]))).to.equal('type');
      expect(() => b.call(type, [b.fromPrimitive('N'), b.newTuple([]), b.newDict([])])).to.throw(
        PythonError, 'SystemError: type() with 3 arguments (a new class) is not supported by the reference backend');
    } finally {
      b.close();
    }
  });

  it('HPyInit returning NULL', async () => {
    const p = await handmade('initnull.hpy0.so', 'initnull', ['INIT_NULL']);
    const backend = new ReferenceBackend();
    try {
      expect(() => backend.loadModule(p)).to.throw(LoadError, `${p}: HPyInit_initnull returned NULL`);
    } finally {
      backend.close();
    }
  });

  it('an exec slot that raises fails the load with its error and registers no module', async () => {
    const out = join(dir, 'exec_fails.hpy0.so');
    const include = new URL('../native/include', import.meta.url).pathname;
    await execa('cc', ['-std=c11', '-Wall', '-Wextra', '-Werror', '-fPIC', '-shared', '-I', include, '-o', out,
      new URL('./fixtures/loader/exec_fails.c', import.meta.url).pathname]);
    const backend = new ReferenceBackend();
    try {
      expect(() => backend.loadModule(out)).to.throw(PythonError, 'RuntimeError: exec slot refused to run');
      expect(() => backend.importModule('exec_fails')).to.throw(PythonError, "ModuleNotFoundError: No module named 'exec_fails'");
      expect(backend.openHandles).to.equal(0);
    } finally {
      backend.close();
    }
  });

  it('loads the handmade module on the reference backend', () => {
    const backend = new ReferenceBackend();
    try {
      const m = backend.loadModule(good);
      expect(backend.str(backend.getattr(m, '__doc__'))).to.equal('handmade module');
      expect(backend.str(backend.getattr(m, '__name__'))).to.equal('good');
    } finally {
      backend.close();
    }
  });
});
