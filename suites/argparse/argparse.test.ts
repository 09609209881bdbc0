// HPyArg_Parse, HPyArg_ParseKeywords and HPyArg_ParseKeywordsDict as HPy 0.9 documents them:
// every format unit (b B h H i I l k L K n f d p s O) with its range checks, `|`, `$`, `:name`
// and `;message`, positional-only names, trackers, and the parser's own errors. Conversion
// errors come from the context (HPy 0.9 on CPython 3.11: `l`/`L`/range-checked units go
// through PyLong_AsLongLong, `n` through PyLong_AsSsize_t, masks through
// PyLong_AsUnsignedLongLongMask, `f`/`d` through PyFloat_AsDouble).
import { expect } from 'chai';
import { loadExtension, py, raises, type PyProxy } from 'hpy-matrix/suite';

/** Asserts that f raises `type` with exactly `message` (one string, so a failure shows both). */
function raisesExactly(f: () => unknown, type: string, message: string): void {
  const e = raises(f);
  expect(`${e.type}: ${e.pyMessage}`).to.equal(`${type}: ${message}`);
}

const show = (v: unknown): string => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

// [unit, argument, result] or [unit, argument, exception type, message]
const UNITS: Array<[string, unknown, ...unknown[]]> = [
  ['b', 0, 0], ['b', 255, 255],
  ['b', 256, 'OverflowError', 'unit() unsigned byte integer is greater than maximum'],
  ['b', -1, 'OverflowError', 'unit() unsigned byte integer is less than minimum'],
  ['b', 1.5, 'TypeError', "'float' object cannot be interpreted as an integer"],
  ['b', 2n ** 63n, 'OverflowError', 'int too big to convert'],
  ['B', 257, 1], ['B', -1, 255], ['B', 2n ** 64n + 2n, 2],
  ['B', 'x', 'TypeError', "'str' object cannot be interpreted as an integer"],
  ['h', -32768, -32768], ['h', 32767, 32767],
  ['h', 32768, 'OverflowError', 'unit() signed short integer is greater than maximum'],
  ['h', -32769, 'OverflowError', 'unit() signed short integer is less than minimum'],
  ['H', 65537, 1], ['H', -1, 65535],
  ['i', 2 ** 31 - 1, 2 ** 31 - 1], ['i', -(2 ** 31), -(2 ** 31)],
  ['i', 2 ** 31, 'OverflowError', 'unit() signed integer is greater than maximum'],
  ['i', -(2 ** 31) - 1, 'OverflowError', 'unit() signed integer is less than minimum'],
  ['i', true, 1],
  ['I', 2 ** 32 + 1, 1], ['I', -1, 2 ** 32 - 1],
  ['l', -(2n ** 63n), -(2n ** 63n)],
  ['l', 2n ** 63n, 'OverflowError', 'int too big to convert'],
  ['l', null, 'TypeError', "'NoneType' object cannot be interpreted as an integer"],
  ['k', -1, 2n ** 64n - 1n], ['k', 2n ** 64n, 0],
  ['L', 2n ** 63n - 1n, 2n ** 63n - 1n],
  ['L', -(2n ** 63n) - 1n, 'OverflowError', 'int too big to convert'],
  ['K', 2n ** 64n + 5n, 5], ['K', -2, 2n ** 64n - 2n],
  ['n', 2n ** 63n - 1n, 2n ** 63n - 1n],
  ['n', 2n ** 63n, 'OverflowError', 'Python int too large to convert to C ssize_t'],
  ['n', 1.5, 'TypeError', 'an integer is required'],
  ['p', [], 0], ['p', [0], 1], ['p', 'x', 1], ['p', 0, 0], ['p', null, 0],
  ['s', 'héllo €', 'héllo €'], ['s', '', ''],
  ['s', 1, 'TypeError', 'unit() a str is required'],
  ['s', new Uint8Array([97]), 'TypeError', 'unit() a str is required'],
  ['s', 'a\0b', 'ValueError', 'unit() embedded null character'],
  ['s', '\ud800', 'SystemError', 'unit() unicode conversion error'],
  ['x', 1, 'SystemError', 'unit() unknown arg format code'],
];

// [unit, argument, repr of the result] or [unit, argument, exception type, message]
const FLOAT_UNITS: Array<[string, unknown, ...string[]]> = [
  ['f', 1.1, '1.100000023841858'], ['f', 3, '3.0'],
  ['f', 'x', 'TypeError', 'must be real number, not str'],
  ['d', 1.1, '1.1'], ['d', -7, '-7.0'], ['d', true, '1.0'],
  ['d', 2n ** 1024n, 'OverflowError', 'int too large to convert to float'],
  ['d', null, 'TypeError', 'must be real number, not NoneType'],
];

describe('argparse', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('argparse.c');
  });

  describe('HPyArg_Parse format units', () => {
    for (const [unit, arg, ...expected] of UNITS) {
      if (expected.length === 1) {
        it(`'${unit}' with ${show(arg)} gives ${show(expected[0])}`, () => expect(m.unit(unit, arg)).to.equal(expected[0]));
      } else {
        it(`'${unit}' with ${show(arg)} raises ${expected[0]}`, () => raisesExactly(() => m.unit(unit, arg), expected[0] as string, expected[1] as string));
      }
    }
    for (const [unit, arg, ...expected] of FLOAT_UNITS) {
      if (expected.length === 1) {
        it(`'${unit}' with ${show(arg)} gives ${expected[0]}`, () => expect(m.unit_repr(unit, arg)).to.equal(expected[0]));
      } else {
        it(`'${unit}' with ${show(arg)} raises ${expected[0]}`, () => raisesExactly(() => m.unit_repr(unit, arg), expected[0], expected[1]));
      }
    }
    it("'O' stores the argument itself", () => {
      const obj = m.unit('O', [1, 2]) as PyProxy;
      expect(obj.toJs()).to.deep.equal([1, 2]);
      const list = py.list([3]) as PyProxy;
      expect(py.is_(m.unit('O', list), list)).to.equal(true);
    });
  });

  describe('HPyArg_Parse argument counts', () => {
    it('a missing required argument raises TypeError', () => {
      raisesExactly(() => m.unit('i'), 'TypeError', 'unit() required positional argument missing');
    });
    it('too many arguments raise TypeError', () => {
      raisesExactly(() => m.unit('i', 1, 2), 'TypeError', 'unit() mismatched args (too many arguments for fmt)');
    });
    it("optional arguments after '|' keep their defaults when not given", () => {
      expect(m.optional(1).toJs()).to.deep.equal([1, 7, 8]);
      expect(m.optional(1, 2).toJs()).to.deep.equal([1, 2, 8]);
      expect(m.optional(1, 2, 3).toJs()).to.deep.equal([1, 2, 3]);
    });
    it("the required argument before '|' is still required", () => {
      raisesExactly(() => m.optional(), 'TypeError', 'optional() required positional argument missing');
    });
    it("too many arguments after '|'", () => {
      raisesExactly(() => m.optional(1, 2, 3, 4), 'TypeError', 'optional() mismatched args (too many arguments for fmt)');
    });
    it('several units in one format, with a tracker', () => {
      const obj = py.list([9]) as PyProxy;
      const r = m.mixed(1, obj, 'text', 2.5) as PyProxy;
      expect(py.repr(r)).to.equal("(1, [9], 'text', 2.5, 0)");
      expect(py.is_(py.getitem(r, 1), obj)).to.equal(true);
      expect(py.repr(m.mixed(-4, null, '', 2, [0]))).to.equal("(-4, None, '', 2.0, 1)");
    });
  });

  describe('":name" and ";message"', () => {
    it('without ":name" messages begin with "function"', () => {
      raisesExactly(() => m.anonymous(), 'TypeError', 'function required positional argument missing');
      raisesExactly(() => m.anonymous(1, 2, 3), 'TypeError', 'function mismatched args (too many arguments for fmt)');
    });
    it('without ":name" the parsed values are the same', () => {
      expect(m.anonymous(5).toJs()).to.deep.equal([5, 7]);
    });
    it('";message" replaces the message of a missing argument', () => {
      raisesExactly(() => m.custom_message(), 'TypeError', 'custom_message wants one small int');
    });
    it('";message" replaces the message of a range check', () => {
      raisesExactly(() => m.custom_message(2 ** 40), 'OverflowError', 'custom_message wants one small int');
    });
    it('";message" leaves the conversion errors of the context alone', () => {
      raisesExactly(() => m.custom_message('x'), 'TypeError', "'str' object cannot be interpreted as an integer");
    });
    it('";message" does not change a successful parse', () => {
      expect(m.custom_message(5)).to.equal(5);
    });
  });

  describe('HPyArg_ParseKeywords', () => {
    it('positional arguments fill the names in order', () => {
      expect(m.kw(1).toJs()).to.deep.equal([1, 2, 3]);
      expect(m.kw(1, 5).toJs()).to.deep.equal([1, 5, 3]);
    });
    it('keywords in any order', () => {
      expect(m.kw.callKwargs({ b: 4, a: 1 }).toJs()).to.deep.equal([1, 4, 3]);
    });
    it("a keyword-only argument after '$' by keyword", () => {
      expect(m.kw.callKwargs(1, { c: 9 }).toJs()).to.deep.equal([1, 2, 9]);
    });
    it("a keyword-only argument after '$' given positionally raises TypeError", () => {
      raisesExactly(() => m.kw(1, 2, 3), 'TypeError', 'kw() keyword only argument passed as positional argument');
    });
    it('a missing required argument raises TypeError', () => {
      raisesExactly(() => m.kw.callKwargs({ b: 1 }), 'TypeError', 'kw() no value for required argument');
      raisesExactly(() => m.kw(), 'TypeError', 'kw() no value for required argument');
    });
    it('unknown keyword arguments are ignored (HPy 0.9 does not check them)', () => {
      expect(m.kw.callKwargs(1, { zzz: 5 }).toJs()).to.deep.equal([1, 2, 3]);
    });
    it('conversion errors of keyword values propagate', () => {
      raisesExactly(() => m.kw.callKwargs(1, { b: 'x' }), 'TypeError', "'str' object cannot be interpreted as an integer");
    });
    it('an empty name makes a positional-only parameter', () => {
      expect(m.posonly(1, 2).toJs()).to.deep.equal([1, 2]);
      expect(m.posonly.callKwargs(1, { y: 2 }).toJs()).to.deep.equal([1, 2]);
    });
    it('a positional-only parameter cannot be given by keyword', () => {
      raisesExactly(() => m.posonly.callKwargs({ x: 1, y: 2 }), 'TypeError', 'posonly() no value for required argument');
    });
    it("'O' values by keyword are the objects passed, released by the tracker", () => {
      const a = py.list([1]) as PyProxy;
      const b = py.list([2]) as PyProxy;
      const r = m.kw_objects.callKwargs({ second: b, first: a }) as PyProxy;
      expect(py.is_(py.getitem(r, 0), a)).to.equal(true);
      expect(py.is_(py.getitem(r, 1), b)).to.equal(true);
      expect(py.repr(m.kw_objects(a))).to.equal('([1], None)');
    });
    it("'O' without a tracker is a SystemError", () => {
      raisesExactly(() => m.kw_object_no_tracker(1), 'SystemError',
        "kw_object_no_tracker() HPyArg_ParseKeywords cannot use the format character 'O' unless an HPyTracker is provided. Please supply an HPyTracker.");
    });
    it('more format units than names raises TypeError', () => {
      raisesExactly(() => m.too_few_names(1), 'TypeError', 'too_few_names() mismatched args (too few keywords for fmt)');
    });
    it('more names than format units raises TypeError', () => {
      raisesExactly(() => m.too_many_names(1), 'TypeError', 'too_many_names() mismatched args (too many keywords for fmt)');
    });
    it('an empty name after a named one is a SystemError', () => {
      raisesExactly(() => m.empty_name_late(1, 2), 'SystemError', 'empty_name_late() empty keyword parameter name');
    });
    it('keyword-only units of several kinds', () => {
      expect(py.repr(m.kw_units.callKwargs({ p: [1], s: 't', d: 2.5, i: 5 }))).to.equal("(5, 2.5, 't', 1)");
    });
    it('keyword-only units keep their defaults when not given', () => {
      expect(py.repr(m.kw_units())).to.equal("(0, 0.0, '', 0)");
    });
    it("'|$' makes every argument keyword-only", () => {
      raisesExactly(() => m.kw_units(1), 'TypeError', 'kw_units() keyword only argument passed as positional argument');
    });
    it("'s' by keyword checks for str", () => {
      raisesExactly(() => m.kw_units.callKwargs({ s: 3 }), 'TypeError', 'kw_units() a str is required');
    });
  });

  describe('HPyArg_ParseKeywordsDict', () => {
    it('positional arguments only, with a NULL dict', () => {
      expect(py.repr(m.dict_parse([1], null))).to.equal('(1, 2, None)');
    });
    it('values from the dict', () => {
      expect(py.repr(m.dict_parse([1], { b: 5, c: 'x' }))).to.equal("(1, 5, 'x')");
    });
    it('a required argument from the dict', () => {
      expect(py.repr(m.dict_parse([], { a: 1 }))).to.equal('(1, 2, None)');
    });
    it('a missing required argument raises TypeError', () => {
      raisesExactly(() => m.dict_parse([], {}), 'TypeError', 'dict_parse() no value for required argument');
    });
    it('unknown keys are ignored', () => {
      expect(py.repr(m.dict_parse([1], { zzz: 1 }))).to.equal('(1, 2, None)');
    });
    it("'O' from the dict is the object stored in it", () => {
      const obj = py.list([7]) as PyProxy;
      const r = m.dict_parse([1, 2], new Map([['c', obj]])) as PyProxy;
      expect(py.is_(py.getitem(r, 2), obj)).to.equal(true);
    });
    it('conversion errors of dict values propagate', () => {
      raisesExactly(() => m.dict_parse([1], { b: 1.5 }), 'TypeError', "'float' object cannot be interpreted as an integer");
    });
  });
});
