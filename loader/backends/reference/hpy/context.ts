// The reference backend's HPyContext: a 2208-byte struct in native memory whose handle
// members are handle-table indices and whose function members are koffi callbacks into
// TypeScript. Every callback catches everything: an exception escaping into koffi would
// make it skip the later callbacks of the same native call.
import koffi, { type TypeObject } from 'koffi';
import { CTX_MEMBERS, CTX_SIZE, type CtxMember } from '../../../abi/abi.generated.js';
import { allocCopy, allocZeroed, writeI64, writePointer, type Pointer } from '../../../native-memory.js';
import { directGate, type CallGate } from '../../../layers/gate.js';
import { HandleTable } from './handles.js';
import { ImplCaller } from './impls.js';
import { Lifetime } from './lifetime.js';
import type { Interp } from '../python/interp.js';
import { PyException, PyObject, PyRaise, PyType } from '../python/objects.js';
import type { Ops } from '../python/ops.js';

/**
 * A context function that the reference backend cannot provide, with the reason. It raises
 * SystemError when called and is listed as unsupported by `hpy-matrix coverage`.
 */
export class Unsupported {
  constructor(readonly reason: string) {}
}
export const unsupported = (reason: string): Unsupported => new Unsupported(reason);

export type ApiFunction = ((...args: any[]) => unknown) & { partial?: string };
/** Context functions by member name without the `ctx_` prefix; arguments follow the ctx pointer. */
export type ApiTable = Record<string, ApiFunction | Unsupported>;

/** Marks an implementation that covers only part of the function's contract. */
export function partial<F extends (...args: any[]) => unknown>(missing: string, fn: F): F & { partial: string } {
  return Object.assign(fn, { partial: missing });
}

const UNSIGNED_ERROR: Record<string, number | bigint> = { uint32_t: 0xffffffff, HPy_UCS4: 0xffffffff, uint64_t: (1n << 64n) - 1n, size_t: (1n << 64n) - 1n };

/** The value a context function returns to signal an error, by C return type. */
function errorValue(ret: string): unknown {
  if (ret === 'void') return undefined;
  if (ret in UNSIGNED_ERROR) return UNSIGNED_ERROR[ret];
  if (ret === 'double') return -1;
  if (ret === 'HPyType_BuiltinShape') return -2; // -1 is a valid shape (Legacy)
  if (ret === 'bool') return false;
  if (ret.endsWith('*')) return null;
  if (['int', 'int32_t', 'int64_t', 'HPy_ssize_t', 'HPy_hash_t'].includes(ret)) return -1;
  return 0; // HPy and the other handle-like tokens: NULL
}

function constantFor(rt: Interp, name: string): PyObject {
  const t = rt.types;
  const fixed: Record<string, PyObject> = {
    h_None: rt.None, h_True: rt.True, h_False: rt.False, h_NotImplemented: rt.NotImplemented, h_Ellipsis: rt.Ellipsis,
    h_BaseObjectType: rt.object, h_TypeType: rt.type, h_BoolType: t.bool, h_LongType: t.int, h_FloatType: t.float,
    h_UnicodeType: t.str, h_TupleType: t.tuple, h_ListType: t.list, h_ComplexType: t.complex, h_BytesType: t.bytes,
    h_MemoryViewType: t.memoryview, h_CapsuleType: t.capsule, h_SliceType: t.slice, h_DictType: t.dict,
    // The dict of builtins, as CPython's PyEval_GetBuiltins() (a copy here: this object model
    // keeps a module's namespace apart from its __dict__).
    h_Builtins: rt.types.module.slots!.getattr!(rt.importModule('builtins'), '__dict__')!,
  };
  const o = fixed[name] ?? rt.exc.get(name.slice(2));
  if (!o) throw new Error(`no object for context constant ${name}`);
  return o;
}

// koffi type names are process-wide, so each prototype is declared once and shared by
// every context instance.
const callbackTypes = new Map<string, TypeObject>();
function callbackType(m: CtxMember): TypeObject {
  let t = callbackTypes.get(m.name);
  if (!t) callbackTypes.set(m.name, (t = koffi.pointer(koffi.proto(m.koffi!))));
  return t;
}

export interface ContextOptions {
  name: string;
  /** Builds the implemented context functions once the context object exists. */
  api: (ctx: ReferenceContext) => ApiTable;
}

export class ReferenceContext {
  readonly ptr: Pointer;
  readonly handles = new HandleTable();
  /** What extension code is called through: this context, or a layer (debug, trace) over it. */
  gate: CallGate;
  /** Calls into the extension's impls, with decoded function pointers cached. */
  readonly impls: ImplCaller = new ImplCaller(this);
  /** Death actions of objects that own native resources. */
  readonly lifetime = new Lifetime((e) => this.reportUnraisable(e, 'a destructor'));
  /** The pending exception (HPy keeps one per thread; the reference backend has one thread). */
  error: PyException | null = null;
  /** Member names (`ctx_…`) by what this context does with them. */
  readonly implemented: ReadonlySet<string>;
  readonly partial: ReadonlyMap<string, string>;
  readonly unsupported: ReadonlyMap<string, string>;
  private readonly callbacks: bigint[] = [];
  private readonly namePtr: Pointer;

  constructor(readonly rt: Interp, readonly ops: Ops, opts: ContextOptions) {
    this.ptr = allocZeroed(CTX_SIZE);
    this.gate = directGate(this.ptr);
    this.namePtr = allocCopy(Buffer.from(opts.name));
    writePointer(this.ptr, 0, this.namePtr);

    const handleMembers = CTX_MEMBERS.filter((m) => m.kind === 'handle');
    const ids = this.handles.addConstants(handleMembers.map((m) => constantFor(rt, m.name)));
    handleMembers.forEach((m, i) => writeI64(this.ptr, m.offset, ids[i]));

    const api = opts.api(this);
    const implemented = new Set<string>();
    const partials = new Map<string, string>();
    const unsupportedReasons = new Map<string, string>();
    for (const m of CTX_MEMBERS) {
      if (m.kind !== 'func') continue;
      const impl = api[m.name.slice(4)];
      let fn: (...args: unknown[]) => unknown;
      if (impl === undefined) {
        unsupportedReasons.set(m.name, 'not implemented yet');
        fn = this.refuse(m, `${m.apiName ?? m.name} (${m.name}) is not implemented by the reference backend`);
      } else if (impl instanceof Unsupported) {
        unsupportedReasons.set(m.name, impl.reason);
        fn = this.refuse(m, `${m.apiName ?? m.name} (${m.name}) is not supported by the reference backend: ${impl.reason}`);
      } else {
        implemented.add(m.name);
        if (impl.partial) partials.set(m.name, impl.partial);
        fn = this.guard(m, impl);
      }
      writePointer(this.ptr, m.offset, this.registerCallback(fn, callbackType(m)));
    }
    this.implemented = implemented;
    this.partial = partials;
    this.unsupported = unsupportedReasons;
  }

  private guard(m: CtxMember, impl: ApiFunction): (...args: any[]) => unknown {
    const onError = errorValue(m.ret!);
    const fail = (e: unknown) => {
      this.setError(e, m.name);
      return onError;
    };
    // One wrapper per arity: rest parameters and spread calls cost more than the callback
    // itself on the hottest context functions (Dup, Close, Long_FromInt64_t...).
    const f = impl as (...a: unknown[]) => unknown;
    switch (m.params!.length - 1) {
      case 0: return () => { try { return f(); } catch (e) { return fail(e); } };
      case 1: return (_c, a) => { try { return f(a); } catch (e) { return fail(e); } };
      case 2: return (_c, a, b) => { try { return f(a, b); } catch (e) { return fail(e); } };
      case 3: return (_c, a, b, d) => { try { return f(a, b, d); } catch (e) { return fail(e); } };
      case 4: return (_c, a, b, d, g) => { try { return f(a, b, d, g); } catch (e) { return fail(e); } };
      default: return (_c, ...args: unknown[]) => { try { return f(...args); } catch (e) { return fail(e); } };
    }
  }

  private refuse(m: CtxMember, message: string): (...args: unknown[]) => unknown {
    const onError = errorValue(m.ret!);
    return () => {
      this.error = this.rt.newException(this.rt.excType('SystemError'), [this.rt.str(message)]);
      return onError;
    };
  }

  /** Makes any thrown value the pending Python exception. */
  setError(e: unknown, where: string): void {
    if (e instanceof PyRaise) {
      this.error = e.exc as PyException;
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      this.error = this.rt.newException(this.rt.excType('SystemError'), [this.rt.str(`internal error in ${where}: ${msg}`)]);
    }
  }

  /** Takes the pending exception, for the caller of a function that reported failure. */
  takeError(): PyException | null {
    const e = this.error;
    this.error = null;
    return e;
  }

  /** The object behind a handle passed in by the extension; SystemError for NULL or closed. */
  obj(h: number): PyObject {
    const o = this.handles.get(h);
    if (o === undefined) {
      throw this.rt.error('SystemError', h === 0 ? 'NULL handle passed to an HPy function' : `invalid handle ${h} (closed or never opened)`);
    }
    return o;
  }
  open(o: PyObject): number {
    return this.handles.open(o);
  }
  type(h: number): PyType {
    const o = this.obj(h);
    if (!(o instanceof PyType)) throw this.rt.typeError(`expected a type, got '${o.type.name}'`);
    return o;
  }

  /** Registers a native callback that lives as long as this context. */
  registerCallback(fn: (...args: any[]) => unknown, type: TypeObject): Pointer {
    const cb = koffi.register(fn, type) as bigint;
    this.callbacks.push(cb);
    return cb;
  }

  /**
   * Reports an exception that has no caller to go to (a finalizer's, a destructor's), the way
   * CPython's sys.unraisablehook does by default: on stderr, and the run goes on.
   */
  reportUnraisable(e: unknown, where: string): void {
    let text: string;
    try {
      if (e instanceof PyRaise) e = e.exc;
      text = e instanceof PyObject ? `${e.type.name}: ${this.ops.str(e)}` : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    } catch {
      text = '<exception str() failed>';
    }
    process.stderr.write(`Exception ignored in: ${where}\n${text}\n`);
  }

  close(): void {
    this.lifetime.close();
    for (const cb of this.callbacks.splice(0)) koffi.unregister(cb);
    koffi.free(this.ptr);
    koffi.free(this.namePtr);
  }
}
