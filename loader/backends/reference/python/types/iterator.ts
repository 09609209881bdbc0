// The one iterator type of the object model, over any JavaScript iterator of objects.
import type { Interp } from '../interp.js';
import type { PyIterator } from '../objects.js';

export function installIterator(rt: Interp): void {
  const t = rt.types;
  t.iterator.slots = {
    iter: (o) => o,
    next: (o) => {
      const r = (o as PyIterator).source.next();
      return r.done ? undefined : r.value;
    },
  };
}
