// `bytes`: an immutable Uint8Array.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyBytes, PyInt, PySlice, PyStr } from '../objects.js';
import { sliceItems } from '../slices.js';
import { hashString, reprBytes } from '../text.js';
import { compareResult, sequenceIndex } from './shared.js';

export function installBytes(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;
  t.bytes.slots = {
    repr: (o) => rt.str(reprBytes((o as PyBytes).value)),
    hash: (o) => hashString(Buffer.from((o as PyBytes).value).toString('latin1')),
    len: (o) => (o as PyBytes).value.length,
    richcompare: (a, b, op) => {
      if (!(b instanceof PyBytes)) return NI;
      return compareResult(rt, Buffer.compare((a as PyBytes).value, b.value), op);
    },
    getitem: (o, key) => {
      const v = (o as PyBytes).value;
      if (key instanceof PySlice) return rt.bytes(Uint8Array.from(sliceItems(rt, ops, [...v], key)));
      return rt.int(v[sequenceIndex(rt, ops, v.length, key, 'index', 'byte')]);
    },
    iter: (o) => rt.iterator([...(o as PyBytes).value].map((b) => rt.int(b))[Symbol.iterator]()),
    number: {
      add: (a, b) => (a instanceof PyBytes && b instanceof PyBytes
        ? rt.bytes(new Uint8Array([...a.value, ...b.value])) : NI),
    },
    new: (_type, args, kw) => {
      rt.noKwargs('bytes', kw);
      rt.arity('bytes', args, 0, 1);
      if (!args.length) return rt.bytes(new Uint8Array());
      const a = args[0];
      if (a instanceof PyStr) throw rt.typeError('string argument without an encoding');
      if (a instanceof PyInt) return rt.bytes(new Uint8Array(Number(a.value)));
      return rt.bytes(Uint8Array.from(ops.toArray(a).map((x) => {
        const v = ops.index(x);
        if (v < 0n || v > 255n) throw rt.error('ValueError', 'bytes must be in range(0, 256)');
        return Number(v);
      })));
    },
  };
}
