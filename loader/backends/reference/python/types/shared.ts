// What several builtin types share: comparison results from a three-way comparison, sequence
// comparison, indexing and repetition, the repr of a sequence, and refusing to hash.
import type { Interp } from '../interp.js';
import { hasIndex, type Ops } from '../ops.js';
import { PyInt, PyList, PyTuple, type PyObject } from '../objects.js';
import { SSIZE_MAX, SSIZE_MIN } from '../slices.js';

/** The result of rich comparison `op` (HPy_RichCmpOp order) from a three-way comparison `c`. */
export function compareResult(rt: Interp, c: number, op: number): PyObject {
  const r = [c < 0, c <= 0, c === 0, c !== 0, c > 0, c >= 0][op];
  return rt.bool(r);
}

/** Lexicographic comparison of two sequences, as tuples and lists compare. */
export function compareSequences(rt: Interp, ops: Ops, a: readonly PyObject[], b: readonly PyObject[], op: number): PyObject {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (!ops.eq(a[i], b[i])) {
      if (op === 2) return rt.False;
      if (op === 3) return rt.True;
      return ops.richcompare(a[i], b[i], op);
    }
  }
  return compareResult(rt, a.length - b.length, op);
}

/** The position `key` selects in a sequence of `len` items; `kind` names the sequence in CPython's TypeError, `what` in its IndexError. */
export function sequenceIndex(rt: Interp, ops: Ops, len: number, key: PyObject, what: string, kind = what): number {
  if (!hasIndex(key)) {
    throw rt.typeError(kind === 'string' ? `string indices must be integers, not '${key.type.name}'`
      : `${kind} indices must be integers or slices, not ${key.type.name}`);
  }
  const v = ops.index(key);
  if (v < SSIZE_MIN || v > SSIZE_MAX) throw rt.error('IndexError', `cannot fit '${key.type.name}' into an index-sized integer`);
  const i = v < 0n ? v + BigInt(len) : v;
  if (i < 0n || i >= BigInt(len)) throw rt.error('IndexError', `${what} index out of range`);
  return Number(i);
}

/** How many times `seq * n` repeats (a negative count is none), or null when `n` is no int. */
export function repeatCount(n: PyObject): number | null {
  return n instanceof PyInt ? Math.max(0, Number(n.value)) : null;
}

export function sequenceRepr(rt: Interp, ops: Ops, items: readonly PyObject[], open: string, close: string, single = ''): PyObject {
  return rt.str(open + items.map((i) => ops.repr(i)).join(', ') + (items.length === 1 ? single : '') + close);
}

/** `seq * n` and `n * seq` for tuples and lists (`make` builds the result). */
export function sequenceRepeat(rt: Interp, make: (items: PyObject[]) => PyObject, cls: typeof PyTuple | typeof PyList) {
  return (a: PyObject, b: PyObject): PyObject => {
    const [s, n] = a instanceof cls ? [a, b] : [b, a];
    const k = repeatCount(n);
    if (!(s instanceof cls) || k === null) return rt.NotImplemented;
    const out: PyObject[] = [];
    for (let i = 0; i < k; i++) out.push(...s.items);
    return make(out);
  };
}

/** The hash slot of mutable containers, which define __hash__ = None: without it they would inherit object's hash. */
export function unhashable(rt: Interp) {
  return (o: PyObject): bigint => { throw rt.typeError(`unhashable type: '${o.type.name}'`); };
}
