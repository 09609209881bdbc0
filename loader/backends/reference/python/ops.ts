// Python's abstract object protocol over the reference object model: what `repr(x)`,
// `a + b`, `o[k]`, `f(*args)` and friends do, dispatching through type slots.
import type { Interp } from './interp.js';
import {
  PyBytes, PyDict, PyFloat, PyInt, PyList, PyModule, PyObject, PyRaise, PyStr, PyTuple, PyType,
  strKey, type BinaryOp, type Kwargs, type UnaryOp,
} from './objects.js';

const OP_SYMBOLS: Record<BinaryOp, string> = {
  add: '+', sub: '-', mul: '*', matmul: '@', floordiv: '//', truediv: '/', mod: '%', divmod: 'divmod()',
  pow: '** or pow()', lshift: '<<', rshift: '>>', and: '&', xor: '^', or: '|',
};
const UNARY_SYMBOLS: Record<UnaryOp, string> = {
  neg: 'unary -', pos: 'unary +', abs: 'abs()', invert: 'unary ~', index: 'index', int: 'int', float: 'float',
};
export const RICHCMP_SYMBOLS = ['<', '<=', '==', '!=', '>', '>='] as const;
const SWAPPED_OP = [4, 5, 2, 3, 0, 1];

export class Ops {
  constructor(private readonly rt: Interp) {}

  // --- text ----------------------------------------------------------------------------

  repr(o: PyObject): string {
    const f = o.type.slot('repr');
    const r = f ? f(o) : this.rt.str(this.rt.defaultRepr(o));
    if (!(r instanceof PyStr)) throw this.rt.typeError(`__repr__ returned non-string (type ${r.type.tpName})`);
    return r.value;
  }
  str(o: PyObject): string {
    const f = o.type.slot('str');
    if (!f) return this.repr(o);
    const r = f(o);
    if (!(r instanceof PyStr)) throw this.rt.typeError(`__str__ returned non-string (type ${r.type.tpName})`);
    return r.value;
  }

  // --- hashing and comparison -------------------------------------------------------------

  hash(o: PyObject): bigint {
    const f = o.type.slot('hash');
    if (!f) throw this.rt.typeError(`unhashable type: '${o.type.tpName}'`);
    return f(o);
  }

  richcompare(a: PyObject, b: PyObject, op: number): PyObject {
    const NI = this.rt.NotImplemented;
    const reflectedFirst = b.type !== a.type && b.type.isSubtypeOf(a.type);
    const fa = a.type.slot('richcompare');
    const fb = b.type.slot('richcompare');
    if (reflectedFirst && fb) {
      const r = fb(b, a, SWAPPED_OP[op]);
      if (r !== NI) return r;
    }
    if (fa) {
      const r = fa(a, b, op);
      if (r !== NI) return r;
    }
    if (!reflectedFirst && fb) {
      const r = fb(b, a, SWAPPED_OP[op]);
      if (r !== NI) return r;
    }
    if (op === 2) return this.rt.bool(a === b);
    if (op === 3) return this.rt.bool(a !== b);
    throw this.rt.typeError(`'${RICHCMP_SYMBOLS[op]}' not supported between instances of '${a.type.tpName}' and '${b.type.tpName}'`);
  }
  eq(a: PyObject, b: PyObject): boolean {
    return a === b || this.truth(this.richcompare(a, b, 2));
  }

  truth(o: PyObject): boolean {
    if (o === this.rt.True) return true;
    if (o === this.rt.False || o === this.rt.None) return false;
    const f = o.type.slot('bool');
    if (f) return f(o);
    const len = o.type.slot('len');
    if (len) return len(o) > 0;
    return true;
  }

  // --- attributes -----------------------------------------------------------------------

  getattr(o: PyObject, name: string): PyObject {
    const f = o.type.slot('getattr');
    const v = f ? f(o, name) : this.genericGetattr(o, name);
    if (v === undefined) throw this.rt.error('AttributeError', attr(o, name));
    return v;
  }
  hasattr(o: PyObject, name: string): boolean {
    try {
      this.getattr(o, name);
      return true;
    } catch (e) {
      if (e instanceof PyRaise && e.exc.type.isSubtypeOf(this.rt.excType('AttributeError'))) return false;
      throw e;
    }
  }
  genericGetattr(o: PyObject, name: string): PyObject | undefined {
    const attr = o.type.lookup(name);
    if (o instanceof PyType) {
      // A type's own attributes come before its metatype's, except data descriptors.
      const metaGet = attr?.type.slot('descrGet');
      if (metaGet && attr!.type.slot('descrSet')) return metaGet(attr!, o, o.type);
      const v = o.lookup(name);
      if (v !== undefined) {
        const get = v.type.slot('descrGet');
        return get ? get(v, null, o) : v;
      }
      if (attr === undefined) return undefined;
      if (metaGet) return metaGet(attr, o, o.type);
      return attr;
    }
    const get = attr?.type.slot('descrGet');
    if (get && attr!.type.slot('descrSet')) return get(attr!, o, o.type);
    const own = o.dict?.get(name);
    if (own !== undefined) return own;
    if (attr === undefined) return undefined;
    return get ? get(attr, o, o.type) : attr;
  }
  setattr(o: PyObject, name: string, value: PyObject | null): void {
    const f = o.type.slot('setattr');
    if (f) return f(o, name, value);
    this.genericSetattr(o, name, value);
  }
  genericSetattr(o: PyObject, name: string, value: PyObject | null): void {
    const descr = o.type.lookup(name);
    const set = descr?.type.slot('descrSet');
    if (set) return set(descr!, o, value);
    const d = o instanceof PyType ? o.attrs : o.dict;
    if (!d) {
      throw this.rt.error('AttributeError', attr(o, name));
    }
    if (value) d.set(name, value);
    else if (!d.delete(name)) throw this.rt.error('AttributeError', attr(o, name));
  }

  // --- calls ----------------------------------------------------------------------------

  call(callable: PyObject, args: PyObject[], kwargs: Kwargs = null): PyObject {
    const f = callable.type.slot('call');
    if (!f) throw this.rt.typeError(`'${callable.type.tpName}' object is not callable`);
    return f(callable, args, kwargs);
  }
  callable(o: PyObject): boolean {
    return o.type.slot('call') !== undefined;
  }
  callMethod(o: PyObject, name: string, args: PyObject[], kwargs: Kwargs = null): PyObject {
    return this.call(this.getattr(o, name), args, kwargs);
  }

  // --- containers ------------------------------------------------------------------------

  len(o: PyObject): number {
    const f = o.type.slot('len');
    if (!f) throw this.rt.typeError(`object of type '${o.type.tpName}' has no len()`);
    return f(o);
  }
  getitem(o: PyObject, key: PyObject): PyObject {
    const f = o.type.slot('getitem');
    if (!f) {
      throw this.rt.typeError(o instanceof PyType ? `type '${o.name}' is not subscriptable`
        : `'${o.type.tpName}' object is not subscriptable`);
    }
    return f(o, key);
  }
  setitem(o: PyObject, key: PyObject, value: PyObject | null): void {
    const f = o.type.slot('setitem');
    if (!f) {
      throw this.rt.typeError(value ? `'${o.type.tpName}' object does not support item assignment`
        : `'${o.type.tpName}' object doesn't support item deletion`);
    }
    f(o, key, value);
  }
  contains(o: PyObject, item: PyObject): boolean {
    const f = o.type.slot('contains');
    if (f) return f(o, item);
    // CPython's PySequence_Contains names the operand when it cannot be iterated either.
    if (!o.type.slot('iter') && !o.type.slot('getitem')) {
      throw this.rt.typeError(`argument of type '${o.type.tpName}' is not iterable`);
    }
    const it = this.iter(o);
    for (let v = this.next(it); v !== undefined; v = this.next(it)) if (this.eq(v, item)) return true;
    return false;
  }
  iter(o: PyObject): PyObject {
    const f = o.type.slot('iter');
    if (!f) throw this.rt.typeError(`'${o.type.tpName}' object is not iterable`);
    return f(o);
  }
  /** Next item, or undefined when exhausted. */
  next(it: PyObject): PyObject | undefined {
    const f = it.type.slot('next');
    if (!f) throw this.rt.typeError(`'${it.type.tpName}' object is not an iterator`);
    return f(it);
  }
  toArray(o: PyObject): PyObject[] {
    if (o instanceof PyTuple || o instanceof PyList) return [...o.items];
    const out: PyObject[] = [];
    const it = this.iter(o);
    for (let v = this.next(it); v !== undefined; v = this.next(it)) out.push(v);
    return out;
  }

  // --- numbers ---------------------------------------------------------------------------

  binary(op: BinaryOp, a: PyObject, b: PyObject): PyObject {
    const r = this.binaryNumber(op, a, b);
    if (r !== undefined) return r;
    const seq = this.sequenceOp(op, a, b);
    if (seq !== undefined) return seq;
    throw this.binaryError(op, a, b);
  }
  /** The number protocol of both operands (the right one first if it is a subtype), or undefined. */
  private binaryNumber(op: BinaryOp, a: PyObject, b: PyObject): PyObject | undefined {
    const NI = this.rt.NotImplemented;
    const fa = a.type.slot('number')?.[op];
    const fb = b.type === a.type ? undefined : b.type.slot('number')?.[op];
    if (fb && b.type.isSubtypeOf(a.type)) {
      const r = fb(a, b);
      if (r !== NI) return r;
    }
    if (fa) {
      const r = fa(a, b);
      if (r !== NI) return r;
    }
    if (fb && !b.type.isSubtypeOf(a.type)) {
      const r = fb(a, b);
      if (r !== NI) return r;
    }
    return undefined;
  }
  /** `a + b` and `a * n` through the sequence protocol, as CPython tries after numbers. */
  private sequenceOp(op: BinaryOp, a: PyObject, b: PyObject): PyObject | undefined {
    if (op === 'add') {
      const concat = a.type.slot('concat');
      if (concat) return concat(a, b);
    } else if (op === 'mul') {
      const ra = a.type.slot('repeat');
      if (ra && hasIndex(b)) return ra(a, this.index(b));
      const rb = b.type.slot('repeat');
      if (rb && hasIndex(a)) return rb(b, this.index(a));
      if (ra || rb) throw this.rt.typeError(`can't multiply sequence by non-int of type '${(ra ? b : a).type.tpName}'`);
      // The builtin sequences repeat through their number slots; when those declined, the
      // other operand has no __index__, and CPython's error names it.
      const builtinSeq = (x: PyObject) => x instanceof PyStr || x instanceof PyBytes || x instanceof PyTuple || x instanceof PyList;
      if (builtinSeq(a) || builtinSeq(b)) {
        throw this.rt.typeError(`can't multiply sequence by non-int of type '${(builtinSeq(a) ? b : a).type.tpName}'`);
      }
    }
    return undefined;
  }
  private binaryError(op: BinaryOp, a: PyObject, b: PyObject): PyRaise {
    return this.rt.typeError(`unsupported operand type(s) for ${OP_SYMBOLS[op]}: '${a.type.tpName}' and '${b.type.tpName}'`);
  }
  /** `a op= b`: the left operand's in-place slot, else the binary operation. */
  inplace(op: BinaryOp, a: PyObject, b: PyObject): PyObject {
    const f = a.type.slot('inplace')?.[op];
    if (f) {
      const r = f(a, b);
      if (r !== this.rt.NotImplemented) return r;
    }
    const r = this.binaryNumber(op, a, b);
    if (r !== undefined) return r;
    const seq = this.sequenceOp(op, a, b);
    if (seq !== undefined) return seq;
    throw this.rt.typeError(`unsupported operand type(s) for ${OP_SYMBOLS[op].split(' ')[0]}=: '${a.type.tpName}' and '${b.type.tpName}'`);
  }
  /** pow(a, b, m); with m None this is `a ** b`. */
  power(a: PyObject, b: PyObject, m: PyObject): PyObject {
    if (m === this.rt.None) return this.binary('pow', a, b);
    const NI = this.rt.NotImplemented;
    for (const t of a.type === b.type ? [a.type] : [a.type, b.type]) {
      const f = t.slot('power');
      if (f) {
        const r = f(a, b, m);
        if (r !== NI) return r;
      }
    }
    throw this.rt.typeError(`unsupported operand type(s) for ** or pow(): '${a.type.tpName}', '${b.type.tpName}', '${m.type.tpName}'`);
  }
  unary(op: UnaryOp, a: PyObject): PyObject {
    const f = a.type.slot('unary')?.[op];
    if (!f) {
      if (op === 'index') throw this.rt.typeError(`'${a.type.tpName}' object cannot be interpreted as an integer`);
      if (op === 'int') throw this.rt.typeError(`int() argument must be a string, a bytes-like object or a real number, not '${a.type.tpName}'`);
      if (op === 'float') throw this.rt.typeError(`must be real number, not ${a.type.tpName}`);
      throw this.rt.typeError(`bad operand type for ${UNARY_SYMBOLS[op]}: '${a.type.tpName}'`);
    }
    return f(a);
  }
  /** The int value of an object supporting __index__. */
  index(o: PyObject): bigint {
    if (o instanceof PyInt) return o.value;
    const r = this.unary('index', o);
    if (!(r instanceof PyInt)) throw this.rt.typeError(`__index__ returned non-int (type ${r.type.tpName})`);
    return r.value;
  }
  /** A C double from a float, or from an object with __float__ or __index__. */
  toDouble(o: PyObject): number {
    if (o instanceof PyFloat) return o.value;
    if (o instanceof PyInt) return intToDouble(this.rt, o.value);
    const r = this.unary('float', o);
    if (!(r instanceof PyFloat)) throw this.rt.typeError(`__float__ returned non-float (type ${r.type.tpName})`);
    return r.value;
  }

  isinstance(o: PyObject, cls: PyObject): boolean {
    if (cls instanceof PyTuple) return cls.items.some((c) => this.isinstance(o, c));
    if (!(cls instanceof PyType)) throw this.rt.typeError('isinstance() arg 2 must be a type, a tuple of types, or a union');
    return o.type.isSubtypeOf(cls);
  }

  // --- dict storage -----------------------------------------------------------------------

  /**
   * The Map key that stands for a Python key: equal Python keys (1, 1.0, True) map to one JS
   * value; objects without value semantics stand for themselves.
   */
  dictKey(k: PyObject): unknown {
    if (k instanceof PyStr) return strKey(k.value);
    if (k instanceof PyInt) return k.value;
    if (k instanceof PyFloat) return Number.isInteger(k.value) ? BigInt(k.value) : k.value;
    if (k instanceof PyBytes) return 'b' + Buffer.from(k.value).toString('latin1');
    if (k instanceof PyTuple) return 't' + JSON.stringify(k.items.map((i) => this.keyText(this.dictKey(i))));
    this.hash(k); // raises TypeError for unhashable objects
    return k;
  }
  private keyText(k: unknown): string {
    if (typeof k === 'bigint') return `i${k}`;
    if (typeof k === 'number') return `f${k}`;
    if (typeof k === 'string') return k;
    let id = this.objectIds.get(k as object);
    if (id === undefined) this.objectIds.set(k as object, (id = this.objectIds.size + 1));
    return `o${id}`;
  }
  private readonly objectIds = new Map<object, number>();
  dictGet(d: PyDict, k: PyObject): PyObject | undefined {
    return d.entries.get(this.dictKey(k))?.[1];
  }
  dictSet(d: PyDict, k: PyObject, v: PyObject): void {
    const key = this.dictKey(k);
    const old = d.entries.get(key);
    d.entries.set(key, [old ? old[0] : k, v]);
  }
  dictDel(d: PyDict, k: PyObject): void {
    if (!d.entries.delete(this.dictKey(k))) throw new PyRaise(this.rt.newException(this.rt.excType('KeyError'), [k]));
  }
}


/** Whether `o` has __index__ (CPython's PyIndex_Check). */
export function hasIndex(o: PyObject): boolean {
  return o instanceof PyInt || o.type.slot('unary')?.index !== undefined;
}

/** CPython's AttributeError message for a missing attribute. */
function attr(o: PyObject, name: string): string {
  if (o instanceof PyModule) return `module '${o.name}' has no attribute '${name}'`;
  if (o instanceof PyType) return `type object '${o.tpName}' has no attribute '${name}'`;
  return `'${o.type.tpName}' object has no attribute '${name}'`;
}

/** int → float as Python does it: correctly rounded, OverflowError past the double range. */
export function intToDouble(rt: Interp, v: bigint): number {
  const d = Number(v);
  if (!Number.isFinite(d)) throw rt.error('OverflowError', 'int too large to convert to float');
  return d;
}
