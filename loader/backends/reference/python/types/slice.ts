// `slice`: its bounds are any objects, as in Python; `indices()` resolves them for a length.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PySlice } from '../objects.js';
import { adjustIndicesBig, newSlice, SSIZE_MAX, unpackSlice } from '../slices.js';

export function installSlice(rt: Interp, ops: Ops): void {
  const t = rt.types.slice;
  const asTuple = (s: PySlice) => rt.tuple([s.start, s.stop, s.step]);
  t.slots = {
    repr: (o) => {
      const s = o as PySlice;
      return rt.str(`slice(${ops.repr(s.start)}, ${ops.repr(s.stop)}, ${ops.repr(s.step)})`);
    },
    hash: () => { throw rt.typeError("unhashable type: 'slice'"); },
    // Slices compare as their (start, stop, step) tuples; they are unhashable in 3.11.
    richcompare: (a, b, op) => (b instanceof PySlice ? ops.richcompare(asTuple(a as PySlice), asTuple(b), op) : rt.NotImplemented),
    getattr: (o, name) => {
      const s = o as PySlice;
      if (name === 'start') return s.start;
      if (name === 'stop') return s.stop;
      if (name === 'step') return s.step;
      return ops.genericGetattr(o, name);
    },
    new: (_type, args, kw) => {
      rt.noKwargs('slice', kw);
      if (args.length < 1) throw rt.typeError(`slice expected at least 1 argument, got ${args.length}`);
      if (args.length > 3) throw rt.typeError(`slice expected at most 3 arguments, got ${args.length}`);
      return args.length === 1 ? newSlice(rt, rt.None, args[0], rt.None) : newSlice(rt, args[0], args[1], args[2] ?? rt.None);
    },
  };
  t.attrs.set('indices', rt.methodDescriptor(t, 'indices', (args) => {
    rt.arity('indices', args, 2);
    const [self, len] = args;
    const n = ops.index(len);
    if (n < 0n) throw rt.error('ValueError', 'length should not be negative');
    const [start, stop, step] = unpackSlice(rt, ops, self as PySlice);
    const [a, b] = adjustIndicesBig(n > SSIZE_MAX ? SSIZE_MAX : n, start, stop, step);
    return rt.tuple([rt.int(a), rt.int(b), rt.int(step)]);
  }));
}

