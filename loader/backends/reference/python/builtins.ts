// Everything built into a reference interpreter: the behaviour of each builtin type (types/) and
// the modules an extension can import (modules/), installed once per interpreter.
import type { Interp } from './interp.js';
import type { Ops } from './ops.js';
import { installBuiltinsModule } from './modules/builtins.js';
import { installContextvars } from './modules/contextvars.js';
import { installOperator } from './modules/operator.js';
import { installSys } from './modules/sys.js';
import { installWarnings } from './modules/warnings.js';
import { installBytes } from './types/bytes.js';
import { installDict } from './types/dict.js';
import { installExceptions } from './types/exceptions.js';
import { installFloat } from './types/float.js';
import { installFunction } from './types/function.js';
import { installInt } from './types/int.js';
import { installIterator } from './types/iterator.js';
import { installList } from './types/list.js';
import { installModule } from './types/module.js';
import { installObject } from './types/object.js';
import { installSlice } from './types/slice.js';
import { installStr } from './types/str.js';
import { installTuple } from './types/tuple.js';

export function installBuiltins(rt: Interp, ops: Ops): void {
  installObject(rt, ops);
  installInt(rt, ops);
  installFloat(rt, ops);
  installStr(rt, ops);
  installBytes(rt, ops);
  installTuple(rt, ops);
  installList(rt, ops);
  installDict(rt, ops);
  installModule(rt, ops);
  installFunction(rt, ops);
  installIterator(rt);
  installExceptions(rt, ops);
  installSlice(rt, ops);
  // The modules come after the types: `builtins` lists every type and exception class by name,
  // and sys.modules keeps the order in which modules were added.
  installBuiltinsModule(rt, ops);
  installOperator(rt, ops);
  installWarnings(rt, ops);
  installSys(rt, ops);
  installContextvars(rt, ops);
}
