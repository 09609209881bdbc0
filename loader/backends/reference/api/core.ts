// Context functions of the reference backend: handles, objects, numbers, errors.
import { ENUMS } from '../../../abi/abi.generated.js';
import type { Pointer } from '../../../native-memory.js';
import type { ApiTable, ReferenceContext } from '../hpy/context.js';
import { readHandles } from '../hpy/handles.js';
import { PyDict, PyFloat, PyInt, PyRaise, PyStr, PyTuple, PyType, type BinaryOp, type Kwargs, type PyObject } from '../python/objects.js';

/** koffi takes a number for a 64-bit result when it is exact, a bigint otherwise. */
const SAFE = 2n ** 53n;
const I32 = [-(1n << 31n), (1n << 31n) - 1n] as const;
const U32 = [0n, (1n << 32n) - 1n] as const;
const I64 = [-(1n << 63n), (1n << 63n) - 1n] as const;
const U64 = [0n, (1n << 64n) - 1n] as const;

export function coreApi(c: ReferenceContext): ApiTable {
  const { rt, ops } = c;
  const o = (h: number) => c.obj(h);
  const ret = (x: PyObject) => c.open(x);

  /**
   * The conversions of HPy 0.9's CPython context: which PyLong_As* function each one calls
   * decides whether __index__ is used (signed and mask conversions) or only ints are accepted
   * (unsigned and size conversions), and the OverflowError message; the 32-bit conversions add
   * HPy's own range check after the C long one.
   */
  const OVERFLOW_LONG = 'Python int too large to convert to C long';
  const exactInt = (h: number): bigint => {
    const x = o(h);
    if (!(x instanceof PyInt)) throw rt.typeError('an integer is required');
    return x.value;
  };
  const signed = (v: bigint, range: readonly [bigint, bigint], message: string): bigint => {
    if (v < range[0] || v > range[1]) throw rt.error('OverflowError', message);
    return v;
  };
  const unsigned = (v: bigint, max: bigint, negative: string, message: string): bigint => {
    if (v < 0n) throw rt.error('OverflowError', negative);
    if (v > max) throw rt.error('OverflowError', message);
    return v;
  };
  const asInt32 = (h: number) =>
    signed(signed(ops.index(o(h)), I64, OVERFLOW_LONG), I32, 'Python int too large to convert to C int32_t');
  const asUInt32 = (h: number) => {
    const v = unsigned(exactInt(h), U64[1], `can't convert negative value to unsigned int`, 'Python int too large to convert to C unsigned long');
    return unsigned(v, U32[1], '', 'Python int too large to convert to C uint32_t');
  };
  const asInt64 = (h: number) => signed(ops.index(o(h)), I64, 'int too big to convert');
  const asUInt64 = (h: number) => unsigned(exactInt(h), U64[1], `can't convert negative int to unsigned`, 'int too big to convert');
  const asSize = (h: number) => unsigned(exactInt(h), U64[1], `can't convert negative value to size_t`, 'Python int too large to convert to C size_t');
  const asSsize = (h: number) => signed(exactInt(h), I64, 'Python int too large to convert to C ssize_t');
  /** PyLong_AsVoidPtr: a negative int through PyLong_AsLong (two's complement), else as unsigned long. */
  const asVoidPtr = (h: number) => {
    const v = exactInt(h);
    if (v < 0n) return BigInt.asUintN(64, signed(v, I64, OVERFLOW_LONG));
    return unsigned(v, U64[1], '', 'Python int too large to convert to C unsigned long');
  };
  const asMask = (h: number, bits: bigint): bigint => BigInt.asUintN(Number(bits), ops.index(o(h)));
  const num = (v: bigint): number | bigint => (v >= -SAFE && v <= SAFE ? Number(v) : v);
  const binary = (op: BinaryOp) => (a: number, b: number) => ret(ops.binary(op, o(a), o(b)));
  const kwargsFromNames = (args: number[], nargs: number, kwnames: number): Kwargs => {
    if (!kwnames) return null;
    const names = o(kwnames);
    if (!(names instanceof PyTuple)) throw rt.typeError('kwnames must be a tuple or NULL');
    const kw = new Map<string, PyObject>();
    names.items.forEach((n, i) => kw.set((n as PyStr).value, o(args[nargs + i])));
    return kw;
  };
  const callArgs = (argsPtr: Pointer | null, nargsf: number | bigint, kwnames: number) => {
    const nargs = Number(BigInt(nargsf) & ((1n << 62n) - 1n));
    const nkw = kwnames ? ops.len(o(kwnames)) : 0;
    const hs = readHandles(argsPtr, nargs + nkw);
    return { args: hs.slice(0, nargs).map(o), kwargs: kwargsFromNames(hs, nargs, kwnames) };
  };
  const newException = (type: PyObject, value: PyObject | null) => {
    if (!rt.isExceptionType(type)) throw rt.typeError(`exceptions must derive from BaseException`);
    if (value && value.type.isSubtypeOf(type)) return value;
    const args = value === null || value === rt.None ? [] : value instanceof PyTuple ? [...value.items] : [value];
    return ops.call(type, args);
  };
  const fatal = (msg: string): never => {
    process.stderr.write(`Fatal Python error: ${msg}\n`);
    process.abort();
  };

  const bin: Array<[string, BinaryOp]> = [['Add', 'add'], ['Subtract', 'sub'], ['Multiply', 'mul'],
    ['MatrixMultiply', 'matmul'], ['FloorDivide', 'floordiv'], ['TrueDivide', 'truediv'], ['Remainder', 'mod'],
    ['Divmod', 'divmod'], ['Lshift', 'lshift'], ['Rshift', 'rshift'], ['And', 'and'], ['Xor', 'xor'], ['Or', 'or']];
  const numbers: ApiTable = {};
  for (const [name, op] of bin) {
    numbers[name] = binary(op);
    if (name !== 'Divmod') numbers[`InPlace${name}`] = (a: number, b: number) => ret(ops.inplace(op, o(a), o(b)));
  }

  return {
    Dup: (h: number) => (h ? ret(o(h)) : 0),
    Close: (h: number) => {
      if (h) c.handles.close(h);
    },

    // numbers
    ...numbers,
    Power: (a: number, b: number, m: number) => ret(ops.power(o(a), o(b), o(m))),
    InPlacePower: (a: number, b: number, m: number) => {
      const mod = o(m);
      return ret(mod === rt.None ? ops.inplace('pow', o(a), o(b)) : ops.power(o(a), o(b), mod));
    },
    Negative: (h: number) => ret(ops.unary('neg', o(h))),
    Positive: (h: number) => ret(ops.unary('pos', o(h))),
    Absolute: (h: number) => ret(ops.unary('abs', o(h))),
    Invert: (h: number) => ret(ops.unary('invert', o(h))),
    Index: (h: number) => ret(rt.int(ops.index(o(h)))),
    Long: (h: number) => ret(rt.types.int.slots.new!(rt.types.int, [o(h)], null)),
    // PyNumber_Float: float(x), which also parses str; the result is an exact float.
    Float: (h: number) => {
      const x = o(h);
      return ret(x instanceof PyFloat ? rt.float(x.value) : rt.types.float.slots.new!(rt.types.float, [x], null));
    },
    Number_Check: (h: number) => {
      const x = o(h);
      const u = x.type.slot('unary');
      return x instanceof PyInt || x instanceof PyFloat || !!(u?.index || u?.int || u?.float) ? 1 : 0;
    },
    Long_FromInt32_t: (v: number) => ret(rt.int(v)),
    Long_FromUInt32_t: (v: number) => ret(rt.int(v)),
    Long_FromInt64_t: (v: number | bigint) => ret(rt.int(BigInt(v))),
    Long_FromUInt64_t: (v: number | bigint) => ret(rt.int(BigInt.asUintN(64, BigInt(v)))),
    Long_FromSize_t: (v: number | bigint) => ret(rt.int(BigInt.asUintN(64, BigInt(v)))),
    Long_FromSsize_t: (v: number | bigint) => ret(rt.int(BigInt(v))),
    Long_AsInt32_t: (h: number) => Number(asInt32(h)),
    Long_AsUInt32_t: (h: number) => Number(asUInt32(h)),
    Long_AsUInt32_tMask: (h: number) => Number(asMask(h, 32n)),
    Long_AsInt64_t: (h: number) => num(asInt64(h)),
    Long_AsUInt64_t: (h: number) => num(asUInt64(h)),
    Long_AsUInt64_tMask: (h: number) => num(asMask(h, 64n)),
    Long_AsSize_t: (h: number) => num(asSize(h)),
    Long_AsSsize_t: (h: number) => num(asSsize(h)),
    Long_AsVoidPtr: (h: number) => {
      const v = asVoidPtr(h);
      return v === 0n ? null : v;
    },
    Long_AsDouble: (h: number) => {
      const x = o(h);
      if (!(x instanceof PyInt)) throw rt.typeError('an integer is required');
      return ops.toDouble(x);
    },
    Float_FromDouble: (v: number) => ret(rt.float(v)),
    Float_AsDouble: (h: number) => ops.toDouble(o(h)),
    Bool_FromBool: (v: boolean) => ret(rt.bool(v)),

    // objects
    Length: (h: number) => ops.len(o(h)),
    IsTrue: (h: number) => (ops.truth(o(h)) ? 1 : 0),
    Type: (h: number) => ret(o(h).type),
    TypeCheck: (h: number, t: number) => (o(h).type.isSubtypeOf(c.type(t)) ? 1 : 0),
    // HPy 0.9 compares the objects behind the handles; two NULL handles are the same.
    Is: (a: number, b: number) => (a === b || (a !== 0 && b !== 0 && o(a) === o(b)) ? 1 : 0),
    Repr: (h: number) => ret(rt.str(ops.repr(o(h)))),
    Str: (h: number) => ret(rt.str(ops.str(o(h)))),
    Hash: (h: number) => num(ops.hash(o(h))),
    RichCompare: (a: number, b: number, op: number) => ret(ops.richcompare(o(a), o(b), op)),
    RichCompareBool: (a: number, b: number, op: number) => {
      const x = o(a), y = o(b);
      if (x === y && (op === ENUMS.HPy_RichCmpOp.HPy_EQ || op === ENUMS.HPy_RichCmpOp.HPy_NE)) return op === ENUMS.HPy_RichCmpOp.HPy_EQ ? 1 : 0;
      return ops.truth(ops.richcompare(x, y, op)) ? 1 : 0;
    },
    GetAttr: (h: number, name: number) => ret(ops.getattr(o(h), attrName(o(name)))),
    GetAttr_s: (h: number, name: string) => ret(ops.getattr(o(h), name)),
    // As PyObject_HasAttr: any error (a name that is not a str included) means false.
    HasAttr: (h: number, name: number) => {
      try {
        return ops.hasattr(o(h), attrName(o(name))) ? 1 : 0;
      } catch (e) {
        if (e instanceof PyRaise) return 0;
        throw e;
      }
    },
    HasAttr_s: (h: number, name: string) => (ops.hasattr(o(h), name) ? 1 : 0),
    SetAttr: (h: number, name: number, v: number) => {
      ops.setattr(o(h), attrName(o(name)), v ? o(v) : null);
      return 0;
    },
    SetAttr_s: (h: number, name: string, v: number) => {
      ops.setattr(o(h), name, v ? o(v) : null);
      return 0;
    },
    GetItem: (h: number, k: number) => ret(ops.getitem(o(h), o(k))),
    GetItem_i: (h: number, i: number) => ret(ops.getitem(o(h), rt.int(i))),
    GetItem_s: (h: number, k: string) => ret(ops.getitem(o(h), rt.str(k))),
    SetItem: (h: number, k: number, v: number) => {
      ops.setitem(o(h), o(k), o(v));
      return 0;
    },
    SetItem_i: (h: number, i: number, v: number) => {
      ops.setitem(o(h), rt.int(i), o(v));
      return 0;
    },
    SetItem_s: (h: number, k: string, v: number) => {
      ops.setitem(o(h), rt.str(k), o(v));
      return 0;
    },
    DelItem: (h: number, k: number) => {
      ops.setitem(o(h), o(k), null);
      return 0;
    },
    DelItem_i: (h: number, i: number) => {
      ops.setitem(o(h), rt.int(i), null);
      return 0;
    },
    DelItem_s: (h: number, k: string) => {
      ops.setitem(o(h), rt.str(k), null);
      return 0;
    },
    Contains: (h: number, item: number) => (ops.contains(o(h), o(item)) ? 1 : 0),
    Callable_Check: (h: number) => (ops.callable(o(h)) ? 1 : 0),
    Call: (callable: number, args: Pointer | null, nargsf: number | bigint, kwnames: number) => {
      const a = callArgs(args, nargsf, kwnames);
      return ret(ops.call(o(callable), a.args, a.kwargs));
    },
    CallMethod: (name: number, args: Pointer | null, nargsf: number | bigint, kwnames: number) => {
      const a = callArgs(args, nargsf, kwnames);
      if (!a.args.length) throw rt.typeError('HPy_CallMethod requires the receiver as args[0]');
      return ret(ops.callMethod(a.args[0], attrName(o(name)), a.args.slice(1), a.kwargs));
    },
    CallTupleDict: (callable: number, args: number, kw: number) => {
      const a = args ? o(args) : null;
      if (a && !(a instanceof PyTuple)) throw rt.typeError('HPy_CallTupleDict requires args to be a tuple or null handle');
      const k = kw ? o(kw) : null;
      if (k && !(k instanceof PyDict)) throw rt.typeError('HPy_CallTupleDict requires kw to be a dict or null handle');
      let kwargs: Kwargs = null;
      if (k) {
        kwargs = new Map();
        for (const key of ops.toArray(k)) kwargs.set((key as PyStr).value, ops.getitem(k, key));
      }
      return ret(ops.call(o(callable), a ? [...a.items] : [], kwargs));
    },

    // errors
    FatalError: (msg: string) => fatal(msg),
    Err_SetString: (t: number, msg: string) => {
      c.error = newException(o(t), rt.str(msg)) as never;
    },
    Err_SetObject: (t: number, v: number) => {
      c.error = newException(o(t), v ? o(v) : null) as never;
    },
    Err_Occurred: () => (c.error ? 1 : 0),
    Err_ExceptionMatches: (t: number) => {
      if (!c.error) return 0;
      const x = o(t);
      const classes = x instanceof PyTuple ? x.items : [x];
      return classes.some((k) => k instanceof PyType && c.error!.type.isSubtypeOf(k)) ? 1 : 0;
    },
    Err_NoMemory: () => {
      c.error = rt.newException(rt.excType('MemoryError'), []);
    },
    Err_Clear: () => {
      c.error = null;
    },
  };

  function attrName(n: PyObject): string {
    if (!(n instanceof PyStr)) throw rt.typeError(`attribute name must be string, not '${n.type.name}'`);
    return n.value;
  }
}
