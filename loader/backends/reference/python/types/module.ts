// `module`: attributes are the module's namespace; `__dict__` is a dict copy of it.
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import type { PyModule } from '../objects.js';

export function installModule(rt: Interp, ops: Ops): void {
  const t = rt.types;
  t.module.slots = {
    repr: (o) => rt.str(`<module '${(o as PyModule).name}'>`),
    getattr: (o, name) => o.dict!.get(name) ?? (name === '__dict__' ? moduleDict(o as PyModule) : undefined),
  };
  const moduleDict = (m: PyModule) => {
    const d = rt.dict();
    for (const [k, v] of m.dict!) ops.dictSet(d, rt.str(k), v);
    return d;
  };
}
