// Defining the functions of a module that the backend implements itself.
import type { Interp } from '../interp.js';
import type { Kwargs, PyModule, PyObject } from '../objects.js';

type Body = (args: PyObject[], kw: Kwargs) => PyObject;

/**
 * `def(name, body)` adds a function to module `m`; `one(name, f)` is the body of a function of
 * exactly one positional argument, with CPython's messages for any other call.
 */
export function moduleFunctions(rt: Interp, m: PyModule): { def: (name: string, body: Body) => void; one: (name: string, f: (o: PyObject) => PyObject) => Body } {
  return {
    def: (name, body) => {
      m.dict!.set(name, rt.builtinFunction(name, body, m));
    },
    one: (name, f) => (args, kw) => {
      rt.noKwargs(name, kw);
      rt.arity(name, args, 1);
      return f(args[0]);
    },
  };
}
