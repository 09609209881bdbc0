// The `warnings` module, as much of it as HPyErr_WarnEx and an extension's tests need: filters,
// the once/default registries and showwarning.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyInt, PyList, PyModule, PyObject, PyRaise, PyStr, PyTuple, PyType, type Kwargs } from '../objects.js';

const ACTIONS = ['error', 'ignore', 'always', 'default', 'module', 'once'];

interface WarningsState {
  module: PyModule;
  /** Bumped whenever the filters change: it invalidates the per-location registry. */
  version: number;
  registryVersion: number;
  registry: Set<string>;
  onceVersion: number;
  onceRegistry: Set<string>;
  defaultShow: PyObject;
}
const warningsStates = new WeakMap<Interp, WarningsState>();

/**
 * Where a warning from C is reported. With no Python frame on the stack (always the case in
 * the reference interpreter) CPython reports it from module `sys`, file `sys`, line 1.
 */
const WARN_FILE = 'sys', WARN_LINE = 1, WARN_MODULE = 'sys';

export function installWarnings(rt: Interp, ops: Ops): void {
  const m = rt.module('warnings');
  const def = (name: string, fn: (args: PyObject[], kw: Kwargs) => PyObject) => {
    const f = rt.builtinFunction(name, fn, m);
    m.dict!.set(name, f);
    return f;
  };
  const warningType = rt.excType('Warning');
  const filters = rt.list([]);
  m.dict!.set('filters', filters);
  m.dict!.set('defaultaction', rt.str('default'));
  const state: WarningsState = {
    module: m, version: 1, registryVersion: 0, registry: new Set(), onceVersion: 0, onceRegistry: new Set(), defaultShow: rt.None,
  };
  warningsStates.set(rt, state);
  const mutated = () => { state.version++; };

  const addFilter = (action: PyObject, message: PyObject, category: PyObject, module: PyObject, lineno: PyObject,
    append: boolean) => {
    const item = rt.tuple([action, message, category, module, lineno]);
    const current = (m.dict!.get('filters') ?? filters) as PyList;
    const at = current.items.findIndex((f) => ops.eq(f, item));
    if (!append) {
      if (at >= 0) current.items.splice(at, 1);
      current.items.unshift(item);
    } else if (at < 0) {
      current.items.push(item);
    }
    mutated();
  };
  const checkAction = (action: PyObject) => {
    if (!(action instanceof PyStr) || !ACTIONS.includes(action.value)) {
      throw new PyRaise(rt.newException(rt.excType('AssertionError'), [rt.str(`invalid action: ${ops.repr(action)}`)]));
    }
  };
  const checkCategory = (category: PyObject) => {
    if (!(category instanceof PyType)) {
      throw new PyRaise(rt.newException(rt.excType('AssertionError'), [rt.str('category must be a class')]));
    }
  };
  const checkLineno = (lineno: PyObject) => {
    if (!(lineno instanceof PyInt) || lineno.value < 0n) {
      throw new PyRaise(rt.newException(rt.excType('AssertionError'), [rt.str('lineno must be an int >= 0')]));
    }
  };

  def('simplefilter', (args, kw) => {
    const [action, category, lineno, append] = bindArgs(rt, 'simplefilter', args, kw,
      ['action', 'category', 'lineno', 'append'], [warningType, rt.int(0), rt.False]);
    // Unlike filterwarnings, CPython's simplefilter does not check the category.
    checkAction(action);
    checkLineno(lineno);
    addFilter(action, rt.None, category, rt.None, lineno, ops.truth(append));
    return rt.None;
  });
  def('filterwarnings', (args, kw) => {
    const [action, message, category, module, lineno, append] = bindArgs(rt, 'filterwarnings', args, kw,
      ['action', 'message', 'category', 'module', 'lineno', 'append'], [rt.str(''), warningType, rt.str(''), rt.int(0), rt.False]);
    checkAction(action);
    checkCategory(category);
    checkLineno(lineno);
    // CPython stores compiled patterns; the pattern text stands for them here.
    const pattern = (p: PyObject) => (p instanceof PyStr && p.value ? p : rt.None);
    addFilter(action, pattern(message), category, pattern(module), lineno, ops.truth(append));
    return rt.None;
  });
  def('resetwarnings', (args) => {
    rt.arity('resetwarnings', args, 0);
    ((m.dict!.get('filters') ?? filters) as PyList).items.length = 0;
    mutated();
    return rt.None;
  });
  def('warn', (args, kw) => {
    const [message, category, stacklevel] = bindArgs(rt, 'warn', args, kw,
      ['message', 'category', 'stacklevel', 'source'], [rt.None, rt.int(1), rt.None]);
    let cat = category;
    if (message.type.isSubtypeOf(warningType)) cat = message.type;
    else if (cat === rt.None) cat = rt.excType('UserWarning');
    if (!(cat instanceof PyType) || !cat.isSubtypeOf(warningType)) {
      throw rt.typeError(`category must be a Warning subclass, not '${cat.type.name}'`);
    }
    warnObject(rt, ops, cat, message, Number(ops.index(stacklevel)));
    return rt.None;
  });
  state.defaultShow = def('showwarning', (args, kw) => {
    const [message, category, filename, lineno] = bindArgs(rt, 'showwarning', args, kw,
      ['message', 'category', 'filename', 'lineno', 'file', 'line'], [rt.None, rt.None]);
    process.stderr.write(`${ops.str(filename)}:${ops.str(lineno)}: ${(category as PyType).name}: ${ops.str(message)}\n`);
    return rt.None;
  });
  rt.addModule('warnings', m);
}

/** HPyErr_WarnEx / PyErr_WarnEx: emits `text` as a warning of `category` (null: RuntimeWarning). */
export function warn(rt: Interp, ops: Ops, category: PyObject | null, text: string, stacklevel: number): void {
  warnObject(rt, ops, category ?? rt.excType('RuntimeWarning'), rt.str(text), stacklevel);
}

function warnObject(rt: Interp, ops: Ops, category: PyObject, message: PyObject, _stacklevel: number): void {
  const state = warningsStates.get(rt);
  if (!state) throw rt.error('SystemError', 'the warnings module is not installed');
  const d = state.module.dict!;
  const warningType = rt.excType('Warning');
  // As CPython's warn_explicit: a Warning instance carries its category, anything else is
  // turned into one by calling the category (even when the warning ends up ignored).
  let text: string;
  if (message.type.isSubtypeOf(warningType)) {
    text = ops.str(message);
    category = message.type;
  } else {
    text = ops.str(message);
    message = ops.call(category, [message]);
  }
  const catType = category as PyType;
  const key = `${catType.tpName}\0${text}\0${WARN_LINE}`;
  if (state.registryVersion !== state.version) {
    state.registry.clear();
    state.registryVersion = state.version;
  }
  if (state.registry.has(key)) return;

  let action: string | null = null;
  const filters = d.get('filters');
  for (const f of filters instanceof PyList ? filters.items : []) {
    if (!(f instanceof PyTuple) || f.items.length !== 5) continue;
    const [act, msg, cat, mod, lineno] = f.items;
    const matches = (pattern: PyObject, value: string) =>
      pattern === rt.None || (pattern instanceof PyStr && new RegExp(`^(?:${pattern.value})`, pattern === msg ? 'i' : '').test(value));
    if (matches(msg, text) && cat instanceof PyType && catType instanceof PyType && catType.isSubtypeOf(cat)
      && matches(mod, WARN_MODULE) && (ops.index(lineno) === 0n || ops.index(lineno) === BigInt(WARN_LINE))) {
      action = ops.str(act);
      break;
    }
  }
  action ??= ops.str(d.get('defaultaction') ?? rt.str('default'));

  if (action === 'error') throw new PyRaise(message);
  if (action === 'ignore') return;
  if (action === 'once') {
    // CPython checks the filters version on this registry too: changing the filters resets it.
    if (state.onceVersion !== state.version) {
      state.onceRegistry.clear();
      state.onceVersion = state.version;
    }
    const onceKey = `${catType.tpName}\0${text}`;
    if (state.onceRegistry.has(onceKey)) return;
    state.onceRegistry.add(onceKey);
  } else if (action === 'module' || action === 'default') {
    state.registry.add(key);
  } else if (action !== 'always') {
    throw rt.error('RuntimeError', `Unrecognized action (${action}) in warnings.filters:\n ${action}`);
  }
  const show = d.get('showwarning') ?? state.defaultShow;
  ops.call(show, [message, category, rt.str(WARN_FILE), rt.int(WARN_LINE), rt.None, rt.None]);
}

/**
 * Binds positional and keyword arguments to parameter names as a Python signature would;
 * `defaults` holds the values of the optional trailing parameters.
 */
function bindArgs(rt: Interp, fname: string, args: PyObject[], kwargs: Kwargs, names: string[],
  defaults: PyObject[]): PyObject[] {
  const required = names.length - defaults.length;
  if (args.length > names.length) {
    throw rt.typeError(`${fname}() takes from ${required} to ${names.length} positional arguments but ${args.length} were given`);
  }
  const out: (PyObject | undefined)[] = [...args];
  for (const [k, v] of kwargs ?? []) {
    const i = names.indexOf(k);
    if (i < 0) throw rt.typeError(`${fname}() got an unexpected keyword argument '${k}'`);
    if (out[i] !== undefined) throw rt.typeError(`${fname}() got multiple values for argument '${k}'`);
    out[i] = v;
  }
  return names.map((n, i) => {
    const v = out[i] ?? (i >= required ? defaults[i - required] : undefined);
    if (v === undefined) throw rt.typeError(`${fname}() missing 1 required positional argument: '${n}'`);
    return v;
  });
}
