// Behaviour of the builtin types, and the `builtins` and `operator` modules, for one
// reference interpreter.
import type { Interp } from './interp.js';
import { hasIndex, intToDouble, Ops, RICHCMP_SYMBOLS } from './ops.js';
import {
  PyBuiltinFunction, PyBytes, PyDict, PyException, PyFloat, PyInt, PyIterator, PyList, PyModule, PyObject,
  PyRaise, PySlice, PyStr, PyTuple, PyType, type BinaryOp, type Kwargs,
} from './objects.js';
import { floatRepr, hashFloat, hashInt, hashString, hashTuple, reprBytes, reprStr } from './text.js';
import { installExceptions } from './exceptions.js';
import { installContextvars, installSys, installWarnings } from './modules.js';
import { assignSlice, deleteSlice, installSlice, sliceItems, SSIZE_MAX, SSIZE_MIN } from './slices.js';

export function installBuiltins(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;
  const cmp = (c: number, op: number): PyObject => {
    const r = [c < 0, c <= 0, c === 0, c !== 0, c > 0, c >= 0][op];
    return rt.bool(r);
  };
  const compareSeq = (a: readonly PyObject[], b: readonly PyObject[], op: number): PyObject => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!ops.eq(a[i], b[i])) {
        if (op === 2) return rt.False;
        if (op === 3) return rt.True;
        return ops.richcompare(a[i], b[i], op);
      }
    }
    return cmp(a.length - b.length, op);
  };

  // object
  rt.object.slots = {
    repr: (o) => rt.str(`<${o.type.tpName} object>`),
    hash: (o) => BigInt(identityHash(o)),
    richcompare: (a, b, op) => (op === 2 ? rt.bool(a === b) : op === 3 ? rt.bool(a !== b) : NI),
    new: (type, args, kw) => {
      if (type === rt.object && (args.length || (kw && kw.size))) throw rt.typeError('object() takes no arguments');
      const o = new PyObject(type);
      o.dict = new Map();
      return o;
    },
  };
  // Stable per-object hashes, like CPython's address-based ones.
  const identityHashes = new WeakMap<PyObject, number>();
  let lastIdentity = 0;
  const identityHash = (o: PyObject): number => {
    let h = identityHashes.get(o);
    if (h === undefined) identityHashes.set(o, (h = ++lastIdentity * 16));
    return h;
  };

  // type: calling a type constructs an instance
  rt.type.slots = {
    repr: (o) => rt.str(`<class '${(o as PyType).tpName}'>`),
    call: (self, args, kw) => {
      const type = self as PyType;
      if (type === rt.type) {
        if (args.length === 1 && !(kw && kw.size)) return args[0].type;
        // The object model has no classes made at run time: refused, rather than a broken type.
        throw rt.error('SystemError', 'type() with 3 arguments (a new class) is not supported by the reference backend');
      }
      const make = type.slot('new');
      if (!make) throw rt.typeError(`cannot create '${type.tpName}' instances`);
      const obj = make(type, args, kw);
      const init = obj.type.isSubtypeOf(type) ? obj.type.slot('init') : undefined;
      if (init) init(obj, args, kw);
      return obj;
    },
    getattr: (o, name) => {
      const type = o as PyType;
      switch (name) {
        case '__name__': return rt.str(type.name);
        case '__qualname__': return rt.str(type.name);
        case '__module__': return type.attrs.get('__module__') ?? rt.str(type.module);
        case '__mro__': return rt.tuple(type.mro);
        case '__bases__': return rt.tuple(type.bases.length ? type.bases : []);
        case '__base__': return type.base ?? rt.None;
        case '__doc__': return type.attrs.get('__doc__') ?? rt.None;
        default: return ops.genericGetattr(o, name);
      }
    },
  };

  // None, NotImplemented, Ellipsis
  t.NoneType.slots = { repr: () => rt.str('None'), bool: () => false, hash: () => 0xfcfcfcn };
  t.NotImplementedType.slots = { repr: () => rt.str('NotImplemented') };
  t.ellipsis.slots = { repr: () => rt.str('Ellipsis') };

  // int and bool
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
      if (b instanceof PyInt) return cmp(x < b.value ? -1 : x > b.value ? 1 : 0, op);
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

  // float
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
      return cmp(x < y ? -1 : x > y ? 1 : 0, op);
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

  // str
  // `kind` names the sequence in CPython's TypeError, `what` in its IndexError.
  const seqIndex = (len: number, key: PyObject, what: string, kind = what): number => {
    if (!hasIndex(key)) {
      throw rt.typeError(kind === 'string' ? `string indices must be integers, not '${key.type.name}'`
        : `${kind} indices must be integers or slices, not ${key.type.name}`);
    }
    const v = ops.index(key);
    if (v < SSIZE_MIN || v > SSIZE_MAX) throw rt.error('IndexError', `cannot fit '${key.type.name}' into an index-sized integer`);
    const i = v < 0n ? v + BigInt(len) : v;
    if (i < 0n || i >= BigInt(len)) throw rt.error('IndexError', `${what} index out of range`);
    return Number(i);
  };
  const repeatCount = (n: PyObject): number | null => (n instanceof PyInt ? Math.max(0, Number(n.value)) : null);
  t.str.slots = {
    repr: (o) => rt.str(reprStr((o as PyStr).value)),
    str: (o) => (o.type === t.str ? o : rt.str((o as PyStr).value)),
    hash: (o) => hashString((o as PyStr).value),
    len: (o) => (o as PyStr).length,
    richcompare: (a, b, op) => {
      if (!(b instanceof PyStr)) return NI;
      const x = (a as PyStr).value, y = b.value;
      return cmp(x === y ? 0 : compareCodePoints(x, y), op);
    },
    contains: (o, item) => {
      if (!(item instanceof PyStr)) throw rt.typeError(`'in <string>' requires string as left operand, not ${item.type.name}`);
      return (o as PyStr).value.includes(item.value);
    },
    getitem: (o, key) => {
      const cps = [...(o as PyStr).value];
      if (key instanceof PySlice) return rt.str(sliceItems(rt, ops, cps, key).join(''));
      return rt.str(cps[seqIndex(cps.length, key, 'string')]);
    },
    iter: (o) => rt.iterator([...(o as PyStr).value].map((c) => rt.str(c))[Symbol.iterator]()),
    number: {
      add: (a, b) => (a instanceof PyStr && b instanceof PyStr ? rt.str(a.value + b.value) : NI),
      mul: (a, b) => {
        const [s, n] = a instanceof PyStr ? [a, b] : [b, a];
        const k = repeatCount(n);
        return s instanceof PyStr && k !== null ? rt.str(s.value.repeat(k)) : NI;
      },
    },
    new: (_type, args, kw) => {
      rt.noKwargs('str', kw);
      rt.arity('str', args, 0, 1);
      return rt.str(args.length ? ops.str(args[0]) : '');
    },
  };

  // bytes
  t.bytes.slots = {
    repr: (o) => rt.str(reprBytes((o as PyBytes).value)),
    hash: (o) => hashString(Buffer.from((o as PyBytes).value).toString('latin1')),
    len: (o) => (o as PyBytes).value.length,
    richcompare: (a, b, op) => {
      if (!(b instanceof PyBytes)) return NI;
      return cmp(Buffer.compare((a as PyBytes).value, b.value), op);
    },
    getitem: (o, key) => {
      const v = (o as PyBytes).value;
      if (key instanceof PySlice) return rt.bytes(Uint8Array.from(sliceItems(rt, ops, [...v], key)));
      return rt.int(v[seqIndex(v.length, key, 'index', 'byte')]);
    },
    iter: (o) => rt.iterator([...(o as PyBytes).value].map((b) => rt.int(b))[Symbol.iterator]()),
    number: {
      add: (a, b) => (a instanceof PyBytes && b instanceof PyBytes
        ? rt.bytes(new Uint8Array([...a.value, ...b.value])) : NI),
    },
    new: (_type, args, kw) => {
      rt.noKwargs('bytes', kw);
      rt.arity('bytes', args, 0, 1);
      if (!args.length) return rt.bytes(new Uint8Array());
      const a = args[0];
      if (a instanceof PyStr) throw rt.typeError('string argument without an encoding');
      if (a instanceof PyInt) return rt.bytes(new Uint8Array(Number(a.value)));
      return rt.bytes(Uint8Array.from(ops.toArray(a).map((x) => {
        const v = ops.index(x);
        if (v < 0n || v > 255n) throw rt.error('ValueError', 'bytes must be in range(0, 256)');
        return Number(v);
      })));
    },
  };

  // tuple and list
  const seqRepr = (items: readonly PyObject[], open: string, close: string, single = '') =>
    rt.str(open + items.map((i) => ops.repr(i)).join(', ') + (items.length === 1 ? single : '') + close);
  const seqMul = (make: (items: PyObject[]) => PyObject, cls: typeof PyTuple | typeof PyList) => (a: PyObject, b: PyObject) => {
    const [s, n] = a instanceof cls ? [a, b] : [b, a];
    const k = repeatCount(n);
    if (!(s instanceof cls) || k === null) return NI;
    const out: PyObject[] = [];
    for (let i = 0; i < k; i++) out.push(...s.items);
    return make(out);
  };
  t.tuple.slots = {
    repr: (o) => seqRepr((o as PyTuple).items, '(', ')', ','),
    hash: (o) => hashTuple((o as PyTuple).items.map((i) => ops.hash(i))),
    len: (o) => (o as PyTuple).items.length,
    richcompare: (a, b, op) => (b instanceof PyTuple ? compareSeq((a as PyTuple).items, b.items, op) : NI),
    getitem: (o, key) => {
      const items = (o as PyTuple).items;
      if (key instanceof PySlice) return rt.tuple(sliceItems(rt, ops, items, key));
      return items[seqIndex(items.length, key, 'tuple')];
    },
    iter: (o) => rt.iterator((o as PyTuple).items[Symbol.iterator]()),
    number: {
      add: (a, b) => (a instanceof PyTuple && b instanceof PyTuple ? rt.tuple([...a.items, ...b.items]) : NI),
      mul: seqMul((items) => rt.tuple(items), PyTuple),
    },
    new: (_type, args, kw) => {
      rt.noKwargs('tuple', kw);
      rt.arity('tuple', args, 0, 1);
      return rt.tuple(args.length ? ops.toArray(args[0]) : []);
    },
  };
  // Mutable containers define __hash__ = None: without this they would inherit object's hash.
  const unhashable = (o: PyObject): bigint => { throw rt.typeError(`unhashable type: '${o.type.name}'`); };
  t.list.slots = {
    repr: (o) => seqRepr((o as PyList).items, '[', ']'),
    hash: unhashable,
    len: (o) => (o as PyList).items.length,
    richcompare: (a, b, op) => (b instanceof PyList ? compareSeq((a as PyList).items, b.items, op) : NI),
    getitem: (o, key) => {
      const items = (o as PyList).items;
      if (key instanceof PySlice) return rt.list(sliceItems(rt, ops, items, key));
      return items[seqIndex(items.length, key, 'list')];
    },
    setitem: (o, key, value) => {
      const items = (o as PyList).items;
      if (key instanceof PySlice) {
        if (!value) return deleteSlice(rt, ops, items, key);
        if (!value.type.slot('iter')) throw rt.typeError('can only assign an iterable');
        return assignSlice(rt, ops, items, key, ops.toArray(value));
      }
      const i = seqIndex(items.length, key, 'list assignment', 'list');
      if (value) items[i] = value;
      else items.splice(i, 1);
    },
    iter: (o) => {
      const l = o as PyList;
      let i = 0;
      return rt.iterator({ next: () => (i < l.items.length ? { value: l.items[i++], done: false } : { value: undefined, done: true }) });
    },
    number: {
      add: (a, b) => (a instanceof PyList && b instanceof PyList ? rt.list([...a.items, ...b.items]) : NI),
      mul: seqMul((items) => rt.list(items), PyList),
    },
    inplace: {
      add: (a, b) => {
        (a as PyList).items.push(...ops.toArray(b));
        return a;
      },
      mul: (a, b) => {
        const l = a as PyList;
        const n = b instanceof PyInt ? Number(b.value) : NaN;
        if (Number.isNaN(n)) return NI;
        l.items = n > 0 ? Array.from({ length: n }, () => l.items).flat() : [];
        return a;
      },
    },
    new: (_type, args, kw) => {
      rt.noKwargs('list', kw);
      rt.arity('list', args, 0, 1);
      return rt.list(args.length ? ops.toArray(args[0]) : []);
    },
  };
  t.list.attrs.set('insert', rt.builtinFunction('insert', (args) => {
    rt.arity('insert', args, 3);
    listInsert(args[0] as PyList, ops.index(args[1]), args[2]);
    return rt.None;
  }));
  t.list.attrs.set('append', rt.builtinFunction('append', (args) => {
    if (args.length !== 2) throw rt.typeError(`list.append() takes exactly one argument (${args.length - 1} given)`);
    (args[0] as PyList).items.push(args[1]);
    return rt.None;
  }));

  // dict
  const keyError = (k: PyObject) => new PyRaise(rt.newException(rt.excType('KeyError'), [k]));
  const dictUnion = (into: PyDict, from: PyDict) => {
    for (const [k, v] of [...from.entries.values()]) ops.dictSet(into, k, v);
    return into;
  };
  t.dict.slots = {
    hash: unhashable,
    number: {
      or: (a, b) => (a instanceof PyDict && b instanceof PyDict ? dictUnion(dictUnion(rt.dict(), a), b) : NI),
    },
    inplace: {
      or: (a, b) => (b instanceof PyDict ? dictUnion(a as PyDict, b) : NI),
    },
    repr: (o) => rt.str('{' + [...(o as PyDict).entries.values()].map(([k, v]) => `${ops.repr(k)}: ${ops.repr(v)}`).join(', ') + '}'),
    len: (o) => (o as PyDict).entries.size,
    getitem: (o, key) => {
      const v = ops.dictGet(o as PyDict, key);
      if (v === undefined) throw keyError(key);
      return v;
    },
    setitem: (o, key, value) => (value ? ops.dictSet(o as PyDict, key, value) : ops.dictDel(o as PyDict, key)),
    contains: (o, key) => ops.dictGet(o as PyDict, key) !== undefined,
    iter: (o) => rt.iterator([...(o as PyDict).entries.values()].map(([k]) => k)[Symbol.iterator]()),
    richcompare: (a, b, op) => {
      if (!(b instanceof PyDict) || op < 2 || op > 3) return NI;
      const da = a as PyDict;
      let same = da.entries.size === b.entries.size;
      if (same) {
        for (const [k, v] of da.entries.values()) {
          const w = ops.dictGet(b, k);
          if (w === undefined || !ops.eq(v, w)) { same = false; break; }
        }
      }
      return rt.bool(op === 2 ? same : !same);
    },
    new: (_type, args, kw) => {
      rt.arity('dict', args, 0, 1);
      const d = rt.dict();
      if (args.length) {
        if (args[0] instanceof PyDict) for (const [k, v] of args[0].entries.values()) ops.dictSet(d, k, v);
        else for (const pair of ops.toArray(args[0])) {
          const kv = ops.toArray(pair);
          if (kv.length !== 2) throw rt.error('ValueError', `dictionary update sequence element has length ${kv.length}; 2 is required`);
          ops.dictSet(d, kv[0], kv[1]);
        }
      }
      for (const [k, v] of kw ?? []) ops.dictSet(d, rt.str(k), v);
      return d;
    },
  };
  const dictMethod = (name: string, f: (d: PyDict, args: PyObject[]) => PyObject) =>
    t.dict.attrs.set(name, rt.builtinFunction(name, (args) => f(args[0] as PyDict, args.slice(1))));
  dictMethod('keys', (d) => rt.list([...d.entries.values()].map(([k]) => k)));
  dictMethod('values', (d) => rt.list([...d.entries.values()].map(([, v]) => v)));
  dictMethod('items', (d) => rt.list([...d.entries.values()].map(([k, v]) => rt.tuple([k, v]))));
  dictMethod('get', (d, a) => ops.dictGet(d, a[0]) ?? a[1] ?? rt.None);
  dictMethod('copy', (d) => {
    const c = rt.dict();
    for (const [k, v] of d.entries.values()) ops.dictSet(c, k, v);
    return c;
  });

  // module, functions, iterators
  t.module.slots = {
    repr: (o) => rt.str(`<module '${(o as PyModule).name}'>`),
    getattr: (o, name) => o.dict!.get(name) ?? (name === '__dict__' ? moduleDict(o as PyModule) : undefined),
  };
  const moduleDict = (m: PyModule) => {
    const d = rt.dict();
    for (const [k, v] of m.dict!) ops.dictSet(d, rt.str(k), v);
    return d;
  };
  t.builtin_function_or_method.slots = {
    repr: (o) => rt.str(`<built-in function ${(o as PyBuiltinFunction).name}>`),
    call: (o, args, kw) => (o as PyBuiltinFunction).fn(args, kw, o as PyBuiltinFunction),
    hash: (o) => BigInt(identityHash(o)),
  };
  t.iterator.slots = {
    iter: (o) => o,
    next: (o) => {
      const r = (o as PyIterator).source.next();
      return r.done ? undefined : r.value;
    },
  };

  // exceptions
  const base = rt.excType('BaseException');
  base.slots = {
    repr: (o) => {
      const e = o as PyException;
      const inner = e.args.items.length === 1 ? ops.repr(e.args.items[0]) : e.args.items.map((a) => ops.repr(a)).join(', ');
      return rt.str(`${e.type.name}(${inner})`);
    },
    str: (o) => {
      const items = (o as PyException).args.items;
      if (o.type.isSubtypeOf(rt.excType('KeyError')) && items.length === 1) return rt.str(ops.repr(items[0]));
      return rt.str(items.length === 0 ? '' : items.length === 1 ? ops.str(items[0]) : ops.repr((o as PyException).args));
    },
    getattr: (o, name) => (name === 'args' ? (o as PyException).args : ops.genericGetattr(o, name)),
    new: (type, args) => rt.newException(type, args),
  };

  installExceptions(rt, ops);
  installSlice(rt, ops);
  installModules(rt, ops);
  installWarnings(rt, ops);
  installSys(rt, ops);
  installContextvars(rt, ops);
}

/** list.insert / PyList_Insert: the index is clamped into the list, negative from the end. */
export function listInsert(l: PyList, where: bigint, item: PyObject): void {
  const n = BigInt(l.items.length);
  let i = where < 0n ? where + n : where;
  if (i < 0n) i = 0n;
  if (i > n) i = n;
  l.items.splice(Number(i), 0, item);
}

/** Compares strings by code point, as Python does (JS compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a], y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

function installModules(rt: Interp, ops: Ops): void {
  const builtins = rt.module('builtins');
  const def = (m: PyModule, name: string, fn: (args: PyObject[], kw: Kwargs) => PyObject) =>
    m.dict!.set(name, rt.builtinFunction(name, fn));
  const one = (name: string, f: (o: PyObject) => PyObject) => (args: PyObject[], kw: Kwargs) => {
    rt.noKwargs(name, kw);
    rt.arity(name, args, 1);
    return f(args[0]);
  };
  for (const [name, type] of Object.entries(rt.types)) {
    if (type.module === 'builtins') builtins.dict!.set(type.name === name ? name : type.name, type);
  }
  builtins.dict!.set('object', rt.object);
  builtins.dict!.set('type', rt.type);
  for (const [name, exc] of rt.exc) builtins.dict!.set(name, exc);
  builtins.dict!.set('None', rt.None);
  builtins.dict!.set('True', rt.True);
  builtins.dict!.set('False', rt.False);
  builtins.dict!.set('NotImplemented', rt.NotImplemented);
  builtins.dict!.set('Ellipsis', rt.Ellipsis);
  def(builtins, 'repr', one('repr', (o) => rt.str(ops.repr(o))));
  def(builtins, 'ascii', one('ascii', (o) => rt.str(ops.repr(o).replace(/[^\x00-\x7f]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : cp <= 0xffff
      ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
  }))));
  def(builtins, 'len', one('len', (o) => rt.int(ops.len(o))));
  def(builtins, 'hash', one('hash', (o) => rt.int(ops.hash(o))));
  def(builtins, 'abs', one('abs', (o) => ops.unary('abs', o)));
  def(builtins, 'iter', one('iter', (o) => ops.iter(o)));
  def(builtins, 'callable', one('callable', (o) => rt.bool(ops.callable(o))));
  def(builtins, 'next', (args) => {
    rt.arity('next', args, 1, 2);
    const v = ops.next(args[0]);
    if (v !== undefined) return v;
    if (args.length === 2) return args[1];
    throw new PyRaise(rt.newException(rt.excType('StopIteration'), []));
  });
  def(builtins, 'isinstance', (args, kw) => {
    rt.noKwargs('isinstance', kw);
    rt.arity('isinstance', args, 2);
    return rt.bool(ops.isinstance(args[0], args[1]));
  });
  def(builtins, 'issubclass', (args) => {
    rt.arity('issubclass', args, 2);
    const [a, b] = args;
    if (!(a instanceof PyType)) throw rt.typeError('issubclass() arg 1 must be a class');
    const classes = b instanceof PyTuple ? b.items : [b];
    return rt.bool(classes.some((c) => c instanceof PyType && a.isSubtypeOf(c)));
  });
  def(builtins, 'getattr', (args) => {
    rt.arity('getattr', args, 2, 3);
    if (!(args[1] instanceof PyStr)) throw rt.typeError('attribute name must be string');
    if (args.length === 3 && !ops.hasattr(args[0], args[1].value)) return args[2];
    return ops.getattr(args[0], args[1].value);
  });
  def(builtins, 'setattr', (args) => {
    rt.arity('setattr', args, 3);
    if (!(args[1] instanceof PyStr)) throw rt.typeError('attribute name must be string');
    ops.setattr(args[0], args[1].value, args[2]);
    return rt.None;
  });
  def(builtins, 'hasattr', (args) => {
    rt.arity('hasattr', args, 2);
    if (!(args[1] instanceof PyStr)) throw rt.typeError('attribute name must be string');
    return rt.bool(ops.hasattr(args[0], args[1].value));
  });
  def(builtins, 'divmod', (args) => {
    rt.arity('divmod', args, 2);
    return ops.binary('divmod', args[0], args[1]);
  });
  def(builtins, 'pow', (args) => {
    rt.arity('pow', args, 2, 3);
    return ops.power(args[0], args[1], args[2] ?? rt.None);
  });
  def(builtins, 'delattr', (args) => {
    rt.arity('delattr', args, 2);
    if (!(args[1] instanceof PyStr)) throw rt.typeError('attribute name must be string');
    ops.setattr(args[0], args[1].value, null);
    return rt.None;
  });
  rt.addModule('builtins', builtins);

  const operator = rt.module('operator');
  const binaries: Array<[string, BinaryOp]> = [['add', 'add'], ['sub', 'sub'], ['mul', 'mul'], ['matmul', 'matmul'],
    ['floordiv', 'floordiv'], ['truediv', 'truediv'], ['mod', 'mod'], ['pow', 'pow'], ['lshift', 'lshift'],
    ['rshift', 'rshift'], ['and_', 'and'], ['xor', 'xor'], ['or_', 'or']];
  for (const [name, op] of binaries) {
    def(operator, name, (args) => {
      rt.arity(name, args, 2);
      return ops.binary(op, args[0], args[1]);
    });
    const iname = `i${name.replace(/_$/, '')}`;
    def(operator, iname, (args) => {
      rt.arity(iname, args, 2);
      return ops.inplace(op, args[0], args[1]);
    });
  }
  RICHCMP_SYMBOLS.forEach((_, op) => {
    const name = ['lt', 'le', 'eq', 'ne', 'gt', 'ge'][op];
    def(operator, name, (args) => {
      rt.arity(name, args, 2);
      return ops.richcompare(args[0], args[1], op);
    });
  });
  def(operator, 'neg', one('neg', (o) => ops.unary('neg', o)));
  def(operator, 'pos', one('pos', (o) => ops.unary('pos', o)));
  def(operator, 'invert', one('invert', (o) => ops.unary('invert', o)));
  def(operator, 'index', one('index', (o) => rt.int(ops.index(o))));
  def(operator, 'not_', one('not_', (o) => rt.bool(!ops.truth(o))));
  def(operator, 'truth', one('truth', (o) => rt.bool(ops.truth(o))));
  def(operator, 'contains', (args) => {
    rt.arity('contains', args, 2);
    return rt.bool(ops.contains(args[0], args[1]));
  });
  def(operator, 'getitem', (args) => {
    rt.arity('getitem', args, 2);
    return ops.getitem(args[0], args[1]);
  });
  def(operator, 'setitem', (args) => {
    rt.arity('setitem', args, 3);
    ops.setitem(args[0], args[1], args[2]);
    return rt.None;
  });
  def(operator, 'delitem', (args) => {
    rt.arity('delitem', args, 2);
    ops.setitem(args[0], args[1], null);
    return rt.None;
  });
  def(operator, 'is_', (args) => rt.bool(args[0] === args[1]));
  def(operator, 'is_not', (args) => rt.bool(args[0] !== args[1]));
  rt.addModule('operator', operator);
}
