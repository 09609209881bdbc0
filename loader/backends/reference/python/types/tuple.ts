// `tuple`: an immutable array of objects, hashed as CPython hashes it.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PySlice, PyTuple } from '../objects.js';
import { sliceItems } from '../slices.js';
import { hashTuple } from '../text.js';
import { compareSequences, sequenceIndex, sequenceRepeat, sequenceRepr } from './shared.js';

export function installTuple(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;
  t.tuple.slots = {
    repr: (o) => sequenceRepr(rt, ops, (o as PyTuple).items, '(', ')', ','),
    hash: (o) => hashTuple((o as PyTuple).items.map((i) => ops.hash(i))),
    len: (o) => (o as PyTuple).items.length,
    richcompare: (a, b, op) => (b instanceof PyTuple ? compareSequences(rt, ops, (a as PyTuple).items, b.items, op) : NI),
    getitem: (o, key) => {
      const items = (o as PyTuple).items;
      if (key instanceof PySlice) return rt.tuple(sliceItems(rt, ops, items, key));
      return items[sequenceIndex(rt, ops, items.length, key, 'tuple')];
    },
    iter: (o) => rt.iterator((o as PyTuple).items[Symbol.iterator]()),
    number: {
      add: (a, b) => (a instanceof PyTuple && b instanceof PyTuple ? rt.tuple([...a.items, ...b.items]) : NI),
      mul: sequenceRepeat(rt, (items) => rt.tuple(items), PyTuple),
    },
    new: (_type, args, kw) => {
      rt.noKwargs('tuple', kw);
      rt.arity('tuple', args, 0, 1);
      return rt.tuple(args.length ? ops.toArray(args[0]) : []);
    },
  };
}
