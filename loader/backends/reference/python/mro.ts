// Method resolution order: the C3 linearization Python computes for a class with several bases.
import type { PyType } from './objects.js';

/** The MRO of a new class after the class itself, or null when the bases admit no consistent order. */
export function c3(bases: readonly PyType[]): PyType[] | null {
  const seqs = [...bases.map((b) => [...b.mro]), [...bases]];
  const out: PyType[] = [];
  for (;;) {
    const rest = seqs.filter((s) => s.length);
    if (!rest.length) return out;
    const head = rest.map((s) => s[0]).find((h) => !rest.some((s) => s.indexOf(h) > 0));
    if (!head) return null;
    out.push(head);
    for (const s of rest) if (s[0] === head) s.shift();
  }
}
