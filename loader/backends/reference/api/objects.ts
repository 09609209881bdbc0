// Context functions of the reference backend: iteration, slices, List_Insert, ASCII and Bytes.
import { writeI64, type Pointer } from '../../../native-memory.js';
import { listInsert } from '../python/types/list.js';
import type { ApiTable, ReferenceContext } from '../hpy/context.js';
import { PyBytes, PyInt, PyList, PyRaise, PySlice, PyStr, type PyObject } from '../python/objects.js';
import { newSlice, unpackSlice } from '../python/slices.js';

export function objectsApi(c: ReferenceContext): ApiTable {
  const { rt, ops } = c;
  const o = (h: number) => c.obj(h);
  const ret = (x: PyObject) => c.open(x);
  const badInternalCall = () => rt.error('SystemError', 'bad argument to internal function');
  const isIterator = (x: PyObject) => x.type.slot('next') !== undefined;

  /** PySequence_GetSlice and friends: a slice(start, end) handed to the mapping slots. */
  const indexSlice = (start: number | bigint, end: number | bigint) => newSlice(rt, rt.int(start), rt.int(end), rt.None);

  return {
    GetIter: (h: number) => {
      const it = ops.iter(o(h));
      if (!isIterator(it)) throw rt.typeError(`iter() returned non-iterator of type '${it.type.name}'`);
      return ret(it);
    },
    // NULL without an exception means exhausted; a StopIteration raised by the iterator means the same.
    Iter_Next: (h: number) => {
      const it = o(h);
      if (!isIterator(it)) throw rt.typeError(`'${it.type.name}' object is not an iterator`);
      try {
        const v = ops.next(it);
        return v === undefined ? 0 : ret(v);
      } catch (e) {
        if (e instanceof PyRaise && e.exc.type.isSubtypeOf(rt.excType('StopIteration'))) return 0;
        throw e;
      }
    },
    Iter_Check: (h: number) => (isIterator(o(h)) ? 1 : 0),

    GetSlice: (h: number, start: number | bigint, end: number | bigint) => {
      const x = o(h);
      if (!x.type.slot('getitem')) throw rt.typeError(`'${x.type.name}' object is unsliceable`);
      return ret(ops.getitem(x, indexSlice(start, end)));
    },
    SetSlice: (h: number, start: number | bigint, end: number | bigint, v: number) => {
      const x = o(h);
      // A NULL value deletes, as PySequence_SetSlice does.
      const value = v ? o(v) : null;
      if (!x.type.slot('setitem')) {
        throw rt.typeError(`'${x.type.name}' object doesn't support slice ${value ? 'assignment' : 'deletion'}`);
      }
      ops.setitem(x, indexSlice(start, end), value);
      return 0;
    },
    DelSlice: (h: number, start: number | bigint, end: number | bigint) => {
      const x = o(h);
      if (!x.type.slot('setitem')) throw rt.typeError(`'${x.type.name}' object doesn't support slice deletion`);
      ops.setitem(x, indexSlice(start, end), null);
      return 0;
    },
    // PySlice_New: a NULL bound means None.
    Slice_New: (start: number, stop: number, step: number) =>
      ret(newSlice(rt, start ? o(start) : rt.None, stop ? o(stop) : rt.None, step ? o(step) : rt.None)),
    Slice_Unpack: (h: number, start: Pointer | null, stop: Pointer | null, step: Pointer | null) => {
      const s = o(h);
      if (!(s instanceof PySlice)) throw badInternalCall();
      if (!start || !stop || !step) throw rt.error('SystemError', 'HPySlice_Unpack: NULL output pointer');
      const [a, b, k] = unpackSlice(rt, ops, s);
      writeI64(start, 0, a);
      writeI64(stop, 0, b);
      writeI64(step, 0, k);
      return 0;
    },

    List_Insert: (h: number, index: number | bigint, item: number) => {
      const l = o(h);
      if (!(l instanceof PyList) || !item) throw badInternalCall();
      listInsert(l, BigInt(index), o(item));
      return 0;
    },

    ASCII: (h: number) => ret(ops.call(ops.getattr(rt.importModule('builtins'), 'ascii'), [o(h)])),
    Bytes: (h: number) => ret(objectBytes(o(h))),
  };

  /** PyObject_Bytes: bytes as is, then __bytes__, then PyBytes_FromObject (no int, no str). */
  function objectBytes(x: PyObject): PyBytes {
    if (x.type === rt.types.bytes) return x as PyBytes;
    const special = x.type.lookup('__bytes__');
    if (special) {
      const r = ops.call(special, [x]);
      if (!(r instanceof PyBytes)) throw rt.typeError(`__bytes__ returned non-bytes (type ${r.type.name})`);
      return r;
    }
    if (x instanceof PyBytes) return rt.bytes(x.value);
    if (x instanceof PyStr || !x.type.slot('iter')) throw rt.typeError(`cannot convert '${x.type.name}' object to bytes`);
    return rt.bytes(Uint8Array.from(ops.toArray(x), (item) => {
      const v = item instanceof PyInt ? item.value : ops.index(item);
      if (v < 0n || v > 255n) throw rt.error('ValueError', 'bytes must be in range(0, 256)');
      return Number(v);
    }));
  }
}
