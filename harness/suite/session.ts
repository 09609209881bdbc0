// The cell's session: which backend the suite API talks to in this process.
// A cell is one process running one suite on one backend, so the session is per process;
// it lives on globalThis so that two copies of this module (e.g. a suite folder with its own
// node_modules/hpy-matrix) still share it.

export interface SessionOptions {
  /** Backend name as in matrix.json: 'reference', later 'cpython', 'debug:reference', ... */
  backend: string;
  /** Absolute path of the suite folder; relative extension paths resolve against it. */
  suiteDir: string;
  /** Where built extensions are cached; default: the build module's default cache. */
  buildCacheDir?: string;
}

export interface Session extends SessionOptions {
  /** The backend of this cell, created on first use. */
  getBackend(): Backend;
  /** Releases the backend (closes modules, frees native memory). */
  close(): void;
  /** On a debug backend: the generation the running test's leak check starts from. */
  debugGeneration: number;
}

import type { Backend } from '../../loader/backend.js';
import { createBackend } from '../../loader/backends/index.js';

const KEY = Symbol.for('hpy-matrix.session');
type Holder = { [KEY]?: Session };

export function openSession(opts: SessionOptions): Session {
  const holder = globalThis as Holder;
  if (holder[KEY]) throw new Error('an hpy-matrix session is already open in this process');
  let backend: Backend | null = null;
  const session: Session = {
    ...opts,
    getBackend: () => (backend ??= createBackend(opts.backend)),
    debugGeneration: 0,
    close: () => {
      backend?.close();
      backend = null;
      delete holder[KEY];
    },
  };
  holder[KEY] = session;
  return session;
}

export function currentSession(): Session {
  const s = (globalThis as Holder)[KEY];
  if (!s) throw new Error('no hpy-matrix session: suite files run inside `hpy-matrix run`');
  return s;
}
