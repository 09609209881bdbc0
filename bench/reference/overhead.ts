// Where the reference backend's time goes: the same C loops as bench/reference, run on
// stand-in contexts whose few members replay one ingredient of the reference context at a
// time (its guard closure, the handle table, BigInt conversions, the way arrays are read).
// An experiment for whoever tunes loader/backends/reference; nothing imports it.
//
//   npm run bench:reference:overhead [-- --iterations N --rounds R]
import { parseArgs } from 'node:util';
import koffi from 'koffi';
import { CTX_MEMBERS, CTX_SIZE } from '../../dist/loader/abi/abi.generated.js';
import { ReferenceBackend } from '../../dist/loader/backends/reference/index.js';
import { HandleTable } from '../../dist/loader/backends/reference/hpy/handles.js';
import { PyInt, PyTuple, type PyObject } from '../../dist/loader/backends/reference/python/objects.js';
import { measure, type Case } from './measure.js';
import { buildLoops, loadLoops, type Loop } from './native.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '9' } } });
const opts = { iterations: Number(values.iterations), rounds: Number(values.rounds) };

const loops = loadLoops(await buildLoops());
const reference = new ReferenceBackend();
const { rt } = reference;

/**
 * PyObject has many subclasses, so the stores in its constructor (and the allocation through
 * `new.target`) are megamorphic. Object.create with a fixed prototype keeps every store
 * monomorphic and `instanceof` working.
 */
function intByObjectCreate(value: bigint): PyInt {
  const o = Object.create(PyInt.prototype) as { type: unknown; dict: unknown; value: bigint };
  o.type = rt.types.int;
  o.dict = null;
  o.value = value;
  return o as unknown as PyInt;
}
function tupleByObjectCreate(items: PyObject[]): PyTuple {
  const o = Object.create(PyTuple.prototype) as { type: unknown; dict: unknown; items: PyObject[] };
  o.type = rt.types.tuple;
  o.dict = null;
  o.items = items;
  return o as unknown as PyTuple;
}
// A second reference backend whose interpreter makes ints that way; nothing else differs.
const patched = new ReferenceBackend();
const smallInt = patched.rt.int.bind(patched.rt);
patched.rt.int = (v: bigint | number) => {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b >= -5n && b <= 256n ? smallInt(b) : intByObjectCreate(b);
};

// libc's memcpy: one cheap JS-to-C call copies a handle array into memory that a typed array
// already views, instead of making a new ArrayBuffer for every call.
const libc = koffi.load('libc.so.6');
const memcpy = libc.func('void *memcpy(void *dst, void *src, size_t n)') as (d: bigint, s: bigint, n: number) => bigint;
const SCRATCH_ITEMS = 64;
const scratch = koffi.alloc('int64_t', SCRATCH_ITEMS) as bigint;
const scratchWords = new Int32Array(koffi.view(scratch, SCRATCH_ITEMS * 8));
/** Handles are small non-negative indices: the low word is the handle, a high word makes it invalid. */
function readHandlesByMemcpy(p: bigint, n: number): number[] {
  memcpy(scratch, p, n * 8);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = scratchWords[2 * i + 1] === 0 ? scratchWords[2 * i] : -1;
  return out;
}

type Fn = (...args: any[]) => unknown;
let protoCount = 0;

/** A context struct with only the members an experiment fills; the others stay NULL. */
class StandIn {
  readonly ptr = koffi.alloc('uint8_t', CTX_SIZE) as bigint;
  private readonly callbacks: bigint[] = [];
  constructor(members: Record<string, Fn>, protoEdit: (p: string) => string = (p) => p) {
    new Uint8Array(koffi.view(this.ptr, CTX_SIZE)).fill(0);
    for (const m of CTX_MEMBERS) if (m.kind === 'handle') koffi.encode(this.ptr, m.offset, 'int64_t', 1);
    for (const [name, fn] of Object.entries(members)) {
      const m = CTX_MEMBERS.find((x) => x.name === name)!;
      // koffi prototype names are process-wide: each stand-in gets fresh ones.
      const proto = protoEdit(m.koffi!).replace(/ ctx_\w+\(/, ` standin_${protoCount++}(`);
      const cb = koffi.register(fn, koffi.pointer(koffi.proto(proto)));
      this.callbacks.push(cb);
      koffi.encode(this.ptr, m.offset, 'void *', cb);
    }
  }
  close(): void {
    for (const cb of this.callbacks) koffi.unregister(cb);
    koffi.free(this.ptr);
  }
}

/** The reference context's guard, as context.ts writes it: rest parameters and a spread call. */
function restGuard(impl: Fn, onError: unknown): Fn {
  return (_ctx: unknown, ...args: unknown[]) => {
    try {
      return impl(...args);
    } catch {
      return onError;
    }
  };
}
/** The same guard with the impl's own arity: no arguments array is built. */
function fixedGuard(impl: Fn, onError: unknown): Fn {
  switch (impl.length) {
    case 1: return (_ctx: unknown, a: unknown) => { try { return impl(a); } catch { return onError; } };
    case 2: return (_ctx: unknown, a: unknown, b: unknown) => { try { return impl(a, b); } catch { return onError; } };
    default: return (_ctx: unknown, a: unknown, b: unknown, c: unknown) => { try { return impl(a, b, c); } catch { return onError; } };
  }
}

const standIns: StandIn[] = [];
const loopCase = (name: string, calls: number, loop: Loop, ctx: bigint): Case => ({
  name, callsPerIteration: calls, run(n) {
    if (loop(ctx, n) !== 0) throw new Error(`${name}: a call failed`);
  },
});
const on = (name: string, calls: number, loop: Loop, members: Record<string, Fn>, protoEdit?: (p: string) => string) => {
  const s = new StandIn(members, protoEdit);
  standIns.push(s);
  return loopCase(name, calls, loop, s.ptr);
};
const real = (name: string, calls: number, loop: Loop) => loopCase(name, calls, loop, reference.ctx.ptr);

// Handle-table replicas of the reference context's bodies, without its guard.
const table = new HandleTable();
const get = (h: number): PyObject => {
  const o = table.get(h);
  if (o === undefined) throw new Error('bad handle');
  return o;
};
const dup = (h: number) => (h ? table.open(get(h)) : 0);
const close = (h: number) => { if (h) table.close(h); };
const handleOne = table.open(rt.int(7));
const I64 = [-(1n << 63n), (1n << 63n) - 1n] as const;
const SAFE = [BigInt(Number.MIN_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER)] as const;

const bareType = koffi.pointer(koffi.proto('intptr_t overhead_bare(void *ctx, intptr_t h)'));
const bareIntType = koffi.pointer(koffi.proto('intptr_t overhead_bare_int(intptr_t ctx, intptr_t h)'));
const bareCase = (name: string, fn: Fn, type = bareType): Case => {
  const cb = koffi.register(fn, type);
  return { name, callsPerIteration: 1, run(n) {
    if (loops.bare(cb, reference.ctx.ptr, n) !== 0) throw new Error(`${name}: wrong sum`);
  } };
};
const sink: unknown[] = new Array(1024);
const jsCase = (name: string, make: () => unknown): Case => ({ name, callsPerIteration: 1, run(n) {
  for (let i = 0; i < n; i++) sink[i & 1023] = make();
} });
const ctxAsInt = (p: string) => p.replace('void * ctx', 'intptr_t ctx');

const groups: Array<[string, Case[]]> = [
  ['one callback: intptr_t cb(void *ctx, intptr_t h), returns h', [
    bareCase('bare (h) => h', (_c: unknown, h: number) => h),
    bareCase('ctx declared intptr_t, not void *', (_c: unknown, h: number) => h, bareIntType),
    bareCase('+ guard with rest/spread (context.ts)', restGuard((h: number) => h, 0)),
    bareCase('+ guard with fixed arity', fixedGuard((h: number) => h, 0)),
  ]],
  ['Dup + Close, per call', [
    on('bare callbacks', 2, loops.dupClose, { ctx_Dup: (_c: unknown, h: number) => h, ctx_Close: () => {} }),
    on('handle table, no guard', 2, loops.dupClose, { ctx_Dup: (_c: unknown, h: number) => dup(h), ctx_Close: (_c: unknown, h: number) => close(h) }),
    on('handle table + rest guard', 2, loops.dupClose, { ctx_Dup: restGuard(dup, 0), ctx_Close: restGuard(close, undefined) }),
    on('handle table + fixed guard', 2, loops.dupClose, { ctx_Dup: fixedGuard(dup, 0), ctx_Close: fixedGuard(close, undefined) }),
    on('handle table + fixed guard, ctx intptr_t', 2, loops.dupClose,
      { ctx_Dup: fixedGuard(dup, 0), ctx_Close: fixedGuard(close, undefined) }, ctxAsInt),
    real('reference context', 2, loops.dupClose),
  ]],
  ['Long_FromInt64_t + Close, per call', [
    on('bare callbacks', 2, loops.longFrom, { ctx_Long_FromInt64_t: () => handleOne, ctx_Close: () => {} }),
    on('rt.int(BigInt(v)) + table, no guard', 2, loops.longFrom, {
      ctx_Long_FromInt64_t: (_c: unknown, v: number | bigint) => table.open(rt.int(BigInt(v))),
      ctx_Close: (_c: unknown, h: number) => close(h) }),
    on('new PyInt(type, BigInt(v)) + table', 2, loops.longFrom, {
      ctx_Long_FromInt64_t: (_c: unknown, v: number | bigint) => table.open(new PyInt(rt.types.int, BigInt(v))),
      ctx_Close: (_c: unknown, h: number) => close(h) }),
    on('a plain object holding the number + table', 2, loops.longFrom, {
      ctx_Long_FromInt64_t: (_c: unknown, v: number | bigint) => table.open({ type: rt.types.int, v } as unknown as PyObject),
      ctx_Close: (_c: unknown, h: number) => close(h) }),
    real('reference context', 2, loops.longFrom),
    loopCase('reference context, ints made by Object.create', 2, loops.longFrom, patched.ctx.ptr),
  ]],
  ['making an int object in JavaScript (no callback)', [
    jsCase('new PyInt(type, value)', () => new PyInt(rt.types.int, 123456789n)),
    jsCase('Object.create(PyInt.prototype) + stores', () => intByObjectCreate(123456789n)),
  ]],
  ['Long_AsInt64_t, per call', [
    on('bare callback', 1, loops.longAs, { ctx_Long_FromInt64_t: () => handleOne, ctx_Long_AsInt64_t: () => 123456789, ctx_Close: () => {} }),
    on('range checks as api/core.ts (2n ** 53n per call)', 1, loops.longAs, {
      ctx_Long_FromInt64_t: (_c: unknown, v: number | bigint) => table.open(rt.int(BigInt(v))),
      ctx_Long_AsInt64_t: (_c: unknown, h: number) => {
        const v = (get(h) as PyInt).value;
        if (v < I64[0] || v > I64[1]) throw new Error('overflow');
        return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
      },
      ctx_Close: (_c: unknown, h: number) => close(h) }),
    on('hoisted bigint constants', 1, loops.longAs, {
      ctx_Long_FromInt64_t: (_c: unknown, v: number | bigint) => table.open(rt.int(BigInt(v))),
      ctx_Long_AsInt64_t: (_c: unknown, h: number) => {
        const v = (get(h) as PyInt).value;
        if (v < I64[0] || v > I64[1]) throw new Error('overflow');
        return v >= SAFE[0] && v <= SAFE[1] ? Number(v) : v;
      },
      ctx_Close: (_c: unknown, h: number) => close(h) }),
    real('reference context', 1, loops.longAs),
  ]],
  ['GetAttr_s on a module + Close, per call', [
    on('bare callbacks, name as a pointer (not decoded)', 2, loops.getattr,
      { ctx_GetAttr_s: () => handleOne, ctx_Close: () => {} }, (p) => p.replace('const char * utf8_name', 'void * utf8_name')),
    on('bare callbacks, name decoded by koffi', 2, loops.getattr, { ctx_GetAttr_s: () => handleOne, ctx_Close: () => {} }),
    on('decoded name + ops.getattr + table', 2, loops.getattr, {
      ctx_GetAttr_s: (_c: unknown, _h: number, name: string) => table.open(reference.ops.getattr(rt.importModule('builtins'), name)),
      ctx_Close: (_c: unknown, h: number) => close(h) }),
    real('reference context', 2, loops.getattr),
  ]],
  ['Tuple_FromArray of 4 + Close, per call', [
    on('bare callbacks', 2, loops.tuple, { ctx_Long_FromInt64_t: () => handleOne, ctx_Tuple_FromArray: () => handleOne, ctx_Close: () => {} }),
    ...([
      ['koffi.view + BigInt64Array (api/core.ts)', (p: bigint, n: number) => Array.from(new BigInt64Array(koffi.view(p, n * 8)), Number)],
      ['koffi.decode(p, "int64_t", n)', (p: bigint, n: number) => Array.from(koffi.decode(p, 'int64_t', n) as BigInt64Array, Number)],
      ['memcpy to a scratch buffer viewed as Int32Array', readHandlesByMemcpy],
      ['koffi.decode.int64 per item', (p: bigint, n: number) => {
        const out = new Array<number>(n);
        for (let i = 0; i < n; i++) out[i] = Number(koffi.decode.int64(p + BigInt(8 * i)));
        return out;
      }],
    ] as const).map(([name, read]) => on(name, 2, loops.tuple, {
      ctx_Long_FromInt64_t: (_c: unknown, v: number | bigint) => table.open(rt.int(BigInt(v))),
      ctx_Tuple_FromArray: (_c: unknown, p: bigint, n: number) => table.open(rt.tuple(read(p, n).map(get))),
      ctx_Close: (_c: unknown, h: number) => close(h) })),
    on('memcpy + tuple by Object.create', 2, loops.tuple, {
      ctx_Long_FromInt64_t: (_c: unknown, v: number | bigint) => table.open(rt.int(BigInt(v))),
      ctx_Tuple_FromArray: (_c: unknown, p: bigint, n: number) => table.open(tupleByObjectCreate(readHandlesByMemcpy(p, n).map(get))),
      ctx_Close: (_c: unknown, h: number) => close(h) }),
    real('reference context', 2, loops.tuple),
  ]],
];

for (const [title, cases] of groups) {
  const results = measure(cases, opts);
  console.log(`\n${title}`);
  for (const r of results) console.log(`  ${r.name.padEnd(52)}${r.nsPerCall.toFixed(1).padStart(9)} ns${r.ratio.toFixed(2).padStart(8)}x`);
}
for (const s of standIns) s.close();
koffi.free(scratch);
reference.close();
patched.close();
