// Context functions of the reference backend: str, bytes, tuple, list, dict, builders,
// trackers, globals and import.
import koffi from 'koffi';
import { readBytes, readCBytes, writeI64, writePointer, type Pointer } from '../../../native-memory.js';
import { decode, encode, hasSurrogates } from '../python/codecs.js';
import type { ApiTable, ReferenceContext } from '../hpy/context.js';
import { readHandles } from '../hpy/handles.js';
import { NativeData } from '../hpy/native-data.js';
import { PyBytes, PyDict, PyList, PyStr, PyTuple, type PyObject } from '../python/objects.js';

export function containersApi(c: ReferenceContext): ApiTable {
  const { rt, ops } = c;
  const o = (h: number) => c.obj(h);
  const ret = (x: PyObject) => c.open(x);
  const native = new NativeData();
  // CPython's str functions answer a non-str with PyErr_BadArgument's TypeError.
  const str = (h: number): PyStr => {
    const x = o(h);
    if (!(x instanceof PyStr)) throw rt.typeError('bad argument type for built-in operation');
    return x;
  };
  /** UTF-8 of a str; strict, so lone surrogates raise UnicodeEncodeError as on CPython. */
  const utf8 = (s: PyStr): Uint8Array => (hasSurrogates(s.value) ? encode(rt, s.value, 'utf-8') : s.utf8);
  const bytes = (h: number): PyBytes => {
    const x = o(h);
    if (!(x instanceof PyBytes)) throw rt.typeError(`expected bytes, ${x.type.name} found`);
    return x;
  };
  const bytesData = () => (h: number) => {
    const b = bytes(h);
    return native.get(b, b.value);
  };
  const decodeSized = (p: Pointer | null, n: number, codec: 'ascii' | 'latin-1', errors: string | null) => {
    if (n < 0) throw rt.error('SystemError', 'Negative size passed to PyUnicode_New');
    if (!p && n > 0) throw rt.error('SystemError', 'bad argument to internal function');
    return ret(rt.str(decode(rt, p ? readBytes(p, n) : new Uint8Array(0), codec, errors ?? 'strict')));
  };

  // Builders and trackers are host-side lists; their tokens index these tables (0 is NULL).
  const builders = new Map<number, PyObject[]>();
  let nextBuilder = 1;
  const trackers = new Map<number, number[]>();
  let nextTracker = 1;
  const newBuilder = (n: number) => {
    const id = nextBuilder++;
    builders.set(id, new Array<PyObject>(Math.max(0, n)).fill(rt.None));
    return id;
  };
  /** The items of a builder, which Build consumes. */
  const takeBuilder = (b: number) => {
    const items = builders.get(b);
    if (!items) throw rt.error('SystemError', `invalid builder ${b} (already built or cancelled)`);
    builders.delete(b);
    return items;
  };
  const builderSet = (b: number, i: number, h: number) => {
    const items = builders.get(b);
    if (items && i >= 0 && i < items.length) items[i] = o(h);
  };
  const tracker = (t: number) => {
    const hs = trackers.get(t);
    if (!hs) throw rt.error('SystemError', `invalid tracker ${t}`);
    return hs;
  };

  // HPyGlobal values are indices into this table, written into the extension's variable.
  const globals: PyObject[] = [];

  return {
    // str
    Unicode_Check: (h: number) => (o(h) instanceof PyStr ? 1 : 0),
    Unicode_FromString: (utf8: string | null) => {
      if (utf8 === null) throw rt.error('SystemError', 'NULL string passed to HPyUnicode_FromString');
      return ret(rt.str(utf8));
    },
    Unicode_AsUTF8AndSize: (h: number, size: Pointer | null) => {
      const s = str(h);
      const data = utf8(s);
      if (size) writeI64(size, 0, data.length);
      return native.get(s, data);
    },
    Unicode_AsUTF8String: (h: number) => ret(rt.bytes(utf8(str(h)))),
    Unicode_AsASCIIString: (h: number) => ret(rt.bytes(encode(rt, str(h).value, 'ascii'))),
    Unicode_AsLatin1String: (h: number) => ret(rt.bytes(encode(rt, str(h).value, 'latin-1'))),
    Unicode_DecodeASCII: (p: Pointer | null, n: number, errors: string | null) => decodeSized(p, n, 'ascii', errors),
    Unicode_DecodeLatin1: (p: Pointer | null, n: number, errors: string | null) => decodeSized(p, n, 'latin-1', errors),
    Unicode_ReadChar: (h: number, i: number) => {
      const cps = [...str(h).value];
      if (i < 0 || i >= cps.length) throw rt.error('IndexError', 'string index out of range');
      return cps[i].codePointAt(0)!;
    },

    // bytes
    Bytes_Check: (h: number) => (o(h) instanceof PyBytes ? 1 : 0),
    Bytes_Size: (h: number) => bytes(h).value.length,
    Bytes_GET_SIZE: (h: number) => bytes(h).value.length,
    Bytes_AsString: bytesData(),
    Bytes_AS_STRING: bytesData(),
    Bytes_FromString: (p: Pointer | null) => {
      if (!p) throw rt.error('SystemError', 'NULL pointer passed to HPyBytes_FromString');
      return ret(rt.bytes(readCBytes(p)));
    },
    Bytes_FromStringAndSize: (p: Pointer | null, n: number) => {
      // HPy refuses NULL whatever the size (CPython would hand out uninitialised memory).
      if (!p) throw rt.error('ValueError', 'NULL char * passed to HPyBytes_FromStringAndSize');
      if (n < 0) throw rt.error('SystemError', 'Negative size passed to PyBytes_FromStringAndSize');
      return ret(rt.bytes(readBytes(p, n)));
    },

    // tuple, list, dict
    Tuple_Check: (h: number) => (o(h) instanceof PyTuple ? 1 : 0),
    Tuple_FromArray: (items: Pointer | null, n: number) => ret(rt.tuple(readHandles(items, n).map(o))),
    List_Check: (h: number) => (o(h) instanceof PyList ? 1 : 0),
    List_New: (n: number) => {
      if (n < 0) throw rt.error('SystemError', 'negative list size');
      return ret(rt.list(new Array<PyObject>(n).fill(rt.None)));
    },
    List_Append: (h: number, item: number) => {
      const l = o(h);
      if (!(l instanceof PyList)) throw rt.error('SystemError', 'bad internal call: HPyList_Append on a non-list');
      l.items.push(o(item));
      return 0;
    },
    Dict_Check: (h: number) => (o(h) instanceof PyDict ? 1 : 0),
    Dict_New: () => ret(rt.dict()),
    Dict_Keys: (h: number) => {
      const d = o(h);
      if (!(d instanceof PyDict)) throw rt.error('SystemError', 'bad internal call: HPyDict_Keys on a non-dict');
      return ret(rt.list([...d.entries.values()].map(([k]) => k)));
    },
    Dict_Copy: (h: number) => {
      const d = o(h);
      if (!(d instanceof PyDict)) throw rt.error('SystemError', 'bad internal call: HPyDict_Copy on a non-dict');
      const copy = rt.dict();
      for (const [k, v] of d.entries.values()) ops.dictSet(copy, k, v);
      return ret(copy);
    },

    // builders
    ListBuilder_New: (n: number) => newBuilder(n),
    ListBuilder_Set: builderSet,
    ListBuilder_Build: (b: number) => ret(rt.list(takeBuilder(b))),
    ListBuilder_Cancel: (b: number) => {
      builders.delete(b);
    },
    TupleBuilder_New: (n: number) => newBuilder(n),
    TupleBuilder_Set: builderSet,
    TupleBuilder_Build: (b: number) => ret(rt.tuple(takeBuilder(b))),
    TupleBuilder_Cancel: (b: number) => {
      builders.delete(b);
    },

    // trackers: the tracker owns the handles added to it
    Tracker_New: () => {
      const id = nextTracker++;
      trackers.set(id, []);
      return id;
    },
    Tracker_Add: (t: number, h: number) => {
      tracker(t).push(h);
      return 0;
    },
    Tracker_ForgetAll: (t: number) => {
      tracker(t).length = 0;
    },
    Tracker_Close: (t: number) => {
      for (const h of tracker(t)) if (h) c.handles.close(h);
      trackers.delete(t);
    },

    // globals
    Global_Store: (g: Pointer, h: number) => {
      const index = Number(koffi.decode(g, 'intptr_t'));
      const value = h ? o(h) : rt.None;
      if (index > 0 && index <= globals.length) globals[index - 1] = value;
      else writePointer(g, 0, BigInt(globals.push(value)));
    },
    Global_Load: (g: number) => {
      if (g <= 0 || g > globals.length) throw rt.error('SystemError', `HPyGlobal_Load on a global that was never stored (${g})`);
      return ret(globals[g - 1]);
    },

    // import
    Import_ImportModule: (name: string) => ret(rt.importModule(name)),
  };
}
