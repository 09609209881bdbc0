// The types of functions: `builtin_function_or_method` (a module's function, or a method bound
// to an instance) and `method_descriptor` (a method as its type holds it, which binds when read
// from an instance). The backend's own functions and extensions' HPyDef_METH are both.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyModule, PyType, type PyBuiltinFunction, type PyObject } from '../objects.js';

export function installFunction(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const fnOf = (o: PyObject) => o as PyBuiltinFunction;
  const doc = (f: PyBuiltinFunction) => (f.doc === null ? rt.None : rt.str(f.doc));
  const address = (o: PyObject) => `0x${rt.address(o).toString(16)}`;
  const inModule = (f: PyBuiltinFunction) => f.self === null || f.self instanceof PyModule;

  t.builtin_function_or_method.slots = {
    repr: (o) => {
      const f = fnOf(o);
      return rt.str(inModule(f) ? `<built-in function ${f.name}>` : `<built-in method ${f.name} of ${f.self!.type.tpName} object at ${address(f.self!)}>`);
    },
    call: (o, args, kw) => fnOf(o).fn(args, kw, fnOf(o)),
    hash: (o) => rt.identityHash(o),
    getattr: (o, name) => {
      const f = fnOf(o);
      switch (name) {
        case '__name__': return rt.str(f.name);
        // A bound method is qualified by the type of what it is bound to, as CPython does.
        case '__qualname__': return rt.str(inModule(f) ? f.name : `${(f.self instanceof PyType ? f.self : f.self!.type).name}.${f.name}`);
        case '__doc__': return doc(f);
        case '__self__': return f.self ?? rt.None;
        case '__module__': return f.self instanceof PyModule ? rt.str(f.self.name) : rt.None;
        default: return ops.genericGetattr(o, name);
      }
    },
  };

  const check = (d: PyBuiltinFunction, obj: PyObject) => {
    if (!obj.type.isSubtypeOf(d.owner!)) {
      throw rt.typeError(`descriptor '${d.name}' for '${d.owner!.tpName}' objects doesn't apply to a '${obj.type.tpName}' object`);
    }
  };
  t.method_descriptor.slots = {
    repr: (o) => rt.str(`<method '${fnOf(o).name}' of '${fnOf(o).owner!.tpName}' objects>`),
    // Called on the type, the instance comes first; the function may rely on its type.
    call: (o, args, kw) => {
      const d = fnOf(o);
      if (!args.length) throw rt.typeError(`unbound method ${d.owner!.name}.${d.name}() needs an argument`);
      check(d, args[0]);
      return d.fn(args, kw, d);
    },
    descrGet: (o, obj) => {
      const d = fnOf(o);
      if (!obj) return d;
      check(d, obj);
      return rt.builtinFunction(d.name, (args, kw, bound) => d.fn([obj, ...args], kw, bound), obj, d.doc);
    },
    hash: (o) => rt.identityHash(o),
    getattr: (o, name) => {
      const d = fnOf(o);
      switch (name) {
        case '__name__': return rt.str(d.name);
        case '__qualname__': return rt.str(`${d.owner!.name}.${d.name}`);
        case '__doc__': return doc(d);
        case '__objclass__': return d.owner!;
        default: return ops.genericGetattr(o, name);
      }
    },
  };
}
