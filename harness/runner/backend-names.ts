import { BACKEND_NAMES, parseBackendName } from '../../loader/backends/names.js';

/** Why a backend name cannot run, or undefined when it can. */
export function backendProblem(name: string): string | undefined {
  if (parseBackendName(name)) return undefined;
  return `unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`;
}
