import { BACKEND_NAMES } from '../../loader/backends/names.js';

/** Backends that hpy-matrix knows how to build a context for; the wrappers take one of these. */
const BASE_BACKENDS = ['reference', 'cpython'] as const;
/** Context layers that wrap a base backend: `debug:cpython`, `trace:reference`. */
const WRAPPERS = ['debug', 'trace'] as const;

/** Every backend name the matrix grammar accepts, whether or not this build has it yet. */
export const BACKEND_GRAMMAR: readonly string[] = [
  ...BASE_BACKENDS,
  ...WRAPPERS.flatMap((wrapper) => BASE_BACKENDS.map((base) => `${wrapper}:${base}`)),
];

/**
 * Why a backend name cannot run, or undefined when it can. The list of backends this build
 * has is read on each call, so names start working as their backends land in BACKEND_NAMES.
 */
export function backendProblem(name: string): string | undefined {
  const available = BACKEND_NAMES as readonly string[];
  if (available.includes(name)) return undefined;
  // "known" lists what runs today, as `hpy-matrix coverage` says too; a name of the grammar
  // that has not landed gets its own message below.
  if (!BACKEND_GRAMMAR.includes(name)) return `unknown backend '${name}' (known: ${available.join(', ')})`;
  return `backend '${name}' is not available in this build (available: ${available.join(', ')})`;
}
