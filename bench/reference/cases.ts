// The context cases of bench/reference, on one backend: plain reference in the main thread, or
// debug:reference / trace:reference in a worker of their own (layer-worker.ts).
import type { Backend, Ref } from '../../dist/loader/backend.js';
import type { ReferenceBackend } from '../../dist/loader/backends/reference/index.js';
import type { Case } from './measure.js';
import type { Loop, Loops } from './native.js';

/** Rows flagged `simple` are held to the goal in the first table; the others are context. */
export type ContextCase = Case & { simple?: boolean };

/**
 * The C loops get the context extension code would get on `backend` (a layer's context over the
 * reference context, when it has a layer); the NOARGS row goes through the Backend contract, as
 * the suite API does.
 */
export function contextCases(backend: ReferenceBackend, loops: Loops, noargsPath: string): ContextCase[] {
  const ctx = backend.debug?.ctx ?? backend.trace?.ctx ?? backend.ctx.ptr;
  /** A C loop over the context; a failed call surfaces with the pending exception. */
  const contextLoop = (name: string, callsPerIteration: number, loop: Loop): ContextCase => ({
    name,
    callsPerIteration,
    simple: true,
    run(n) {
      if (loop(ctx, n) !== 0) {
        const e = backend.ctx.takeError();
        throw new Error(`${backend.name}: ${name}: a context call failed${e ? `: ${backend.str(e as unknown as Ref)}` : ''}`);
      }
    },
  });
  const contract: Backend = backend;
  const mod = contract.loadModule(noargsPath);
  const nothing = contract.getattr(mod, 'nothing');
  return [
    contextLoop('Dup + Close', 2, loops.dupClose),
    contextLoop('Long_FromInt64_t + Close', 2, loops.longFrom),
    contextLoop('Long_AsInt64_t', 1, loops.longAs),
    contextLoop('Add of two small ints + Close', 2, loops.add),
    contextLoop('Tuple_FromArray of 4 + Close', 2, loops.tuple),
    contextLoop('GetAttr_s on a module + Close', 2, loops.getattr),
    {
      name: 'NOARGS call from TypeScript',
      callsPerIteration: 1,
      run(n) {
        for (let i = 0; i < n; i++) contract.release(contract.call(nothing, []));
      },
    },
  ];
}

/** What a backend has left behind after the cases: open handles, debug findings. */
export function leftovers(backend: ReferenceBackend): string[] {
  const out: string[] = [];
  if (backend.openHandles !== 0) out.push(`${backend.openHandles} handle(s) left open on ${backend.name}: a loop leaks`);
  const findings = backend.debug?.takeFindings() ?? [];
  if (findings.length > 0) out.push(`the debug layer found ${findings.length} problem(s) on ${backend.name}, the first: ${findings[0].message}`);
  return out;
}
