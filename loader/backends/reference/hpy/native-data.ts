// Native copies of Python data that C code reads through a pointer: str and bytes contents, type names.
import koffi from 'koffi';
import { allocCopy, type Pointer } from '../../../native-memory.js';
import type { PyObject } from '../python/objects.js';

/**
 * One copy per object (`AsUTF8AndSize`, `Bytes_AsString`, `Type_GetName`), alive as long as the
 * object, so that the pointer outlives every handle to it.
 */
export class NativeData {
  private readonly copies = new WeakMap<PyObject, Pointer>();
  private readonly registry = new FinalizationRegistry<Pointer>((p) => koffi.free(p));
  get(owner: PyObject, bytes: Uint8Array): Pointer {
    let p = this.copies.get(owner);
    if (p === undefined) {
      p = allocCopy(bytes);
      this.copies.set(owner, p);
      this.registry.register(owner, p);
    }
    return p;
  }
}
