// Instances of HPy types: their zeroed native payload, their HPyFields, and what happens when
// they die (tp_finalize, fields cleared through tp_traverse, tp_destroy, payload freed).
import koffi, { type TypeObject } from 'koffi';
import { VISITPROC_PROTOTYPE } from '../../../abi/impl-signatures.generated.js';
import { readI64, writeI64, allocZeroed, type Pointer } from '../../../native-memory.js';
import type { ReferenceContext } from './context.js';
import { PyBytes, PyDict, PyFloat, PyInt, PyList, PyObject, PyStr, PyTuple, type PyType } from '../python/objects.js';
import { inherited, inheritedFrom, memberLabel } from './type-info.js';

/**
 * What an instance of an HPy type owns beyond its Python value: the payload that the
 * extension's C struct lives in, and the objects its HPyFields refer to. The referents are
 * kept here, on the JavaScript side, so that the collector sees them (and their cycles).
 */
export class NativeState {
  /** HPyField values written into the payload are keys of this map. */
  readonly fields = new Map<number, PyObject>();
  /** The next field value to hand out; values are only meaningful within one owner. */
  nextField = 1;
  /** HPy_SetCallFunction's impl for this object, instead of the type's HPy_tp_call. */
  call: Pointer | null = null;
  constructor(readonly payload: Pointer) {}
}

/** Payloads are at least this big, so that AsStruct never returns NULL for a real instance. */
const MIN_PAYLOAD = 16;

/**
 * Gives `made` (or a new default instance of `type`) its payload. Everything that creates an
 * instance of an HPy type goes through here: HPy_New, HPyType_GenericNew, inherited constructors.
 */
export function newInstance(c: ReferenceContext, type: PyType, made?: PyObject): { obj: PyObject; payload: Pointer } {
  if (!type.mro.some((t) => t.hpy)) {
    throw c.rt.typeError(`'${type.tpName}' is not a type created by HPyType_FromSpec, so its instances have no HPy payload`);
  }
  const obj = asSubtype(c, type, made);
  if (obj.native) return { obj, payload: obj.native.payload };
  const size = Math.max(MIN_PAYLOAD, inherited(type, 'basicsize') ?? 0);
  const state = new NativeState(allocZeroed(size));
  obj.native = state;
  const finalize = inherited(type, 'finalize');
  c.lifetime.watch(obj, finalize ? finalizeAction(c, type, state, finalize) : releaseAction(c, type, state.payload));
  return { obj, payload: state.payload };
}

// The death actions are made in functions of their own: closures created in one function share
// its captured variables, and an action that held `state` would keep the fields' referents
// (maybe the object itself) alive.
function releaseAction(c: ReferenceContext, type: PyType, payload: Pointer): () => void {
  return () => release(c, type, payload);
}
/** The stand-in needs the fields, so a finalizable object in a cycle through its own fields is never collected. */
function finalizeAction(c: ReferenceContext, type: PyType, state: NativeState, finalize: Pointer): () => void {
  return () => runFinalizer(c, type, state, finalize);
}

/**
 * tp_finalize needs the object, which is gone: it gets a stand-in of the same type with the same
 * payload and fields. If the finalizer stores it somewhere, it lives on (a resurrection); the
 * payload is released when the stand-in dies, as CPython runs finalizers only once.
 */
function runFinalizer(c: ReferenceContext, type: PyType, state: NativeState, finalize: Pointer): void {
  const ghost = asSubtype(c, type, undefined);
  ghost.native = state;
  const f = c.impls.fn(finalize, 'HPyFunc_DESTRUCTOR');
  try {
    c.impls.callVoid(memberLabel(inheritedFrom(type, 'finalize'), 'HPy_tp_finalize'), [ghost], ([h], ctx) => f(ctx, h));
  } catch (e) {
    c.reportUnraisable(e, `the finalizer of a '${type.tpName}' object`);
  }
  c.lifetime.watch(ghost, releaseAction(c, type, state.payload));
}

/** As CPython's HPy does: clear the fields of every HPy type in the chain, destroy each, free. */
function release(c: ReferenceContext, type: PyType, payload: Pointer): void {
  const chain = type.mro.filter((t) => t.hpy);
  const visit = clearingVisitor(c);
  for (const t of chain) if (t.hpy!.traverse) c.impls.fn(t.hpy!.traverse, 'HPyFunc_TRAVERSEPROC')(payload, visit, null);
  for (const t of chain) if (t.hpy!.destroy) c.impls.fn(t.hpy!.destroy, 'HPyFunc_DESTROYFUNC')(payload);
  koffi.free(payload);
}

const visitors = new WeakMap<ReferenceContext, Pointer>();
let visitProto: TypeObject | undefined;
/** The `HPyFunc_visitproc` given to tp_traverse before destroy: it empties each field. */
function clearingVisitor(c: ReferenceContext): Pointer {
  let v = visitors.get(c);
  if (!v) {
    visitProto ??= koffi.pointer(koffi.proto(VISITPROC_PROTOTYPE));
    v = c.registerCallback((field: Pointer | null) => {
      if (field) writeI64(field, 0, 0);
      return 0;
    }, visitProto);
    visitors.set(c, v);
  }
  return v;
}

/** The builtin class whose representation instances of `t` share (object for plain ones). */
export function solidBase(c: ReferenceContext, t: PyType): PyType {
  const builtins = Object.values(c.rt.types) as PyType[];
  return t.mro.find((m) => builtins.includes(m) || m === c.rt.type) ?? c.rt.object;
}

/** A copy of a builtin value as an instance of subtype `t` (used for builtin shapes). */
function asSubtype(c: ReferenceContext, t: PyType, v: PyObject | undefined): PyObject {
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

/** The payload of an instance of an HPy type (the object itself must be one). */
export function payloadOf(c: ReferenceContext, obj: PyObject): Pointer {
  const state = obj.native ?? newInstance(c, obj.type, obj).obj.native;
  if (!state) throw c.rt.error('SystemError', `'${obj.type.tpName}' object has no HPy payload`);
  return state.payload;
}

// --- HPyField ----------------------------------------------------------------------------

function stateOf(c: ReferenceContext, owner: PyObject, fn: string): NativeState {
  if (!owner.native) throw c.rt.error('SystemError', `${fn}: the owner is not an instance of an HPy type`);
  return owner.native;
}

/** HPyField_Store: the field at `pfield` (in the owner's payload) now refers to `value`. */
export function storeField(c: ReferenceContext, owner: PyObject, pfield: Pointer, value: PyObject | null): void {
  const state = stateOf(c, owner, 'HPyField_Store');
  const old = Number(readI64(pfield));
  if (old) state.fields.delete(old);
  if (!value) {
    writeI64(pfield, 0, 0);
    return;
  }
  const id = state.nextField++;
  state.fields.set(id, value);
  writeI64(pfield, 0, id);
}

/** The object a field value refers to, or null for an empty field. */
export function loadField(c: ReferenceContext, owner: PyObject, field: number): PyObject | null {
  if (!field) return null;
  const v = stateOf(c, owner, 'HPyField_Load').fields.get(field);
  if (!v) throw c.rt.error('SystemError', `HPyField_Load: invalid field value ${field} for this owner`);
  return v;
}

/** The object the field stored at `pfield` refers to, or null. */
export function readField(c: ReferenceContext, owner: PyObject, pfield: Pointer): PyObject | null {
  return loadField(c, owner, Number(readI64(pfield)));
}
