// Types made by HPyType_FromSpec: decoding the spec, checking it as CPython's HPy does, and
// turning its HPyDefs into type slots, methods and descriptors of the reference object model.
import { ENUMS, STRUCTS } from '../../../abi/abi.generated.js';
import { decodeDef, slotName, type Def, type GetSetDef, type MemberDef } from '../../../module-def.js';
import {
  readCString, readI32, readI64, readNullTerminated, readPointer, readScalar, writeScalar, type Pointer,
} from '../../../native-memory.js';
import type { ReferenceContext } from './context.js';
import { newInstance, readField, storeField } from './instances.js';
import { hasIndex } from '../python/ops.js';
import {
  PyBytes, PyDict, PyFloat, PyInt, PyList, PyObject, PyRaise, PyStr, PyTuple, PyType, type BinaryOp, type Kwargs, type TypeSlots,
  type UnaryOp,
} from '../python/objects.js';

const SLOT = ENUMS.HPySlot_Slot;
const SHAPE = ENUMS.HPyType_BuiltinShape;
const PARAM = ENUMS.HPyType_SpecParam_Kind;
const MEMBER = ENUMS.HPyMember_FieldType;
const SPEC = STRUCTS.HPyType_Spec.fields;
const TPFLAGS_BASETYPE = 1n << 10n;
const TPFLAGS_HAVE_GC = 1n << 14n;

/** What the reference backend keeps about a type made from an HPyType_Spec. */
export interface HPyTypeInfo {
  shape: number;
  /** Payload bytes: the spec's basicsize, or the base's when that is 0. */
  basicsize: number;
  itemsize: number;
  flags: bigint;
  /** Impls of the slots the host calls itself (null when the spec has none). */
  new: Pointer | null;
  traverse: Pointer | null;
  destroy: Pointer | null;
  finalize: Pointer | null;
  call: Pointer | null;
  getbuffer: Pointer | null;
  releasebuffer: Pointer | null;
}

/** The builtin types CPython refuses as bases (no Py_TPFLAGS_BASETYPE). */
const FINAL_BUILTINS = new Set(['bool', 'NoneType', 'NotImplementedType', 'ellipsis', 'slice', 'memoryview',
  'builtin_function_or_method', 'PyCapsule', 'iterator']);

/** The builtin class an instance of `type` must be represented by, per shape. */
function shapeBase(c: ReferenceContext, shape: number): PyType | null {
  const t = c.rt.types;
  switch (shape) {
    case SHAPE.HPyType_BuiltinShape_Type: return c.rt.type;
    case SHAPE.HPyType_BuiltinShape_Long: return t.int;
    case SHAPE.HPyType_BuiltinShape_Float: return t.float;
    case SHAPE.HPyType_BuiltinShape_Unicode: return t.str;
    case SHAPE.HPyType_BuiltinShape_Tuple: return t.tuple;
    case SHAPE.HPyType_BuiltinShape_List: return t.list;
    case SHAPE.HPyType_BuiltinShape_Dict: return t.dict;
    default: return null;
  }
}

/** The HPy shape of any type: its own for HPy types, Legacy for the others (as CPython's HPy reports). */
export function shapeOf(type: PyType): number {
  return type.hpy ? type.hpy.shape : SHAPE.HPyType_BuiltinShape_Legacy;
}

/** The nearest HPy-type value of `key` along the MRO (slots the host calls itself are inherited). */
export function inherited<K extends keyof HPyTypeInfo>(type: PyType, key: K): HPyTypeInfo[K] | null {
  for (const t of type.mro) if (t.hpy && t.hpy[key] !== null) return t.hpy[key];
  return null;
}

/** C3 linearization, as Python computes MROs. */
function c3(c: ReferenceContext, type: PyType, bases: PyType[]): PyType[] {
  const seqs = [...bases.map((b) => [...b.mro]), [...bases]];
  const out = [type];
  for (;;) {
    const rest = seqs.filter((s) => s.length);
    if (!rest.length) return out;
    const head = rest.map((s) => s[0]).find((h) => !rest.some((s) => s.indexOf(h) > 0));
    if (!head) {
      throw c.rt.typeError(`Cannot create a consistent method resolution order (MRO) for bases ${bases.map((b) => b.name).join(', ')}`);
    }
    out.push(head);
    for (const s of rest) if (s[0] === head) s.shift();
  }
}

interface Spec {
  name: string;
  basicsize: number;
  itemsize: number;
  flags: bigint;
  shape: number;
  legacySlots: Pointer | null;
  defines: Def[];
  doc: string | null;
}

function decodeSpec(c: ReferenceContext, p: Pointer): Spec {
  if (!p) throw c.rt.error('SystemError', 'HPyType_FromSpec: spec is NULL');
  const name = readCString(readPointer(p, SPEC.name.offset));
  if (name === null) throw c.rt.error('SystemError', 'HPyType_FromSpec: spec->name is NULL');
  let defines: Def[];
  try {
    defines = readNullTerminated(readPointer(p, SPEC.defines.offset)).map(decodeDef);
  } catch (e) {
    throw c.rt.error('ValueError', `type '${name}': ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    name,
    basicsize: readI32(p, SPEC.basicsize.offset),
    itemsize: readI32(p, SPEC.itemsize.offset),
    flags: BigInt.asUintN(64, readI64(p, SPEC.flags.offset)),
    shape: readI32(p, SPEC.builtin_shape.offset),
    legacySlots: readPointer(p, SPEC.legacy_slots.offset),
    defines,
    doc: readCString(readPointer(p, SPEC.doc.offset)),
  };
}

interface Params {
  bases: PyType[];
  metaclass: PyType | null;
}

function decodeParams(c: ReferenceContext, p: Pointer | null, typeName: string): Params {
  const size = STRUCTS.HPyType_SpecParam.size;
  const kindOffset = STRUCTS.HPyType_SpecParam.fields.kind.offset;
  const objectOffset = STRUCTS.HPyType_SpecParam.fields.object.offset;
  const bases: PyType[] = [];
  let tuples = 0, singles = 0;
  let metaclass: PyType | null = null;
  for (let i = 0; p; i++) {
    const kind = readI32(p, i * size + kindOffset);
    if (kind === 0) break;
    const h = Number(readI64(p, i * size + objectOffset));
    switch (kind) {
      case PARAM.HPyType_SpecParam_Base:
        singles++;
        bases.push(asBase(c, c.obj(h)));
        break;
      case PARAM.HPyType_SpecParam_BasesTuple: {
        tuples++;
        const t = c.obj(h);
        if (!(t instanceof PyTuple)) throw c.rt.typeError('HPyType_SpecParam_BasesTuple requires a tuple');
        bases.push(...t.items.map((b) => asBase(c, b)));
        break;
      }
      case PARAM.HPyType_SpecParam_Metaclass: {
        if (metaclass) throw c.rt.error('ValueError', 'metaclass was specified multiple times');
        const m = c.obj(h);
        if (!(m instanceof PyType) || !m.isSubtypeOf(c.rt.type)) {
          throw c.rt.typeError(`Metaclass '${c.ops.repr(m)}' is not a subclass of 'type'.`);
        }
        if (m.mro.some((t) => t.hpy?.new)) throw c.rt.typeError('Metaclasses with custom tp_new are not supported.');
        metaclass = m;
        break;
      }
      default:
        throw c.rt.typeError(`unknown HPyType_SpecParam specification for '${typeName}'`);
    }
  }
  if (tuples > 1) throw c.rt.typeError('multiple specifications of HPyType_SpecParam_BasesTuple');
  if (tuples && singles) throw c.rt.typeError('cannot specify both HPyType_SpecParam_Base and HPytype_SpecParam_BasesTuple');
  return { bases, metaclass };
}

function asBase(c: ReferenceContext, b: PyObject): PyType {
  if (!(b instanceof PyType)) throw c.rt.typeError(`bases must be types, not '${b.type.tpName}'`);
  const acceptable = b.hpy ? (b.hpy.flags & TPFLAGS_BASETYPE) !== 0n : !FINAL_BUILTINS.has(b.name) || b.module !== 'builtins';
  if (!acceptable) throw c.rt.typeError(`type '${b.tpName}' is not an acceptable base type`);
  return b;
}

/** The builtin class whose representation instances of `t` share (object for plain ones). */
function solidBase(c: ReferenceContext, t: PyType): PyType {
  const builtins = Object.values(c.rt.types) as PyType[];
  return t.mro.find((m) => builtins.includes(m) || m === c.rt.type) ?? c.rt.object;
}

/** Creates the type of an HPyType_Spec (ctx_Type_FromSpec). */
export function createType(c: ReferenceContext, specPtr: Pointer, paramsPtr: Pointer | null): PyType {
  const rt = c.rt;
  const spec = decodeSpec(c, specPtr);
  const params = decodeParams(c, paramsPtr, spec.name);
  if (spec.legacySlots && spec.shape !== SHAPE.HPyType_BuiltinShape_Legacy) {
    throw rt.typeError('cannot specify .legacy_slots without setting .builtin_shape=HPyType_BuiltinShape_Legacy');
  }
  if (spec.legacySlots) {
    throw rt.typeError(`type '${spec.name}': legacy_slots are CPython C-API slots, which the reference backend cannot run`);
  }
  const slotDefs = spec.defines.filter((d) => d.kind === 'slot') as Array<{ kind: 'slot'; slot: number; impl: Pointer }>;
  const has = (slot: number) => slotDefs.some((d) => d.slot === slot);
  if ((spec.flags & TPFLAGS_HAVE_GC) && !has(SLOT.HPy_tp_traverse)) {
    throw rt.error('ValueError', 'You must provide an HPy_tp_traverse slot if you specify HPy_TPFLAGS_HAVE_GC');
  }
  if (!Object.values(SHAPE).includes(spec.shape as never)) throw rt.error('ValueError', `invalid shape: ${spec.shape}`);
  const members = spec.defines.filter((d) => d.kind === 'member') as MemberDef[];
  if (spec.basicsize === 0 && members.length) throw rt.typeError('Type claims to have basicsize==0 but defines members');
  if (spec.itemsize && has(SLOT.HPy_tp_call)) throw rt.typeError('Cannot use HPy call protocol with var objects');
  if (spec.basicsize < 0 || spec.itemsize < 0) throw rt.error('ValueError', `type '${spec.name}': negative basicsize or itemsize`);

  const bases = params.bases.length ? params.bases : [shapeBase(c, spec.shape) ?? rt.object];
  const required = shapeBase(c, spec.shape);
  if (required && !bases[0].isSubtypeOf(required)) {
    throw rt.typeError(`type '${spec.name}': builtin_shape ${shapeName(spec.shape)} needs a base that is a subclass of '${required.name}', not '${bases[0].tpName}'`);
  }
  const solids = bases.map((b) => solidBase(c, b));
  if (solids.some((s) => !solids.every((o) => s.isSubtypeOf(o) || o.isSubtypeOf(s)))) {
    throw rt.typeError('multiple bases have instance lay-out conflict');
  }
  const metatype = params.metaclass ?? bases[0].type;
  const dot = spec.name.lastIndexOf('.');
  const type = new PyType(metatype, dot < 0 ? spec.name : spec.name.slice(dot + 1), bases[0], dot < 0 ? 'builtins' : spec.name.slice(0, dot));
  type.bases = bases;
  type.mro = c3(c, type, bases);
  type.attrs.set('__module__', rt.str(type.module));
  type.attrs.set('__doc__', spec.doc === null ? rt.None : rt.str(spec.doc));

  const impl = (slot: number) => slotDefs.find((d) => d.slot === slot)?.impl ?? null;
  type.hpy = {
    shape: spec.shape,
    basicsize: spec.basicsize || (bases[0].hpy?.basicsize ?? 0),
    itemsize: spec.itemsize,
    flags: spec.flags,
    new: impl(SLOT.HPy_tp_new),
    traverse: impl(SLOT.HPy_tp_traverse),
    destroy: impl(SLOT.HPy_tp_destroy),
    finalize: impl(SLOT.HPy_tp_finalize),
    call: impl(SLOT.HPy_tp_call),
    getbuffer: impl(SLOT.HPy_bf_getbuffer),
    releasebuffer: impl(SLOT.HPy_bf_releasebuffer),
  };

  const slots: TypeSlots = {};
  for (const d of slotDefs) installSlot(c, type, slots, d.slot, d.impl, has);
  if (!slots.new) slots.new = inheritedNew(c, type);
  type.slots = slots;
  for (const d of spec.defines) {
    if (d.kind === 'meth') type.attrs.set(d.name, c.impls.method(d, null, type));
    else if (d.kind === 'member') type.attrs.set(d.name, memberDescriptor(c, type, d));
    else if (d.kind === 'getset') type.attrs.set(d.name, getsetDescriptor(c, type, d));
  }
  return type;
}

function shapeName(shape: number): string {
  return Object.entries(SHAPE).find(([, v]) => v === shape)?.[0].replace('HPyType_BuiltinShape_', '') ?? String(shape);
}

/**
 * `new` for a type without HPy_tp_new: the base's constructor, then the payload. Instances of
 * builtin shapes are rebuilt as the subtype, since builtin constructors make the base class.
 */
function inheritedNew(c: ReferenceContext, type: PyType): NonNullable<TypeSlots['new']> {
  const rt = c.rt;
  const base = type.base!;
  const baseNew = base.slot('new');
  if (base.hpy || !baseNew) {
    // An HPy base's constructor makes the payload of whatever subtype it is given.
    return (t, args, kw) => {
      if (!baseNew) throw rt.typeError(`cannot create '${t.tpName}' instances`);
      return baseNew(t, args, kw);
    };
  }
  if (baseNew === rt.object.slots.new) {
    return (t, args, kw) => {
      if ((args.length || (kw && kw.size)) && !t.slot('init')) throw rt.typeError(`${t.tpName}() takes no arguments`);
      return newInstance(c, t).obj;
    };
  }
  return (t, args, kw) => {
    const made = baseNew(t, args, kw);
    return newInstance(c, t, made).obj;
  };
}

/** A copy of a builtin value as an instance of subtype `t` (used for builtin shapes). */
export function asSubtype(c: ReferenceContext, t: PyType, v: PyObject | undefined): PyObject {
  if (v === undefined) {
    const base = solidBase(c, t);
    const rt = c.rt;
    if (base === rt.types.int) v = rt.int(0);
    else if (base === rt.types.float) v = rt.float(0);
    else if (base === rt.types.str) v = rt.str('');
    else if (base === rt.types.tuple) v = rt.tuple([]);
    else if (base === rt.types.list) v = rt.list([]);
    else if (base === rt.types.dict) v = rt.dict();
    else if (base === rt.type) throw rt.typeError(`cannot create '${t.tpName}' instances with HPy_New (a metaclass); call it with (name, bases, dict)`);
    else v = new PyObject(t);
  }
  if (v.type === t) return v;
  let o: PyObject;
  if (v instanceof PyInt) o = new PyInt(t, v.value);
  else if (v instanceof PyFloat) o = new PyFloat(t, v.value);
  else if (v instanceof PyStr) o = new PyStr(t, v.value);
  else if (v instanceof PyBytes) o = new PyBytes(t, v.value);
  else if (v instanceof PyTuple) o = new PyTuple(t, v.items);
  else if (v instanceof PyList) o = new PyList(t, v.items);
  else if (v instanceof PyDict) {
    const d = new PyDict(t);
    for (const [k, e] of v.entries) d.entries.set(k, e);
    o = d;
  } else {
    o = v;
    o.type = t;
  }
  return o;
}

const BINARY: Record<string, BinaryOp> = {
  HPy_nb_add: 'add', HPy_nb_subtract: 'sub', HPy_nb_multiply: 'mul', HPy_nb_matrix_multiply: 'matmul',
  HPy_nb_floor_divide: 'floordiv', HPy_nb_true_divide: 'truediv', HPy_nb_remainder: 'mod', HPy_nb_divmod: 'divmod',
  HPy_nb_lshift: 'lshift', HPy_nb_rshift: 'rshift', HPy_nb_and: 'and', HPy_nb_xor: 'xor', HPy_nb_or: 'or',
};
const UNARY: Record<string, UnaryOp> = {
  HPy_nb_negative: 'neg', HPy_nb_positive: 'pos', HPy_nb_absolute: 'abs', HPy_nb_invert: 'invert',
  HPy_nb_index: 'index', HPy_nb_int: 'int', HPy_nb_float: 'float',
};

/** Turns one HPySlot into type slots. */
function installSlot(c: ReferenceContext, type: PyType, s: TypeSlots, slot: number, impl: Pointer, has: (slot: number) => boolean): void {
  const rt = c.rt;
  const ops = c.ops;
  const calls = c.impls;
  const name = slotName(slot);
  if (name === null) throw rt.error('ValueError', `type '${type.tpName}': invalid slot value ${slot}`);
  const h1 = () => calls.fn(impl, 'h_h');
  const h2 = () => calls.fn(impl, 'h_hh');
  const unaryCall = (f = h1()) => (a: PyObject) => calls.callWithHandles(name, [a], ([x], ctx) => f(ctx, x) as number);
  const binaryCall = (f = h2()) => (a: PyObject, b: PyObject) => calls.callWithHandles(name, [a, b], ([x, y], ctx) => f(ctx, x, y) as number);
  const ternaryCall = () => {
    const f = calls.fn(impl, 'h_hhh');
    return (a: PyObject, b: PyObject, m: PyObject) => calls.callWithHandles(name, [a, b, m], ([x, y, z], ctx) => f(ctx, x, y, z) as number);
  };
  // sq_item and sq_ass_item get indices made non-negative with the length, as in CPython.
  const index = (o: PyObject, key: PyObject) => {
    if (!hasIndex(key)) {
      throw rt.typeError(`sequence index must be integer, not '${key.type.tpName}'`);
    }
    let i = ops.index(key);
    const len = o.type.slot('len');
    if (i < 0n && len) i += BigInt(len(o));
    return i;
  };

  if (name in BINARY) {
    (s.number ??= {})[BINARY[name]] = binaryCall();
    return;
  }
  if (name in UNARY) {
    (s.unary ??= {})[UNARY[name]] = unaryCall();
    return;
  }
  if (name.startsWith('HPy_nb_inplace_')) {
    const op = name === 'HPy_nb_inplace_power' ? 'pow' : BINARY[name.replace('inplace_', '')];
    if (op === 'pow') {
      const f = ternaryCall();
      (s.inplace ??= {}).pow = (a, b) => f(a, b, rt.None);
    } else (s.inplace ??= {})[op] = binaryCall();
    return;
  }
  switch (slot) {
    case SLOT.HPy_nb_power: {
      const f = ternaryCall();
      (s.number ??= {}).pow = (a, b) => f(a, b, rt.None);
      s.power = f;
      return;
    }
    case SLOT.HPy_nb_bool: {
      const f = calls.fn(impl, 'i_h');
      s.bool = (a) => calls.callStatus(name, [a], ([x], ctx) => f(ctx, x)) !== 0;
      return;
    }
    case SLOT.HPy_mp_length:
    case SLOT.HPy_sq_length: {
      const f = h1();
      s.len = (a) => calls.callStatus(name, [a], ([x], ctx) => f(ctx, x));
      return;
    }
    case SLOT.HPy_mp_subscript:
      s.getitem = binaryCall();
      return;
    case SLOT.HPy_sq_item: {
      if (has(SLOT.HPy_mp_subscript)) return;
      const f = h2();
      s.getitem = (o, key) => {
        const i = index(o, key);
        return calls.callWithHandles(name, [o], ([x], ctx) => f(ctx, x, i) as number);
      };
      // Like CPython, a type with sq_item is iterable: items until IndexError.
      if (!s.iter) s.iter = (o) => sequenceIterator(c, o);
      return;
    }
    case SLOT.HPy_mp_ass_subscript: {
      const f = calls.fn(impl, 'i_hhh');
      s.setitem = (o, k, v) => {
        calls.callStatus(name, v ? [o, k, v] : [o, k], ([x, y, z], ctx) => f(ctx, x, y, z ?? 0));
      };
      return;
    }
    case SLOT.HPy_sq_ass_item: {
      if (has(SLOT.HPy_mp_ass_subscript)) return;
      const f = calls.fn(impl, 'i_hhh');
      s.setitem = (o, key, v) => {
        const i = index(o, key);
        calls.callStatus(name, v ? [o, v] : [o], ([x, z], ctx) => f(ctx, x, i, z ?? 0));
      };
      return;
    }
    case SLOT.HPy_sq_contains: {
      const f = calls.fn(impl, 'i_hh');
      s.contains = (o, item) => calls.callStatus(name, [o, item], ([x, y], ctx) => f(ctx, x, y)) !== 0;
      return;
    }
    case SLOT.HPy_sq_concat:
      s.concat = binaryCall();
      return;
    case SLOT.HPy_sq_inplace_concat:
      if (!has(SLOT.HPy_nb_inplace_add)) (s.inplace ??= {}).add = binaryCall();
      return;
    case SLOT.HPy_sq_repeat:
    case SLOT.HPy_sq_inplace_repeat: {
      const f = h2();
      const repeat = (a: PyObject, n: bigint) => calls.callWithHandles(name, [a], ([x], ctx) => f(ctx, x, n) as number);
      if (slot === SLOT.HPy_sq_repeat) s.repeat = repeat;
      else if (!has(SLOT.HPy_nb_inplace_multiply)) {
        (s.inplace ??= {}).mul = (a, b) => (hasIndex(b) ? repeat(a, ops.index(b)) : rt.NotImplemented);
      }
      return;
    }
    case SLOT.HPy_tp_call:
      s.call = (self, args, kw) => {
        const f = self.native?.call ?? inherited(self.type, 'call');
        if (!f) throw rt.typeError(`'${self.type.tpName}' object is not callable`);
        return calls.callKeywords('__call__', f, self, args, kw);
      };
      return;
    case SLOT.HPy_tp_hash: {
      const f = h1();
      s.hash = (a) => {
        const v = calls.callStatus(name, [a], ([x], ctx) => f(ctx, x));
        return BigInt(v);
      };
      return;
    }
    case SLOT.HPy_tp_repr:
      s.repr = unaryCall();
      return;
    case SLOT.HPy_tp_str:
      s.str = unaryCall();
      return;
    case SLOT.HPy_tp_richcompare: {
      const f = calls.fn(impl, 'h_hhi');
      s.richcompare = (a, b, op) => calls.callWithHandles(name, [a, b], ([x, y], ctx) => f(ctx, x, y, op) as number);
      return;
    }
    case SLOT.HPy_tp_new: {
      const f = calls.fn(impl, 'newfunc');
      s.new = (t, args, kw) => withKwDict(c, kw, (kwObj) =>
        calls.callWithHandles(name, kwObj ? [t, kwObj, ...args] : [t, ...args], (hs, ctx) => {
          const [th, kh, ...rest] = kwObj ? hs : [hs[0], 0, ...hs.slice(1)];
          return f(ctx, th, rest, rest.length, kh) as number;
        }));
      return;
    }
    case SLOT.HPy_tp_init: {
      const f = calls.fn(impl, 'initproc');
      s.init = (self, args, kw) => withKwDict(c, kw, (kwObj) => {
        calls.callStatus(name, kwObj ? [self, kwObj, ...args] : [self, ...args], (hs, ctx) => {
          const [sh, kh, ...rest] = kwObj ? hs : [hs[0], 0, ...hs.slice(1)];
          return f(ctx, sh, rest, rest.length, kh);
        });
      });
      return;
    }
    case SLOT.HPy_tp_descr_get: {
      const f = ternaryCall();
      s.descrGet = (d, obj, t) => f(d, obj ?? rt.None, t);
      return;
    }
    case SLOT.HPy_tp_traverse:
    case SLOT.HPy_tp_destroy:
    case SLOT.HPy_tp_finalize:
    case SLOT.HPy_bf_getbuffer:
    case SLOT.HPy_bf_releasebuffer:
      return; // kept in HPyTypeInfo: the host calls them itself
    default:
      throw rt.error('ValueError', `type '${type.tpName}': slot ${name} (${slot}) is not allowed in a type definition`);
  }
}

function sequenceIterator(c: ReferenceContext, o: PyObject): PyObject {
  const rt = c.rt;
  let i = 0;
  let done = false;
  return rt.iterator({
    next: () => {
      if (done) return { value: undefined, done: true };
      try {
        return { value: c.ops.getitem(o, rt.int(i++)), done: false };
      } catch (e) {
        if (e instanceof PyRaise && e.exc.type.isSubtypeOf(rt.excType('IndexError'))) {
          done = true;
          return { value: undefined, done: true };
        }
        throw e;
      }
    },
  });
}

/** Runs `f` with the keyword arguments as a dict (or null), as tp_new and tp_init take them. */
function withKwDict<T>(c: ReferenceContext, kw: Kwargs, f: (kw: PyDict | null) => T): T {
  if (!kw || !kw.size) return f(null);
  const d = c.rt.dict();
  for (const [k, v] of kw) c.ops.dictSet(d, c.rt.str(k), v);
  return f(d);
}

// --- descriptors ---------------------------------------------------------------------------

/** A getset or member descriptor: `get`/`set` work on an instance of `owner`. */
export class PyDescriptor extends PyObject {
  constructor(
    type: PyType,
    readonly name: string,
    readonly owner: PyType,
    readonly get: ((obj: PyObject) => PyObject) | null,
    readonly set: ((obj: PyObject, value: PyObject | null) => void) | null,
    readonly doc: string | null,
  ) {
    super(type);
  }
}

/** The descriptor types, made once per interpreter. */
export function descriptorTypes(c: ReferenceContext): { getset: PyType; member: PyType } {
  const rt = c.rt;
  const cached = descriptorTypeCache.get(rt);
  if (cached) return cached;
  const make = (name: string, kind: string) => {
    const t = new PyType(rt.type, name, rt.object);
    const check = (d: PyDescriptor, obj: PyObject) => {
      if (!obj.type.isSubtypeOf(d.owner)) {
        throw rt.typeError(`descriptor '${d.name}' for '${d.owner.tpName}' objects doesn't apply to a '${obj.type.tpName}' object`);
      }
    };
    t.slots = {
      repr: (o) => rt.str(`<${kind} '${(o as PyDescriptor).name}' of '${(o as PyDescriptor).owner.tpName}' objects>`),
      descrGet: (o, obj) => {
        const d = o as PyDescriptor;
        if (!obj) return d;
        check(d, obj);
        if (!d.get) throw rt.error('AttributeError', `attribute '${d.name}' of '${d.owner.tpName}' objects is not readable`);
        return d.get(obj);
      },
      descrSet: (o, obj, value) => {
        const d = o as PyDescriptor;
        check(d, obj);
        if (!d.set) {
          throw rt.error('AttributeError', kind === 'member' ? 'readonly attribute' : `attribute '${d.name}' of '${d.owner.tpName}' objects is not writable`);
        }
        d.set(obj, value);
      },
      getattr: (o, name) => {
        const d = o as PyDescriptor;
        if (name === '__name__') return rt.str(d.name);
        if (name === '__doc__') return d.doc === null ? rt.None : rt.str(d.doc);
        if (name === '__objclass__') return d.owner;
        return c.ops.genericGetattr(o, name);
      },
    };
    return t;
  };
  const types = { getset: make('getset_descriptor', 'attribute'), member: make('member_descriptor', 'member') };
  descriptorTypeCache.set(rt, types);
  return types;
}
const descriptorTypeCache = new WeakMap<object, { getset: PyType; member: PyType }>();

function getsetDescriptor(c: ReferenceContext, owner: PyType, d: GetSetDef): PyDescriptor {
  const calls = c.impls;
  const getter = d.getter ? calls.fn(d.getter, 'getter') : null;
  const setter = d.setter ? calls.fn(d.setter, 'setter') : null;
  const closure = d.closure ?? null;
  return new PyDescriptor(descriptorTypes(c).getset, d.name, owner,
    getter && ((obj) => calls.callWithHandles(d.name, [obj], ([h], ctx) => getter(ctx, h, closure) as number)),
    setter && ((obj, value) => {
      calls.callStatus(d.name, value ? [obj, value] : [obj], ([h, v], ctx) => setter(ctx, h, v ?? 0, closure));
    }),
    d.doc);
}

/** C type of each scalar HPyMember kind, with the range Python checks when setting it. */
const SCALAR_MEMBERS: Record<number, { ctype: string; cname: string; kind: 'int' | 'float' | 'bool' }> = {
  [MEMBER.HPyMember_SHORT]: { ctype: 'int16_t', cname: 'short', kind: 'int' },
  [MEMBER.HPyMember_INT]: { ctype: 'int32_t', cname: 'int', kind: 'int' },
  [MEMBER.HPyMember_LONG]: { ctype: 'int64_t', cname: 'long', kind: 'int' },
  [MEMBER.HPyMember_BYTE]: { ctype: 'int8_t', cname: 'char', kind: 'int' },
  [MEMBER.HPyMember_UBYTE]: { ctype: 'uint8_t', cname: 'unsigned char', kind: 'int' },
  [MEMBER.HPyMember_USHORT]: { ctype: 'uint16_t', cname: 'unsigned short', kind: 'int' },
  [MEMBER.HPyMember_UINT]: { ctype: 'uint32_t', cname: 'unsigned int', kind: 'int' },
  [MEMBER.HPyMember_ULONG]: { ctype: 'uint64_t', cname: 'unsigned long', kind: 'int' },
  [MEMBER.HPyMember_LONGLONG]: { ctype: 'int64_t', cname: 'long long', kind: 'int' },
  [MEMBER.HPyMember_ULONGLONG]: { ctype: 'uint64_t', cname: 'unsigned long long', kind: 'int' },
  [MEMBER.HPyMember_HPYSSIZET]: { ctype: 'int64_t', cname: 'Py_ssize_t', kind: 'int' },
  [MEMBER.HPyMember_FLOAT]: { ctype: 'float', cname: 'float', kind: 'float' },
  [MEMBER.HPyMember_DOUBLE]: { ctype: 'double', cname: 'double', kind: 'float' },
  [MEMBER.HPyMember_BOOL]: { ctype: 'uint8_t', cname: 'bool', kind: 'bool' },
};

function memberDescriptor(c: ReferenceContext, owner: PyType, m: MemberDef): PyDescriptor {
  const rt = c.rt;
  const ops = c.ops;
  const types = descriptorTypes(c);
  const at = (obj: PyObject) => payloadOf(c, obj) + BigInt(m.offset);
  const make = (get: (obj: PyObject) => PyObject, set: ((obj: PyObject, v: PyObject | null) => void) | null) =>
    new PyDescriptor(types.member, m.name, owner, get, m.readonly ? null : set, m.doc);

  switch (m.type) {
    case MEMBER.HPyMember_OBJECT:
    case MEMBER.HPyMember_OBJECT_EX:
      return make(
        (obj) => {
          const v = readField(c, obj, at(obj));
          if (v) return v;
          if (m.type === MEMBER.HPyMember_OBJECT) return rt.None;
          throw rt.error('AttributeError', `'${obj.type.tpName}' object has no attribute '${m.name}'`);
        },
        (obj, v) => {
          if (!v && m.type === MEMBER.HPyMember_OBJECT_EX && !readField(c, obj, at(obj))) {
            throw rt.error('AttributeError', `'${obj.type.tpName}' object has no attribute '${m.name}'`);
          }
          storeField(c, obj, at(obj), v);
        });
    case MEMBER.HPyMember_STRING:
      return new PyDescriptor(types.member, m.name, owner, (obj) => {
        const p = readPointer(at(obj));
        return p ? rt.str(readCString(p)!) : rt.None;
      }, null, m.doc);
    case MEMBER.HPyMember_STRING_INPLACE:
      return new PyDescriptor(types.member, m.name, owner, (obj) => rt.str(readCString(at(obj))!), null, m.doc);
    case MEMBER.HPyMember_CHAR:
      return make(
        (obj) => rt.str(String.fromCharCode(readScalar(at(obj), 0, 'uint8_t') as number)),
        (obj, v) => {
          if (!v) throw rt.typeError("can't delete numeric/char attribute");
          if (!(v instanceof PyStr) || v.length !== 1 || v.value.codePointAt(0)! > 0xff) {
            throw rt.typeError('bad argument type for built-in operation');
          }
          writeMember(at(obj), 'uint8_t', v.value.charCodeAt(0));
        });
    case MEMBER.HPyMember_NONE:
      return new PyDescriptor(types.member, m.name, owner, () => rt.None, null, m.doc);
    default: {
      const scalar = SCALAR_MEMBERS[m.type];
      if (!scalar) throw rt.error('SystemError', `type '${owner.tpName}': member '${m.name}' has an unknown type ${m.type}`);
      return make(
        (obj) => {
          const v = readScalar(at(obj), 0, scalar.ctype);
          if (scalar.kind === 'float') return rt.float(v as number);
          if (scalar.kind === 'bool') return rt.bool(v !== 0);
          return rt.int(BigInt(v));
        },
        (obj, v) => {
          if (!v) throw rt.typeError("can't delete numeric/char attribute");
          if (scalar.kind === 'bool') {
            if (v.type !== rt.types.bool) throw rt.typeError('attribute value type must be bool');
            writeMember(at(obj), scalar.ctype, v === rt.True ? 1 : 0);
          } else if (scalar.kind === 'float') {
            writeMember(at(obj), scalar.ctype, ops.toDouble(v));
          } else {
            writeMember(at(obj), scalar.ctype, intForMember(c, v, scalar.ctype, scalar.cname));
          }
        });
    }
  }
}

/**
 * The value an integer member stores, as CPython's structmember code computes it: the value
 * must fit a C long (or the member's own 64-bit type), and narrower types truncate (CPython
 * also warns). Unsigned long and unsigned int accept negative values, stored two's complement.
 */
function intForMember(c: ReferenceContext, v: PyObject, ctype: string, cname: string): bigint {
  const rt = c.rt;
  const i = c.ops.index(v);
  const bits = Number(ctype.replace(/\D/g, ''));
  const I64: [bigint, bigint] = [-(1n << 63n), (1n << 63n) - 1n];
  const range: [bigint, bigint] = cname === 'unsigned long long' ? [0n, (1n << 64n) - 1n]
    : cname === 'unsigned long' || cname === 'unsigned int' ? [I64[0], (1n << 64n) - 1n] : I64;
  if (i < range[0]) {
    throw rt.error('OverflowError', range[0] === 0n ? `can't convert negative int to unsigned` : `Python int too large to convert to C long`);
  }
  if (i > range[1]) throw rt.error('OverflowError', `Python int too large to convert to C ${bits === 64 ? cname : 'long'}`);
  return ctype.startsWith('u') ? BigInt.asUintN(bits, i) : BigInt.asIntN(bits, i);
}

function writeMember(p: Pointer, ctype: string, v: number | bigint): void {
  writeScalar(p, 0, ctype, ctype.endsWith('64_t') ? BigInt(v) : Number(v));
}

/** The payload of an instance of an HPy type (the object itself must be one). */
export function payloadOf(c: ReferenceContext, obj: PyObject): Pointer {
  const state = obj.native ?? newInstance(c, obj.type, obj).obj.native;
  if (!state) throw c.rt.error('SystemError', `'${obj.type.tpName}' object has no HPy payload`);
  return state.payload;
}
