// Backends by the names used in matrix.json and on the command line.
import type { Backend } from '../backend.js';
import { BACKEND_NAMES, type BackendName } from './names.js';
import { ReferenceBackend } from './reference/index.js';

export { BACKEND_NAMES } from './names.js';

const FACTORIES: Record<BackendName, () => Backend> = {
  reference: () => new ReferenceBackend(),
};

export function createBackend(name: string): Backend {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  }
  return FACTORIES[name as BackendName]();
}
