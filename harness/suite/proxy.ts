// Python objects as JavaScript values, after pyodide's PyProxy: primitives convert, other
// objects come back as callable proxies with attribute access and `.toJs()`.
import type { Backend, Ref } from '../../loader/backend.js';
import { watchedRegistry } from '../../loader/js-gc.js';

// Attributes and call results are `any`, as in pyodide: a test reads like plain JavaScript.
export type PyProxy = ((...args: any[]) => any) & {
  /** Converts explicitly: tuple/list → array, dict → Map, bytes → Uint8Array, deeply. */
  toJs(): any;
  /** Calls with keyword arguments taken from the last argument, a plain object. */
  callKwargs(...args: unknown[]): any;
  /** The Python type name, e.g. 'list'. */
  readonly type: string;
  [attr: string]: any;
};

const REF = Symbol('hpy-matrix.ref');

/**
 * The Python attribute a property key names. A leading `$` is dropped, as pyodide does, so that
 * attributes hidden by the proxy's own names stay reachable: `m.$type` is the module's `type`,
 * `m.type` the proxy's type name. Python names never hold a `$`.
 */
function pythonName(key: string): string {
  return key.startsWith('$') ? key.slice(1) : key;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isPyProxy(v: unknown): v is PyProxy {
  return typeof v === 'function' && (v as unknown as Record<symbol, unknown>)[REF] !== undefined;
}

/** Converts between JavaScript values and the refs of one backend. */
export class Converter {
  private readonly finalizer: FinalizationRegistry<Ref>;
  constructor(readonly backend: Backend) {
    this.finalizer = watchedRegistry<Ref>((r) => backend.release(r));
  }

  /** A new reference to `v` as a Python object; the caller releases it. */
  toPy(v: unknown): Ref {
    const b = this.backend;
    if (isPyProxy(v)) return b.dup((v as unknown as Record<symbol, Ref>)[REF]);
    if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'number'
      || typeof v === 'bigint' || typeof v === 'string' || v instanceof Uint8Array) {
      return b.fromPrimitive(v as never);
    }
    if (typeof v === 'function') {
      return b.newFunction(v.name || 'js_function', (args, kwargs) => {
        const jsArgs = args.map((a) => this.toJs(a));
        if (kwargs.length) jsArgs.push(Object.fromEntries(kwargs.map(([k, x]) => [k, this.toJs(x)])));
        return this.toPy((v as (...a: unknown[]) => unknown)(...jsArgs));
      });
    }
    if (Array.isArray(v)) return this.withPy(v, (items) => b.newList(items));
    if (v instanceof Map) return this.withPyEntries([...v], (entries) => b.newDict(entries));
    if (isPlainObject(v)) return this.withPyEntries(Object.entries(v), (entries) => b.newDict(entries));
    throw new TypeError(`cannot convert ${Object.prototype.toString.call(v)} to a Python object`);
  }

  /** Runs `f` on new references to `values`, released afterwards. */
  withPy<T>(values: unknown[], f: (refs: Ref[]) => T): T {
    const refs: Ref[] = [];
    try {
      for (const v of values) refs.push(this.toPy(v));
      return f(refs);
    } finally {
      for (const r of refs) this.backend.release(r);
    }
  }

  private withPyEntries<T>(entries: Array<[unknown, unknown]>, f: (refs: Array<[Ref, Ref]>) => T): T {
    return this.withPy(entries.flat(), (refs) => f(entries.map((_, i) => [refs[2 * i]!, refs[2 * i + 1]!])));
  }

  /**
   * Takes over `r`: primitives become JS values (and `r` is released), everything else a proxy
   * that owns `r`. Ints outside 2**53 are bigint.
   */
  toJs(r: Ref): unknown {
    const b = this.backend;
    const kind = b.kind(r);
    if (kind !== 'none' && kind !== 'bool' && kind !== 'float' && kind !== 'str' && kind !== 'int') return this.proxy(r);
    try {
      const v = b.toPrimitive(r);
      if (kind !== 'int') return v;
      const i = v as bigint;
      return i >= BigInt(Number.MIN_SAFE_INTEGER) && i <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(i) : i;
    } finally {
      b.release(r);
    }
  }

  /** Deep conversion for `.toJs()`; `r` stays owned by the caller. */
  deepToJs(r: Ref): unknown {
    const b = this.backend;
    const consumeAll = <T>(refs: Ref[], f: (x: Ref) => T): T[] => {
      try {
        return refs.map(f);
      } finally {
        for (const x of refs) b.release(x);
      }
    };
    switch (b.kind(r)) {
      case 'bytes': return b.toPrimitive(r);
      case 'tuple': case 'list': return consumeAll(b.items(r), (x) => this.deepToJs(x));
      case 'dict': {
        const entries = b.entries(r);
        try {
          return new Map(entries.map(([k, v]) => [this.deepToJs(k), this.deepToJs(v)]));
        } finally {
          for (const [k, v] of entries) {
            b.release(k);
            b.release(v);
          }
        }
      }
      default: return this.toJs(b.dup(r));
    }
  }

  proxy(r: Ref): PyProxy {
    const b = this.backend;
    const target = function pyproxy() { /* callable target for the Proxy */ };
    const call = (args: unknown[], kwargs: Record<string, unknown> = {}) => {
      const names = Object.keys(kwargs);
      return this.withPy([...args, ...Object.values(kwargs)], (refs) => this.toJs(
        b.call(r, refs.slice(0, args.length), names.map((k, i) => [k, refs[args.length + i]!]))));
    };
    const special: Record<string | symbol, () => unknown> = {
      [REF]: () => r,
      toJs: () => () => this.deepToJs(r),
      callKwargs: () => (...args: unknown[]) => {
        const last = args.at(-1);
        if (!isPlainObject(last)) throw new TypeError('callKwargs: the last argument must be an object of keyword arguments');
        return call(args.slice(0, -1), last);
      },
      type: () => b.typeName(r),
      toString: () => () => b.str(r),
      [Symbol.toPrimitive]: () => () => b.str(r),
      [Symbol.for('nodejs.util.inspect.custom')]: () => () => `PyProxy(${b.repr(r)})`,
      [Symbol.iterator]: () => () => b.items(r).map((x) => this.toJs(x))[Symbol.iterator](),
      // never look like a promise, or `await proxy` would call `then` on the Python object
      then: () => undefined,
    };
    const p = new Proxy(target, {
      apply: (_t, _this, args) => call(args),
      get: (_t, key) => {
        if (typeof key === 'symbol') return key in special ? special[key]!() : undefined;
        if (!key.startsWith('$') && key in special) return special[key]!();
        return this.toJs(b.getattr(r, pythonName(key)));
      },
      set: (_t, key, value) => {
        if (typeof key === 'symbol') return false;
        this.withPy([value], ([v]) => b.setattr(r, pythonName(key), v!));
        return true;
      },
      deleteProperty: (_t, key) => {
        if (typeof key === 'symbol') return false;
        b.setattr(r, pythonName(key), null);
        return true;
      },
      has: (_t, key) => (typeof key === 'string' ? b.hasattr(r, pythonName(key)) : key in special),
    }) as unknown as PyProxy;
    this.finalizer.register(p, r);
    return p;
  }
}
