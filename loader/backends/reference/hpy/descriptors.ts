// Getset and member descriptors of HPy types: HPyDef_GETSET calls the extension's getter and
// setter, HPyDef_MEMBER reads and writes the payload at the member's offset.
import { ENUMS } from '../../../abi/abi.generated.js';
import type { GetSetDef, MemberDef } from '../../../module-def.js';
import { readCString, readPointer, readScalar, writeScalar, type Pointer } from '../../../native-memory.js';
import { PyObject, PyStr, PyType } from '../python/objects.js';
import type { ReferenceContext } from './context.js';
import { payloadOf, readField, storeField } from './instances.js';
import { memberLabel } from './type-info.js';

const MEMBER = ENUMS.HPyMember_FieldType;

/** A getset or member descriptor: `get`/`set` work on an instance of `owner`. */
class PyDescriptor extends PyObject {
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
function descriptorTypes(c: ReferenceContext): { getset: PyType; member: PyType } {
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

export function getsetDescriptor(c: ReferenceContext, owner: PyType, d: GetSetDef): PyDescriptor {
  const calls = c.impls;
  const getter = d.getter ? calls.fn(d.getter, 'HPyFunc_GETTER') : null;
  const setter = d.setter ? calls.fn(d.setter, 'HPyFunc_SETTER') : null;
  const closure = d.closure ?? null;
  const label = memberLabel(owner, d.name);
  return new PyDescriptor(descriptorTypes(c).getset, d.name, owner,
    getter && ((obj) => calls.callWithHandles(label, [obj], ([h], ctx) => getter(ctx, h, closure) as number)),
    setter && ((obj, value) => {
      calls.callStatus(label, value ? [obj, value] : [obj], ([h, v], ctx) => setter(ctx, h, v ?? 0, closure));
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

export function memberDescriptor(c: ReferenceContext, owner: PyType, m: MemberDef): PyDescriptor {
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
    // Strings cannot be written, but as CPython's structmember code says so: a TypeError, where a
    // member declared read-only gives an AttributeError.
    case MEMBER.HPyMember_STRING:
      return make((obj) => {
        const p = readPointer(at(obj));
        return p ? rt.str(readCString(p)!) : rt.None;
      }, () => {
        throw rt.typeError('readonly attribute');
      });
    case MEMBER.HPyMember_STRING_INPLACE:
      return make((obj) => rt.str(readCString(at(obj))!), () => {
        throw rt.typeError('readonly attribute');
      });
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
