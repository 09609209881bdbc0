// Turning a loaded universal binary into a module of the reference interpreter, and calling
// the extension's impls directly (path B of the ABI brief: no trampolines involved).
import koffi from 'koffi';
import { ENUMS } from '../../abi/abi.generated.js';
import { LoadError, type OpenedBinary } from '../../binary.js';
import { decodeModuleDef, signatureName, slotName, type MethDef } from '../../module-def.js';
import type { Pointer } from '../../native-memory.js';
import type { ReferenceContext } from './context.js';
import { PyModule, PyObject, PyRaise, type Kwargs } from './objects.js';

const SIG = ENUMS.HPyFunc_Signature;
const SLOT = ENUMS.HPySlot_Slot;

const PROTOS = {
  noargs: koffi.proto('intptr_t HPyImplNoargs(void *ctx, intptr_t self)'),
  o: koffi.proto('intptr_t HPyImplO(void *ctx, intptr_t self, intptr_t arg)'),
  varargs: koffi.proto('intptr_t HPyImplVarargs(void *ctx, intptr_t self, intptr_t *args, size_t nargs)'),
  keywords: koffi.proto('intptr_t HPyImplKeywords(void *ctx, intptr_t self, intptr_t *args, size_t nargs, intptr_t kwnames)'),
  inquiry: koffi.proto('int HPyImplInquiry(void *ctx, intptr_t self)'),
  unary: koffi.proto('intptr_t HPyImplUnary(void *ctx, intptr_t arg)'),
};
type ProtoName = keyof typeof PROTOS;

/** Calls impls of one context. Decoded function objects are cached: decoding is slow and leaks. */
export class ImplCaller {
  private readonly decoded = new Map<string, (...args: unknown[]) => unknown>();
  constructor(private readonly c: ReferenceContext) {}

  fn(ptr: Pointer, proto: ProtoName): (...args: unknown[]) => unknown {
    const key = `${proto}:${ptr}`;
    let f = this.decoded.get(key);
    if (!f) {
      f = koffi.decode(ptr, PROTOS[proto]) as (...args: unknown[]) => unknown;
      this.decoded.set(key, f);
    }
    return f;
  }

  /**
   * Runs an impl with handles opened for `objs` and closed after it returns, and turns its
   * result handle into an object (or the pending exception into a PyRaise).
   */
  callWithHandles(name: string, objs: PyObject[], run: (handles: number[]) => number): PyObject {
    const c = this.c;
    const handles = objs.map((o) => c.open(o));
    let result: number;
    try {
      result = run(handles);
    } finally {
      for (const h of handles) c.handles.close(h);
    }
    return this.takeResult(name, result);
  }

  takeResult(name: string, result: number): PyObject {
    const c = this.c;
    const err = c.takeError();
    if (!result) {
      throw new PyRaise(err ?? c.rt.newException(c.rt.excType('SystemError'), [c.rt.str(`${name} returned NULL without setting an exception`)]));
    }
    const value = c.handles.get(result);
    c.handles.close(result);
    if (err) {
      throw c.rt.error('SystemError', `${name} returned a result with an exception set`);
    }
    if (value === undefined) throw c.rt.error('SystemError', `${name} returned an invalid handle (${result})`);
    return value;
  }

  /** Builds the Python-callable wrapper of an HPyDef_METH bound to `self`. */
  method(def: MethDef, self: PyObject): PyObject {
    const c = this.c;
    const rt = c.rt;
    const name = def.name;
    const noKw = (kwargs: Kwargs) => {
      if (kwargs && kwargs.size) throw rt.typeError(`${name}() takes no keyword arguments`);
    };
    let body: (args: PyObject[], kwargs: Kwargs) => PyObject;
    switch (def.signature) {
      case SIG.HPyFunc_NOARGS: {
        const f = this.fn(def.impl, 'noargs');
        body = (args, kwargs) => {
          noKw(kwargs);
          if (args.length) throw rt.typeError(`${name}() takes no arguments (${args.length} given)`);
          return this.callWithHandles(name, [self], ([s]) => f(c.ptr, s) as number);
        };
        break;
      }
      case SIG.HPyFunc_O: {
        const f = this.fn(def.impl, 'o');
        body = (args, kwargs) => {
          noKw(kwargs);
          if (args.length !== 1) throw rt.typeError(`${name}() takes exactly one argument (${args.length} given)`);
          return this.callWithHandles(name, [self, args[0]], ([s, a]) => f(c.ptr, s, a) as number);
        };
        break;
      }
      case SIG.HPyFunc_VARARGS: {
        const f = this.fn(def.impl, 'varargs');
        body = (args, kwargs) => {
          noKw(kwargs);
          return this.callWithHandles(name, [self, ...args], ([s, ...a]) => f(c.ptr, s, a, a.length) as number);
        };
        break;
      }
      case SIG.HPyFunc_KEYWORDS: {
        const f = this.fn(def.impl, 'keywords');
        body = (args, kwargs) => {
          const names = kwargs && kwargs.size ? rt.tuple([...kwargs.keys()].map((k) => rt.str(k))) : null;
          const values = kwargs ? [...kwargs.values()] : [];
          const objs = names ? [self, names, ...args, ...values] : [self, ...args];
          return this.callWithHandles(name, objs, (hs) => {
            const [s, kwn, ...rest] = names ? hs : [hs[0], 0, ...hs.slice(1)];
            return f(c.ptr, s, rest, args.length, kwn) as number;
          });
        };
        break;
      }
      default:
        throw new Error(`method ${name}: signature ${signatureName(def.signature)} is not valid for a method`);
    }
    return rt.builtinFunction(name, body, self);
  }

  /** Runs an HPy_mod_exec slot; a failure raises the extension's exception. */
  exec(impl: Pointer, module: PyObject): void {
    const c = this.c;
    const f = this.fn(impl, 'inquiry');
    const h = c.open(module);
    let status: number;
    try {
      status = f(c.ptr, h) as number;
    } finally {
      c.handles.close(h);
    }
    const err = c.takeError();
    if (status !== 0) {
      throw new PyRaise(err ?? c.rt.newException(c.rt.excType('SystemError'), [c.rt.str('HPy_mod_exec slot returned -1 without setting an exception')]));
    }
    if (err) throw new PyRaise(err);
  }
}

/**
 * Creates the module object of a binary: decodes its HPyModuleDef, checks what a universal
 * module may contain, adds the methods and runs the exec slots. Nothing is registered unless
 * every step succeeds.
 */
export function createModule(c: ReferenceContext, caller: ImplCaller, bin: OpenedBinary, moduleName: string): PyObject {
  const rt = c.rt;
  c.error = null;
  bin.initGlobalContext(c.ptr);
  const def = decodeModuleDef(bin.init());
  const fail = (reason: string): never => {
    throw new LoadError(bin.path, reason);
  };
  if (def.legacyMethods) fail('HPyModuleDef.legacy_methods is set: a universal binary cannot use CPython legacy methods');
  if (def.size < 0n) fail(`HPyModuleDef.size is negative (${def.size})`);
  if (def.size > 0n) fail(`HPyModuleDef.size is ${def.size}: module state is not supported by HPy 0.9 (size must be 0)`);

  const spec = new PyObject(rt.object);
  spec.dict = new Map<string, PyObject>([['name', rt.str(moduleName)], ['origin', rt.str(bin.path)]]);

  const creates = def.defines.filter((d) => d.kind === 'slot' && d.slot === SLOT.HPy_mod_create);
  let module: PyObject;
  if (creates.length) {
    if (def.defines.length > 1) fail('HPy_mod_create must be the only definition of the module (no methods, no other slots)');
    if (def.doc || def.globals.length) fail('a module with HPy_mod_create cannot have a doc or globals');
    const f = caller.fn((creates[0] as { impl: Pointer }).impl, 'unary');
    module = caller.callWithHandles('HPy_mod_create', [spec], ([s]) => f(c.ptr, s) as number);
    if (module instanceof PyModule) fail('HPy_mod_create returned a module object; it must return some other object');
    return module;
  }

  const m = rt.module(moduleName);
  m.dict!.set('__name__', rt.str(moduleName));
  m.dict!.set('__doc__', def.doc === null ? rt.None : rt.str(def.doc));
  m.dict!.set('__file__', rt.str(bin.path));
  m.dict!.set('__package__', rt.str(''));
  m.dict!.set('__loader__', rt.None);
  m.dict!.set('__spec__', spec);
  const execs: Pointer[] = [];
  for (const d of def.defines) {
    if (d.kind === 'meth') m.dict!.set(d.name, caller.method(d, m));
    else if (d.kind === 'slot') {
      if (d.slot !== SLOT.HPy_mod_exec) fail(`slot ${slotName(d.slot) ?? 'unknown'} (${d.slot}) is not allowed in a module definition; only HPy_mod_create and HPy_mod_exec are`);
      execs.push(d.impl);
    } else fail(`${d.kind} definition '${d.name}' is not allowed in a module definition`);
  }
  for (const impl of execs) caller.exec(impl, m);
  return m;
}
