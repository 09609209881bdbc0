// The `reference` backend: the HPy context written in TypeScript over an object model of its own.
// Three layers, each loading at run time only those below it: api/ (what each context function
// does), hpy/ (the context struct, handles, calls into extension code, HPy types and their
// instances) and python/ (Python objects, their protocols, the builtin types and modules). The
// object model names two hpy/ types for what an HPy type and its instances carry, as types only.
import { CTX_MEMBERS } from '../../abi/abi.generated.js';
import { PythonError, type Backend, type Capabilities, type LoadOptions, type Primitive, type Ref, type RefKind } from '../../backend.js';
import { openBinary } from '../../binary.js';
import { DebugLayer, TraceLayer, type LayerKind } from '../../layers/layers.js';
import { layersApi, layersLibrary } from '../../layers/native.js';
import { referenceApi } from './api/index.js';
import { ReferenceContext } from './hpy/context.js';
import { createModule } from './hpy/extension.js';
import { installBuiltins } from './python/builtins.js';
import { Interp } from './python/interp.js';
import { PyBytes, PyDict, PyException, PyFloat, PyInt, PyModule, PyObject, PyRaise, PyStr } from './python/objects.js';
import { Ops } from './python/ops.js';

const asObj = (r: Ref) => r as unknown as PyObject;
const asRef = (o: PyObject) => o as unknown as Ref;

export class ReferenceBackend implements Backend {
  readonly name: string;
  readonly rt = new Interp();
  readonly ops = new Ops(this.rt);
  readonly ctx: ReferenceContext;
  readonly debug?: DebugLayer;
  readonly trace?: TraceLayer;

  /** With `layer`, extension code runs on the debug or trace layer over this context. */
  constructor(layer?: LayerKind) {
    this.name = layer ? `${layer}:reference` : 'reference';
    installBuiltins(this.rt, this.ops);
    this.ctx = new ReferenceContext(this.rt, this.ops, { name: 'HPy Universal ABI (hpy-matrix, reference backend)', api: referenceApi });
    if (layer === 'debug') this.ctx.gate = (this.debug = new DebugLayer(layersApi(layersLibrary()), this.ctx.ptr)).gate();
    if (layer === 'trace') this.ctx.gate = (this.trace = new TraceLayer(layersApi(layersLibrary()), this.ctx.ptr)).gate();
  }

  /** Runs `f`, turning a Python exception into a PythonError. */
  private py<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof PyRaise) throw this.toPythonError(e.exc);
      throw e;
    }
  }

  private toPythonError(exc: PyObject): PythonError {
    let message: string;
    try {
      message = this.ops.str(exc);
    } catch {
      message = '<exception str() failed>';
    }
    const chain: string[] = [];
    for (let e = exc as PyException | null; e; e = (e.cause ?? e.context) as PyException | null) chain.push(e.type.name);
    return new PythonError(exc.type.name, message, asRef(exc), chain);
  }

  loadModule(path: string, opts: LoadOptions = {}): Ref {
    const bin = openBinary(path, { moduleName: opts.name });
    const name = opts.name ?? bin.name;
    const m = this.py(() => createModule(this.ctx, bin, name));
    if (m instanceof PyModule) this.rt.addModule(name, m);
    return asRef(m);
  }
  importModule(name: string): Ref {
    return this.py(() => asRef(this.rt.importModule(name)));
  }

  kind(r: Ref): RefKind {
    // Only exact builtin types convert: an instance of a subclass (an HPy type with a builtin
    // shape) stays an object, with its own attributes and methods.
    const o = asObj(r);
    const t = this.rt.types;
    if (o === this.rt.None) return 'none';
    switch (o.type) {
      case t.bool: return 'bool';
      case t.int: return 'int';
      case t.float: return 'float';
      case t.str: return 'str';
      case t.bytes: return 'bytes';
      case t.tuple: return 'tuple';
      case t.list: return 'list';
      case t.dict: return 'dict';
      default: return 'other';
    }
  }
  toPrimitive(r: Ref): Primitive {
    const o = asObj(r);
    if (o === this.rt.None) return undefined;
    if (o.type === this.rt.types.bool) return o === this.rt.True;
    if (o instanceof PyInt) return o.value;
    if (o instanceof PyFloat) return o.value;
    if (o instanceof PyStr) return o.value;
    if (o instanceof PyBytes) return new Uint8Array(o.value);
    throw new TypeError(`a '${o.type.name}' object is not a primitive`);
  }
  fromPrimitive(v: Primitive | null): Ref {
    const rt = this.rt;
    if (v === undefined || v === null) return asRef(rt.None);
    if (typeof v === 'boolean') return asRef(rt.bool(v));
    if (typeof v === 'bigint') return asRef(rt.int(v));
    if (typeof v === 'number') return asRef(Number.isInteger(v) && !Object.is(v, -0) ? rt.int(v) : rt.float(v));
    if (typeof v === 'string') return asRef(rt.str(v));
    return asRef(rt.bytes(new Uint8Array(v)));
  }
  newTuple(items: Ref[]): Ref {
    return asRef(this.rt.tuple(items.map(asObj)));
  }
  newList(items: Ref[]): Ref {
    return asRef(this.rt.list(items.map(asObj)));
  }
  newDict(entries: Array<[Ref, Ref]>): Ref {
    return this.py(() => {
      const d = this.rt.dict();
      for (const [k, v] of entries) this.ops.dictSet(d, asObj(k), asObj(v));
      return asRef(d);
    });
  }
  newFunction(name: string, fn: (args: Ref[], kwargs: Array<[string, Ref]>) => Ref): Ref {
    const rt = this.rt;
    return asRef(rt.builtinFunction(name, (args, kwargs) => {
      try {
        return asObj(fn(args.map(asRef), [...(kwargs ?? [])].map(([k, v]) => [k, asRef(v)])));
      } catch (e) {
        if (e instanceof PythonError && e.value) throw new PyRaise(asObj(e.value));
        throw rt.error('RuntimeError', `JavaScript error in ${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }));
  }
  items(r: Ref): Ref[] {
    return this.py(() => this.ops.toArray(asObj(r)).map(asRef));
  }
  entries(r: Ref): Array<[Ref, Ref]> {
    const o = asObj(r);
    if (!(o instanceof PyDict)) throw new TypeError(`a '${o.type.name}' object is not a dict`);
    return [...o.entries.values()].map(([k, v]) => [asRef(k), asRef(v)]);
  }

  call(callable: Ref, args: Ref[], kwargs: Array<[string, Ref]> = []): Ref {
    return this.py(() => asRef(this.ops.call(asObj(callable), args.map(asObj),
      kwargs.length ? new Map(kwargs.map(([k, v]) => [k, asObj(v)])) : null)));
  }
  getattr(o: Ref, name: string): Ref {
    return this.py(() => asRef(this.ops.getattr(asObj(o), name)));
  }
  hasattr(o: Ref, name: string): boolean {
    return this.py(() => this.ops.hasattr(asObj(o), name));
  }
  setattr(o: Ref, name: string, value: Ref | null): void {
    this.py(() => this.ops.setattr(asObj(o), name, value ? asObj(value) : null));
  }
  repr(o: Ref): string {
    return this.py(() => this.ops.repr(asObj(o)));
  }
  str(o: Ref): string {
    return this.py(() => this.ops.str(asObj(o)));
  }
  typeName(o: Ref): string {
    return asObj(o).type.name;
  }
  is(a: Ref, b: Ref): boolean {
    return a === b;
  }
  callable(o: Ref): boolean {
    return this.ops.callable(asObj(o));
  }
  dup(r: Ref): Ref {
    return r;
  }
  release(): void {
    // Objects are JavaScript values here: the garbage collector owns them.
  }

  collectGarbage(): Promise<void> {
    return this.ctx.lifetime.collect();
  }

  capabilities(): Capabilities {
    const funcs = CTX_MEMBERS.filter((m) => m.kind === 'func').map((m) => m.name);
    return {
      implemented: funcs.filter((n) => this.ctx.implemented.has(n) && !this.ctx.partial.has(n)),
      partial: funcs.filter((n) => this.ctx.partial.has(n)).map((name) => ({ name, missing: this.ctx.partial.get(name)! })),
      unsupported: funcs.filter((n) => this.ctx.unsupported.has(n)).map((name) => ({ name, reason: this.ctx.unsupported.get(name)! })),
    };
  }

  /** Open handles of the context, for leak checks. */
  get openHandles(): number {
    return this.ctx.handles.openCount;
  }

  close(): void {
    // The layer first: it closes nothing of the context's, but must not outlive it.
    this.debug?.close();
    this.trace?.close();
    this.ctx.close();
  }
}
