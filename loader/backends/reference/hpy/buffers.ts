// The buffer protocol of the reference backend: `memoryview(obj)` over an HPy type's
// HPy_bf_getbuffer (released through HPy_bf_releasebuffer), or over bytes.
import koffi from 'koffi';
import { STRUCTS } from '../../../abi/abi.generated.js';
import { allocZeroed, readCString, readI32, readI64, writeI64, readPointer, readScalar, writeScalar, type Pointer } from '../../../native-memory.js';
import { NativeData } from './native-data.js';
import type { ReferenceContext } from './context.js';
import { inherited, inheritedFrom, memberLabel } from './type-info.js';
import { PyBytes, PyInt, PyObject, PyType } from '../python/objects.js';

const B = STRUCTS.HPy_buffer;
const F = B.fields;
/** PyBUF_FULL_RO: what memoryview() asks every exporter for. */
const FULL_RO = 0x11c;

/** struct-module format characters we can read and write, by koffi type. */
const FORMATS: Record<string, string> = {
  b: 'int8_t', B: 'uint8_t', h: 'int16_t', H: 'uint16_t', i: 'int32_t', I: 'uint32_t', l: 'int64_t', L: 'uint64_t',
  q: 'int64_t', Q: 'uint64_t', n: 'int64_t', N: 'uint64_t', f: 'float', d: 'double', '?': 'uint8_t',
};

interface Export {
  buf: Pointer;
  len: number;
  itemsize: number;
  readonly: boolean;
  format: string;
  ndim: number;
  /** Gives the buffer back to its exporter; null for views that own a copy. */
  release: (() => void) | null;
}

class PyMemoryView extends PyObject {
  constructor(type: PyType, readonly exporter: PyObject, public exp: Export | null) {
    super(type);
  }
}

export function installMemoryview(c: ReferenceContext): void {
  const rt = c.rt;
  const type = rt.types.memoryview;
  const bytesData = new NativeData();
  const live = (o: PyObject): Export => {
    const e = (o as PyMemoryView).exp;
    if (!e) throw rt.error('ValueError', 'operation forbidden on released memoryview object');
    return e;
  };
  const ctype = (e: Export) => {
    const t = FORMATS[e.format.replace(/^[@=<>!]/, '')];
    if (!t) throw rt.error('NotImplementedError', `memoryview: format ${e.format} not supported`);
    return t;
  };
  const item = (e: Export, i: number): PyObject => {
    const t = ctype(e);
    const v = readScalar(e.buf, i * e.itemsize, t);
    if (e.format === '?') return rt.bool(v !== 0);
    return t === 'float' || t === 'double' ? rt.float(Number(v)) : rt.int(BigInt(v));
  };
  const index = (e: Export, key: PyObject): number => {
    if (!(key instanceof PyInt)) throw rt.typeError('memoryview: invalid slice key');
    const n = e.len / e.itemsize;
    const i = Number(key.value < 0n ? key.value + BigInt(n) : key.value);
    if (i < 0 || i >= n) throw rt.error('IndexError', 'index out of bounds on dimension 1');
    return i;
  };
  const release = (o: PyObject) => {
    const v = o as PyMemoryView;
    const e = v.exp;
    v.exp = null;
    e?.release?.();
  };

  type.slots = {
    repr: (o) => rt.str((o as PyMemoryView).exp ? `<memory at 0x${(o as PyMemoryView).exp!.buf.toString(16)}>` : '<released memory>'),
    len: (o) => {
      const e = live(o);
      return e.len / e.itemsize;
    },
    getitem: (o, key) => {
      const e = live(o);
      return item(e, index(e, key));
    },
    setitem: (o, key, value) => {
      const e = live(o);
      if (e.readonly) throw rt.typeError('cannot modify read-only memory');
      if (!value) throw rt.typeError('cannot delete memory');
      const t = ctype(e);
      writeScalar(e.buf, index(e, key) * e.itemsize, t, t === 'float' || t === 'double' ? c.ops.toDouble(value) : (t.endsWith('64_t') ? c.ops.index(value) : Number(c.ops.index(value))));
    },
    iter: (o) => {
      const e = live(o);
      const n = e.len / e.itemsize;
      let i = 0;
      return rt.iterator({ next: () => (i < n && (o as PyMemoryView).exp ? { value: item(e, i++), done: false } : { value: undefined, done: true }) });
    },
    getattr: (o, name) => {
      switch (name) {
        case 'nbytes': return rt.int(live(o).len);
        case 'itemsize': return rt.int(live(o).itemsize);
        case 'format': return rt.str(live(o).format);
        case 'readonly': return rt.bool(live(o).readonly);
        case 'ndim': return rt.int(live(o).ndim);
        case 'obj': return (o as PyMemoryView).exporter;
        default: return c.ops.genericGetattr(o, name);
      }
    },
    new: (t, args, kw) => {
      rt.noKwargs('memoryview', kw);
      rt.arity('memoryview', args, 1);
      return newMemoryview(c, bytesData, t, args[0]);
    },
  };
  const method = (name: string, f: (self: PyObject) => PyObject) => type.attrs.set(name, rt.methodDescriptor(type, name, (args) => {
    rt.arity(name, args, 1);
    return f(args[0]);
  }));
  method('tobytes', (o) => {
    const e = live(o);
    return rt.bytes(new Uint8Array(koffi.view(e.buf, e.len).slice(0)));
  });
  method('tolist', (o) => {
    const e = live(o);
    return rt.list(Array.from({ length: e.len / e.itemsize }, (_, i) => item(e, i)));
  });
  method('release', (o) => {
    release(o);
    return rt.None;
  });
}

function newMemoryview(c: ReferenceContext, bytesData: NativeData, type: PyType, obj: PyObject): PyMemoryView {
  const rt = c.rt;
  if (obj instanceof PyMemoryView) {
    const e = obj.exp;
    if (!e) throw rt.error('ValueError', 'operation forbidden on released memoryview object');
    return new PyMemoryView(type, obj, { ...e, release: null });
  }
  if (obj instanceof PyBytes) {
    // The bytes object's own native copy, which lives as long as it (and the view holds it).
    const buf = bytesData.get(obj, obj.value);
    return new PyMemoryView(type, obj, { buf, len: obj.value.length, itemsize: 1, readonly: true, format: 'B', ndim: 1, release: null });
  }
  const getbuffer = inherited(obj.type, 'getbuffer');
  if (!getbuffer) throw rt.typeError(`memoryview: a bytes-like object is required, not '${obj.type.tpName}'`);
  const struct = allocZeroed(B.size);
  const label = memberLabel(inheritedFrom(obj.type, 'getbuffer'), 'HPy_bf_getbuffer');
  try {
    const f = c.impls.fn(getbuffer, 'HPyFunc_GETBUFFERPROC');
    c.impls.callStatus(label, [obj], ([h], ctx) => f(ctx, h, struct, FULL_RO));
  } catch (e) {
    koffi.free(struct);
    throw e;
  }
  const g = c.gate;
  // The extension stored a handle it owns; through a layer it is the layer's, and ours once taken.
  const ownedHandle = g.take(Number(readI64(struct, F.obj.offset)), label);
  const releasebuffer = inherited(obj.type, 'releasebuffer');
  let released = false;
  const giveBack = () => {
    if (released) return;
    released = true;
    try {
      if (releasebuffer) {
        const f = c.impls.fn(releasebuffer, 'HPyFunc_RELEASEBUFFERPROC');
        // The extension sees the view's obj as one of its own handles again, for the call.
        const seen = ownedHandle ? g.arg(ownedHandle) : 0;
        writeI64(struct, F.obj.offset, seen);
        try {
          c.impls.callVoid(memberLabel(inheritedFrom(obj.type, 'releasebuffer'), 'HPy_bf_releasebuffer'), [obj], ([h], ctx) => f(ctx, h, struct));
        } finally {
          if (seen) g.argDone(seen);
        }
      }
    } finally {
      if (ownedHandle) c.handles.close(ownedHandle);
      koffi.free(struct);
    }
  };
  const view = new PyMemoryView(type, obj, {
    buf: readPointer(struct, F.buf.offset) ?? 0n,
    len: Number(readI64(struct, F.len.offset)),
    itemsize: Number(readI64(struct, F.itemsize.offset)) || 1,
    readonly: readI32(struct, F.readonly.offset) !== 0,
    format: readCString(readPointer(struct, F.format.offset)) ?? 'B',
    ndim: readI32(struct, F.ndim.offset),
    release: giveBack,
  });
  // A view dropped without release() gives the buffer back when it dies.
  c.lifetime.watch(view, giveBack);
  return view;
}
