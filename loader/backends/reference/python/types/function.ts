// `builtin_function_or_method`: functions the backend implements itself (builtins, operator,
// methods of builtin types, and the functions of extension modules).
import type { Interp } from '../interp.js';
import type { PyBuiltinFunction } from '../objects.js';

export function installFunction(rt: Interp): void {
  const t = rt.types;
  t.builtin_function_or_method.slots = {
    repr: (o) => rt.str(`<built-in function ${(o as PyBuiltinFunction).name}>`),
    call: (o, args, kw) => (o as PyBuiltinFunction).fn(args, kw, o as PyBuiltinFunction),
    hash: (o) => rt.identityHash(o),
  };
}
