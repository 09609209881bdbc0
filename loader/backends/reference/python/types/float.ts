// `float`: C doubles with Python's repr, hash, floor division and modulo, and its parsing of str.
import type { Interp } from '../interp.js';
import { intToDouble, type Ops } from '../ops.js';
import { PyFloat, PyInt, PyStr, type PyObject } from '../objects.js';
import { floatRepr, hashFloat, reprStr } from '../text.js';
import { compareResult } from './shared.js';

export function installFloat(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;
  const zeroDiv = (what: string) => rt.error('ZeroDivisionError', what);
  const asDouble = (o: PyObject): number | null =>
    o instanceof PyFloat ? o.value : o instanceof PyInt ? intToDouble(rt, o.value) : null;
  const floatOp = (f: (a: number, b: number) => PyObject) => (a: PyObject, b: PyObject) => {
    const x = asDouble(a), y = asDouble(b);
    return x === null || y === null ? NI : f(x, y);
  };
  const floatFloorMod = (x: number, y: number): [number, number] => {
    if (y === 0) throw zeroDiv('float divmod()');
    let mod = x % y;
    if (mod && (y < 0) !== (mod < 0)) mod += y;
    const div = (x - mod) / y;
    return [Math.floor(div + 0.5) === div ? div : Math.floor(div), mod || (y < 0 ? -0 : 0)];
  };
  t.float.slots = {
    repr: (o) => rt.str(floatRepr((o as PyFloat).value)),
    hash: (o) => hashFloat((o as PyFloat).value),
    bool: (o) => (o as PyFloat).value !== 0,
    richcompare: (a, b, op) => {
      const x = (a as PyFloat).value;
      const y = asDouble(b);
      if (y === null) return NI;
      if (Number.isNaN(x) || Number.isNaN(y)) return rt.bool(op === 3);
      return compareResult(rt, x < y ? -1 : x > y ? 1 : 0, op);
    },
    number: {
      add: floatOp((x, y) => rt.float(x + y)),
      sub: floatOp((x, y) => rt.float(x - y)),
      mul: floatOp((x, y) => rt.float(x * y)),
      truediv: floatOp((x, y) => {
        if (y === 0) throw zeroDiv('float division by zero');
        return rt.float(x / y);
      }),
      floordiv: floatOp((x, y) => {
        if (y === 0) throw zeroDiv('float floor division by zero');
        return rt.float(floatFloorMod(x, y)[0]);
      }),
      mod: floatOp((x, y) => {
        if (y === 0) throw zeroDiv('float modulo');
        return rt.float(floatFloorMod(x, y)[1]);
      }),
      divmod: floatOp((x, y) => {
        const [d, m] = floatFloorMod(x, y);
        return rt.tuple([rt.float(d), rt.float(m)]);
      }),
      pow: floatOp((x, y) => {
        if (x === 0 && y < 0) throw zeroDiv('0.0 cannot be raised to a negative power');
        return rt.float(Math.pow(x, y));
      }),
    },
    // Three-argument pow is for ints only (two-argument pow goes through `number`).
    power: (a, b) => {
      if (asDouble(a) === null || asDouble(b) === null) return NI;
      throw rt.typeError('pow() 3rd argument not allowed unless all arguments are integers');
    },
    unary: {
      neg: (a) => rt.float(-(a as PyFloat).value),
      pos: (a) => rt.float((a as PyFloat).value),
      abs: (a) => rt.float(Math.abs((a as PyFloat).value)),
      float: (a) => rt.float((a as PyFloat).value),
      int: (a) => t.int.slots.new!(t.int, [a], null),
    },
    new: (_type, args, kw) => {
      rt.noKwargs('float', kw);
      rt.arity('float', args, 0, 1);
      if (!args.length) return rt.float(0);
      const a = args[0];
      if (a instanceof PyStr) {
        const s = a.value.trim().toLowerCase().replace(/_/g, '');
        const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity,
          infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, nan: NaN, '+nan': NaN, '-nan': NaN };
        if (s in special) return rt.float(special[s]);
        if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) {
          throw rt.error('ValueError', `could not convert string to float: ${reprStr(a.value)}`);
        }
        return rt.float(Number(s));
      }
      const u = a.type.slot('unary');
      if (!(a instanceof PyInt) && !(a instanceof PyFloat) && !u?.float && !u?.index) {
        throw rt.typeError(`float() argument must be a string or a real number, not '${a.type.tpName}'`);
      }
      return rt.float(ops.toDouble(a));
    },
  };
}
