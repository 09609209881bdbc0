// Context functions of the reference backend: str encodings and decoders beyond UTF-8, substrings.
import koffi from 'koffi';
import { readBytes, readCBytes, type Pointer } from '../../../native-memory.js';
import { decode, encode, lookupCodec } from '../python/codecs.js';
import type { ApiTable, ReferenceContext } from '../hpy/context.js';
import { PyBytes, PyStr, type PyObject } from '../python/objects.js';

export function textApi(c: ReferenceContext): ApiTable {
  const { rt } = c;
  const o = (h: number) => c.obj(h);
  const ret = (x: PyObject) => c.open(x);
  const badInternalCall = () => rt.error('SystemError', 'bad argument to internal function');
  // What CPython's PyErr_BadArgument says when a str function gets something else.
  const badArgument = () => rt.typeError('bad argument type for built-in operation');
  const negativeSize = () => rt.error('SystemError', 'Negative size passed to PyUnicode_New');
  /** The file system encoding on Linux: UTF-8 with surrogateescape, as CPython's default. */
  const decodeFS = (data: Uint8Array) => rt.str(decode(rt, data, 'utf-8', 'surrogateescape'));

  return {
    Unicode_FromWideChar: (w: Pointer | null, size: number | bigint) => {
      let n = Number(size);
      if (!w) {
        if (n !== 0) throw badInternalCall();
        return ret(rt.str(''));
      }
      if (n < -1) throw badInternalCall();
      if (n === -1) {
        n = 0;
        while ((koffi.decode(w, n * 4, 'uint32_t') as number) !== 0) n++;
      }
      const units = new Uint32Array(koffi.view(w, n * 4).slice(0));
      let s = '';
      for (const u of units) {
        if (u > 0x10ffff) throw rt.error('ValueError', `character U+${u.toString(16)} is not in range [U+0000; U+10ffff]`);
        s += String.fromCodePoint(u);
      }
      return ret(rt.str(s));
    },
    Unicode_DecodeFSDefault: (v: Pointer | null) => {
      if (!v) throw badInternalCall();
      return ret(decodeFS(readCBytes(v)));
    },
    Unicode_DecodeFSDefaultAndSize: (v: Pointer | null, size: number | bigint) => {
      const n = Number(size);
      if (n < 0) throw negativeSize();
      if (!v && n > 0) throw badInternalCall();
      return ret(decodeFS(v ? readBytes(v, n) : new Uint8Array(0)));
    },
    Unicode_EncodeFSDefault: (h: number) => {
      const s = o(h);
      if (!(s instanceof PyStr)) throw badArgument();
      return ret(rt.bytes(encode(rt, s.value, 'utf-8', 'surrogateescape')));
    },
    Unicode_FromEncodedObject: (h: number, encoding: string | null, errors: string | null) => {
      const x = o(h);
      if (x instanceof PyStr) throw rt.typeError('decoding str is not supported');
      if (!(x instanceof PyBytes)) throw rt.typeError(`decoding to str: need a bytes-like object, ${x.type.name} found`);
      // CPython returns '' for empty input before it looks the codec up.
      if (x.value.length === 0) return ret(rt.str(''));
      const codec = lookupCodec(encoding ?? 'utf-8');
      if (!codec) throw rt.error('LookupError', `unknown encoding: ${encoding}`);
      return ret(rt.str(decode(rt, x.value, codec, errors ?? 'strict')));
    },
    // Code point indices; `end` is clamped to the length, a negative bound is an IndexError.
    Unicode_Substring: (h: number, start: number | bigint, end: number | bigint) => {
      const s = o(h);
      if (!(s instanceof PyStr)) throw badArgument();
      const cps = [...s.value];
      const a = Number(start);
      const b = Math.min(Number(end), cps.length);
      if (a === 0 && b === cps.length) return ret(s);
      if (a < 0 || b < 0) throw rt.error('IndexError', 'string index out of range');
      if (a >= cps.length || b < a) return ret(rt.str(''));
      return ret(rt.str(cps.slice(a, b).join('')));
    },
  };
}
