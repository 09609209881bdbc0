// The `cpython` backend: the CPython found on the machine, embedded in the Node process, with
// hpy-matrix's context in C (native/cpython) between it and the extension.
import koffi, { type LibraryHandle } from 'koffi';
import { CTX_MEMBERS } from '../../abi/abi.generated.js';
import { PythonError, type Backend, type Capabilities, type LoadOptions, type Primitive, type Ref, type RefKind } from '../../backend.js';
import { openBinary } from '../../binary.js';
import { collectUntilQuiet, watchedRegistry } from '../../js-gc.js';
import { DebugLayer, TraceLayer, type LayerKind } from '../../layers/layers.js';
import { layersApi } from '../../layers/native.js';
import type { Pointer } from '../../native-memory.js';
import { ensureHost } from './host-build.js';
import { findPython, PythonSetupError, type PythonInfo } from './python.js';

export { PythonSetupError } from './python.js';

/** A PyObject* as koffi passes it: an address in a number. 0 is NULL. */
type Obj = number;
const asObj = (r: Ref) => r as unknown as Obj;
const asRef = (o: Obj) => o as unknown as Ref;

/** What the implemented members leave out, by member. */
const PARTIAL: Record<string, string> = {
  ctx_Type_FromSpec: 'a Python class, or a legacy type with a tp_dealloc of its own, cannot be a base of an HPy type, '
    + 'and a pure HPy type cannot have a legacy one as its base',
};

const KINDS: RefKind[] = ['none', 'bool', 'int', 'float', 'str', 'bytes', 'tuple', 'list', 'dict', 'other'];
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The interpreter is per process: every backend instance shares it and the host library. */
interface Embedded {
  python: PythonInfo;
  libpython: LibraryHandle;
  host: LibraryHandle;
  api: ReturnType<typeof declare>;
}
let embedded: Embedded | undefined;

function declare(py: LibraryHandle, host: LibraryHandle) {
  const callback = koffi.proto('intptr_t hmc_js_callback(int64_t id, intptr_t args, intptr_t kwargs)');
  return {
    callback,
    // libpython
    incref: py.func('void Py_IncRef(intptr_t o)') as (o: Obj) => void,
    decref: py.func('void Py_DecRef(intptr_t o)') as (o: Obj) => void,
    errOccurred: py.func('intptr_t PyErr_Occurred()') as () => Obj,
    errSetString: py.func('void PyErr_SetString(intptr_t type, const char *message)') as (t: Obj, m: string) => void,
    getattr: py.func('intptr_t PyObject_GetAttrString(intptr_t o, const char *name)') as (o: Obj, n: string) => Obj,
    setattr: py.func('int PyObject_SetAttrString(intptr_t o, const char *name, intptr_t v)') as (o: Obj, n: string, v: Obj) => number,
    repr: py.func('intptr_t PyObject_Repr(intptr_t o)') as (o: Obj) => Obj,
    str: py.func('intptr_t PyObject_Str(intptr_t o)') as (o: Obj) => Obj,
    callableCheck: py.func('int PyCallable_Check(intptr_t o)') as (o: Obj) => number,
    importModule: py.func('intptr_t PyImport_ImportModule(const char *name)') as (n: string) => Obj,
    longFromInt64: py.func('intptr_t PyLong_FromLongLong(int64_t v)') as (v: number | bigint) => Obj,
    longFromString: py.func('intptr_t PyLong_FromString(const char *s, void *end, int base)') as (s: string, e: null, b: number) => Obj,
    floatFromDouble: py.func('intptr_t PyFloat_FromDouble(double v)') as (v: number) => Obj,
    floatAsDouble: py.func('double PyFloat_AsDouble(intptr_t o)') as (o: Obj) => number,
    bytesFromBuffer: py.func('intptr_t PyBytes_FromStringAndSize(const uint8_t *data, intptr_t n)') as (d: Uint8Array, n: number) => Obj,
    dictNew: py.func('intptr_t PyDict_New()') as () => Obj,
    dictSetItem: py.func('int PyDict_SetItem(intptr_t d, intptr_t k, intptr_t v)') as (d: Obj, k: Obj, v: Obj) => number,
    dictItems: py.func('intptr_t PyDict_Items(intptr_t d)') as (d: Obj) => Obj,
    tupleGetItem: py.func('intptr_t PyTuple_GetItem(intptr_t t, intptr_t i)') as (t: Obj, i: number) => Obj,
    listSize: py.func('intptr_t PyList_Size(intptr_t l)') as (l: Obj) => number,
    listGetItem: py.func('intptr_t PyList_GetItem(intptr_t l, intptr_t i)') as (l: Obj, i: number) => Obj,
    gcCollect: py.func('intptr_t PyGC_Collect()') as () => number,
    numberToBase: py.func('intptr_t PyNumber_ToBase(intptr_t n, int base)') as (n: Obj, base: number) => Obj,
    // ours
    init: host.func('const char *hmc_host_init(const char *program)') as (p: string) => string | null,
    context: host.func('void *hmc_host_context(void)') as () => Pointer,
    load: host.func('intptr_t hmc_host_load(void *ctx, const char *name, const char *path)') as (ctx: Pointer, n: string, p: string) => Obj,
    takeError: host.func('intptr_t hmc_host_take_error()') as () => Obj,
    raise: host.func('void hmc_host_raise(intptr_t value)') as (v: Obj) => void,
    exceptionNext: host.func('intptr_t hmc_host_exception_next(intptr_t exc)') as (e: Obj) => Obj,
    kind: host.func('int hmc_host_kind(intptr_t o)') as (o: Obj) => number,
    int64: host.func('int hmc_host_int64(intptr_t o, _Out_ int64_t *out)') as (o: Obj, out: [number | bigint]) => number,
    strUtf16: host.func('intptr_t hmc_host_str_utf16(intptr_t s)') as (s: Obj) => Obj,
    strFromUtf16: host.func('intptr_t hmc_host_str_from_utf16(const uint8_t *data, intptr_t n)') as (d: Uint8Array, n: number) => Obj,
    bytesSize: host.func('intptr_t hmc_host_bytes_size(intptr_t b)') as (b: Obj) => number,
    bytesCopy: host.func('void hmc_host_bytes_copy(intptr_t b, _Out_ uint8_t *dst)') as (b: Obj, d: Uint8Array) => void,
    typeName: host.func('const char *hmc_host_type_name(intptr_t o)') as (o: Obj) => string,
    itemsList: host.func('intptr_t hmc_host_items(intptr_t o)') as (o: Obj) => Obj,
    newTuple: host.func('intptr_t hmc_host_new_tuple(intptr_t *items, intptr_t n)') as (i: Obj[], n: number) => Obj,
    newList: host.func('intptr_t hmc_host_new_list(intptr_t *items, intptr_t n)') as (i: Obj[], n: number) => Obj,
    call: host.func('intptr_t hmc_host_call(intptr_t callable, intptr_t *args, size_t nargs, intptr_t kwnames)') as (c: Obj, a: Obj[], n: number, k: Obj) => Obj,
    newFunction: host.func('intptr_t hmc_host_new_function(const char *name, int64_t id, hmc_js_callback *cb)') as (n: string, id: number, cb: unknown) => Obj,
    constant: host.func('intptr_t hmc_host_constant(int which)') as (w: number) => Obj,
    missingMembers: host.func('size_t hmc_host_missing_members(_Out_ const char **names, size_t capacity)') as (n: (string | null)[], c: number) => number,
  };
}

function embed(): Embedded {
  if (embedded) return embedded;
  const python = findPython();
  const { library } = ensureHost(python);
  let libpython: LibraryHandle;
  try {
    // Global: extension modules of the standard library resolve CPython's symbols from it.
    libpython = koffi.load(python.libpython, { global: true });
  } catch (e) {
    throw new PythonSetupError(`cannot load ${python.libpython}: ${(e as Error).message}`);
  }
  const host = koffi.load(library);
  const api = declare(libpython, host);
  const failure = api.init(python.executable);
  if (failure) throw new PythonSetupError(`Python ${python.version} (${python.executable}) did not start: ${failure}`);
  embedded = { python, libpython, host, api };
  return embedded;
}

export class CPythonBackend implements Backend {
  readonly name: string;
  readonly cpython: string;
  readonly debug?: DebugLayer;
  readonly trace?: TraceLayer;
  /** The context extensions are loaded with: ours, or a layer over it. */
  private readonly loadCtx: Pointer;
  private readonly api: Embedded['api'];
  private readonly python: PythonInfo;
  private readonly functions = new Map<number, (args: Ref[], kwargs: Array<[string, Ref]>) => Ref>();
  private nextFunctionId = 1;
  private callbackPtr: unknown = null;
  private readonly excType: Obj;
  /** True, to recognise it by address; one reference held for the life of the backend. */
  private readonly trueObj: Obj;
  /** An exception value lives as long as the PythonError that carries it. */
  private readonly errorValues = watchedRegistry<Obj>((o) => this.api.decref(o));

  /** With `layer`, extensions load with the debug or trace layer over the cpython context. */
  constructor(layer?: LayerKind) {
    const e = embed();
    this.api = e.api;
    this.python = e.python;
    this.name = layer ? `${layer}:cpython` : 'cpython';
    this.cpython = `cp${this.python.version.split('.').slice(0, 2).join('')}`;
    const inner = this.api.context();
    // Built into the host library: the same layers the drop-in loader's debug and trace modes use.
    if (layer === 'debug') this.loadCtx = (this.debug = new DebugLayer(layersApi(e.host), inner)).ctx;
    else if (layer === 'trace') this.loadCtx = (this.trace = new TraceLayer(layersApi(e.host), inner)).ctx;
    else this.loadCtx = inner;
    const builtins = this.check(this.api.importModule('builtins'));
    this.excType = this.check(this.api.getattr(builtins, 'RuntimeError'));
    this.api.decref(builtins);
    this.trueObj = this.api.constant(1);
  }

  /** Python's version, e.g. '3.11.7'. */
  get pythonVersion(): string {
    return this.python.version;
  }

  /** `o` if not NULL; otherwise the pending Python exception as a PythonError. */
  private check(o: Obj): Obj {
    if (o === 0) throw this.takeError();
    return o;
  }

  private checkStatus(status: number): void {
    if (status < 0 || this.api.errOccurred() !== 0) throw this.takeError();
  }

  private takeError(): PythonError {
    const a = this.api;
    const value = a.takeError();
    if (value === 0) return new PythonError('SystemError', 'a Python call failed without setting an exception');
    let message: string;
    try {
      message = this.strOf(value);
    } catch {
      message = '<exception str() failed>';
    }
    const chain: string[] = [];
    a.incref(value);
    for (let e = value, depth = 0; e !== 0 && depth < 100; depth++) {
      chain.push(a.typeName(e));
      const next = a.exceptionNext(e);
      a.decref(e);
      e = next;
    }
    const err = new PythonError(a.typeName(value), message, asRef(value), chain);
    this.errorValues.register(err, value);
    return err;
  }

  /** str(o) as a JavaScript string; `o` stays owned by the caller. */
  private strOf(o: Obj): string {
    return this.takeText(this.api.str(o));
  }

  /** The text of a str a CPython call just returned (a new reference, or NULL on error). */
  private takeText(made: Obj): string {
    const s = this.check(made);
    try {
      return this.text(s);
    } finally {
      this.api.decref(s);
    }
  }

  /** A Python str as a JavaScript string, code unit for code unit. */
  private text(s: Obj): string {
    const bytes = this.check(this.api.strUtf16(s));
    try {
      return Buffer.from(this.bytesOf(bytes)).toString('utf16le');
    } finally {
      this.api.decref(bytes);
    }
  }

  private bytesOf(b: Obj): Uint8Array {
    const out = new Uint8Array(this.api.bytesSize(b));
    if (out.length) this.api.bytesCopy(b, out);
    return out;
  }

  loadModule(path: string, opts: LoadOptions = {}): Ref {
    // The same checks, and messages, as every backend before any code of the binary runs.
    const bin = openBinary(path, { moduleName: opts.name, cpython: this.cpython });
    return asRef(this.check(this.api.load(this.loadCtx, opts.name ?? bin.name, bin.path)));
  }

  importModule(name: string): Ref {
    return asRef(this.check(this.api.importModule(name)));
  }

  kind(r: Ref): RefKind {
    return KINDS[this.api.kind(asObj(r))]!;
  }

  toPrimitive(r: Ref): Primitive {
    const o = asObj(r);
    const a = this.api;
    switch (this.kind(r)) {
      case 'none': return undefined;
      case 'bool': return o === this.trueObj;
      case 'int': {
        const out: [number | bigint] = [0];
        if (a.int64(o, out) === 0) return BigInt(out[0]);
        // In hex: CPython caps the digits of an int's decimal text (sys.set_int_max_str_digits).
        const hex = this.takeText(a.numberToBase(o, 16));
        return hex.startsWith('-') ? -BigInt(hex.slice(1)) : BigInt(hex);
      }
      case 'float': return a.floatAsDouble(o);
      case 'str': return this.text(o);
      case 'bytes': return this.bytesOf(o);
      default: throw new TypeError(`a '${a.typeName(o)}' object is not a primitive`);
    }
  }

  fromPrimitive(v: Primitive | null): Ref {
    const a = this.api;
    if (v === undefined || v === null) return asRef(a.constant(0));
    if (typeof v === 'boolean') return asRef(a.constant(v ? 1 : 2));
    if (typeof v === 'bigint') {
      return asRef(this.check(v >= INT64_MIN && v <= INT64_MAX ? a.longFromInt64(v) : a.longFromString(v.toString(), null, 10)));
    }
    if (typeof v === 'number') {
      if (Number.isInteger(v) && !Object.is(v, -0)) return this.fromPrimitive(BigInt(v));
      return asRef(this.check(a.floatFromDouble(v)));
    }
    if (typeof v === 'string') {
      const utf16 = Buffer.from(v, 'utf16le');
      return asRef(this.check(a.strFromUtf16(utf16, utf16.length)));
    }
    return asRef(this.check(a.bytesFromBuffer(v, v.length)));
  }

  newTuple(items: Ref[]): Ref {
    return asRef(this.check(this.api.newTuple(items.map(asObj), items.length)));
  }
  newList(items: Ref[]): Ref {
    return asRef(this.check(this.api.newList(items.map(asObj), items.length)));
  }
  newDict(entries: Array<[Ref, Ref]>): Ref {
    const d = this.check(this.api.dictNew());
    try {
      for (const [k, v] of entries) this.checkStatus(this.api.dictSetItem(d, asObj(k), asObj(v)));
    } catch (e) {
      this.api.decref(d);
      throw e;
    }
    return asRef(d);
  }

  newFunction(name: string, fn: (args: Ref[], kwargs: Array<[string, Ref]>) => Ref): Ref {
    const id = this.nextFunctionId++;
    this.functions.set(id, fn);
    this.callbackPtr ??= koffi.register((fid: number | bigint, args: Obj, kwargs: Obj) => this.dispatch(Number(fid), args, kwargs),
      koffi.pointer(this.api.callback));
    return asRef(this.check(this.api.newFunction(name, id, this.callbackPtr)));
  }

  /** The body of every JavaScript function called from Python; never throws into koffi. */
  private dispatch(id: number, args: Obj, kwargs: Obj): Obj {
    const a = this.api;
    try {
      const fn = this.functions.get(id);
      if (!fn) throw new Error(`JavaScript function #${id} is gone`);
      const positional = this.items(asRef(args));
      const named = kwargs === 0 ? [] : this.entries(asRef(kwargs)).map(([k, v]): [string, Ref] => {
        const key = this.text(asObj(k));
        this.release(k);
        return [key, v];
      });
      return asObj(fn(positional, named));
    } catch (e) {
      if (e instanceof PythonError && e.value) a.raise(asObj(e.value));
      else a.errSetString(this.excType, `JavaScript error: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    } finally {
      a.decref(args);
      if (kwargs !== 0) a.decref(kwargs);
    }
  }

  items(r: Ref): Ref[] {
    const a = this.api;
    const list = this.check(a.itemsList(asObj(r)));
    try {
      const n = a.listSize(list);
      const out: Ref[] = [];
      for (let i = 0; i < n; i++) {
        const item = a.listGetItem(list, i);
        a.incref(item);
        out.push(asRef(item));
      }
      return out;
    } finally {
      a.decref(list);
    }
  }

  entries(r: Ref): Array<[Ref, Ref]> {
    const a = this.api;
    if (this.kind(r) !== 'dict') throw new TypeError(`a '${a.typeName(asObj(r))}' object is not a dict`);
    const pairs = this.check(a.dictItems(asObj(r)));
    try {
      const n = a.listSize(pairs);
      const out: Array<[Ref, Ref]> = [];
      for (let i = 0; i < n; i++) {
        const pair = a.listGetItem(pairs, i);
        const k = a.tupleGetItem(pair, 0);
        const v = a.tupleGetItem(pair, 1);
        a.incref(k);
        a.incref(v);
        out.push([asRef(k), asRef(v)]);
      }
      return out;
    } finally {
      a.decref(pairs);
    }
  }

  call(callable: Ref, args: Ref[], kwargs: Array<[string, Ref]> = []): Ref {
    const a = this.api;
    let kwnames = 0;
    if (kwargs.length) {
      const names = kwargs.map(([k]) => this.fromPrimitive(k));
      kwnames = this.check(a.newTuple(names.map(asObj), names.length));
      for (const n of names) this.release(n);
    }
    try {
      const all = [...args, ...kwargs.map(([, v]) => v)].map(asObj);
      return asRef(this.check(a.call(asObj(callable), all, args.length, kwnames)));
    } finally {
      if (kwnames) a.decref(kwnames);
    }
  }

  getattr(o: Ref, name: string): Ref {
    return asRef(this.check(this.api.getattr(asObj(o), name)));
  }

  hasattr(o: Ref, name: string): boolean {
    const v = this.api.getattr(asObj(o), name);
    if (v !== 0) {
      this.api.decref(v);
      return true;
    }
    const err = this.takeError();
    if (err.type === 'AttributeError') return false;
    throw err;
  }

  setattr(o: Ref, name: string, value: Ref | null): void {
    this.checkStatus(this.api.setattr(asObj(o), name, value === null ? 0 : asObj(value)));
  }

  repr(o: Ref): string {
    return this.takeText(this.api.repr(asObj(o)));
  }

  str(o: Ref): string {
    return this.strOf(asObj(o));
  }

  typeName(o: Ref): string {
    return this.api.typeName(asObj(o));
  }

  is(a: Ref, b: Ref): boolean {
    return asObj(a) === asObj(b);
  }

  callable(o: Ref): boolean {
    return this.api.callableCheck(asObj(o)) !== 0;
  }

  dup(r: Ref): Ref {
    this.api.incref(asObj(r));
    return r;
  }

  release(r: Ref): void {
    if (asObj(r) !== 0) this.api.decref(asObj(r));
  }

  async collectGarbage(): Promise<void> {
    // Proxies that JavaScript no longer reaches release their objects from finalization
    // callbacks; CPython's cycle collector then runs until it finds nothing more, and what it
    // frees may in turn let JavaScript objects go.
    await collectUntilQuiet(() => {
      let freed = false;
      while (this.api.gcCollect() > 0) freed = true;
      return freed;
    });
  }

  capabilities(): Capabilities {
    const names: (string | null)[] = new Array(512).fill(null);
    const n = this.api.missingMembers(names, names.length);
    const missing = new Set(names.slice(0, n));
    const funcs = CTX_MEMBERS.filter((m) => m.kind === 'func').map((m) => m.name);
    const partial = funcs.filter((f) => !missing.has(f) && PARTIAL[f] !== undefined);
    return {
      implemented: funcs.filter((f) => !missing.has(f) && PARTIAL[f] === undefined),
      partial: partial.map((name) => ({ name, missing: PARTIAL[name]! })),
      unsupported: funcs.filter((f) => missing.has(f)).map((name) => ({ name, reason: 'no implementation in native/cpython' })),
    };
  }

  close(): void {
    // The interpreter stays: CPython cannot be restarted in one process, and other backend
    // instances may share it.
    // The callback stays registered: a Python object may still hold one of the functions,
    // and calling it now raises instead of jumping into freed memory.
    this.functions.clear();
  }
}
