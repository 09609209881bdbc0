// Backends by the names used in matrix.json and on the command line.
import type { Backend } from '../backend.js';
import { BACKEND_NAMES, type BackendName } from './names.js';
import { CPythonBackend } from './cpython/index.js';
import { prepareCPython } from './cpython/host-build.js';
import { ReferenceBackend } from './reference/index.js';

export { BACKEND_NAMES } from './names.js';

const FACTORIES: Record<BackendName, () => Backend> = {
  reference: () => new ReferenceBackend(),
  cpython: () => new CPythonBackend(),
};

export function createBackend(name: string): Backend {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  }
  return FACTORIES[name as BackendName]();
}

/**
 * Does once, in a parent process, the set-up that every child running `names` would otherwise
 * repeat (finding Python, building the cpython host); returns the environment for the children.
 * Throws what creating the backend would throw, so a run can stop before starting any cell.
 */
export function prepareBackends(names: string[]): Record<string, string> {
  return names.some((n) => n === 'cpython' || n.endsWith(':cpython')) ? prepareCPython() : {};
}
