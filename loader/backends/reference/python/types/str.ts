// `str`: a JavaScript string, indexed, measured and compared by code point as Python does.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PySlice, PyStr } from '../objects.js';
import { sliceItems } from '../slices.js';
import { hashString, reprStr } from '../text.js';
import { compareResult, repeatCount, sequenceIndex } from './shared.js';

export function installStr(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;
  t.str.slots = {
    repr: (o) => rt.str(reprStr((o as PyStr).value)),
    str: (o) => (o.type === t.str ? o : rt.str((o as PyStr).value)),
    hash: (o) => hashString((o as PyStr).value),
    len: (o) => (o as PyStr).length,
    richcompare: (a, b, op) => {
      if (!(b instanceof PyStr)) return NI;
      const x = (a as PyStr).value, y = b.value;
      return compareResult(rt, x === y ? 0 : compareCodePoints(x, y), op);
    },
    contains: (o, item) => {
      if (!(item instanceof PyStr)) throw rt.typeError(`'in <string>' requires string as left operand, not ${item.type.name}`);
      return (o as PyStr).value.includes(item.value);
    },
    getitem: (o, key) => {
      const cps = [...(o as PyStr).value];
      if (key instanceof PySlice) return rt.str(sliceItems(rt, ops, cps, key).join(''));
      return rt.str(cps[sequenceIndex(rt, ops, cps.length, key, 'string')]);
    },
    iter: (o) => rt.iterator([...(o as PyStr).value].map((c) => rt.str(c))[Symbol.iterator]()),
    number: {
      add: (a, b) => (a instanceof PyStr && b instanceof PyStr ? rt.str(a.value + b.value) : NI),
      mul: (a, b) => {
        const [s, n] = a instanceof PyStr ? [a, b] : [b, a];
        const k = repeatCount(n);
        return s instanceof PyStr && k !== null ? rt.str(s.value.repeat(k)) : NI;
      },
    },
    new: (_type, args, kw) => {
      rt.noKwargs('str', kw);
      rt.arity('str', args, 0, 1);
      return rt.str(args.length ? ops.str(args[0]) : '');
    },
  };
}

/** Compares strings by code point, as Python does (JS compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a], y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}
