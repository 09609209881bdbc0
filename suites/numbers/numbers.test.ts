// The number protocol of the context: every binary operator (with the reflected operand and
// sequence fallbacks), the in-place operators, three-argument power, the unary operators and
// the Index/Long/Float protocol functions, HPyNumber_Check, and the int/float conversions at
// each C width with their overflow edges, exact error types and messages, and error values.
// Expected values were taken from CPython 3.11 (the conversions: HPy 0.9's CPython context,
// i.e. PyLong_As* plus HPy's own range checks for the 32-bit functions).
import { expect } from 'chai';
import { loadExtension, raises, type PyProxy } from 'hpy-matrix/suite';

type Case = [string, unknown, unknown, ...unknown[]];

/** Asserts that f raises `type` with exactly `message` (one string, so a failure shows both). */
function raisesExactly(f: () => unknown, type: unknown, message: unknown): void {
  const e = raises(f);
  expect(`${e.type}: ${e.pyMessage}`).to.equal(`${type}: ${message}`);
}
const show = (v: unknown): string => {
  if (typeof v === 'bigint') {
    const a = v < 0n ? -v : v;
    const bits = a.toString(2).length - 1;
    if (a > 2n ** 100n && a === 2n ** BigInt(bits)) return `${v < 0n ? '-' : ''}2**${bits}`;
    return `${v}n`;
  }
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${show(k)}: ${show(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
};

// [operator, a, b, repr of the result] or [operator, a, b, exception type, message]
const BINARY: Case[] = [
  ['Add', 18446744073709551616n, 1, "18446744073709551617"],
  ['Add', 1, 2.5, "3.5"],
  ['Add', "ab", "cd", "'abcd'"],
  ['Add', [1], [2], "[1, 2]"],
  ['Add', 1, "x", 'TypeError', "unsupported operand type(s) for +: 'int' and 'str'"],
  ['Add', true, true, "2"],
  ['Subtract', 5, 7, "-2"],
  ['Subtract', 0.5, 2, "-1.5"],
  ['Subtract', "a", "b", 'TypeError', "unsupported operand type(s) for -: 'str' and 'str'"],
  ['Multiply', 6, 7, "42"],
  ['Multiply', 3, "ab", "'ababab'"],
  ['Multiply', [0], 3, "[0, 0, 0]"],
  ['Multiply', 1099511627776, 1099511627776, "1208925819614629174706176"],
  ['Multiply', "a", "b", 'TypeError', "can't multiply sequence by non-int of type 'str'"],
  ['MatrixMultiply', 2, 3, 'TypeError', "unsupported operand type(s) for @: 'int' and 'int'"],
  ['FloorDivide', -7, 2, "-4"],
  ['FloorDivide', 7, -2.5, "-3.0"],
  ['FloorDivide', 1, 0, 'ZeroDivisionError', "integer division or modulo by zero"],
  ['FloorDivide', 1.5, 0, 'ZeroDivisionError', "float floor division by zero"],
  ['TrueDivide', 7, 2, "3.5"],
  ['TrueDivide', 1, 0, 'ZeroDivisionError', "division by zero"],
  ['TrueDivide', 2n ** 1100n, 3, 'OverflowError', "integer division result too large for a float"],
  ['TrueDivide', 1606938044258990275541962092341162602522202993782792835301377n, 1267650600228229401496703205383n, "1.2676506002282294e+30"],
  ['TrueDivide', -1180591620717411303424n, 3, "-3.935305402391371e+20"],
  ['TrueDivide', 2n ** 1100n, 2n ** 1000n, "1.2676506002282294e+30"],
  ['TrueDivide', "a", 1, 'TypeError', "unsupported operand type(s) for /: 'str' and 'int'"],
  ['Remainder', -7, 2, "1"],
  ['Remainder', 7, -2, "-1"],
  ['Remainder', 5.5, 2, "1.5"],
  ['Remainder', 1, 0, 'ZeroDivisionError', "integer modulo by zero"],
  ['Remainder', "%d items", 3, "'3 items'"],
  ['Divmod', -7, 2, "(-4, 1)"],
  ['Divmod', 7.5, 2, "(3.0, 1.5)"],
  ['Divmod', 1, 0, 'ZeroDivisionError', "integer division or modulo by zero"],
  ['Divmod', "a", 1, 'TypeError', "unsupported operand type(s) for divmod(): 'str' and 'int'"],
  ['Lshift', 1, 100, "1267650600228229401496703205376"],
  ['Lshift', 1, -1, 'ValueError', "negative shift count"],
  ['Lshift', 1.5, 1, 'TypeError', "unsupported operand type(s) for <<: 'float' and 'int'"],
  ['Rshift', -1, 10, "-1"],
  ['Rshift', 1180591620717411303424n, 68, "4"],
  ['And', 12, 10, "8"],
  ['And', true, false, "False"],
  ['And', -1, 1180591620717411303424n, "1180591620717411303424"],
  ['And', 1.5, 1, 'TypeError', "unsupported operand type(s) for &: 'float' and 'int'"],
  ['Xor', 12, 10, "6"],
  ['Xor', true, true, "False"],
  ['Or', 12, 10, "14"],
  ['Or', new Map([["a", 1]]), new Map([["b", 2]]), "{'a': 1, 'b': 2}"],
  ['Or', [1], [2], 'TypeError', "unsupported operand type(s) for |: 'list' and 'list'"],
];

// [operator, a, repr of the result] or [operator, a, exception type, message]
const UNARY: unknown[][] = [
  ['Negative', 5, "-5"],
  ['Negative', true, "-1"],
  ['Negative', -9223372036854775808n, "9223372036854775808"],
  ['Negative', "x", 'TypeError', "bad operand type for unary -: 'str'"],
  ['Positive', true, "1"],
  ['Positive', -2.5, "-2.5"],
  ['Positive', "x", 'TypeError', "bad operand type for unary +: 'str'"],
  ['Absolute', -18446744073709551616n, "18446744073709551616"],
  ['Absolute', -2.5, "2.5"],
  ['Absolute', "x", 'TypeError', "bad operand type for abs(): 'str'"],
  ['Invert', 5, "-6"],
  ['Invert', false, "-1"],
  ['Invert', 1.5, 'TypeError', "bad operand type for unary ~: 'float'"],
  ['Index', 7, "7"],
  ['Index', true, "1"],
  ['Index', 1.5, 'TypeError', "'float' object cannot be interpreted as an integer"],
  ['Index', "7", 'TypeError', "'str' object cannot be interpreted as an integer"],
  ['Long', true, "1"],
  ['Long', 3.99, "3"],
  ['Long', -3.99, "-3"],
  ['Long', " 42 ", "42"],
  ['Long', "0x10", 'ValueError', "invalid literal for int() with base 10: '0x10'"],
  ['Long', "x", 'ValueError', "invalid literal for int() with base 10: 'x'"],
  ['Long', null, 'TypeError', "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"],
  ['Long', Infinity, 'OverflowError', "cannot convert float infinity to integer"],
  ['Long', NaN, 'ValueError', "cannot convert float NaN to integer"],
  ['Long', 12345.678, "12345"],
  ['Float', 7, "7.0"],
  ['Float', true, "1.0"],
  ['Float', " 1.5 ", "1.5"],
  ['Float', "inf", "inf"],
  ['Float', "x", 'ValueError', "could not convert string to float: 'x'"],
  ['Float', 2n ** 1024n, 'OverflowError', "int too large to convert to float"],
  ['Float', null, 'TypeError', "float() argument must be a string or a real number, not 'NoneType'"],
  ['Float', [1], 'TypeError', "float() argument must be a string or a real number, not 'list'"],
];

// [operator, a, b, repr of the result, result is a] or [operator, a, b, exception type, message]
const INPLACE: Case[] = [
  ['Add', [1], [2], "[1, 2]", true],
  ['Add', 5, 1, "6", false],
  ['Add', "a", "b", "'ab'", false],
  ['Multiply', [1], 2, "[1, 1]", true],
  ['Subtract', 1.5, 1, "0.5", false],
  ['Or', new Map([["a", 1]]), new Map([["b", 2]]), "{'a': 1, 'b': 2}", true],
  ['FloorDivide', 7, 2, "3", false],
  ['TrueDivide', 7, 2, "3.5", false],
  ['Remainder', 7, 4, "3", false],
  ['Lshift', 1, 3, "8", false],
  ['Rshift', 16, 2, "4", false],
  ['And', 6, 3, "2", false],
  ['Xor', 6, 3, "5", false],
  ['MatrixMultiply', 1, 2, 'TypeError', "unsupported operand type(s) for @=: 'int' and 'int'"],
  ['Add', [1], "ab", "[1, 'a', 'b']", true],
  ['Add', [1], 5, 'TypeError', "'int' object is not iterable"],
];

// [a, b, modulus, repr of the result] or [a, b, modulus, exception type, message]
const POWER: unknown[][] = [
  [2, 10, null, "1024"],
  [2, -1, null, "0.5"],
  [0, -1, null, 'ZeroDivisionError', "0.0 cannot be raised to a negative power"],
  [3, 4, 5, "1"],
  [2, -1, 5, "3"],
  [2, 3, 0, 'ValueError', "pow() 3rd argument cannot be 0"],
  [2.5, 2, null, "6.25"],
  [2.5, 2, 3, 'TypeError', "pow() 3rd argument not allowed unless all arguments are integers"],
  [-8, 0.3333333333333333, null, "(1.0000000000000002+1.7320508075688772j)"],
  ["a", 2, null, 'TypeError', "unsupported operand type(s) for ** or pow(): 'str' and 'int'"],
  [2, 100, 18446744073709551616n, "0"],
];

// [conversion, x, repr of the value converted back] or [conversion, x, exception type, message]
const CONVERSIONS: unknown[][] = [
  ['Int32_t', 0, "0"],
  ['Int32_t', -1, "-1"],
  ['Int32_t', 2147483647, "2147483647"],
  ['Int32_t', -2147483648, "-2147483648"],
  ['Int32_t', 2147483648, 'OverflowError', "Python int too large to convert to C int32_t"],
  ['Int32_t', -2147483649, 'OverflowError', "Python int too large to convert to C int32_t"],
  ['Int32_t', 9223372036854775808n, 'OverflowError', "Python int too large to convert to C long"],
  ['Int32_t', 1.5, 'TypeError', "'float' object cannot be interpreted as an integer"],
  ['Int32_t', "x", 'TypeError', "'str' object cannot be interpreted as an integer"],
  ['Int32_t', true, "1"],
  ['UInt32_t', 0, "0"],
  ['UInt32_t', 4294967295, "4294967295"],
  ['UInt32_t', 4294967296, 'OverflowError', "Python int too large to convert to C uint32_t"],
  ['UInt32_t', -1, 'OverflowError', "can't convert negative value to unsigned int"],
  ['UInt32_t', 18446744073709551616n, 'OverflowError', "Python int too large to convert to C unsigned long"],
  ['UInt32_t', 1.5, 'TypeError', "an integer is required"],
  ['UInt32_t', false, "0"],
  ['UInt32_tMask', 4294967301, "5"],
  ['UInt32_tMask', -1, "4294967295"],
  ['UInt32_tMask', 1180591620717411303427n, "3"],
  ['UInt32_tMask', 1.5, 'TypeError', "'float' object cannot be interpreted as an integer"],
  ['Int64_t', 9223372036854775807n, "9223372036854775807"],
  ['Int64_t', -9223372036854775808n, "-9223372036854775808"],
  ['Int64_t', 9223372036854775808n, 'OverflowError', "int too big to convert"],
  ['Int64_t', -9223372036854775809n, 'OverflowError', "int too big to convert"],
  ['Int64_t', 1.5, 'TypeError', "'float' object cannot be interpreted as an integer"],
  ['Int64_t', null, 'TypeError', "'NoneType' object cannot be interpreted as an integer"],
  ['UInt64_t', 18446744073709551615n, "18446744073709551615"],
  ['UInt64_t', 18446744073709551616n, 'OverflowError', "int too big to convert"],
  ['UInt64_t', -1, 'OverflowError', "can't convert negative int to unsigned"],
  ['UInt64_t', "x", 'TypeError', "an integer is required"],
  ['UInt64_tMask', 18446744073709551623n, "7"],
  ['UInt64_tMask', -2, "18446744073709551614"],
  ['UInt64_tMask', -18446744073709551616n, "0"],
  ['UInt64_tMask', 1.5, 'TypeError', "'float' object cannot be interpreted as an integer"],
  ['Size_t', 18446744073709551615n, "18446744073709551615"],
  ['Size_t', 18446744073709551616n, 'OverflowError', "Python int too large to convert to C size_t"],
  ['Size_t', -1, 'OverflowError', "can't convert negative value to size_t"],
  ['Size_t', 1.5, 'TypeError', "an integer is required"],
  ['Ssize_t', 9223372036854775807n, "9223372036854775807"],
  ['Ssize_t', -9223372036854775808n, "-9223372036854775808"],
  ['Ssize_t', 9223372036854775808n, 'OverflowError', "Python int too large to convert to C ssize_t"],
  ['Ssize_t', -9223372036854775809n, 'OverflowError', "Python int too large to convert to C ssize_t"],
  ['Ssize_t', 1.5, 'TypeError', "an integer is required"],
  ['Long', -9223372036854775808n, "-9223372036854775808"],
  ['Long', 9223372036854775808n, 'OverflowError', "int too big to convert"],
  ['UnsignedLong', 18446744073709551615n, "18446744073709551615"],
  ['UnsignedLong', -1, 'OverflowError', "can't convert negative int to unsigned"],
  ['UnsignedLongMask', -1, "18446744073709551615"],
  ['LongLong', 9223372036854775807n, "9223372036854775807"],
  ['LongLong', -9223372036854775809n, 'OverflowError', "int too big to convert"],
  ['UnsignedLongLong', 18446744073709551615n, "18446744073709551615"],
  ['UnsignedLongLong', 18446744073709551616n, 'OverflowError', "int too big to convert"],
  ['UnsignedLongLongMask', 36893488147419103233n, "1"],
  ['VoidPtr', 0, "0"],
  ['VoidPtr', 18446744073709551615n, "18446744073709551615"],
  ['VoidPtr', -1, "18446744073709551615"],
  ['VoidPtr', 18446744073709551616n, 'OverflowError', "Python int too large to convert to C unsigned long"],
  ['Double', 9007199254740993n, "9007199254740992.0"],
  ['Double', -3, "-3.0"],
  ['Double', 2n ** 1024n, 'OverflowError', "int too large to convert to float"],
  ['Double', 1.5, 'TypeError', "an integer is required"],
  ['Float_AsDouble', 1.5, "1.5"],
  ['Float_AsDouble', 7, "7.0"],
  ['Float_AsDouble', 2n ** 1024n, 'OverflowError', "int too large to convert to float"],
  ['Float_AsDouble', "x", 'TypeError', "must be real number, not str"],
  ['Float_AsDouble', null, 'TypeError', "must be real number, not NoneType"],
];

describe('numbers', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('numbers.c');
  });

  describe('binary operators', () => {
    for (const [op, a, b, ...expected] of BINARY) {
      if (expected.length === 1) {
        it(`HPy_${op}(${show(a)}, ${show(b)}) is ${expected[0]}`, () => {
          expect(m.binary(op, a, b)).to.equal(expected[0]);
        });
      } else {
        it(`HPy_${op}(${show(a)}, ${show(b)}) raises ${expected[0]}`, () => {
          raisesExactly(() => m.binary(op, a, b), expected[0], expected[1]);
        });
      }
    }
  });

  describe('in-place operators', () => {
    for (const [op, a, b, ...expected] of INPLACE) {
      if (expected.length === 2 && typeof expected[1] === 'boolean') {
        const same = expected[1] ? 'the same object' : 'a new object';
        it(`HPy_InPlace${op}(${show(a)}, ${show(b)}) is ${expected[0]}, ${same}`, () => {
          expect(m.inplace(op, a, b).toJs()).to.deep.equal(expected);
        });
      } else {
        it(`HPy_InPlace${op}(${show(a)}, ${show(b)}) raises ${expected[0]}`, () => {
          raisesExactly(() => m.inplace(op, a, b), expected[0], expected[1]);
        });
      }
    }
  });

  describe('HPy_Power and HPy_InPlacePower', () => {
    for (const [a, b, mod, ...expected] of POWER) {
      const title = `HPy_Power(${show(a)}, ${show(b)}, ${mod === null ? 'None' : show(mod)})`;
      if (expected.length === 1) {
        it(`${title} is ${expected[0]}`, () => expect(m.power(a, b, mod)).to.equal(expected[0]));
      } else {
        it(`${title} raises ${expected[0]}`, () => raisesExactly(() => m.power(a, b, mod), expected[0], expected[1]));
      }
    }
    it('HPy_InPlacePower(2, 10, None) is 1024, a new object', () => {
      expect(m.inplace_power(2, 10, null).toJs()).to.deep.equal(['1024', false]);
    });
    it('HPy_InPlacePower(3, 4, 5) uses the modulus', () => {
      expect(m.inplace_power(3, 4, 5).toJs()).to.deep.equal(['1', false]);
    });
  });

  describe('unary operators and the Index/Long/Float protocol', () => {
    for (const [op, a, ...expected] of UNARY) {
      if (expected.length === 1) {
        it(`HPy_${op}(${show(a)}) is ${expected[0]}`, () => expect(m.unary(op, a)).to.equal(expected[0]));
      } else {
        it(`HPy_${op}(${show(a)}) raises ${expected[0]}`, () => raisesExactly(() => m.unary(op, a), expected[0], expected[1]));
      }
    }
  });

  describe('HPyNumber_Check', () => {
    it('is 1 for int, float and bool', () => {
      expect([m.number_check(1), m.number_check(1.5), m.number_check(true)]).to.deep.equal([1, 1, 1]);
    });
    it('is 0 for str, list, None, dict and bytes', () => {
      const values = ['1', [1], null, new Map(), new Uint8Array([49])];
      expect(values.map((v) => m.number_check(v))).to.deep.equal([0, 0, 0, 0, 0]);
    });
  });

  describe('conversions to C', () => {
    for (const [kind, x, ...expected] of CONVERSIONS) {
      if (expected.length === 1) {
        it(`HPyLong_As${kind}(${show(x)}) gives ${expected[0]}`, () => expect(m.as_c(kind, x)).to.equal(expected[0]));
      } else {
        it(`HPyLong_As${kind}(${show(x)}) raises ${expected[0]}`, () => raisesExactly(() => m.as_c(kind, x), expected[0], expected[1]));
      }
    }
  });

  describe('error values of the conversions', () => {
    const ERRORS: Array<[string, unknown, string]> = [
      ['Int32_t', 2 ** 31, '-1'], ['UInt32_t', -1, '4294967295'], ['UInt32_tMask', 'x', '4294967295'],
      ['Int64_t', 2n ** 63n, '-1'], ['UInt64_t', -1, '18446744073709551615'],
      ['UInt64_tMask', 'x', '18446744073709551615'], ['Size_t', -1, '18446744073709551615'],
      ['Ssize_t', 2n ** 63n, '-1'], ['VoidPtr', 2n ** 64n, '0'], ['Double', 'x', '-1.0'], ['Float_AsDouble', 'x', '-1.0'],
    ];
    for (const [kind, x, value] of ERRORS) {
      it(`HPyLong_As${kind} returns ${value} with an exception set`, () => expect(m.error_value(kind, x)).to.equal(value));
    }
    it('-1 is a valid result when no exception is set', () => {
      expect([m.error_value('Int32_t', -1), m.error_value('Int64_t', -1), m.error_value('Ssize_t', -1)]).to.deep.equal([undefined, undefined, undefined]);
    });
  });

  describe('conversions from C', () => {
    const EXTREMES: Array<[string, unknown, unknown]> = [
      ['Int32_t', -(2 ** 31), 2 ** 31 - 1], ['UInt32_t', 0, 2 ** 32 - 1], ['Int64_t', -(2n ** 63n), 2n ** 63n - 1n],
      ['UInt64_t', 0, 2n ** 64n - 1n], ['Size_t', 0, 2n ** 64n - 1n], ['Ssize_t', -(2n ** 63n), 2n ** 63n - 1n],
      ['Long', -(2n ** 63n), 2n ** 63n - 1n], ['UnsignedLong', 0, 2n ** 64n - 1n], ['LongLong', -(2n ** 63n), 2n ** 63n - 1n],
      ['UnsignedLongLong', 0, 2n ** 64n - 1n],
    ];
    for (const [kind, lo, hi] of EXTREMES) {
      it(`HPyLong_From${kind} keeps the extremes of its C type`, () => expect(m.from_c(kind).toJs()).to.deep.equal([lo, hi]));
    }
    it('HPyFloat_FromDouble keeps infinities, NaN, negative zero and denormals', () => {
      expect(m.special_floats().toJs()).to.deep.equal(['inf', '-inf', 'nan', '-0.0', 'inf', '5e-324', '2.0']);
    });
    it('HPyBool_FromLong and HPyBool_FromBool give the True and False singletons', () => {
      expect(m.bools()).to.equal(true);
    });
  });
});
