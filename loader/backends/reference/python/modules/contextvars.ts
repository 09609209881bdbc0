// The `contextvars` module: ContextVar and Token over the interpreter's single context, for
// HPyContextVar_*.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyContextToken, PyContextVar, PyObject, PyRaise, PyStr, PyType } from '../objects.js';
import { addressOf } from '../text.js';

export function installContextvars(rt: Interp, ops: Ops): void {
  const m = rt.module('contextvars');
  const { ContextVar, Token } = rt.types;
  const missingType = new PyType(rt.type, 'Token.MISSING', rt.object);
  missingType.slots = { repr: () => rt.str('<Token.MISSING>') };
  const MISSING = new PyObject(missingType);
  Token.attrs.set('MISSING', MISSING);

  ContextVar.slots = {
    repr: (o) => {
      const v = o as PyContextVar;
      const dflt = v.defaultValue ? ` default=${ops.repr(v.defaultValue)}` : '';
      return rt.str(`<ContextVar name=${reprName(v.name)}${dflt} at ${addressOf(v)}>`);
    },
    getattr: (o, name) => (name === 'name' ? rt.str((o as PyContextVar).name) : ops.genericGetattr(o, name)),
    // ContextVar(name, *, default=<no default>)
    new: (_type, args, kw) => {
      if (args.length !== 1) throw rt.typeError(`ContextVar() takes exactly 1 positional argument (${args.length} given)`);
      for (const k of kw?.keys() ?? []) {
        if (k !== 'default') throw rt.typeError(`ContextVar() got an unexpected keyword argument '${k}'`);
      }
      if (!(args[0] instanceof PyStr)) throw rt.typeError('context variable name must be a str');
      return newContextVar(rt, args[0].value, kw?.get('default') ?? null);
    },
  };
  // CPython names these methods `ContextVar.name()` in its own checks, and `name` in Argument
  // Clinic's (ContextVar.get).
  const method = (type: PyType, name: string, fn: (self: PyObject, args: PyObject[]) => PyObject) =>
    type.attrs.set(name, rt.methodDescriptor(type, name, (args, kw) => {
      rt.noKwargs(`${type.name}.${name}`, kw);
      return fn(args[0], args.slice(1));
    }));
  method(ContextVar, 'get', (self, args) => {
    rt.arity('get', args, 0, 1);
    const v = contextVarGet(rt, self, args[0] ?? null);
    if (v === null) throw new PyRaise(rt.newException(rt.excType('LookupError'), [self]));
    return v;
  });
  method(ContextVar, 'set', (self, args) => {
    rt.arity('ContextVar.set', args, 1);
    return contextVarSet(rt, self, args[0]);
  });
  method(ContextVar, 'reset', (self, args) => {
    rt.arity('ContextVar.reset', args, 1);
    const v = asContextVar(rt, self);
    const t = args[0];
    if (!(t instanceof PyContextToken)) throw rt.typeError(`expected an instance of Token, got ${ops.repr(t)}`);
    if (t.used) throw rt.error('RuntimeError', `${ops.repr(t)} has already been used once`);
    if (t.variable !== v) throw rt.error('ValueError', `${ops.repr(t)} was created by a different ContextVar`);
    t.used = true;
    v.value = t.oldValue;
    return rt.None;
  });
  Token.slots = {
    repr: (o) => {
      const t = o as PyContextToken;
      return rt.str(`<Token${t.used ? ' used' : ''} var=${ops.repr(t.variable)} at ${addressOf(t)}>`);
    },
    getattr: (o, name) => {
      const t = o as PyContextToken;
      if (name === 'var') return t.variable;
      if (name === 'old_value') return t.oldValue ?? MISSING;
      return ops.genericGetattr(o, name);
    },
  };
  m.dict!.set('ContextVar', ContextVar);
  m.dict!.set('Token', Token);
  rt.addModule('contextvars', m);
  rt.addModule('_contextvars', m);
}

function reprName(name: string): string {
  return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function newContextVar(rt: Interp, name: string, dflt: PyObject | null): PyContextVar {
  return new PyContextVar(rt.types.ContextVar, name, dflt);
}

function asContextVar(rt: Interp, o: PyObject): PyContextVar {
  if (!(o instanceof PyContextVar)) throw rt.typeError('an instance of ContextVar was expected');
  return o;
}

/** PyContextVar_Get: the value, else `dflt`, else the variable's default, else null. */
export function contextVarGet(rt: Interp, var_: PyObject, dflt: PyObject | null): PyObject | null {
  const v = asContextVar(rt, var_);
  return v.value ?? dflt ?? v.defaultValue;
}

export function contextVarSet(rt: Interp, var_: PyObject, value: PyObject): PyContextToken {
  const v = asContextVar(rt, var_);
  const token = new PyContextToken(rt.types.Token, v, v.value);
  v.value = value;
  return token;
}
