// Values on the pipe to the driver (driver.py describes the encoding) and the two kinds of Ref
// this backend hands out. Primitives travel by value and stay in JavaScript: a Ref to one costs no
// round trip to make, convert or release. Everything else stays in the interpreter and is named
// by an id that JavaScript releases.
import type { Primitive, RefKind } from '../../backend.js';

/** A primitive held in JavaScript; sent by value each time it is used. */
export class Held {
  constructor(readonly kind: 'none' | 'bool' | 'int' | 'float' | 'str' | 'bytes', readonly value: Primitive) {}
}

/** An object held by the driver under `id`. */
export class Remote {
  constructor(readonly id: number, readonly kind: RefKind) {}
}

export type WireRef = Held | Remote;

/** The driver's kind numbers, in order. */
const KINDS: readonly RefKind[] = ['none', 'bool', 'int', 'float', 'str', 'bytes', 'tuple', 'list', 'dict', 'other'];

export const NONE = new Held('none', undefined);
const TRUE = new Held('bool', true);
const FALSE = new Held('bool', false);
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A Held for a JavaScript primitive, as the Backend contract converts them. */
export function hold(v: Primitive | null): Held {
  if (v === undefined || v === null) return NONE;
  if (typeof v === 'boolean') return v ? TRUE : FALSE;
  if (typeof v === 'bigint') return new Held('int', v);
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? new Held('int', BigInt(v)) : new Held('float', v);
  if (typeof v === 'string') return new Held('str', v);
  // A copy: the caller may change its array after handing it over.
  return new Held('bytes', new Uint8Array(v));
}

/** The wire form of a Ref, for a request. */
export function encode(r: WireRef): unknown {
  if (r instanceof Remote) return ['r', r.id];
  const v = r.value;
  switch (r.kind) {
    case 'none': return null;
    case 'bool': case 'str': return v;
    case 'int': {
      const i = v as bigint;
      return i >= -SAFE && i <= SAFE ? Number(i) : ['I', i.toString(16)];
    }
    case 'float': return ['f', Object.is(v, -0) ? '-0' : String(v)];
    case 'bytes': return ['y', Buffer.from(v as Uint8Array).toString('base64')];
  }
}

/** A value from an answer: a Held, or a Remote that `adopt` registers as owned by the caller. */
export function decode(x: unknown, adopt: (id: number, kind: RefKind) => Remote): WireRef {
  switch (typeof x) {
    case 'number': return new Held('int', BigInt(x));
    case 'string': return new Held('str', x);
    case 'boolean': return x ? TRUE : FALSE;
    case 'object': {
      if (x === null) return NONE;
      const tagged = x as [string, unknown, unknown];
      switch (tagged[0]) {
        case 'r': return adopt(tagged[1] as number, KINDS[tagged[2] as number] ?? 'other');
        case 'f': return new Held('float', typeof tagged[1] === 'number' ? tagged[1] : nonFinite(tagged[1] as string));
        case 'I': return new Held('int', fromHex(tagged[1] as string));
      }
    }
  }
  throw new Error(`hpy-matrix: the driver sent a value this backend cannot read: ${JSON.stringify(x)}`);
}

/** Python's repr of a float that JSON cannot carry. */
function nonFinite(repr: string): number {
  return repr === 'inf' ? Infinity : repr === '-inf' ? -Infinity : NaN;
}

function fromHex(hex: string): bigint {
  return hex.startsWith('-') ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
}

/** type(x).__name__ of a primitive, known without asking. */
export const HELD_TYPE_NAMES: Record<Held['kind'], string> = {
  none: 'NoneType', bool: 'bool', int: 'int', float: 'float', str: 'str', bytes: 'bytes',
};
