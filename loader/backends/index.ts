// Backends by the names used in matrix.json and on the command line.
import type { Backend } from '../backend.js';
import { CPythonBackend } from './cpython/index.js';
import { parseBackendName, unknownBackend } from './names.js';
import { PythonBackend } from './python/index.js';
import { ReferenceBackend } from './reference/index.js';

export { BACKEND_NAMES } from './names.js';

/**
 * A backend by name: `reference`, `cpython`, `python:<interpreter>`, or one of them under a layer
 * (`debug:cpython`, `trace:python:pypy3`).
 */
export function createBackend(name: string): Backend {
  const parsed = parseBackendName(name);
  if (!parsed) throw new Error(unknownBackend(name));
  const layer = parsed.layer ?? undefined;
  if (parsed.base === 'python') return new PythonBackend(parsed.interpreter, layer);
  return parsed.base === 'reference' ? new ReferenceBackend(layer) : new CPythonBackend(layer);
}
