// Calling from C: HPy_Call with positional arguments and keyword names (vectorcall style),
// HPy_CallMethod with the receiver in args[0], HPy_CallTupleDict with a tuple and a dict (or
// NULL for either) and its argument checks, the CallMethodTupleDict helpers, calling
// non-callables, errors raised by the callee, and HPyCallable_Check. Messages from CPython 3.11.
import { expect } from 'chai';
import { loadExtension, py, raises, type PyProxy } from 'hpy-matrix/suite';

function raisesExactly(f: () => unknown, type: string, message: string): void {
  const e = raises(f);
  expect(`${e.type}: ${e.pyMessage}`).to.equal(`${type}: ${message}`);
}

describe('calls', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('calls.c');
  });

  describe('HPy_Call', () => {
    it('without arguments', () => {
      expect(py.repr(m.call(m.echo, [], null))).to.equal('((), {})');
    });
    it('with positional arguments', () => {
      expect(py.repr(m.call(m.echo, [1, 'a'], null))).to.equal("((1, 'a'), {})");
    });
    it('with keyword arguments only', () => {
      expect(py.repr(m.call(m.echo, [], { x: 1 }))).to.equal("((), {'x': 1})");
    });
    it('keyword values follow the positional ones, in the order of kwnames', () => {
      expect(py.repr(m.call(m.echo, [1], new Map([['y', 3], ['x', 2]])))).to.equal("((1,), {'y': 3, 'x': 2})");
    });
    it('an empty kwnames tuple means no keywords', () => {
      expect(py.repr(m.call_empty_kwnames(m.echo, [1]))).to.equal('((1,), {})');
    });
    it('calls a builtin function', () => {
      expect(m.call(py.len, [[1, 2, 3]], null)).to.equal(3);
    });
    it('calls a type', () => {
      expect(m.call(py.int, ['42'], null)).to.equal(42);
    });
    it('calls a JavaScript function with positional and keyword arguments', () => {
      const f = (a: number, b: number, kw: { scale: number }) => (a + b) * kw.scale;
      expect(m.call(f, [1, 2], { scale: 10 })).to.equal(30);
    });
    it('passes the very objects given', () => {
      const obj = py.list([]) as PyProxy;
      const r = m.call(m.echo, [obj], { k: obj }) as PyProxy;
      expect(py.is_(py.getitem(py.getitem(r, 0), 0), obj)).to.equal(true);
      expect(py.is_(py.getitem(py.getitem(r, 1), 'k'), obj)).to.equal(true);
    });
    it('a non-callable raises TypeError', () => {
      raisesExactly(() => m.call(1, [], null), 'TypeError', "'int' object is not callable");
    });
    it('an exception raised by the callee propagates', () => {
      const f = () => py.int('x');
      raisesExactly(() => m.call(f, [], null), 'ValueError', "invalid literal for int() with base 10: 'x'");
    });
    it("the callee's argument checks apply: too many arguments", () => {
      raisesExactly(() => m.call(py.len, [1, 2], null), 'TypeError', 'len() takes exactly one argument (2 given)');
    });
    it("the callee's argument checks apply: unexpected keywords", () => {
      raisesExactly(() => m.call(py.len, [], { obj: 1 }), 'TypeError', 'len() takes no keyword arguments');
    });
  });

  describe('HPy_CallMethod', () => {
    it('calls a method of the receiver in args[0]', () => {
      const l = py.list([1]) as PyProxy;
      expect(m.call_method('append', l, [2], null)).to.equal(undefined);
      expect(l.toJs()).to.deep.equal([1, 2]);
    });
    it('passes several positional arguments', () => {
      const l = py.list([1, 2]) as PyProxy;
      m.call_method('insert', l, [0, 'first'], null);
      expect(l.toJs()).to.deep.equal(['first', 1, 2]);
    });
    it('passes keyword arguments to a function found as an attribute', () => {
      expect(py.repr(m.call_method('echo', m, [1], { k: 2 }))).to.equal("((1,), {'k': 2})");
    });
    it('a missing method raises AttributeError', () => {
      raisesExactly(() => m.call_method('nope', py.list([]), [], null), 'AttributeError', "'list' object has no attribute 'nope'");
    });
    it('a name that is not a str raises TypeError', () => {
      raisesExactly(() => m.call_method(1, py.list([]), [], null), 'TypeError', "attribute name must be string, not 'int'");
    });
    it('an attribute that is not callable raises TypeError', () => {
      raisesExactly(() => m.call_method('__doc__', m, [], null), 'TypeError', "'str' object is not callable");
    });
    it("the method's own argument checks apply", () => {
      raisesExactly(() => m.call_method('append', py.list([]), [1, 2], null), 'TypeError', 'list.append() takes exactly one argument (2 given)');
    });
  });

  describe('HPy_CallTupleDict', () => {
    it('a tuple and no dict', () => {
      expect(py.repr(m.call_tuple_dict(m.echo, m.tuple_of([1, 2]), null))).to.equal('((1, 2), {})');
    });
    it('neither tuple nor dict', () => {
      expect(py.repr(m.call_tuple_dict(m.echo, null, null))).to.equal('((), {})');
    });
    it('a dict and no tuple', () => {
      expect(py.repr(m.call_tuple_dict(m.echo, null, { a: 1 }))).to.equal("((), {'a': 1})");
    });
    it('a tuple and a dict', () => {
      expect(py.repr(m.call_tuple_dict(m.echo, m.tuple_of(['x']), { a: 1, b: 2 }))).to.equal("(('x',), {'a': 1, 'b': 2})");
    });
    it('an empty tuple and an empty dict', () => {
      expect(py.repr(m.call_tuple_dict(m.echo, m.tuple_of([]), {}))).to.equal('((), {})');
    });
    it('args that are not a tuple raise TypeError', () => {
      raisesExactly(() => m.call_tuple_dict(m.echo, [1], null), 'TypeError', 'HPy_CallTupleDict requires args to be a tuple or null handle');
    });
    it('kw that is not a dict raises TypeError', () => {
      raisesExactly(() => m.call_tuple_dict(m.echo, null, [['a', 1]]), 'TypeError', 'HPy_CallTupleDict requires kw to be a dict or null handle');
    });
    it('a non-callable raises TypeError', () => {
      raisesExactly(() => m.call_tuple_dict('text', null, null), 'TypeError', "'str' object is not callable");
    });
    it('HPy_CallMethodTupleDict_s calls a method by C name', () => {
      const l = py.list(['b']) as PyProxy;
      m.method_tuple_dict_s('insert', l, m.tuple_of([0, 'a']), null);
      expect(l.toJs()).to.deep.equal(['a', 'b']);
    });
    it('HPy_CallMethodTupleDict calls a method by name object, with keywords', () => {
      expect(py.repr(m.method_tuple_dict('echo', m, m.tuple_of([1]), { z: 0 }))).to.equal("((1,), {'z': 0})");
    });
    it('HPy_CallMethodTupleDict_s with a missing method raises AttributeError', () => {
      raisesExactly(() => m.method_tuple_dict_s('nope', py.list([]), null, null), 'AttributeError', "'list' object has no attribute 'nope'");
    });
  });

  describe('HPyCallable_Check', () => {
    const CASES: Array<[string, () => unknown, number]> = [
      ['an HPy module function', () => m.echo, 1],
      ['a builtin function', () => py.len, 1],
      ['a type', () => py.int, 1],
      ['a JavaScript function', () => () => 0, 1],
      ['an int', () => 1, 0],
      ['a str', () => 'len', 0],
      ['a list', () => [], 0],
      ['None', () => null, 0],
      ['a module', () => m, 0],
    ];
    for (const [what, value, expected] of CASES) {
      it(`is ${expected} for ${what}`, () => expect(m.callable_check(value())).to.equal(expected));
    }
  });
});
