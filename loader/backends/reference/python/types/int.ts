// `int` and `bool`: arbitrary-precision integers with Python's floor division, modulo, true
// division rounded once, and modular power.
import type { Interp } from '../interp.js';
import { intToDouble, type Ops } from '../ops.js';
import { PyFloat, PyInt, PyStr, type BinaryOp, type PyObject } from '../objects.js';
import { hashInt, reprStr } from '../text.js';
import { compareResult } from './shared.js';

export function installInt(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;
  const asInt = (o: PyObject): bigint | null => (o instanceof PyInt ? o.value : null);
  const intOp = (f: (a: bigint, b: bigint) => PyObject) => (a: PyObject, b: PyObject) => {
    const x = asInt(a), y = asInt(b);
    return x === null || y === null ? NI : f(x, y);
  };
  const zeroDiv = (what: string) => rt.error('ZeroDivisionError', what);
  const floorDiv = (x: bigint, y: bigint) => {
    const q = x / y;
    return (x % y !== 0n && (x < 0n) !== (y < 0n)) ? q - 1n : q;
  };
  /** x / y for ints of any size, rounded once (CPython's long_true_divide), not via two doubles. */
  const intTrueDivide = (x: bigint, y: bigint): number => {
    const ax = x < 0n ? -x : x, ay = y < 0n ? -y : y;
    if (ax <= 2n ** 53n && ay <= 2n ** 53n) return Number(x) / Number(y);
    const bits = (v: bigint) => v.toString(2).length;
    // A quotient of 55+ bits plus a sticky bit for any remainder rounds correctly to 53 bits.
    const shift = bits(ax) - bits(ay) - 55;
    const [n, d] = shift >= 0 ? [ax, ay << BigInt(shift)] : [ax << BigInt(-shift), ay];
    let q = n / d;
    if (n % d !== 0n) q |= 1n;
    const half = Math.trunc(shift / 2);
    const v = Number(q) * 2 ** half * 2 ** (shift - half);
    if (!Number.isFinite(v)) throw rt.error('OverflowError', 'integer division result too large for a float');
    return (x < 0n) !== (y < 0n) ? -v : v;
  };
  const intNumber: Partial<Record<BinaryOp, (a: PyObject, b: PyObject) => PyObject>> = {
    add: intOp((x, y) => rt.int(x + y)),
    sub: intOp((x, y) => rt.int(x - y)),
    mul: intOp((x, y) => rt.int(x * y)),
    floordiv: intOp((x, y) => {
      if (y === 0n) throw zeroDiv('integer division or modulo by zero');
      return rt.int(floorDiv(x, y));
    }),
    mod: intOp((x, y) => {
      if (y === 0n) throw zeroDiv('integer modulo by zero');
      return rt.int(x - floorDiv(x, y) * y);
    }),
    divmod: intOp((x, y) => {
      if (y === 0n) throw zeroDiv('integer division or modulo by zero');
      const q = floorDiv(x, y);
      return rt.tuple([rt.int(q), rt.int(x - q * y)]);
    }),
    truediv: intOp((x, y) => {
      if (y === 0n) throw zeroDiv('division by zero');
      return rt.float(intTrueDivide(x, y));
    }),
    pow: intOp((x, y) => {
      if (y >= 0n) return rt.int(x ** y);
      // A negative exponent makes it a float power, with float's error for a zero base.
      if (x === 0n) throw zeroDiv('0.0 cannot be raised to a negative power');
      return rt.float(Math.pow(intToDouble(rt, x), Number(y)));
    }),
    lshift: intOp((x, y) => {
      if (y < 0n) throw rt.error('ValueError', 'negative shift count');
      return rt.int(x << y);
    }),
    rshift: intOp((x, y) => {
      if (y < 0n) throw rt.error('ValueError', 'negative shift count');
      return rt.int(x >> y);
    }),
    and: intOp((x, y) => rt.int(x & y)),
    or: intOp((x, y) => rt.int(x | y)),
    xor: intOp((x, y) => rt.int(x ^ y)),
  };
  const modInverse = (a: bigint, m: bigint): bigint => {
    let [r0, r1, s0, s1] = [a, m, 1n, 0n];
    while (r1 !== 0n) {
      const q = r0 / r1;
      [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
    }
    if (r0 !== 1n) throw rt.error('ValueError', 'base is not invertible for the given modulus');
    return ((s0 % m) + m) % m;
  };
  t.int.slots = {
    repr: (o) => rt.str((o as PyInt).value.toString()),
    hash: (o) => hashInt((o as PyInt).value),
    bool: (o) => (o as PyInt).value !== 0n,
    richcompare: (a, b, op) => {
      const x = (a as PyInt).value;
      if (b instanceof PyInt) return compareResult(rt, x < b.value ? -1 : x > b.value ? 1 : 0, op);
      return NI;
    },
    number: intNumber,
    power: (a, b, m) => {
      const x = asInt(a), y = asInt(b), z = asInt(m);
      if (x === null || y === null || z === null) return NI;
      if (z === 0n) throw rt.error('ValueError', 'pow() 3rd argument cannot be 0');
      const mz = z < 0n ? -z : z;
      let base = ((x % mz) + mz) % mz, e = y;
      if (e < 0n) {
        base = modInverse(base, mz);
        e = -e;
      }
      let r = 1n % mz;
      for (; e > 0n; e >>= 1n, base = (base * base) % mz) if (e & 1n) r = (r * base) % mz;
      // Python's result takes the sign of the modulus.
      return rt.int(r !== 0n && z < 0n ? r - mz : r);
    },
    unary: {
      neg: (a) => rt.int(-(a as PyInt).value),
      pos: (a) => rt.int((a as PyInt).value),
      abs: (a) => rt.int((a as PyInt).value < 0n ? -(a as PyInt).value : (a as PyInt).value),
      invert: (a) => rt.int(~(a as PyInt).value),
      index: (a) => rt.int((a as PyInt).value),
      int: (a) => rt.int((a as PyInt).value),
      float: (a) => rt.float(intToDouble(rt, (a as PyInt).value)),
    },
    new: (_type, args, kw) => {
      rt.noKwargs('int', kw);
      rt.arity('int', args, 0, 1);
      if (!args.length) return rt.int(0n);
      const a = args[0];
      if (a instanceof PyStr) {
        const s = a.value.trim().replace(/_/g, '');
        if (!/^[+-]?\d+$/.test(s)) throw rt.error('ValueError', `invalid literal for int() with base 10: ${reprStr(a.value)}`);
        return rt.int(BigInt(s));
      }
      if (a instanceof PyFloat) {
        if (!Number.isFinite(a.value)) {
          throw rt.error(Number.isNaN(a.value) ? 'ValueError' : 'OverflowError',
            Number.isNaN(a.value) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
        }
        return rt.int(BigInt(Math.trunc(a.value)));
      }
      return ops.unary('int', a);
    },
  };
  // &, | and ^ of two bools give a bool; anything else is int arithmetic.
  const boolOp = (op: 'and' | 'or' | 'xor') => (a: PyObject, b: PyObject) => {
    if (a.type === t.bool && b.type === t.bool) {
      const x = (a as PyInt).value !== 0n, y = (b as PyInt).value !== 0n;
      return rt.bool(op === 'and' ? x && y : op === 'or' ? x || y : x !== y);
    }
    return intNumber[op]!(a, b);
  };
  t.bool.slots = {
    repr: (o) => rt.str((o as PyInt).value ? 'True' : 'False'),
    number: { ...intNumber, and: boolOp('and'), or: boolOp('or'), xor: boolOp('xor') },
    new: (_type, args, kw) => {
      rt.noKwargs('bool', kw);
      rt.arity('bool', args, 0, 1);
      return rt.bool(args.length ? ops.truth(args[0]) : false);
    },
  };
}
