import path from 'node:path';
import { packageRoot } from '../../loader/package-root.js';

/** Folder of the suites shipped with the package; a bare suite name refers to a folder here. */
export function builtinSuitesDir(): string {
  return path.join(packageRoot(), 'suites');
}

/**
 * The script a cell child runs: the bundle (dist/cell/cell.cjs) for a suite whose files are all
 * CommonJS once compiled, else the ESM build (dist/). Always compiled JavaScript, even when the
 * runner itself runs from .ts under tsx: the child must start without a TypeScript loader.
 */
export function cellScript(bundled: boolean): string {
  return bundled
    ? path.join(packageRoot(), 'dist', 'cell', 'cell.cjs')
    : path.join(packageRoot(), 'dist', 'harness', 'matrix', 'cell-main.js');
}
