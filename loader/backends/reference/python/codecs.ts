// The codecs the reference interpreter knows (UTF-8, ASCII, Latin-1) with CPython's error
// handlers and error ranges. A Python str is a JS string here; a lone surrogate code point
// (from surrogateescape, or a wchar_t in D800–DFFF) is a lone UTF-16 unit.
import { unicodeDecodeError, unicodeEncodeError } from './types/exceptions.js';
import type { Interp } from './interp.js';
import type { PyRaise } from './objects.js';

export type Codec = 'utf-8' | 'ascii' | 'latin-1';

const ALIASES: Record<string, Codec> = {};
for (const name of ['utf_8', 'utf8', 'u8', 'utf', 'utf8_ucs2', 'utf8_ucs4', 'cp65001']) ALIASES[name] = 'utf-8';
for (const name of ['ascii', 'us_ascii', '646', 'ansi_x3.4_1968', 'ansi_x3_4_1968', 'ansi_x3.4_1986', 'cp367', 'csascii',
  'ibm367', 'iso646_us', 'iso_646.irv_1991', 'iso_ir_6', 'us']) ALIASES[name] = 'ascii';
for (const name of ['latin_1', 'latin1', 'latin', 'l1', 'iso_8859_1', 'iso8859_1', '8859', 'cp819', 'ibm819',
  'iso_ir_100', 'csisolatin1', 'iso_8859_1_1987']) ALIASES[name] = 'latin-1';

/** The codec for an encoding name, normalised as Python's codec lookup does; null if unknown. */
export function lookupCodec(name: string): Codec | null {
  const norm = name.toLowerCase().replace(/[^a-z0-9.]+/g, '_').replace(/^_+|_+$/g, '');
  return ALIASES[norm] ?? null;
}

const HANDLERS = new Set(['strict', 'replace', 'ignore', 'surrogateescape', 'backslashreplace', 'xmlcharrefreplace']);

function checkHandler(rt: Interp, errors: string): void {
  if (!HANDLERS.has(errors)) throw rt.error('LookupError', `unknown error handler name '${errors}'`);
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Decodes bytes; `errors` is a Python error handler name. */
export function decode(rt: Interp, data: Uint8Array, codec: Codec, errors = 'strict'): string {
  let out = '';
  /** Handles the undecodable bytes [start, end). */
  const fail = (start: number, end: number, reason: string) => {
    const error = () => unicodeDecodeError(rt, codec, data, start, end, reason);
    if (errors === 'strict') throw error();
    checkHandler(rt, errors);
    if (errors === 'replace') out += '\ufffd';
    else if (errors === 'surrogateescape') {
      for (let i = start; i < end; i++) {
        if (data[i] < 0x80) throw error();
        out += String.fromCharCode(0xdc00 + data[i]);
      }
    } else if (errors === 'backslashreplace') {
      for (let i = start; i < end; i++) out += `\\x${hex(data[i], 2)}`;
    } else if (errors === 'xmlcharrefreplace') {
      throw rt.typeError(`don't know how to handle UnicodeDecodeError in error callback`);
    }
  };
  if (codec === 'latin-1') return Buffer.from(data).toString('latin1');
  if (codec === 'ascii') {
    let run = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] < 0x80) continue;
      out += Buffer.from(data.subarray(run, i)).toString('latin1');
      fail(i, i + 1, 'ordinal not in range(128)');
      run = i + 1;
    }
    return out + Buffer.from(data.subarray(run)).toString('latin1');
  }
  let i = 0;
  while (i < data.length) {
    const b = data[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    // Lead byte: how many continuation bytes follow, and the range the first one must be in
    // (narrower after E0, ED, F0 and F4, which rules out overlongs, surrogates and > U+10FFFF).
    let need: number, lo = 0x80, hi = 0xbf, cp: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2; cp = b & 0x0f;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3; cp = b & 0x07;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else {
      fail(i, i + 1, 'invalid start byte');
      i++;
      continue;
    }
    let j = i + 1;
    let bad = false;
    for (let k = 0; k < need; k++, j++) {
      if (j >= data.length) break;
      const c = data[j];
      if (c < (k === 0 ? lo : 0x80) || c > (k === 0 ? hi : 0xbf)) { bad = true; break; }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (bad) {
      fail(i, Math.max(j, i + 1), 'invalid continuation byte');
      i = Math.max(j, i + 1);
    } else if (j - i - 1 < need) {
      fail(i, data.length, 'unexpected end of data');
      i = data.length;
    } else {
      out += String.fromCodePoint(cp);
      i = j;
    }
  }
  return out;
}

/** Encodes a str; `errors` is a Python error handler name. */
export function encode(rt: Interp, s: string, codec: Codec, errors = 'strict'): Uint8Array {
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  const limit = codec === 'ascii' ? 0x80 : codec === 'latin-1' ? 0x100 : 0;
  const reason = codec === 'utf-8' ? 'surrogates not allowed' : `ordinal not in range(${limit})`;
  const unencodable = (cp: number) => (codec === 'utf-8' ? cp >= 0xd800 && cp <= 0xdfff : cp >= limit);
  const out: number[] = [];
  const put = (text: string) => out.push(...Buffer.from(text, 'latin1'));
  for (let i = 0; i < cps.length;) {
    const cp = cps[i];
    if (!unencodable(cp)) {
      if (codec === 'utf-8') out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      else out.push(cp);
      i++;
      continue;
    }
    let end = i;
    while (end < cps.length && unencodable(cps[end])) end++;
    const error = (start: number): PyRaise => unicodeEncodeError(rt, codec, s, start, end, reason);
    if (errors === 'strict') throw error(i);
    checkHandler(rt, errors);
    for (let k = i; k < end; k++) {
      const c = cps[k];
      if (errors === 'replace') put('?');
      else if (errors === 'backslashreplace') put(c <= 0xff ? `\\x${hex(c, 2)}` : c <= 0xffff ? `\\u${hex(c, 4)}` : `\\U${hex(c, 8)}`);
      else if (errors === 'xmlcharrefreplace') {
        // A surrogate has no character reference: CPython's UTF-8 encoder refuses it too.
        if (codec === 'utf-8') throw error(i);
        put(`&#${c};`);
      } else if (errors === 'surrogateescape') {
        // UTF-8 reports from the first surrogate it cannot escape, the charmap codecs the whole run.
        if (c < 0xdc80 || c > 0xdcff) throw error(codec === 'utf-8' ? k : i);
        out.push(c - 0xdc00);
      }
    }
    i = end;
  }
  return Uint8Array.from(out);
}

/** Whether a str holds lone surrogates, which strict UTF-8 refuses to encode. */
export function hasSurrogates(s: string): boolean {
  return /[\ud800-\udfff]/.test(s) && /(?:[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/.test(s);
}
