// The `sys` module: sys.modules, maxsize and the unraisable hook that HPyErr_WriteUnraisable calls.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyObject, PyType, type PyException } from '../objects.js';

export function installSys(rt: Interp, ops: Ops): void {
  const m = rt.module('sys');
  m.dict!.set('maxsize', rt.int((1n << 63n) - 1n));
  m.dict!.set('modules', rt.modules);
  const hook = rt.builtinFunction('unraisablehook', (args) => {
    rt.arity('sys.unraisablehook', args, 1);
    const u = args[0];
    const get = (name: string) => ops.getattr(u, name);
    const obj = get('object');
    const value = get('exc_value');
    const where = obj === rt.None ? '' : `Exception ignored in: ${ops.repr(obj)}\n`;
    process.stderr.write(`${where}${(get('exc_type') as PyType).name}: ${ops.str(value)}\n`);
    return rt.None;
  });
  m.dict!.set('unraisablehook', hook);
  m.dict!.set('__unraisablehook__', hook);
  rt.addModule('sys', m);
}

const unraisableArgsTypes = new WeakMap<Interp, PyType>();

/**
 * What sys.unraisablehook is called with: CPython's UnraisableHookArgs (exc_type, exc_value,
 * exc_traceback, err_msg, object).
 */
export function unraisableHookArgs(rt: Interp, exc: PyException, obj: PyObject | null): PyObject {
  let type = unraisableArgsTypes.get(rt);
  if (!type) unraisableArgsTypes.set(rt, (type = new PyType(rt.type, 'UnraisableHookArgs', rt.object, 'sys')));
  const o = new PyObject(type);
  o.dict = new Map<string, PyObject>([
    ['exc_type', exc.type], ['exc_value', exc], ['exc_traceback', rt.None], ['err_msg', rt.None],
    ['object', obj ?? rt.None],
  ]);
  return o;
}
