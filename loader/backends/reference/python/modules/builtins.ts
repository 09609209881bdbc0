// The `builtins` module: the builtin types and exceptions by name, the singletons, and the
// functions (len, isinstance, getattr, …) that extensions' tests call.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyRaise, PyStr, PyTuple, PyType } from '../objects.js';
import { escapeCodePoint } from '../text.js';
import { moduleFunctions } from './define.js';

export function installBuiltinsModule(rt: Interp, ops: Ops): void {
  const builtins = rt.module('builtins');
  const { def, one } = moduleFunctions(rt, builtins);
  for (const [name, type] of Object.entries(rt.types)) {
    if (type.module === 'builtins') builtins.dict!.set(type.name === name ? name : type.name, type);
  }
  builtins.dict!.set('object', rt.object);
  builtins.dict!.set('type', rt.type);
  for (const [name, exc] of rt.exc) builtins.dict!.set(name, exc);
  builtins.dict!.set('None', rt.None);
  builtins.dict!.set('True', rt.True);
  builtins.dict!.set('False', rt.False);
  builtins.dict!.set('NotImplemented', rt.NotImplemented);
  builtins.dict!.set('Ellipsis', rt.Ellipsis);
  def('repr', one('repr', (o) => rt.str(ops.repr(o))));
  def('ascii', one('ascii', (o) => rt.str(ops.repr(o).replace(/[^\x00-\x7f]/gu, (c) => escapeCodePoint(c.codePointAt(0)!)))));
  def('len', one('len', (o) => rt.int(ops.len(o))));
  def('hash', one('hash', (o) => rt.int(ops.hash(o))));
  def('abs', one('abs', (o) => ops.unary('abs', o)));
  def('iter', one('iter', (o) => ops.iter(o)));
  def('callable', one('callable', (o) => rt.bool(ops.callable(o))));
  def('next', (args) => {
    rt.arity('next', args, 1, 2);
    const v = ops.next(args[0]);
    if (v !== undefined) return v;
    if (args.length === 2) return args[1];
    throw new PyRaise(rt.newException(rt.excType('StopIteration'), []));
  });
  def('isinstance', (args, kw) => {
    rt.noKwargs('isinstance', kw);
    rt.arity('isinstance', args, 2);
    return rt.bool(ops.isinstance(args[0], args[1]));
  });
  def('issubclass', (args) => {
    rt.arity('issubclass', args, 2);
    const [a, b] = args;
    if (!(a instanceof PyType)) throw rt.typeError('issubclass() arg 1 must be a class');
    const classes = b instanceof PyTuple ? b.items : [b];
    return rt.bool(classes.some((c) => c instanceof PyType && a.isSubtypeOf(c)));
  });
  def('getattr', (args) => {
    rt.arity('getattr', args, 2, 3);
    if (!(args[1] instanceof PyStr)) throw rt.typeError('attribute name must be string');
    if (args.length === 3 && !ops.hasattr(args[0], args[1].value)) return args[2];
    return ops.getattr(args[0], args[1].value);
  });
  def('setattr', (args) => {
    rt.arity('setattr', args, 3);
    if (!(args[1] instanceof PyStr)) throw rt.typeError('attribute name must be string');
    ops.setattr(args[0], args[1].value, args[2]);
    return rt.None;
  });
  def('hasattr', (args) => {
    rt.arity('hasattr', args, 2);
    if (!(args[1] instanceof PyStr)) throw rt.typeError('attribute name must be string');
    return rt.bool(ops.hasattr(args[0], args[1].value));
  });
  def('divmod', (args) => {
    rt.arity('divmod', args, 2);
    return ops.binary('divmod', args[0], args[1]);
  });
  def('pow', (args) => {
    rt.arity('pow', args, 2, 3);
    return ops.power(args[0], args[1], args[2] ?? rt.None);
  });
  def('delattr', (args) => {
    rt.arity('delattr', args, 2);
    if (!(args[1] instanceof PyStr)) throw rt.typeError('attribute name must be string');
    ops.setattr(args[0], args[1].value, null);
    return rt.None;
  });
  rt.addModule('builtins', builtins);
}
