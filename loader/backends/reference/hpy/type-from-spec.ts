// Types made by HPyType_FromSpec: decoding the spec, checking it as CPython's HPy does, and
// turning its HPyDefs into type slots, methods and descriptors of the reference object model.
import { ENUMS, STRUCTS } from '../../../abi/abi.generated.js';
import { decodeDef, type Def, type MemberDef } from '../../../module-def.js';
import { readCString, readI32, readI64, readNullTerminated, readPointer, type Pointer } from '../../../native-memory.js';
import { c3 } from '../python/mro.js';
import { PyObject, PyTuple, PyType, type TypeSlots } from '../python/objects.js';
import type { ReferenceContext } from './context.js';
import { getsetDescriptor, memberDescriptor } from './descriptors.js';
import { newInstance, solidBase } from './instances.js';
import { installCall, installSlot } from './slots.js';
import { memberLabel } from './type-info.js';

const SLOT = ENUMS.HPySlot_Slot;
const SHAPE = ENUMS.HPyType_BuiltinShape;
const PARAM = ENUMS.HPyType_SpecParam_Kind;
const SPEC = STRUCTS.HPyType_Spec.fields;
const TPFLAGS_BASETYPE = 1n << 10n;
const TPFLAGS_HAVE_GC = 1n << 14n;


/** The builtin types CPython refuses as bases (no Py_TPFLAGS_BASETYPE). */
const FINAL_BUILTINS = new Set(['bool', 'NoneType', 'NotImplementedType', 'ellipsis', 'slice', 'memoryview',
  'builtin_function_or_method', 'method_descriptor', 'PyCapsule', 'iterator']);

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
  const callMember = members.find((m) => m.name === '__vectorcalloffset__');
  if (callMember && has(SLOT.HPy_tp_call)) {
    // HPy's message, its missing space included.
    throw rt.typeError("Cannot have HPy_tp_call and explicit member'__vectorcalloffset__'. Specify just one of them.");
  }
  if (spec.basicsize < 0 || spec.itemsize < 0) throw rt.error('ValueError', `type '${spec.name}': negative basicsize or itemsize`);

  // Without a base the type derives from object whatever its shape, as in HPy 0.9.0; on object
  // any shape is accepted, and the payload follows the real base's part all the same.
  const bases = params.bases.length ? params.bases : [rt.object];
  const required = shapeBase(c, spec.shape);
  if (required && bases[0] !== rt.object && !bases[0].isSubtypeOf(required)) {
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
  const mro = c3(bases);
  if (!mro) {
    throw rt.typeError(`Cannot create a consistent method resolution order (MRO) for bases ${bases.map((b) => b.name).join(', ')}`);
  }
  type.mro = [type, ...mro];
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
    callOffset: callMember?.offset ?? null,
    getbuffer: impl(SLOT.HPy_bf_getbuffer),
    releasebuffer: impl(SLOT.HPy_bf_releasebuffer),
  };

  const slots: TypeSlots = {};
  for (const d of slotDefs) installSlot(c, type, slots, d.slot, d.impl, has);
  if (callMember) installCall(c, slots, memberLabel(type, 'HPy_tp_call'));
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

