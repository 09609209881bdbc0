// Backends by the names used in matrix.json and on the command line.
import type { Backend } from '../backend.js';
import { CPythonBackend } from './cpython/index.js';
import { prepareCPython } from './cpython/host-build.js';
import { BACKEND_NAMES, parseBackendName } from './names.js';
import { ReferenceBackend } from './reference/index.js';

export { BACKEND_NAMES } from './names.js';

/** A backend by name: `reference`, `cpython`, or either under a layer (`debug:cpython`). */
export function createBackend(name: string): Backend {
  const parsed = parseBackendName(name);
  if (!parsed) throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  const layer = parsed.layer ?? undefined;
  return parsed.base === 'reference' ? new ReferenceBackend(layer) : new CPythonBackend(layer);
}

/**
 * Does once, in a parent process, the set-up that every child running `names` would otherwise
 * repeat (finding Python, building the cpython host); returns the environment for the children.
 * Throws what creating the backend would throw, so a run can stop before starting any cell.
 */
export function prepareBackends(names: string[]): Record<string, string> {
  return names.some(needsPreparation) ? prepareCPython() : {};
}

/** Whether a child running backend `name` uses what prepareBackends sets up. */
export function needsPreparation(name: string): boolean {
  return parseBackendName(name)?.base === 'cpython';
}
