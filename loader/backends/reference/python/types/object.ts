// `object`, `type` and the singletons' types (None, NotImplemented, Ellipsis): the root of the
// object model, where attribute lookup, construction and identity start.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyObject, type PyType } from '../objects.js';

export function installObject(rt: Interp, ops: Ops): void {
  const t = rt.types;
  const NI = rt.NotImplemented;

  rt.object.slots = {
    repr: (o) => rt.str(rt.defaultRepr(o)),
    hash: (o) => rt.identityHash(o),
    richcompare: (a, b, op) => (op === 2 ? rt.bool(a === b) : op === 3 ? rt.bool(a !== b) : NI),
    new: (type, args, kw) => {
      if (type === rt.object && (args.length || (kw && kw.size))) throw rt.typeError('object() takes no arguments');
      const o = new PyObject(type);
      o.dict = new Map();
      return o;
    },
  };

  // Calling a type constructs an instance: `new`, then `init` if `new` made one of that type.
  rt.type.slots = {
    repr: (o) => rt.str(`<class '${(o as PyType).tpName}'>`),
    call: (self, args, kw) => {
      const type = self as PyType;
      if (type === rt.type) {
        if (args.length === 1 && !(kw && kw.size)) return args[0].type;
        // The object model has no classes made at run time: refused, rather than a broken type.
        throw rt.error('SystemError', 'type() with 3 arguments (a new class) is not supported by the reference backend');
      }
      const make = type.slot('new');
      if (!make) throw rt.typeError(`cannot create '${type.tpName}' instances`);
      const obj = make(type, args, kw);
      const init = obj.type.isSubtypeOf(type) ? obj.type.slot('init') : undefined;
      if (init) init(obj, args, kw);
      return obj;
    },
    getattr: (o, name) => {
      const type = o as PyType;
      switch (name) {
        case '__name__': return rt.str(type.name);
        case '__qualname__': return rt.str(type.name);
        case '__module__': return type.attrs.get('__module__') ?? rt.str(type.module);
        case '__mro__': return rt.tuple(type.mro);
        case '__bases__': return rt.tuple(type.bases.length ? type.bases : []);
        case '__base__': return type.base ?? rt.None;
        case '__doc__': return type.attrs.get('__doc__') ?? rt.None;
        default: return ops.genericGetattr(o, name);
      }
    },
  };

  t.NoneType.slots = { repr: () => rt.str('None'), bool: () => false, hash: () => 0xfcfcfcn };
  t.NotImplementedType.slots = { repr: () => rt.str('NotImplemented') };
  t.ellipsis.slots = { repr: () => rt.str('Ellipsis') };
}
