// The child side of a per-extension report: loads one extension on one backend and writes what
// it sees (probe-events.ts). Runs in its own process, so a crash costs only this backend's part.
import { CapabilitiesUnknownError, PythonError, type Backend, type Ref } from '../../../loader/backend.js';
import { createBackend } from '../../../loader/backends/index.js';
import { openBinary } from '../../../loader/binary.js';
import { decodeModuleDef, signatureName } from '../../../loader/module-def.js';
import type { ProbeEvent } from './probe-events.js';

const REPR_LIMIT = 200;

export function probe(file: string, backendName: string, emit: (e: ProbeEvent) => void): void {
  let backend: Backend;
  let mod: Ref;
  try {
    // Under the trace layer, to count the context functions loading calls (a backend that
    // already has a layer is probed as it is). Made first: a hybrid binary's CPython symbols
    // resolve only once the backend has loaded CPython.
    backend = createBackend(backendName.includes(':') ? backendName : `trace:${backendName}`);
  } catch (err) {
    emit({ event: 'load-failed', error: `backend ${backendName} could not be created: ${message(err)}` });
    return;
  }
  let opened = false;
  try {
    let functionNames: Set<string>;
    try {
      // What every HPy loader does first: dlopen, entry points, ABI handshake, HPyInit.
      const def = decodeModuleDef(openBinary(file, { cpython: backend.cpython }).init());
      const functions = def.defines.flatMap((d) => d.kind === 'meth' ? [{ name: d.name, signature: signatureName(d.signature), doc: d.doc }] : []);
      functionNames = new Set(functions.map((f) => f.name));
      emit({ event: 'loaded', doc: def.doc, functions });
      opened = true;
    } catch (err) {
      emit({ event: 'load-failed', error: message(err) });
      return;
    }
    try {
      emit({ event: 'capabilities', capabilities: backend.capabilities() });
    } catch (err) {
      emit(err instanceof CapabilitiesUnknownError
        ? { event: 'capabilities', unlisted: err.message }
        : { event: 'capabilities', error: `capabilities() failed: ${message(err)}` });
    }
    try {
      mod = backend.loadModule(file);
    } catch (err) {
      emit({ event: 'init-failed', error: message(err) });
      return;
    }
    emit({ event: 'initialized' });
    emit({ event: 'contents', ...contents(backend, mod, functionNames) });
  } finally {
    const counts = opened ? backend.trace?.counts() : undefined;
    if (counts) emit({ event: 'calls', calls: Object.fromEntries(Object.entries(counts).map(([name, c]) => [name, c.calls])) });
    backend.close();
  }
}

/** The module's attributes other than its own dunders and the functions of its definition. */
function contents(b: Backend, mod: Ref, functionNames: Set<string>): Omit<Extract<ProbeEvent, { event: 'contents' }>, 'event'> {
  const builtins = b.importModule('builtins');
  const isinstance = b.getattr(builtins, 'isinstance');
  const typeType = b.getattr(builtins, 'type');
  const types: Array<{ name: string; specName: string }> = [];
  const other: Array<{ name: string; type: string; repr: string }> = [];
  for (const [k, v] of b.entries(b.getattr(mod, '__dict__'))) {
    const name = String(b.toPrimitive(k));
    if (/^__.*__$/.test(name) || functionNames.has(name)) continue;
    if (b.toPrimitive(b.call(isinstance, [v, typeType])) === true) {
      types.push({ name, specName: specNameOf(b, v) });
    } else {
      const repr = reprOf(b, v);
      other.push({ name, type: b.typeName(v), repr: repr.length > REPR_LIMIT ? `${repr.slice(0, REPR_LIMIT)}…` : repr });
    }
  }
  return { types, other };
}

/** repr() runs extension code (a type's HPy_tp_repr), which may raise. */
function reprOf(b: Backend, v: Ref): string {
  try {
    return b.repr(v);
  } catch (err) {
    return `<repr() raised ${message(err)}>`;
  }
}

/** The HPyType_Spec name a type was made from: "module.Name", or "Name" for builtins. */
function specNameOf(b: Backend, type: Ref): string {
  const name = String(b.toPrimitive(b.getattr(type, '__name__')));
  const module = b.hasattr(type, '__module__') ? b.toPrimitive(b.getattr(type, '__module__')) : undefined;
  return typeof module === 'string' && module !== 'builtins' ? `${module}.${name}` : name;
}

function message(err: unknown): string {
  if (err instanceof PythonError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
