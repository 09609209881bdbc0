// The `builtins` module: the builtin types and exceptions by name, the singletons, and the
// functions (len, isinstance, getattr, sum, sorted, …) that extensions' tests call.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyBytes, PyRaise, PyStr, PyTuple, PyType, type Kwargs, type PyObject } from '../objects.js';
import { sortByKey } from '../sort.js';
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
  def('id', one('id', (o) => rt.int(rt.address(o))));
  def('sum', (args, kw) => {
    // Argument Clinic's checks of sum(iterable, /, start=0), in its order.
    const given = args.length + (kw?.size ?? 0);
    if (given > 2) throw rt.typeError(`sum() takes at most 2 arguments (${given} given)`);
    if (args.length < 1) throw rt.typeError(`sum() takes at least 1 positional argument (${args.length} given)`);
    const unknown = [...(kw?.keys() ?? [])].find((k) => k !== 'start');
    if (unknown !== undefined) throw rt.typeError(`'${unknown}' is an invalid keyword argument for sum()`);
    const it = ops.iter(args[0]);
    let total = args[1] ?? kw?.get('start') ?? rt.int(0);
    if (total instanceof PyStr) throw rt.typeError("sum() can't sum strings [use ''.join(seq) instead]");
    if (total instanceof PyBytes) throw rt.typeError("sum() can't sum bytes [use b''.join(seq) instead]");
    for (let v = ops.next(it); v !== undefined; v = ops.next(it)) total = ops.binary('add', total, v);
    return total;
  });
  def('sorted', (args, kw) => {
    if (args.length !== 1) throw rt.typeError(`sorted expected 1 argument, got ${args.length}`);
    return rt.list(sortedItems(rt, ops, ops.toArray(args[0]), kw));
  });
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

/** sorted()'s keywords go to list.sort, whose name its messages carry. */
function sortedItems(rt: Interp, ops: Ops, items: PyObject[], kw: Kwargs): PyObject[] {
  const unknown = [...(kw?.keys() ?? [])].find((k) => k !== 'key' && k !== 'reverse');
  if (unknown !== undefined) throw rt.typeError(`'${unknown}' is an invalid keyword argument for sort()`);
  const keyFn = kw?.get('key') ?? rt.None;
  const reversed = kw?.has('reverse') ? ops.index(kw.get('reverse')!) !== 0n : false;
  const entries = items.map((value) => ({ key: keyFn === rt.None ? value : ops.call(keyFn, [value]), value }));
  // Reversed before and after, as CPython does, so that equal items keep their order.
  if (reversed) entries.reverse();
  sortByKey(entries, (a, b) => ops.truth(ops.richcompare(a, b, 0)));
  if (reversed) entries.reverse();
  return entries.map((e) => e.value);
}
