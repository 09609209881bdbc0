// For the tests of the python:<interpreter> backend: python3 with hpy-matrix's drop-in module as
// its own hpy.universal (the `hpy` shim of native/python/shim), and a temporary folder for fake
// interpreters and fake HPy packages, for the paths a real one cannot take.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureHost } from '../loader/backends/cpython/host-build.js';
import { findPython } from '../loader/backends/cpython/python.js';
import { dropinPythonPath } from '../loader/backends/python/dropin-path.js';

export interface Scratch {
  dir: string;
  /** PYTHONPATH that makes hpy_matrix.universal python3's hpy.universal. */
  dropinPath: string;
  /** A fake `hpy` package whose hpy.universal is `source`; returns the folder for PYTHONPATH. */
  fakeHpy(name: string, source: string): string;
  /** An executable shell script; returns its path. */
  script(name: string, body: string): string;
  remove(): void;
}

export function scratch(): Scratch {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-python-test-'));
  const dropinPath = dropinPythonPath(ensureHost(findPython()).pythonPath);
  return {
    dir,
    dropinPath,
    fakeHpy(name, source) {
      const root = path.join(dir, name);
      mkdirSync(path.join(root, 'hpy'), { recursive: true });
      writeFileSync(path.join(root, 'hpy', '__init__.py'), '');
      writeFileSync(path.join(root, 'hpy', 'universal.py'), source);
      return root;
    },
    script(name, body) {
      const file = path.join(dir, name);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
