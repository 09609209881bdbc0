import path from 'node:path';
import { packageRoot } from '../../loader/package-root.js';

/** Folder of the suites shipped with the package; a bare suite name refers to a folder here. */
export function builtinSuitesDir(): string {
  return path.join(packageRoot(), 'suites');
}

/**
 * The compiled script a cell child runs. Always the dist/ build, even when the runner itself
 * runs from .ts under tsx: the child must start without a TypeScript loader.
 */
export function cellMainScript(): string {
  return path.join(packageRoot(), 'dist', 'harness', 'matrix', 'cell-main.js');
}
