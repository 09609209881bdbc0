// Hybrid binaries (HPy's migration path: HPy and CPython's C API in one binary): they load and run
// on the backends that have CPython in the process, with their legacy slots, methods, members and
// getsets, and HPy's rules for legacy types; every other backend refuses them with one line.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { PythonError, type Backend, type Ref } from '../loader/backend.js';
import { LoadError } from '../loader/binary.js';
import { createBackend } from '../loader/backends/index.js';
import { findPython } from '../loader/backends/cpython/python.js';
import { buildHybrid, cpythonTag } from './hybrid-build.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const NO_CPYTHON = "it calls CPython's C API, and there is no CPython in this backend (hybrid binaries load on cpython, debug:cpython and trace:cpython)";

/** eval(expr) in CPython with `m` bound to the module: a primitive as a JavaScript value, anything else as its repr. */
function evaluate(b: Backend, m: Ref, expr: string): unknown {
  const builtins = b.importModule('builtins');
  const globals = b.newDict([[b.fromPrimitive('m'), m], [b.fromPrimitive('__builtins__'), builtins]]);
  const r = b.call(b.getattr(builtins, 'eval'), [b.fromPrimitive(expr), globals]);
  return ['none', 'bool', 'int', 'float', 'str', 'bytes'].includes(b.kind(r)) ? b.toPrimitive(r) : b.repr(r);
}

/** The error `expr` raises, as `Type: message`. */
function raised(b: Backend, m: Ref, expr: string): string {
  try {
    evaluate(b, m, expr);
  } catch (e) {
    if (e instanceof PythonError) return e.message;
    throw e;
  }
  throw new Error(`${expr} did not raise`);
}

describe('hybrid binaries', function () {
  this.timeout(120_000);
  let dir: string;
  let hybrid: string;
  let tag: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-hybrid-'));
    const python = findPython();
    tag = cpythonTag(python);
    hybrid = await buildHybrid(python, dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of ['cpython', 'debug:cpython']) {
    describe(`on ${name}`, () => {
      let b: Backend;
      let m: Ref;
      before(() => {
        b = createBackend(name);
        m = b.loadModule(hybrid);
      });
      after(() => b.close());

      it('runs a Legacy-shaped type: its HPy tp_new, method and member, and its legacy repr, method, members and getset', () => {
        expect(evaluate(b, m, 'repr(m.Point(3, -4))')).to.equal('Point(3, -4)');
        expect(evaluate(b, m, '[(p.x, p.y, p.y_ro, p.norm1(), p.sum_plus_1000) for p in [m.Point(3, -4)]][0]')).to.equal('(3, -4, -4, 7, 999)');
        expect(evaluate(b, m, '[(p.swap(), repr(p))[1] for p in [m.Point(3, -4)]][0]')).to.equal('Point(-4, 3)');
        expect(evaluate(b, m, '[(setattr(p, "x", 10), setattr(p, "y", 20), p.norm1())[2] for p in [m.Point()]][0]')).to.equal(30n);
        expect(raised(b, m, 'setattr(m.Point(), "y_ro", 1)')).to.match(/^AttributeError: /);
        expect(evaluate(b, m, 'm.Point.norm1.__doc__')).to.equal('|x| + |y| (CPython)');
        expect(evaluate(b, m, 'm.Point.__flags__ & (1 << 10) != 0')).to.equal(true);
      });

      it('takes the base a legacy spec names in its legacy slots (Py_tp_base)', () => {
        expect(evaluate(b, m, 'm.TaggedFloat.__mro__')).to.equal("(<class 'hybrid.TaggedFloat'>, <class 'float'>, <class 'object'>)");
        expect(evaluate(b, m, '[(setattr(f, "extra", 7), f + 1, f.extra)[1:] for f in [m.TaggedFloat(1.5)]][0]')).to.equal('(2.5, 7)');
      });

      it("runs the module's legacy_methods next to its HPy functions", () => {
        expect(evaluate(b, m, 'm.legacy_add(2, 40)')).to.equal(42n);
        expect(evaluate(b, m, 'm.legacy_len({"a": 1, "b": 2})')).to.equal(2n);
        expect(raised(b, m, 'm.legacy_len(5)')).to.equal('TypeError: legacy_len() needs a sequence or a mapping');
        expect(raised(b, m, 'm.legacy_add(1)')).to.match(/^TypeError: .*2 arguments/);
        expect(evaluate(b, m, 'm.legacy_add.__doc__')).to.equal('legacy_add(a, b) -> a + b (CPython)');
      });

      it('hands objects across with HPy_AsPyObject and HPy_FromPyObject, reference counts intact', () => {
        expect(evaluate(b, m, 'm.type_name(1.5)')).to.equal('float');
        expect(evaluate(b, m, 'm.type_name(m.Point())')).to.equal('hybrid.Point');
        expect(evaluate(b, m, 'm.py_pair(1, "a")')).to.equal("(1, 'a')");
        // A pair made and dropped leaves the count of what went through it as it was.
        expect(evaluate(b, m, '[sys.getrefcount(o) - before for sys in [__import__("sys")] for o in [object()] '
          + 'for before in [sys.getrefcount(o)] if m.py_pair(o, o) is not None][0]')).to.equal(0n);
      });

      it("refuses specs that break HPy's rules for legacy types, with HPy's messages", () => {
        expect(raised(b, m, 'm.make_bad("dealloc")')).to.equal('TypeError: legacy tp_dealloc is incompatible with HPy_tp_traverse or HPy_tp_destroy.');
        expect(raised(b, m, 'm.make_bad("shape")')).to.equal('TypeError: cannot specify .legacy_slots without setting .builtin_shape=HPyType_BuiltinShape_Legacy');
        expect(raised(b, m, 'm.make_bad("pure")')).to.equal('TypeError: A legacy type should not inherit its memory layout from a pure type');
      });

      it('refuses the two bases HPy accepts but this backend cannot lay out or tear down, saying why', () => {
        expect(raised(b, m, 'm.make_bad("dealloc_base")')).to.equal("TypeError: type 'hybrid.LegacySub': the base 'hybrid.OwnDealloc' "
          + 'has a legacy tp_dealloc; the cpython backend cannot chain its deallocation');
        expect(raised(b, m, 'm.make_bad("legacy_base")')).to.equal("TypeError: type 'hybrid.PureSub' has builtin_shape Object "
          + "but its HPy base 'hybrid.LegacyBase' has Legacy: the payloads would not line up");
      });

      if (name === 'debug:cpython') {
        it('finds no handle misuse in the HPy half', () => {
          const gen = b.debug!.newGeneration();
          evaluate(b, m, '(m.type_name(1), m.py_pair(1, 2), repr(m.Point(1, 2)), m.legacy_add(1, 2))');
          expect(b.debug!.checkLeaks(gen)).to.equal(0);
          expect(b.debug!.takeFindings()).to.deep.equal([]);
        });
      }
    });
  }

  it('on cpython, refuses one built for another CPython, before any of its code runs', () => {
    const other = path.join(dir, 'other', 'hybrid.hpy0-cp39.so');
    mkdirSync(path.dirname(other));
    copyFileSync(hybrid, other);
    const b = createBackend('cpython');
    try {
      expect(() => b.loadModule(other)).to.throw(LoadError,
        `${other}: a hybrid HPy binary built for cp39, but this backend runs ${tag}: CPython's C API differs between versions`);
    } finally {
      b.close();
    }
  });

  for (const name of ['reference', 'debug:reference']) {
    it(`on ${name}, is refused with one line that says why`, () => {
      const b = createBackend(name);
      try {
        expect(() => b.loadModule(hybrid)).to.throw(LoadError, `${hybrid}: a hybrid HPy binary (built for ${tag}): ${NO_CPYTHON}`);
      } finally {
        b.close();
      }
    });
  }

  it('on reference, under a universal name, is refused for the CPython functions it imports', async () => {
    // In a process of its own: here, the cpython tests' libpython would resolve those imports.
    const renamed = path.join(dir, 'renamed', 'hybrid.hpy0.so');
    mkdirSync(path.dirname(renamed));
    copyFileSync(hybrid, renamed);
    const r = await execa(process.execPath, ['bin/hpy-matrix.js', 'report', renamed, '--backend', 'reference', '--json'], { cwd: ROOT, reject: false });
    expect(r.exitCode, r.stderr).to.equal(1);
    const verdict = JSON.parse(r.stdout).backends[0].verdict;
    expect(verdict.status).to.equal('FAILS TO LOAD');
    expect(verdict.message).to.match(new RegExp(`^${renamed.replace(/[.]/g, '\\.')}: imports CPython's C API \\(_?Py\\w+\\), and there is no CPython in this backend`));
  });
});
