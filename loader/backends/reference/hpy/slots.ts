// HPySlots of an HPyType_Spec as type slots of the reference object model: each calls the
// extension's impl directly, with CPython's fallbacks where CPython has them.
import { ENUMS, SLOT_SIGNATURES, STRUCTS } from '../../../abi/abi.generated.js';
import type { ImplSignature } from '../../../abi/impl-signatures.generated.js';
import { slotName } from '../../../module-def.js';
import { readPointer, type Pointer } from '../../../native-memory.js';
import { hasIndex } from '../python/ops.js';
import { PyDict, PyObject, PyRaise, PyType, type BinaryOp, type Kwargs, type TypeSlots, type UnaryOp } from '../python/objects.js';
import type { ReferenceContext } from './context.js';
import { inherited, memberLabel } from './type-info.js';

const SLOT = ENUMS.HPySlot_Slot;

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
const CALL_IMPL = STRUCTS.HPyCallFunction.fields.impl.offset;

/**
 * Calls through the HPy call protocol: the object's own call function (HPy_SetCallFunction, or
 * the HPyCallFunction it keeps at its type's __vectorcalloffset__ member), else the type's
 * HPy_tp_call.
 */
export function installCall(c: ReferenceContext, s: TypeSlots, label: string): void {
  s.call = (self, args, kw) => {
    const offset = inherited(self.type, 'callOffset');
    const own = offset !== null && self.native ? readPointer(self.native.payload, offset + CALL_IMPL) : null;
    const f = self.native?.call ?? own ?? inherited(self.type, 'call');
    if (!f) throw c.rt.typeError(`'${self.type.tpName}' object is not callable`);
    return c.impls.callKeywords(label, f, self, args, kw);
  };
}

export function installSlot(c: ReferenceContext, type: PyType, s: TypeSlots, slot: number, impl: Pointer, has: (slot: number) => boolean): void {
  const rt = c.rt;
  const ops = c.ops;
  const calls = c.impls;
  const name = slotName(slot);
  if (name === null) throw rt.error('ValueError', `type '${type.tpName}': invalid slot value ${slot}`);
  const label = memberLabel(type, name);
  // The impl's prototype follows from the slot's HPyFunc signature. Decoded on first need: a
  // slot that another one overrides (sq_item beside mp_subscript) is never decoded.
  const native = () => calls.fn(impl, SLOT_SIGNATURES[name] as ImplSignature);
  const unaryCall = () => {
    const f = native();
    return (a: PyObject) => calls.callWithHandles(label, [a], ([x], ctx) => f(ctx, x) as number);
  };
  const binaryCall = () => {
    const f = native();
    return (a: PyObject, b: PyObject) => calls.callWithHandles(label, [a, b], ([x, y], ctx) => f(ctx, x, y) as number);
  };
  const ternaryCall = () => {
    const f = native();
    return (a: PyObject, b: PyObject, m: PyObject) => calls.callWithHandles(label, [a, b, m], ([x, y, z], ctx) => f(ctx, x, y, z) as number);
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
      const f = native();
      s.bool = (a) => calls.callStatus(label, [a], ([x], ctx) => f(ctx, x)) !== 0;
      return;
    }
    case SLOT.HPy_mp_length:
    case SLOT.HPy_sq_length: {
      const f = native();
      s.len = (a) => calls.callStatus(label, [a], ([x], ctx) => f(ctx, x));
      return;
    }
    case SLOT.HPy_mp_subscript:
      s.getitem = binaryCall();
      return;
    case SLOT.HPy_sq_item: {
      if (has(SLOT.HPy_mp_subscript)) return;
      const f = native();
      s.getitem = (o, key) => {
        const i = index(o, key);
        return calls.callWithHandles(label, [o], ([x], ctx) => f(ctx, x, i) as number);
      };
      // Like CPython, a type with sq_item is iterable: items until IndexError.
      if (!s.iter) s.iter = (o) => sequenceIterator(c, o);
      return;
    }
    case SLOT.HPy_mp_ass_subscript: {
      const f = native();
      s.setitem = (o, k, v) => {
        calls.callStatus(label, v ? [o, k, v] : [o, k], ([x, y, z], ctx) => f(ctx, x, y, z ?? 0));
      };
      return;
    }
    case SLOT.HPy_sq_ass_item: {
      if (has(SLOT.HPy_mp_ass_subscript)) return;
      const f = native();
      s.setitem = (o, key, v) => {
        const i = index(o, key);
        calls.callStatus(label, v ? [o, v] : [o], ([x, z], ctx) => f(ctx, x, i, z ?? 0));
      };
      return;
    }
    case SLOT.HPy_sq_contains: {
      const f = native();
      s.contains = (o, item) => calls.callStatus(label, [o, item], ([x, y], ctx) => f(ctx, x, y)) !== 0;
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
      const f = native();
      const repeat = (a: PyObject, n: bigint) => calls.callWithHandles(label, [a], ([x], ctx) => f(ctx, x, n) as number);
      if (slot === SLOT.HPy_sq_repeat) s.repeat = repeat;
      else if (!has(SLOT.HPy_nb_inplace_multiply)) {
        (s.inplace ??= {}).mul = (a, b) => (hasIndex(b) ? repeat(a, ops.index(b)) : rt.NotImplemented);
      }
      return;
    }
    case SLOT.HPy_tp_call:
      installCall(c, s, label);
      return;
    case SLOT.HPy_tp_hash: {
      const f = native();
      s.hash = (a) => {
        const v = calls.callStatus(label, [a], ([x], ctx) => f(ctx, x));
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
      const f = native();
      s.richcompare = (a, b, op) => calls.callWithHandles(label, [a, b], ([x, y], ctx) => f(ctx, x, y, op) as number);
      return;
    }
    case SLOT.HPy_tp_new: {
      const f = native();
      s.new = (t, args, kw) => withKwDict(c, kw, (kwObj) =>
        calls.callWithHandles(label, kwObj ? [t, kwObj, ...args] : [t, ...args], (hs, ctx) => {
          const [th, kh, ...rest] = kwObj ? hs : [hs[0], 0, ...hs.slice(1)];
          return f(ctx, th, rest, rest.length, kh) as number;
        }));
      return;
    }
    case SLOT.HPy_tp_init: {
      const f = native();
      s.init = (self, args, kw) => withKwDict(c, kw, (kwObj) => {
        calls.callStatus(label, kwObj ? [self, kwObj, ...args] : [self, ...args], (hs, ctx) => {
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
