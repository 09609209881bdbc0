// Slice arithmetic that sequences, the `slice` type and HPySlice_Unpack share.
// Bounds are computed as bigint because CPython clamps them to Py_ssize_t, a range a JS
// number cannot hold exactly.
import type { Interp } from './interp.js';
import { hasIndex, type Ops } from './ops.js';
import { PySlice, type PyObject } from './objects.js';

export const SSIZE_MAX = (1n << 63n) - 1n;
export const SSIZE_MIN = -(1n << 63n);

const clampSsize = (v: bigint) => (v > SSIZE_MAX ? SSIZE_MAX : v < SSIZE_MIN ? SSIZE_MIN : v);

/** A slice bound as CPython's _PyEval_SliceIndex reads it: __index__, clamped to Py_ssize_t. */
function sliceBound(rt: Interp, ops: Ops, o: PyObject): bigint {
  if (!hasIndex(o)) throw rt.typeError('slice indices must be integers or None or have an __index__ method');
  return clampSsize(ops.index(o));
}

/** PySlice_Unpack: start, stop and step with None resolved and every value within Py_ssize_t. */
export function unpackSlice(rt: Interp, ops: Ops, s: PySlice): [bigint, bigint, bigint] {
  let step = 1n;
  if (s.step !== rt.None) {
    step = sliceBound(rt, ops, s.step);
    if (step === 0n) throw rt.error('ValueError', 'slice step cannot be zero');
    // Keeps -step representable, which the index arithmetic relies on.
    if (step < -SSIZE_MAX) step = -SSIZE_MAX;
  }
  const start = s.start === rt.None ? (step < 0n ? SSIZE_MAX : 0n) : sliceBound(rt, ops, s.start);
  const stop = s.stop === rt.None ? (step < 0n ? SSIZE_MIN : SSIZE_MAX) : sliceBound(rt, ops, s.stop);
  return [start, stop, step];
}

interface SliceRange {
  start: number;
  stop: number;
  step: number;
  /** How many items the slice selects. */
  count: number;
}

/** PySlice_AdjustIndices: clips unpacked bounds to a sequence of `length` items. */
function adjustIndices(length: number, start: bigint, stop: bigint, step: bigint): SliceRange {
  const r = adjustIndicesBig(BigInt(length), start, stop, step);
  return { start: Number(r[0]), stop: Number(r[1]), step: Number(step), count: Number(r[2]) };
}

/** adjustIndices over any length: [start, stop, count]. */
export function adjustIndicesBig(n: bigint, start: bigint, stop: bigint, step: bigint): [bigint, bigint, bigint] {
  const clip = (i: bigint) => {
    if (i < 0n) {
      i += n;
      if (i < 0n) i = step < 0n ? -1n : 0n;
    } else if (i >= n) {
      i = step < 0n ? n - 1n : n;
    }
    return i;
  };
  const a = clip(start), b = clip(stop);
  let count = 0n;
  if (step < 0n) {
    if (b < a) count = (a - b - 1n) / -step + 1n;
  } else if (a < b) {
    count = (b - a - 1n) / step + 1n;
  }
  return [a, b, count];
}

function sliceRange(rt: Interp, ops: Ops, s: PySlice, length: number): SliceRange {
  const [start, stop, step] = unpackSlice(rt, ops, s);
  return adjustIndices(length, start, stop, step);
}

/** The positions a slice selects, in slice order. */
function slicePositions(r: SliceRange): number[] {
  const out: number[] = [];
  for (let i = 0, p = r.start; i < r.count; i++, p += r.step) out.push(p);
  return out;
}

export function sliceItems<T>(rt: Interp, ops: Ops, items: readonly T[], s: PySlice): T[] {
  const r = sliceRange(rt, ops, s, items.length);
  if (r.step === 1) return items.slice(r.start, r.start + r.count);
  return slicePositions(r).map((p) => items[p]);
}

/** list[s] = values (values already materialised: `l[:] = l` must see the old items). */
export function assignSlice(rt: Interp, ops: Ops, items: PyObject[], s: PySlice, values: PyObject[]): void {
  const r = sliceRange(rt, ops, s, items.length);
  if (r.step === 1) {
    items.splice(r.start, r.count, ...values);
    return;
  }
  if (values.length !== r.count) {
    throw rt.error('ValueError', `attempt to assign sequence of size ${values.length} to extended slice of size ${r.count}`);
  }
  slicePositions(r).forEach((p, i) => { items[p] = values[i]; });
}

export function deleteSlice(rt: Interp, ops: Ops, items: PyObject[], s: PySlice): void {
  const r = sliceRange(rt, ops, s, items.length);
  if (r.step === 1) {
    items.splice(r.start, r.count);
    return;
  }
  const doomed = new Set(slicePositions(r));
  const kept = items.filter((_, i) => !doomed.has(i));
  items.length = 0;
  items.push(...kept);
}

export function newSlice(rt: Interp, start: PyObject, stop: PyObject, step: PyObject): PySlice {
  return new PySlice(rt.types.slice, start, stop, step);
}
