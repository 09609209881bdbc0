// `hpy-matrix/suite`: what conformance test files import. Backend-neutral: the cell's
// session decides which backend the module proxies talk to.
import { resolve } from 'node:path';
import { UnhostedError, type Backend } from '../../loader/backend.js';
import { buildExtension } from '../../loader/build/extension.js';
import type { DebugFinding } from '../../loader/layers/layers.js';
import { takeTestFindings } from '../cell/debug-checks.js';
import { noteSkipReason } from '../cell/skip-reasons.js';
import { Converter, type PyProxy } from './proxy.js';
import { currentSession } from './session.js';

export { PythonError } from '../../loader/backend.js';
export { raises } from './assertions.js';
export type { DebugFinding } from '../../loader/layers/layers.js';
export { isPyProxy, type PyProxy } from './proxy.js';

const converters = new WeakMap<Backend, Converter>();
function converter(): Converter {
  const backend = currentSession().getBackend();
  let c = converters.get(backend);
  if (!c) converters.set(backend, (c = new Converter(backend)));
  return c;
}

/** The name of the backend this cell runs on, e.g. 'reference' or 'debug:cpython'. */
export function backendName(): string {
  return currentSession().backend;
}

/** The backend under any layer: 'reference' for 'reference', 'debug:reference', 'trace:reference'; 'python:pypy3' for 'debug:python:pypy3'. */
export function baseBackend(): string {
  return currentSession().backend.replace(/^(debug|trace):/, '');
}

/** True on a debug backend (`debug:<backend>`), where debugFindings() works. */
export function hasDebugLayer(): boolean {
  return currentSession().getBackend().debug !== undefined;
}

/**
 * What the debug layer found since the test began (or since the last call), leaks included;
 * taken findings no longer fail the test. Only on a debug backend.
 */
export function debugFindings(): DebugFinding[] {
  const session = currentSession();
  const debug = session.getBackend().debug;
  if (!debug) throw new Error(`debugFindings: backend '${session.backend}' has no debug layer (run the suite on debug:<backend>)`);
  return takeTestFindings(session, debug);
}

/**
 * Loads an extension on the cell's backend. A `.c` path (or several) is built first, with a
 * cache; a `.hpy0.so` is loaded as is. Relative paths resolve against the suite's folder.
 */
export async function loadExtension(path: string | string[], opts: { name?: string } = {}): Promise<PyProxy> {
  const session = currentSession();
  const paths = (Array.isArray(path) ? path : [path]).map((p) => resolve(session.suiteDir, p));
  let binary = paths[0];
  if (paths.every((p) => p.endsWith('.c'))) {
    binary = (await buildExtension({ sources: paths, cacheDir: session.buildCacheDir })).path;
  } else if (paths.length > 1) {
    throw new Error('loadExtension: pass one binary, or C sources only');
  }
  const c = converter();
  return c.proxy(c.backend.loadModule(binary, opts));
}

/**
 * Skips the current test, or, from a `before`/`beforeEach` hook, the tests of its describe, and
 * says why in the reports (mocha's own `this.skip()` gives no reason).
 */
export function skip(ctx: Mocha.Context, reason: string): never {
  noteSkipReason(ctx, reason);
  return ctx.skip();
}

/**
 * For a test of misuse that HPy leaves undefined and hpy-matrix's backends check (a NULL handle
 * where HPy says "must not be HPy_NULL", a type not made from a spec): skipped on
 * `python:<interpreter>`, whose HPy need not check it and may crash instead.
 */
export function checkedMisuse(ctx: Mocha.Context, misuse: string): void {
  if (baseBackend().startsWith('python:')) {
    skip(ctx, `${misuse} is misuse that HPy leaves undefined: hpy-matrix's backends check it, another HPy need not`);
  }
}

/**
 * loadExtension for a binary that calls context functions added to HPy after 0.9.0: on a backend
 * whose HPy lacks them (an HPy 0.9.0 on `python:<interpreter>`), the binary is never handed over
 * and the tests of the hook's describe are skipped, naming the functions.
 */
export async function loadExtensionIfHosted(ctx: Mocha.Context, path: string | string[]): Promise<PyProxy> {
  try {
    return await loadExtension(path);
  } catch (err) {
    if (err instanceof UnhostedError) skip(ctx, err.message);
    throw err;
  }
}

/**
 * Collects garbage on the cell's backend until the finalizers and destructors of unreachable
 * objects have run. Drop your own references first (`obj = undefined`).
 */
export function collectGarbage(): Promise<void> {
  return currentSession().getBackend().collectGarbage();
}

function builtin(name: string): unknown {
  const c = converter();
  const b = c.backend;
  // operator.and_, operator.or_, operator.not_ answer to their keyword names too.
  for (const [module, attr] of [['builtins', name], ['operator', name], ['operator', `${name}_`]] as const) {
    const m = b.importModule(module);
    try {
      if (b.hasattr(m, attr)) return c.toJs(b.getattr(m, attr));
    } finally {
      b.release(m);
    }
  }
  throw new Error(`py.${name}: no such builtin or operator function`);
}

/** Python builtins and operator-module functions by their Python names: `py.repr(x)`, `py.add(a, b)`. */
export const py: Record<string, PyProxy> = new Proxy({}, {
  get: (_t, key) => (typeof key === 'string' ? builtin(key) : undefined),
}) as Record<string, PyProxy>;
