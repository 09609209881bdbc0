// Turning a loaded universal binary into a module of the reference interpreter.
import { ENUMS } from '../../../abi/abi.generated.js';
import { LoadError, type OpenedBinary } from '../../../binary.js';
import { decodeModuleDef, slotName } from '../../../module-def.js';
import type { Pointer } from '../../../native-memory.js';
import type { ReferenceContext } from './context.js';
import { PyModule, PyObject } from '../python/objects.js';

const SLOT = ENUMS.HPySlot_Slot;

/**
 * Creates the module object of a binary: decodes its HPyModuleDef, checks what a universal
 * module may contain, adds the methods and runs the exec slots. Nothing is registered unless
 * every step succeeds.
 */
export function createModule(c: ReferenceContext, bin: OpenedBinary, moduleName: string): PyObject {
  const rt = c.rt;
  const caller = c.impls;
  c.error = null;
  bin.initGlobalContext(c.gate.initCtx);
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
    const f = caller.fn((creates[0] as { impl: Pointer }).impl, 'HPyFunc_MOD_CREATE');
    module = caller.callWithHandles('HPy_mod_create', [spec], ([s], ctx) => f(ctx, s) as number);
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
