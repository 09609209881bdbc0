// What the reference backend keeps about a type made from an HPyType_Spec, and the lookups
// that walk the MRO for it: a subtype without HPy slots of its own runs its base's.
import { ENUMS } from '../../../abi/abi.generated.js';
import type { Pointer } from '../../../native-memory.js';
import type { PyType } from '../python/objects.js';

const SHAPE = ENUMS.HPyType_BuiltinShape;

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
  /** Where each object keeps its own HPyCallFunction (a __vectorcalloffset__ member), from the payload. */
  callOffset: number | null;
  getbuffer: Pointer | null;
  releasebuffer: Pointer | null;
}

/** The HPy shape of any type: its own for HPy types, Legacy for the others (as CPython's HPy reports). */
export function shapeOf(type: PyType): number {
  return type.hpy ? type.hpy.shape : SHAPE.HPyType_BuiltinShape_Legacy;
}

/**
 * How extension code is named in debug findings and errors, on every backend: a member of a type
 * by the type's name and its own (`array.HPy_nb_multiply`, `Point.norm`), a module's by its own.
 */
export function memberLabel(owner: PyType | null, name: string): string {
  return owner ? `${owner.name}.${name}` : name;
}

/** The type along the MRO whose spec supplies `key`: the owner of what `inherited` finds. */
export function inheritedFrom(type: PyType, key: keyof HPyTypeInfo): PyType | null {
  for (const t of type.mro) if (t.hpy && t.hpy[key] !== null) return t;
  return null;
}

/** The nearest HPy-type value of `key` along the MRO (slots the host calls itself are inherited). */
export function inherited<K extends keyof HPyTypeInfo>(type: PyType, key: K): HPyTypeInfo[K] | null {
  for (const t of type.mro) if (t.hpy && t.hpy[key] !== null) return t.hpy[key];
  return null;
}
