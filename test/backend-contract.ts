// The Backend contract as every backend over a real Python keeps it (cpython in this process,
// python:<interpreter> over a pipe): the same tests, run by each backend's test file.
import { expect } from 'chai';
import { PythonError, type Backend, type Primitive, type Ref } from '../loader/backend.js';

/** Adds the contract's tests to the calling describe; `backend()` gives the backend under test. */
export function backendContractTests(backend: () => Backend): void {
  let b: Backend;
  beforeEach(() => {
    b = backend();
  });
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
  // Through Python and back: an identity function of Python's.
  const roundTrip = (v: Primitive | null) => b.toPrimitive(b.call(run('lambda x: x'), [b.fromPrimitive(v)]));

  it('converts primitives both ways exactly, through Python', () => {
    expect(roundTrip(2n ** 200n)).to.equal(2n ** 200n);
    expect(roundTrip(-(2n ** 200n) - 1n)).to.equal(-(2n ** 200n) - 1n);
    expect(roundTrip(-(2n ** 63n))).to.equal(-(2n ** 63n));
    expect(roundTrip(42)).to.equal(42n);
    expect(Object.is(roundTrip(-0), -0)).to.equal(true);
    expect(roundTrip(1.5)).to.equal(1.5);
    expect(roundTrip(1.5e-300)).to.equal(1.5e-300);
    // Integral numbers are ints, as on every backend.
    expect(roundTrip(1e300)).to.equal(BigInt(1e300));
    expect(roundTrip(Infinity)).to.equal(Infinity);
    expect(roundTrip(-Infinity)).to.equal(-Infinity);
    expect(Number.isNaN(roundTrip(NaN))).to.equal(true);
    expect(roundTrip('nul\0 é 😀 \ud800 "\\\n')).to.equal('nul\0 é 😀 \ud800 "\\\n');
    expect(roundTrip(new Uint8Array([0, 255, 1, 10]))).to.deep.equal(new Uint8Array([0, 255, 1, 10]));
    expect([roundTrip(true), roundTrip(false), roundTrip(null), roundTrip(undefined)]).to.deep.equal([true, false, undefined, undefined]);
    expect(b.toPrimitive(run("'\\U0001F600' + chr(0xdc00)"))).to.equal('😀\udc00');
    expect(b.toPrimitive(run('2**53'))).to.equal(2n ** 53n);
    expect(b.toPrimitive(run('10**5000'))).to.equal(10n ** 5000n);
  });

  it('tells kinds by exact type', () => {
    const kinds = ['None', 'True', '1', '1.0', "'s'", "b'b'", '()', '[]', '{}', 'type("S", (str,), {})("x")', 'object()'].map((src) => b.kind(run(src)));
    expect(kinds).to.deep.equal(['none', 'bool', 'int', 'float', 'str', 'bytes', 'tuple', 'list', 'dict', 'other', 'other']);
    expect(() => b.toPrimitive(run('object()'))).to.throw(TypeError, "a 'object' object is not a primitive");
    expect(b.typeName(run('type("Mine", (), {})()'))).to.equal('Mine');
    expect([b.typeName(b.fromPrimitive(1.5)), b.typeName(b.fromPrimitive(null))]).to.deep.equal(['float', 'NoneType']);
  });

  it('builds containers and reads them back', () => {
    const one = b.fromPrimitive(1);
    const str = b.fromPrimitive('s');
    const t = b.newTuple([one, str]);
    expect(b.repr(t)).to.equal("(1, 's')");
    expect(b.repr(b.newList([t, one]))).to.equal("[(1, 's'), 1]");
    const d = b.newDict([[str, one]]);
    expect(b.repr(d)).to.equal("{'s': 1}");
    expect(b.entries(d).map(([k, v]) => [b.toPrimitive(k), b.toPrimitive(v)])).to.deep.equal([['s', 1n]]);
    expect(b.items(run('range(3)')).map((x) => b.toPrimitive(x))).to.deep.equal([0n, 1n, 2n]);
    expect(() => b.entries(t)).to.throw(TypeError, "a 'tuple' object is not a dict");
  });

  it('calls with keywords, and Python calls JavaScript with keywords, nested both ways', () => {
    const seen: string[] = [];
    const f = b.newFunction('jsf', (args, kwargs) => {
      seen.push(`${args.map((a) => b.repr(a)).join(',')};${kwargs.map(([k, v]) => `${k}=${b.repr(v)}`).join(',')}`);
      return b.fromPrimitive(args.length + kwargs.length);
    });
    expect(b.toPrimitive(b.call(f, [b.fromPrimitive(1)], [['x', b.fromPrimitive('y')]]))).to.equal(2n);
    expect(seen).to.deep.equal(["1;x='y'"]);
    // JavaScript -> Python -> JavaScript -> Python -> JavaScript.
    const inner = b.newFunction('inner', ([x]) => b.fromPrimitive((b.toPrimitive(x!) as bigint) * 10n));
    const apply = run('lambda g, x: g(x) + 1');
    const outer = b.newFunction('outer', ([x]) => b.call(apply, [inner, x!]));
    expect(b.toPrimitive(b.call(apply, [outer, b.fromPrimitive(4)]))).to.equal(42n);
    expect(b.repr(outer)).to.contain('outer');
    expect(b.callable(outer)).to.equal(true);
    expect(b.callable(b.fromPrimitive('x'))).to.equal(false);
  });

  it('turns a JavaScript error in a callback into RuntimeError and passes a PythonError through', () => {
    const bad = b.newFunction('bad', () => {
      throw new Error('boom');
    });
    expect(() => b.call(bad, [])).to.throw(PythonError, 'RuntimeError: JavaScript error: boom');
    const reraise = b.newFunction('reraise', () => b.call(run('int'), [b.fromPrimitive('x')]));
    const caught = run('lambda f: (lambda: f())');
    const e = (() => {
      try {
        b.call(b.call(caught, [reraise]), []);
      } catch (err) {
        return err as PythonError;
      }
      throw new Error('no exception');
    })();
    expect([e.type, e.pyMessage]).to.deep.equal(['ValueError', "invalid literal for int() with base 10: 'x'"]);
  });

  it('reports an exception with its chain, and hasattr propagates all but AttributeError', () => {
    try {
      run('exec("try:\\n  1/0\\nexcept Exception as e:\\n  raise KeyError(\'k\') from e")');
      expect.fail('no exception');
    } catch (e) {
      const err = e as PythonError;
      expect([err.type, err.pyMessage, err.chain]).to.deep.equal(['KeyError', "'k'", ['KeyError', 'ZeroDivisionError']]);
      expect(b.typeName(err.value!)).to.equal('KeyError');
    }
    expect(b.hasattr(b.importModule('sys'), 'nope')).to.equal(false);
    const raising = run('type("P", (), {"x": property(lambda self: 1 / 0)})()');
    expect(() => b.hasattr(raising, 'x')).to.throw(PythonError, 'ZeroDivisionError: division by zero');
    expect(() => b.importModule('no_such_module_here')).to.throw(PythonError, "ModuleNotFoundError: No module named 'no_such_module_here'");
  });

  it('sets and deletes attributes, and compares identity', () => {
    const o = run('type("O", (), {})()');
    b.setattr(o, 'x', b.fromPrimitive(5));
    expect(b.toPrimitive(b.getattr(o, 'x'))).to.equal(5n);
    b.setattr(o, 'x', null);
    expect(b.hasattr(o, 'x')).to.equal(false);
    expect(() => b.setattr(o, 'x', null)).to.throw(PythonError, /AttributeError/);
    const again = b.dup(o);
    expect(b.is(o, again)).to.equal(true);
    expect(b.is(b.fromPrimitive(null), run('None'))).to.equal(true);
    expect(b.is(o, run('object()'))).to.equal(false);
  });
}
