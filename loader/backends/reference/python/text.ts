// Python's text forms and hashes of builtin values, where JavaScript's differ.
import type { PyObject } from './objects.js';

/** repr(float): shortest round-trip digits, Python's switch to exponent form. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp >= -5 && exp < 16) {
    if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
    else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length) + '.0';
    else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  } else {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return (neg ? '-' : '') + out;
}

/** A code point as Python's backslash escapes spell it: \xhh, \uhhhh or \Uhhhhhhhh. */
export function escapeCodePoint(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

/** repr(str) */
export function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (NON_PRINTABLE.test(ch) || ch === '\x7f') out += escapeCodePoint(ch.codePointAt(0)!);
    else out += ch;
  }
  return out + quote;
}

/** repr(bytes) */
export function reprBytes(b: Uint8Array): string {
  const hasSingle = b.includes(0x27), hasDouble = b.includes(0x22);
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = 'b' + quote;
  for (const c of b) {
    const ch = String.fromCharCode(c);
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

// CPython's numeric hash: reduction modulo the Mersenne prime 2**61 - 1.
const MODULUS = (1n << 61n) - 1n;
const fixMinusOne = (h: bigint) => (h === -1n ? -2n : h);

export function hashInt(v: bigint): bigint {
  const r = (v < 0n ? -v : v) % MODULUS;
  return fixMinusOne(v < 0n ? -r : r);
}

export function hashFloat(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (!Number.isFinite(x)) return x > 0 ? 314159n : -314159n;
  if (Number.isInteger(x)) return hashInt(BigInt(x));
  // x = m * 2**e exactly, with m an integer: hash is m * 2**e mod MODULUS (inverse power for e < 0).
  let m = Math.abs(x), e = 0;
  while (!Number.isInteger(m)) { m *= 2; e--; }
  let h = BigInt(m) % MODULUS;
  const shift = BigInt(((e % 61) + 61) % 61);
  h = ((h << shift) | (h >> (61n - shift))) & MODULUS;
  return fixMinusOne(x < 0 ? -h : h);
}

/** str/bytes hash: deterministic FNV-1a folded to 61 bits (CPython randomises its own). */
export function hashString(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) h = ((h ^ BigInt(s.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return fixMinusOne(BigInt.asIntN(64, h) % MODULUS);
}

/** tuple hash: CPython 3.8+'s xxHash-based combination, so int tuples hash as on CPython. */
export function hashTuple(hashes: bigint[]): bigint {
  const P1 = 11400714785074694791n, P2 = 14029467366897019727n, P5 = 2870177450012600261n;
  const M = 0xffffffffffffffffn;
  let acc = P5;
  for (const h of hashes) {
    acc = (acc + BigInt.asUintN(64, h) * P2) & M;
    acc = ((acc << 31n) | (acc >> 33n)) & M;
    acc = (acc * P1) & M;
  }
  acc = (acc + (BigInt(hashes.length) ^ (P5 ^ 3527539n))) & M;
  const r = BigInt.asIntN(64, acc);
  return r === -1n ? 1546275796n : r;
}

/** Fake but stable object addresses for reprs that CPython prints with `at 0x…`. */
const addresses = new WeakMap<PyObject, number>();
let lastAddress = 0;
export function addressOf(o: PyObject): string {
  let a = addresses.get(o);
  if (a === undefined) addresses.set(o, (a = 0x7f0000100000 + ++lastAddress * 0x30));
  return `0x${a.toString(16)}`;
}
