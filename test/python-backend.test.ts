// The python:<interpreter> backend in this process: its names, the handshake and what an HPy can
// load, the Backend contract over the pipe to a real python3 (hpy-matrix's drop-in as its HPy),
// and every way of not starting or of dying, with the messages a user reads.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { PythonError, UnhostedError, type Ref } from '../loader/backend.js';
import { LoadError } from '../loader/binary.js';
import { buildExtension } from '../loader/build/extension.js';
import { parseBackendName } from '../loader/backends/names.js';
import { binaryRefusal, loadableAbi, refusal, type Hello } from '../loader/backends/python/handshake.js';
import { DriverGoneError, InterpreterError, PythonBackend, type PythonBackendOptions } from '../loader/backends/python/index.js';
import { backendProblem } from '../harness/runner/config.js';
import { backendContractTests } from './backend-contract.js';
import { scratch, type Scratch } from './python-dropin.js';

const FAULTS = 'test/fixtures/suites/python-faults/faults.c';
const HANDMADE = 'test/fixtures/loader/handmade.c';

describe('python:<interpreter> backend names', () => {
  it('names an interpreter by command or path, under a layer or not', () => {
    expect(parseBackendName('python:python3')).to.deep.equal({ layer: null, base: 'python', interpreter: 'python3' });
    expect(parseBackendName('debug:python:pypy3')).to.deep.equal({ layer: 'debug', base: 'python', interpreter: 'pypy3' });
    expect(parseBackendName('trace:python:/opt/graalpy/bin/graalpy')).to.deep.equal({ layer: 'trace', base: 'python', interpreter: '/opt/graalpy/bin/graalpy' });
    expect(parseBackendName('cpython')).to.deep.equal({ layer: null, base: 'cpython' });
    for (const name of ['python:python3', 'debug:python:pypy3', 'trace:python:./venv/bin/python']) expect(backendProblem(name)).to.equal(undefined);
  });

  it('refuses a name without an interpreter, or with one that cannot be a file name', () => {
    for (const name of ['python', 'python:', 'debug:python:', 'python: pypy3', 'python:pypy3 ', 'python:a\nb', 'debug:debug:python:x', 'pypy:python3']) {
      expect(parseBackendName(name), name).to.equal(null);
      expect(backendProblem(name), name).to.match(/^unknown backend /);
    }
  });
});

describe('python:<interpreter> handshake', () => {
  const hello = (hpy: Hello['hpy'], hpyError: string | null = null): Hello => ({
    driver: 1, implementation: 'pypy', version: '3.9.16', implementationVersion: '7.3.11', executable: '/usr/bin/pypy3', pid: 1, hpy, hpyError,
  });

  it('knows which HPy releases load HPy 0.9 universal binaries', () => {
    expect(loadableAbi('0.0.4')).to.equal(null);
    expect(loadableAbi('0.8.1')).to.equal(null);
    expect(loadableAbi('0.9.0')).to.deep.equal({ major: 0, maxMinor: 0 });
    expect(loadableAbi('0.9.0rc2')).to.deep.equal({ major: 0, maxMinor: 0 });
    expect(loadableAbi('0.10.0')).to.deep.equal({ major: 0, maxMinor: Infinity });
    expect(loadableAbi('unknown')).to.equal(null);
  });

  it('refuses an interpreter in one line: no HPy, an HPy before 0.9, no trace mode, another protocol', () => {
    expect(refusal('python:x', hello(null, "ModuleNotFoundError: No module named 'hpy'"), null))
      .to.equal("python:x: it has no hpy.universal (ModuleNotFoundError: No module named 'hpy')");
    expect(refusal('python:pypy3', hello({ version: '0.0.4', revision: '41989b8', modes: [], file: null }), 'debug'))
      .to.equal('python:pypy3: its hpy.universal is 0.0.4, which cannot load HPy 0.9 universal binaries');
    expect(refusal('python:x', hello({ version: '0.9.0', revision: '', modes: ['MODE_UNIVERSAL', 'MODE_DEBUG'], file: null }), 'trace'))
      .to.equal('python:x: its hpy.universal 0.9.0 has no trace mode');
    expect(refusal('python:x', hello({ version: '0.9.0', revision: '', modes: ['MODE_UNIVERSAL', 'MODE_DEBUG'], file: null }), 'debug')).to.equal(undefined);
    expect(refusal('python:x', { ...hello(null), driver: 2 }, null)).to.equal('python:x: the driver speaks protocol 2, this hpy-matrix 1');
  });

  it('compares a binary\'s required ABI with what the HPy loads', () => {
    const official = { version: '0.9.0', revision: '' };
    const abi = (requiredAbi: { major: number; minor: number } | null) => ({ requiredAbi, afterReleaseApi: [] });
    expect(binaryRefusal('python:x', official, 'a.hpy0.so', abi({ major: 0, minor: 0 }))).to.equal(undefined);
    expect(binaryRefusal('python:x', official, 'a.hpy0.so', abi(null))).to.equal(undefined);
    const newer = binaryRefusal('python:x', official, 'a.hpy0.so', abi({ major: 0, minor: 3 }));
    expect(newer).to.be.instanceOf(InterpreterError);
    expect(newer?.message).to.equal('python:x: a.hpy0.so requires HPy ABI 0.3, and its hpy.universal 0.9.0 loads ABI 0.0');
    expect(binaryRefusal('python:x', { version: '0.10.0', revision: '' }, 'a.hpy1.so', abi({ major: 1, minor: 0 }))?.message)
      .to.equal('python:x: a.hpy1.so requires HPy ABI 1.0, and its hpy.universal 0.10.0 loads ABI 0.x');
    expect(binaryRefusal('python:pypy3', { version: '0.0.4', revision: '' }, 'a.hpy0.so', abi({ major: 0, minor: 0 }))?.message)
      .to.equal('python:pypy3: its hpy.universal is 0.0.4, which cannot load HPy 0.9 universal binaries');
  });

  it('keeps a binary that calls context functions added after 0.9.0 from an HPy 0.9.0', () => {
    const needs = { requiredAbi: { major: 0, minor: 0 }, afterReleaseApi: ['HPy_GetIter', 'HPyIter_Next'] };
    const refused = binaryRefusal('python:x', { version: '0.9.0', revision: 'abc123' }, 'o.hpy0.so', needs);
    expect(refused).to.be.instanceOf(UnhostedError);
    expect(refused?.message)
      .to.equal('python:x: o.hpy0.so calls HPy_GetIter, HPyIter_Next, which its hpy.universal 0.9.0 does not have (added to HPy after 0.9.0)');
    expect(binaryRefusal('python:x', { version: '0.9.0', revision: 'hpy-matrix' }, 'o.hpy0.so', needs)).to.equal(undefined);
    expect(binaryRefusal('python:x', { version: '0.10.0', revision: '' }, 'o.hpy0.so', needs)).to.equal(undefined);
  });
});

describe('python:python3 backend (hpy-matrix\'s drop-in as its HPy)', function () {
  this.timeout(120_000);
  let s: Scratch;
  let b: PythonBackend;
  let basic: string;
  const open = (opts: PythonBackendOptions = {}, layer?: 'debug' | 'trace') =>
    new PythonBackend('python3', layer, { mirrorCrash: false, env: { ...process.env, PYTHONPATH: s.dropinPath }, ...opts });
  const run = (source: string): Ref => {
    const builtins = b.importModule('builtins');
    const evaluate = b.getattr(builtins, 'eval');
    const code = b.fromPrimitive(source);
    const globals = b.newDict([]);
    try {
      return b.call(evaluate, [code, globals]);
    } finally {
      for (const r of [builtins, evaluate, code, globals]) b.release(r);
    }
  };

  before(async () => {
    s = scratch();
    b = open();
    basic = (await buildExtension({ sources: ['suites/basic/basic.c'] })).path;
  });
  after(() => {
    b?.close();
    s?.remove();
  });

  it('says which interpreter and which HPy it runs', async () => {
    const { stdout } = await execa('python3', ['-c', 'import platform, sys; print(platform.python_version(), sys.executable)']);
    const [version, executable] = stdout.trim().split(' ');
    expect(b.name).to.equal('python:python3');
    expect(b.hello).to.include({ implementation: 'cpython', version, executable, driver: 1, hpyError: null });
    expect(b.hello.hpy).to.include({ version: '0.9.0', revision: 'hpy-matrix' });
    expect(b.hello.hpy!.modes).to.deep.equal(['MODE_UNIVERSAL', 'MODE_DEBUG', 'MODE_TRACE']);
    expect(b.hello.pid).to.not.equal(process.pid);
  });

  backendContractTests(() => b);

  it('releases in batches: released objects die in the interpreter at the next request', async () => {
    const died = run('[]');
    const mortal = run('type("M", (), {"__del__": lambda self: self.log.append(self.n)})');
    const make = (n: number) => {
      const o = b.call(mortal, []);
      b.setattr(o, 'log', died);
      b.setattr(o, 'n', b.fromPrimitive(n));
      return o;
    };
    const [x, y] = [make(1), make(2)];
    const y2 = b.dup(y);
    b.release(x);
    b.release(y);
    expect(b.pendingReleases).to.equal(1);
    expect(b.repr(died)).to.equal('[1]');
    expect(b.pendingReleases).to.equal(0);
    b.release(y2);
    await b.collectGarbage();
    expect(b.repr(died)).to.equal('[1, 2]');
  });

  it('collects cycles until their finalizers ran', async () => {
    const log = run('[]');
    const cycle = b.call(run('lambda log: (lambda a, b: (setattr(a, "o", b), setattr(b, "o", a), a)[2])(type("C", (), {"__del__": lambda self: log.append(1)})(), type("C", (), {"__del__": lambda self: log.append(2)})())'), [log]);
    b.release(cycle);
    await b.collectGarbage();
    expect(b.repr(log)).to.be.oneOf(['[1, 2]', '[2, 1]']);
  });

  it('loads a binary with the interpreter\'s hpy.universal and registers it in sys.modules', () => {
    const m = b.loadModule(basic);
    expect(b.repr(m)).to.equal(`<module 'basic' (${basic})>`);
    expect(b.toPrimitive(b.call(b.getattr(m, 'add'), [b.fromPrimitive(2n ** 70n), b.fromPrimitive(1)]))).to.equal(2n ** 70n + 1n);
    expect(b.is(b.importModule('basic'), m)).to.equal(true);
  });

  it('refuses a binary that requires a newer ABI before the interpreter sees it', async () => {
    const minor = await buildExtension({ sources: [HANDMADE], out: path.join(s.dir, 'minor.hpy0.so'), cflags: ['-DMODNAME=minor', '-DREQUIRED_MINOR=3'] });
    // The drop-in refuses such a binary itself, with its own words; these are the backend's.
    expect(() => b.loadModule(minor.path)).to.throw(InterpreterError,
      `python:python3: ${minor.path} requires HPy ABI 0.3, and its hpy.universal 0.9.0 loads ABI 0.0`);
    expect(() => b.loadModule(path.join(s.dir, 'nothere.hpy0.so'))).to.throw(LoadError, `${path.join(s.dir, 'nothere.hpy0.so')}: no such file`);
  });

  it('a closed backend says so', () => {
    const c = open();
    c.close();
    expect(() => c.importModule('sys')).to.throw(InterpreterError, 'python:python3: the backend is closed');
  });

  it('reports the drop-in\'s capabilities: every function member of the ABI', () => {
    const caps = b.capabilities();
    expect(caps.implemented.length + caps.partial.length + caps.unsupported.length).to.equal(189);
  });

  it('debug:python:python3 checks leaks with the interpreter\'s own debug mode', async () => {
    const d = open({}, 'debug');
    try {
      expect(d.name).to.equal('debug:python:python3');
      const m = d.loadModule((await buildExtension({ sources: ['suites/debug/debug.c'] })).path);
      const generation = d.debug!.newGeneration();
      d.call(d.getattr(m, 'leak'), []);
      expect(d.debug!.checkLeaks(generation)).to.equal(1);
      const [finding, ...rest] = d.debug!.takeFindings();
      expect(rest).to.deep.equal([]);
      expect(finding).to.include({ kind: 'leak', function: '?' });
      expect(finding!.object).to.match(/^int /);
    } finally {
      d.close();
    }
  });

  it('trace:python:python3 counts context calls with the interpreter\'s own trace mode', () => {
    const t = open({}, 'trace');
    try {
      const m = t.loadModule(basic);
      t.trace!.reset();
      t.call(t.getattr(m, 'add'), [t.fromPrimitive(1), t.fromPrimitive(2)]);
      const counts = t.trace!.counts();
      expect(counts.ctx_Add?.calls).to.equal(1);
      expect(counts.ctx_Add?.ns).to.be.a('number');
      t.trace!.reset();
      expect(t.trace!.counts()).to.deep.equal({});
    } finally {
      t.close();
    }
  });
});

describe('python:<interpreter> that cannot serve', function () {
  this.timeout(60_000);
  let s: Scratch;
  before(() => {
    s = scratch();
  });
  after(() => s?.remove());
  const start = (interpreter: string, env: NodeJS.ProcessEnv = process.env, layer?: 'debug' | 'trace', timeoutMs?: number) =>
    () => new PythonBackend(interpreter, layer, { mirrorCrash: false, env, ...(timeoutMs ? { timeoutMs } : {}) }).close();

  it('an interpreter that is not there', () => {
    expect(start('no-such-python-here')).to.throw(InterpreterError, "python:no-such-python-here: 'no-such-python-here' was not found on PATH");
    expect(start('/nonexistent/bin/python3')).to.throw(InterpreterError, 'python:/nonexistent/bin/python3: /nonexistent/bin/python3 does not exist');
    expect(start(s.dir)).to.throw(InterpreterError, `python:${s.dir}: ${s.dir} is not a file`);
    const plain = path.join(s.dir, 'not-executable');
    writeFileSync(plain, '');
    expect(start(plain)).to.throw(InterpreterError, `python:${plain}: ${plain} is not executable`);
  });

  it('a program that is no Python, or one that fails at once', () => {
    expect(start('/bin/true')).to.throw(DriverGoneError, 'python:/bin/true: the interpreter exited with code 0 during the handshake (is it Python 3.8 or later?)');
    const old = s.script('python2', 'echo "Python 2.7.18: SyntaxError: invalid syntax" >&2; exit 1');
    expect(start(old)).to.throw(DriverGoneError,
      `python:${old}: the interpreter exited with code 1 during the handshake (is it Python 3.8 or later?); its last output:\nPython 2.7.18: SyntaxError: invalid syntax`);
  });

  it('a program that never answers, within the time limit', () => {
    const silent = s.script('silent', 'exec sleep 600');
    const started = Date.now();
    expect(start(silent, process.env, undefined, 1000)).to.throw(DriverGoneError,
      `python:${silent}: the interpreter did not answer within 1 s during the handshake (is it Python 3.8 or later?), and was killed`);
    expect(Date.now() - started).to.be.lessThan(10_000);
  });

  it('a Python without hpy.universal', () => {
    expect(start('python3', { ...process.env, PYTHONPATH: '' })).to.throw(InterpreterError, "python:python3: it has no hpy.universal (ModuleNotFoundError: No module named 'hpy')");
  });

  it('an HPy before 0.9 is refused and never handed a binary; one without trace mode refuses trace', () => {
    const marker = path.join(s.dir, 'loaded');
    const old = s.fakeHpy('hpy-0.0.4', `def get_version():\n    return ("0.0.4", "fake")\n\ndef load(*args, **kw):\n    open(${JSON.stringify(marker)}, "w").close()\n`);
    expect(start('python3', { ...process.env, PYTHONPATH: old }, 'debug')).to.throw(InterpreterError,
      'python:python3: its hpy.universal is 0.0.4, which cannot load HPy 0.9 universal binaries');
    expect(existsSync(marker)).to.equal(false);
    const noTrace = s.fakeHpy('hpy-0.9-no-trace', 'MODE_UNIVERSAL = 0\nMODE_DEBUG = 1\n\ndef get_version():\n    return ("0.9.0", "fake")\n');
    expect(start('python3', { ...process.env, PYTHONPATH: noTrace }, 'trace')).to.throw(InterpreterError,
      'python:python3: its hpy.universal 0.9.0 has no trace mode');
  });

  it('Debian\'s pypy3 (HPy 0.0.4) is refused in one line', function () {
    expect(existsSync('/usr/bin/pypy3'), 'Debian\'s pypy3, which scripts/setup-system.sh installs').to.equal(true);
    expect(start('pypy3')).to.throw(InterpreterError, 'python:pypy3: its hpy.universal is 0.0.4, which cannot load HPy 0.9 universal binaries');
  });

  it('the driver serves the contract on PyPy 3.9 too (past the handshake with a stand-in HPy; no binary)', async function () {
    expect(existsSync('/usr/bin/pypy3'), 'Debian\'s pypy3, which scripts/setup-system.sh installs').to.equal(true);
    const standIn = s.fakeHpy('hpy-stand-in', 'MODE_UNIVERSAL = 0\nMODE_DEBUG = 1\nMODE_TRACE = 2\n\ndef get_version():\n    return ("0.9.0", "stand-in")\n');
    const b = new PythonBackend('pypy3', undefined, { mirrorCrash: false, env: { ...process.env, PYTHONPATH: standIn } });
    try {
      expect(b.hello).to.include({ implementation: 'pypy', version: '3.9.16' });
      const evaluate = b.getattr(b.importModule('builtins'), 'eval');
      const run = (src: string) => b.call(evaluate, [b.fromPrimitive(src), b.newDict([])]);
      const identity = run('lambda x: x');
      for (const v of [2n ** 200n, 'a😀\ud800', 1.5]) expect(b.toPrimitive(b.call(identity, [b.fromPrimitive(v)]))).to.equal(v);
      expect(b.toPrimitive(b.call(identity, [b.fromPrimitive(new Uint8Array([1, 2]))]))).to.deep.equal(new Uint8Array([1, 2]));
      const f = b.newFunction('f', (args, kwargs) => b.fromPrimitive(args.length * 10 + kwargs.length));
      expect(b.toPrimitive(b.call(f, [b.fromPrimitive(1)], [['k', b.fromPrimitive(2)]]))).to.equal(11n);
      expect(() => run('1/0')).to.throw(PythonError, 'ZeroDivisionError: division by zero');
      // PyPy's collector says nothing of what it freed; finalizers still run within collectGarbage.
      const log = run('[]');
      const mortal = b.call(run('type("M", (), {"__del__": lambda self: self.log.append(1)})'), []);
      b.setattr(mortal, 'log', log);
      b.release(mortal);
      await b.collectGarbage();
      expect(b.repr(log)).to.equal('[1]');
    } finally {
      b.close();
    }
  });

  it('a time limit that is no number of seconds', () => {
    const before = process.env.HPY_MATRIX_PYTHON_TIMEOUT;
    process.env.HPY_MATRIX_PYTHON_TIMEOUT = 'soon';
    try {
      expect(() => new PythonBackend('python3')).to.throw(InterpreterError, "HPY_MATRIX_PYTHON_TIMEOUT must be a positive number of seconds, got 'soon'");
    } finally {
      if (before === undefined) delete process.env.HPY_MATRIX_PYTHON_TIMEOUT;
      else process.env.HPY_MATRIX_PYTHON_TIMEOUT = before;
    }
  });
});

describe('python:python3 when the interpreter dies in a call', function () {
  this.timeout(60_000);
  let s: Scratch;
  let faults: string;
  before(async () => {
    s = scratch();
    faults = (await buildExtension({ sources: [FAULTS] })).path;
  });
  after(() => s?.remove());
  const withFaults = (timeoutMs: number, f: (b: PythonBackend, m: Ref) => void) => {
    const b = new PythonBackend('python3', undefined, { mirrorCrash: false, timeoutMs, env: { ...process.env, PYTHONPATH: s.dropinPath } });
    try {
      f(b, b.loadModule(faults));
    } finally {
      b.close();
    }
  };

  it('an exit: the call throws with the exit code, later calls say it is gone', () => {
    withFaults(60_000, (b, m) => {
      const exit = b.getattr(m, 'exit_with');
      expect(() => b.call(exit, [b.fromPrimitive(3)])).to.throw(DriverGoneError, /^python:python3: the interpreter exited with code 3 during call$/);
      expect(() => b.getattr(m, '__name__')).to.throw(DriverGoneError,
        /^python:python3: the interpreter is gone since an earlier call \(it exited with code 3 during call\)$/);
    });
  });

  it('a segfault: the signal and the interpreter\'s own account of it', () => {
    withFaults(60_000, (b, m) => {
      const crash = b.getattr(m, 'write_null');
      try {
        b.call(crash, []);
        expect.fail('no error');
      } catch (e) {
        expect(e).to.be.instanceOf(DriverGoneError);
        const err = e as DriverGoneError;
        expect(err.status).to.deep.equal({ code: null, signal: 'SIGSEGV' });
        expect(err.message.split('\n')[0]).to.equal('python:python3: the interpreter was killed by SIGSEGV during call; its last output:');
        expect(err.message).to.include('in call');
      }
    });
  });

  it('a hang: killed at the time limit, the call throws', () => {
    withFaults(1000, (b, m) => {
      const hang = b.getattr(m, 'never_return');
      const started = Date.now();
      expect(() => b.call(hang, [])).to.throw(DriverGoneError, /^python:python3: the interpreter did not answer within 1 s during call, and was killed$/);
      expect(Date.now() - started).to.be.lessThan(10_000);
    });
  });
});
