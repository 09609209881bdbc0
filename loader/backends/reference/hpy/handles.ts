// The handle table: HPy handles of the reference backend are indices into it.
import { readSmallIntptrs, type Pointer } from '../../../native-memory.js';
import type { PyObject } from '../python/objects.js';

export class HandleTable {
  private readonly objects: (PyObject | undefined)[] = [undefined];
  private readonly free: number[] = [];
  /** Handles below this index are the context's constants: they are never freed. */
  private constantLimit = 1;

  /** Reserves the context constants; their handles are 1..n in order. */
  addConstants(objs: PyObject[]): number[] {
    const first = this.objects.length;
    this.objects.push(...objs);
    this.constantLimit = this.objects.length;
    return objs.map((_, i) => first + i);
  }
  open(o: PyObject): number {
    const h = this.free.pop();
    if (h === undefined) return this.objects.push(o) - 1;
    this.objects[h] = o;
    return h;
  }
  /** The object of an open handle, or undefined for NULL, closed or foreign values. */
  get(h: number): PyObject | undefined {
    return this.objects[h];
  }
  close(h: number): boolean {
    if (h < this.constantLimit || this.objects[h] === undefined) return false;
    this.objects[h] = undefined;
    this.free.push(h);
    return true;
  }
  /** Number of open non-constant handles (for leak checks in tests). */
  get openCount(): number {
    return this.objects.length - this.constantLimit - this.free.length;
  }
}

/** Reads `n` handles from a `const HPy *` array (a value that is no handle reads as -1). */
export function readHandles(ptr: Pointer | null, n: number): number[] {
  if (n <= 0 || !ptr) return [];
  return readSmallIntptrs(ptr, n);
}
