// `dict`: insertion-ordered, with Python key equality (1, 1.0 and True are one key) kept by Ops.dictKey.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyDict, PyRaise, type PyObject } from '../objects.js';
import { unhashable } from './shared.js';

export function installDict(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;
  const keyError = (k: PyObject) => new PyRaise(rt.newException(rt.excType('KeyError'), [k]));
  const dictUnion = (into: PyDict, from: PyDict) => {
    for (const [k, v] of [...from.entries.values()]) ops.dictSet(into, k, v);
    return into;
  };
  t.dict.slots = {
    hash: unhashable(rt),
    number: {
      or: (a, b) => (a instanceof PyDict && b instanceof PyDict ? dictUnion(dictUnion(rt.dict(), a), b) : NI),
    },
    inplace: {
      or: (a, b) => (b instanceof PyDict ? dictUnion(a as PyDict, b) : NI),
    },
    repr: (o) => rt.str('{' + [...(o as PyDict).entries.values()].map(([k, v]) => `${ops.repr(k)}: ${ops.repr(v)}`).join(', ') + '}'),
    len: (o) => (o as PyDict).entries.size,
    getitem: (o, key) => {
      const v = ops.dictGet(o as PyDict, key);
      if (v === undefined) throw keyError(key);
      return v;
    },
    setitem: (o, key, value) => (value ? ops.dictSet(o as PyDict, key, value) : ops.dictDel(o as PyDict, key)),
    contains: (o, key) => ops.dictGet(o as PyDict, key) !== undefined,
    iter: (o) => rt.iterator([...(o as PyDict).entries.values()].map(([k]) => k)[Symbol.iterator]()),
    richcompare: (a, b, op) => {
      if (!(b instanceof PyDict) || op < 2 || op > 3) return NI;
      const da = a as PyDict;
      let same = da.entries.size === b.entries.size;
      if (same) {
        for (const [k, v] of da.entries.values()) {
          const w = ops.dictGet(b, k);
          if (w === undefined || !ops.eq(v, w)) { same = false; break; }
        }
      }
      return rt.bool(op === 2 ? same : !same);
    },
    new: (_type, args, kw) => {
      rt.arity('dict', args, 0, 1);
      const d = rt.dict();
      if (args.length) {
        if (args[0] instanceof PyDict) for (const [k, v] of args[0].entries.values()) ops.dictSet(d, k, v);
        else for (const pair of ops.toArray(args[0])) {
          const kv = ops.toArray(pair);
          if (kv.length !== 2) throw rt.error('ValueError', `dictionary update sequence element has length ${kv.length}; 2 is required`);
          ops.dictSet(d, kv[0], kv[1]);
        }
      }
      for (const [k, v] of kw ?? []) ops.dictSet(d, rt.str(k), v);
      return d;
    },
  };
  const dictMethod = (name: string, f: (d: PyDict, args: PyObject[]) => PyObject) =>
    t.dict.attrs.set(name, rt.methodDescriptor(t.dict, name, (args) => f(args[0] as PyDict, args.slice(1))));
  dictMethod('keys', (d) => rt.list([...d.entries.values()].map(([k]) => k)));
  dictMethod('values', (d) => rt.list([...d.entries.values()].map(([, v]) => v)));
  dictMethod('items', (d) => rt.list([...d.entries.values()].map(([k, v]) => rt.tuple([k, v]))));
  dictMethod('get', (d, a) => ops.dictGet(d, a[0]) ?? a[1] ?? rt.None);
  dictMethod('copy', (d) => {
    const c = rt.dict();
    for (const [k, v] of d.entries.values()) ops.dictSet(c, k, v);
    return c;
  });
}
