// The `operator` module: Python's operators as functions, over the abstract object protocol.
import type { Interp } from '../interp.js';
import { RICHCMP_SYMBOLS, type Ops } from '../ops.js';
import type { BinaryOp } from '../objects.js';
import { moduleFunctions } from './define.js';

export function installOperator(rt: Interp, ops: Ops): void {
  const operator = rt.module('operator');
  const { def, one } = moduleFunctions(rt, operator);
  const binaries: Array<[string, BinaryOp]> = [['add', 'add'], ['sub', 'sub'], ['mul', 'mul'], ['matmul', 'matmul'],
    ['floordiv', 'floordiv'], ['truediv', 'truediv'], ['mod', 'mod'], ['pow', 'pow'], ['lshift', 'lshift'],
    ['rshift', 'rshift'], ['and_', 'and'], ['xor', 'xor'], ['or_', 'or']];
  for (const [name, op] of binaries) {
    def(name, (args) => {
      rt.arity(name, args, 2);
      return ops.binary(op, args[0], args[1]);
    });
    const iname = `i${name.replace(/_$/, '')}`;
    def(iname, (args) => {
      rt.arity(iname, args, 2);
      return ops.inplace(op, args[0], args[1]);
    });
  }
  RICHCMP_SYMBOLS.forEach((_, op) => {
    const name = ['lt', 'le', 'eq', 'ne', 'gt', 'ge'][op];
    def(name, (args) => {
      rt.arity(name, args, 2);
      return ops.richcompare(args[0], args[1], op);
    });
  });
  def('neg', one('neg', (o) => ops.unary('neg', o)));
  def('pos', one('pos', (o) => ops.unary('pos', o)));
  def('invert', one('invert', (o) => ops.unary('invert', o)));
  def('index', one('index', (o) => rt.int(ops.index(o))));
  def('not_', one('not_', (o) => rt.bool(!ops.truth(o))));
  def('truth', one('truth', (o) => rt.bool(ops.truth(o))));
  def('contains', (args) => {
    rt.arity('contains', args, 2);
    return rt.bool(ops.contains(args[0], args[1]));
  });
  def('getitem', (args) => {
    rt.arity('getitem', args, 2);
    return ops.getitem(args[0], args[1]);
  });
  def('setitem', (args) => {
    rt.arity('setitem', args, 3);
    ops.setitem(args[0], args[1], args[2]);
    return rt.None;
  });
  def('delitem', (args) => {
    rt.arity('delitem', args, 2);
    ops.setitem(args[0], args[1], null);
    return rt.None;
  });
  def('is_', (args) => rt.bool(args[0] === args[1]));
  def('is_not', (args) => rt.bool(args[0] !== args[1]));
  rt.addModule('operator', operator);
}
