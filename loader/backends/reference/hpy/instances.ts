// Instances of HPy types: their zeroed native payload, their HPyFields, and what happens when
// they die (tp_finalize, fields cleared through tp_traverse, tp_destroy, payload freed).
import koffi, { type TypeObject } from 'koffi';
import { readI64, writeI64, allocZeroed, type Pointer } from '../../../native-memory.js';
import type { ReferenceContext } from './context.js';
import { asSubtype, inherited } from './type-from-spec.js';
import { NativeState, type PyObject, type PyType } from '../python/objects.js';

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
  const f = c.impls.fn(finalize, 'destructor');
  try {
    c.impls.callVoid('HPy_tp_finalize', [ghost], ([h], ctx) => f(ctx, h));
  } catch (e) {
    c.reportUnraisable(e, `the finalizer of a '${type.tpName}' object`);
  }
  c.lifetime.watch(ghost, releaseAction(c, type, state.payload));
}

/** As CPython's HPy does: clear the fields of every HPy type in the chain, destroy each, free. */
function release(c: ReferenceContext, type: PyType, payload: Pointer): void {
  const chain = type.mro.filter((t) => t.hpy);
  const visit = clearingVisitor(c);
  for (const t of chain) if (t.hpy!.traverse) c.impls.fn(t.hpy!.traverse, 'traverse')(payload, visit, null);
  for (const t of chain) if (t.hpy!.destroy) c.impls.fn(t.hpy!.destroy, 'destroy')(payload);
  koffi.free(payload);
}

const visitors = new WeakMap<ReferenceContext, Pointer>();
let visitProto: TypeObject | undefined;
/** The `HPyFunc_visitproc` given to tp_traverse before destroy: it empties each field. */
function clearingVisitor(c: ReferenceContext): Pointer {
  let v = visitors.get(c);
  if (!v) {
    visitProto ??= koffi.pointer(koffi.proto('int HPyMatrixClearVisit(void *field, void *arg)'));
    v = c.registerCallback((field: Pointer | null) => {
      if (field) writeI64(field, 0, 0);
      return 0;
    }, visitProto);
    visitors.set(c, v);
  }
  return v;
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
