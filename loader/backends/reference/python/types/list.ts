// `list`: a mutable array of objects, with slice assignment and the methods extensions' tests use.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyInt, PyList, PySlice, type PyObject } from '../objects.js';
import { assignSlice, deleteSlice, sliceItems } from '../slices.js';
import { compareSequences, sequenceIndex, sequenceRepeat, sequenceRepr, unhashable } from './shared.js';

export function installList(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;
  t.list.slots = {
    repr: (o) => sequenceRepr(rt, ops, (o as PyList).items, '[', ']'),
    hash: unhashable(rt),
    len: (o) => (o as PyList).items.length,
    richcompare: (a, b, op) => (b instanceof PyList ? compareSequences(rt, ops, (a as PyList).items, b.items, op) : NI),
    getitem: (o, key) => {
      const items = (o as PyList).items;
      if (key instanceof PySlice) return rt.list(sliceItems(rt, ops, items, key));
      return items[sequenceIndex(rt, ops, items.length, key, 'list')];
    },
    setitem: (o, key, value) => {
      const items = (o as PyList).items;
      if (key instanceof PySlice) {
        if (!value) return deleteSlice(rt, ops, items, key);
        if (!value.type.slot('iter')) throw rt.typeError('can only assign an iterable');
        return assignSlice(rt, ops, items, key, ops.toArray(value));
      }
      const i = sequenceIndex(rt, ops, items.length, key, 'list assignment', 'list');
      if (value) items[i] = value;
      else items.splice(i, 1);
    },
    iter: (o) => {
      const l = o as PyList;
      let i = 0;
      return rt.iterator({ next: () => (i < l.items.length ? { value: l.items[i++], done: false } : { value: undefined, done: true }) });
    },
    number: {
      add: (a, b) => (a instanceof PyList && b instanceof PyList ? rt.list([...a.items, ...b.items]) : NI),
      mul: sequenceRepeat(rt, (items) => rt.list(items), PyList),
    },
    inplace: {
      add: (a, b) => {
        (a as PyList).items.push(...ops.toArray(b));
        return a;
      },
      mul: (a, b) => {
        const l = a as PyList;
        const n = b instanceof PyInt ? Number(b.value) : NaN;
        if (Number.isNaN(n)) return NI;
        l.items = n > 0 ? Array.from({ length: n }, () => l.items).flat() : [];
        return a;
      },
    },
    new: (_type, args, kw) => {
      rt.noKwargs('list', kw);
      rt.arity('list', args, 0, 1);
      return rt.list(args.length ? ops.toArray(args[0]) : []);
    },
  };
  t.list.attrs.set('insert', rt.methodDescriptor(t.list, 'insert', (args) => {
    rt.arity('insert', args, 3);
    listInsert(args[0] as PyList, ops.index(args[1]), args[2]);
    return rt.None;
  }));
  t.list.attrs.set('append', rt.methodDescriptor(t.list, 'append', (args) => {
    if (args.length !== 2) throw rt.typeError(`list.append() takes exactly one argument (${args.length - 1} given)`);
    (args[0] as PyList).items.push(args[1]);
    return rt.None;
  }));
}

/** list.insert / PyList_Insert: the index is clamped into the list, negative from the end. */
export function listInsert(l: PyList, where: bigint, item: PyObject): void {
  const n = BigInt(l.items.length);
  let i = where < 0n ? where + n : where;
  if (i < 0n) i = 0n;
  if (i > n) i = n;
  l.items.splice(Number(i), 0, item);
}
