// The set-up a parent process does once for the children that run backends, kept apart from
// the backends themselves: the matrix runner imports this without loading any backend (koffi,
// the reference object model), which also keeps the runner small to fork cells from.
import { prepareCPython } from './cpython/host-build.js';
import { parseBackendName } from './names.js';

/**
 * Does once, in a parent process, the set-up that every child running `names` would otherwise
 * repeat (finding Python, building the cpython host); returns the environment for the children.
 * Throws what creating the backend would throw.
 */
export function prepareBackends(names: string[]): Record<string, string> {
  return names.some(needsPreparation) ? prepareCPython() : {};
}

/** Whether a child running backend `name` uses what prepareBackends sets up. */
export function needsPreparation(name: string): boolean {
  return parseBackendName(name)?.base === 'cpython';
}
