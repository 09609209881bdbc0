// Backends by the names used in matrix.json and on the command line.
import type { Backend } from '../backend.js';
import { ReferenceBackend } from './reference/index.js';

const FACTORIES: Record<string, () => Backend> = {
  reference: () => new ReferenceBackend(),
};

export const BACKEND_NAMES: readonly string[] = Object.keys(FACTORIES);

export function createBackend(name: string): Backend {
  const make = FACTORIES[name];
  if (!make) throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  return make();
}
