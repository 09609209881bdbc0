// Calling an extension's impls. The reference backend calls them directly, without the
// trampolines CPython's HPy goes through, with handles opened for the arguments and closed after
// the call; the prototype of each impl comes from its HPyFunc_Signature.
import koffi, { type TypeObject } from 'koffi';
import { ENUMS } from '../../../abi/abi.generated.js';
import { IMPL_PROTOTYPES, type ImplSignature } from '../../../abi/impl-signatures.generated.js';
import { signatureName, type MethDef } from '../../../module-def.js';
import type { Pointer } from '../../../native-memory.js';
import type { ReferenceContext } from './context.js';
import { memberLabel } from './type-info.js';
import { PyBuiltinFunction, PyModule, PyObject, PyRaise, PyType, type HostFunction, type Kwargs } from '../python/objects.js';

const SIG = ENUMS.HPyFunc_Signature;

const protos = new Map<ImplSignature, TypeObject>();
function proto(signature: ImplSignature): TypeObject {
  // koffi prototype names are process-wide: each is declared once, on first use.
  let p = protos.get(signature);
  if (!p) protos.set(signature, (p = koffi.proto(IMPL_PROTOTYPES[signature])));
  return p;
}

export type NativeFn = (...args: unknown[]) => unknown;
/** Calls an impl with the handles of its arguments and the context to pass it. */
type Run = (handles: number[], ctx: Pointer) => unknown;

/** Calls impls of one context. Decoded function objects are cached: decoding is slow and leaks. */
export class ImplCaller {
  private readonly decoded = new Map<string, NativeFn>();
  constructor(private readonly c: ReferenceContext) {}

  fn(ptr: Pointer, signature: ImplSignature): NativeFn {
    const key = `${signature}:${ptr}`;
    let f = this.decoded.get(key);
    if (!f) {
      f = koffi.decode(ptr, proto(signature)) as NativeFn;
      this.decoded.set(key, f);
    }
    return f;
  }

  /**
   * Runs one call into extension code: opens handles for `objs`, lets the context's gate (the
   * context itself, or a debug or trace layer over it) start the call, runs `run` with the
   * handles and the context to pass, and hands the raw result back through the gate: an HPy
   * result as an inner handle the caller owns, a status checked. Handles are closed whatever
   * happens.
   */
  private call(name: string, objs: readonly PyObject[], result: 'hpy' | 'status' | 'void', run: Run): unknown {
    const c = this.c;
    const g = c.gate;
    const inner = objs.map((o) => c.open(o));
    const ctx = g.enter(name);
    try {
      const hs = g.wraps ? inner.map((h) => g.arg(h)) : inner;
      let r: unknown;
      try {
        r = run(hs, ctx);
      } finally {
        if (g.wraps) for (const h of hs) g.argDone(h);
      }
      if (g.wraps) {
        if (result === 'hpy') r = g.result(Number(r));
        else if (result === 'status') g.status(Number(r));
      }
      return r;
    } finally {
      g.leave(ctx);
      for (const h of inner) c.handles.close(h);
    }
  }

  /** Runs an impl returning HPy and turns its result into an object (or raises). */
  callWithHandles(name: string, objs: readonly PyObject[], run: Run): PyObject {
    return this.takeResult(name, Number(this.call(name, objs, 'hpy', run)));
  }

  private takeResult(name: string, result: number): PyObject {
    const c = this.c;
    const err = c.takeError();
    if (!result) {
      throw new PyRaise(err ?? c.rt.newException(c.rt.excType('SystemError'), [c.rt.str(`${name} returned NULL without setting an exception`)]));
    }
    const value = c.handles.get(result);
    c.handles.close(result);
    if (err) throw c.rt.error('SystemError', `${name} returned a result with an exception set`);
    if (value === undefined) throw c.rt.error('SystemError', `${name} returned an invalid handle (${result})`);
    return value;
  }

  /**
   * Runs an impl returning a status or a size: -1 means failure with an exception set.
   * Returns the result as a number.
   */
  callStatus(name: string, objs: readonly PyObject[], run: Run): number {
    const result = Number(this.call(name, objs, 'status', run));
    this.checkStatus(name, result);
    return result;
  }

  private checkStatus(name: string, result: number): void {
    const c = this.c;
    const err = c.takeError();
    if (result === -1) {
      throw new PyRaise(err ?? c.rt.newException(c.rt.excType('SystemError'), [c.rt.str(`${name} returned -1 without setting an exception`)]));
    }
    if (err) throw c.rt.error('SystemError', `${name} returned a result with an exception set`);
  }

  /** Runs an impl that returns nothing; an exception it leaves set is raised. */
  callVoid(name: string, objs: readonly PyObject[], run: Run): void {
    this.call(name, objs, 'void', run);
    const err = this.c.takeError();
    if (err) throw new PyRaise(err);
  }

  /** Calls a KEYWORDS-style impl (`self, args[], nargs, kwnames`) with Python arguments. */
  callKeywords(name: string, impl: Pointer, self: PyObject, args: readonly PyObject[], kwargs: Kwargs): PyObject {
    const c = this.c;
    const rt = c.rt;
    const f = this.fn(impl, 'HPyFunc_KEYWORDS');
    const names = kwargs && kwargs.size ? rt.tuple([...kwargs.keys()].map((k) => rt.str(k))) : null;
    const objs = names ? [self, names, ...args, ...kwargs!.values()] : [self, ...args];
    return this.callWithHandles(name, objs, (hs, ctx) => {
      const [s, kwn, ...rest] = names ? hs : [hs[0], 0, ...hs.slice(1)];
      return f(ctx, s, rest, args.length, kwn);
    });
  }

  /**
   * The Python callable of an HPyDef_METH: a function bound to `self` for a module, or for a
   * method of `owner` (self null) its method_descriptor, which puts the instance first in the
   * arguments once it has checked its type.
   */
  method(def: MethDef, self: PyObject | null, owner: PyType | null = null): PyObject {
    const c = this.c;
    const rt = c.rt;
    const name = def.name;
    const label = memberLabel(owner, name);
    // How CPython's argument checks name the function (_PyObject_FunctionStr): a module function
    // by its module, a method found on the type by the type's __qualname__, and a method bound
    // to an instance by the type of that instance (or the class itself, bound to a class).
    const moduleName = self instanceof PyModule ? self.name : null;
    const funcStr = (callee: PyBuiltinFunction) => {
      if (moduleName !== null) return `${moduleName}.${name}()`;
      const bound = callee.self;
      const type = bound === null ? owner! : bound instanceof PyType ? bound : bound.type;
      return `${type.name}.${name}()`;
    };
    const noKw = (kwargs: Kwargs, callee: PyBuiltinFunction) => {
      if (kwargs && kwargs.size) throw rt.typeError(`${funcStr(callee)} takes no keyword arguments`);
    };
    const receiver = (args: PyObject[]): [PyObject, PyObject[]] => (self ? [self, args] : [args[0], args.slice(1)]);
    let body: HostFunction;
    switch (def.signature) {
      case SIG.HPyFunc_NOARGS: {
        const f = this.fn(def.impl, 'HPyFunc_NOARGS');
        body = (all, kwargs, callee) => {
          const [s, args] = receiver(all);
          noKw(kwargs, callee);
          if (args.length) throw rt.typeError(`${funcStr(callee)} takes no arguments (${args.length} given)`);
          return this.callWithHandles(label, [s], ([hs], ctx) => f(ctx, hs));
        };
        break;
      }
      case SIG.HPyFunc_O: {
        const f = this.fn(def.impl, 'HPyFunc_O');
        body = (all, kwargs, callee) => {
          const [s, args] = receiver(all);
          noKw(kwargs, callee);
          if (args.length !== 1) throw rt.typeError(`${funcStr(callee)} takes exactly one argument (${args.length} given)`);
          return this.callWithHandles(label, [s, args[0]], ([hs, a], ctx) => f(ctx, hs, a));
        };
        break;
      }
      case SIG.HPyFunc_VARARGS: {
        const f = this.fn(def.impl, 'HPyFunc_VARARGS');
        body = (all, kwargs, callee) => {
          const [s, args] = receiver(all);
          noKw(kwargs, callee);
          return this.callWithHandles(label, [s, ...args], ([hs, ...a], ctx) => f(ctx, hs, a, a.length));
        };
        break;
      }
      case SIG.HPyFunc_KEYWORDS:
        body = (all, kwargs, callee) => {
          const [s, args] = receiver(all);
          return this.callKeywords(label, def.impl, s, args, kwargs);
        };
        break;
      default:
        throw rt.error('ValueError', `Unsupported HPyMeth signature (${signatureName(def.signature)} for '${name}')`);
    }
    return self ? rt.builtinFunction(name, body, self, def.doc) : rt.methodDescriptor(owner!, name, body, def.doc);
  }

  /** Runs an HPy_mod_exec slot; a failure raises the extension's exception. */
  exec(impl: Pointer, module: PyObject): void {
    const f = this.fn(impl, 'HPyFunc_INQUIRY');
    this.callStatus('HPy_mod_exec', [module], ([h], ctx) => f(ctx, h));
  }
}
