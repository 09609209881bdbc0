// Files of this package that the runner hands to child processes and workers by path.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../loader/package-root.js';

/** Folder of the suites shipped with the package; a bare suite name refers to a folder here. */
export function builtinSuitesDir(): string {
  return path.join(packageRoot(), 'suites');
}

/**
 * The script a cell child runs: the launcher of the bundle (launch.cts, which runs
 * dist/cell/cell.cjs) for a suite whose files are all CommonJS once compiled, else the ESM
 * build's entry. Always compiled JavaScript, even when the runner itself runs from .ts under
 * tsx: the child must start without a TypeScript loader.
 */
export function cellScript(bundled: boolean): string {
  return path.join(packageRoot(), 'dist', 'harness', 'cell', bundled ? 'launch.cjs' : 'main.js');
}

/** The runner's worker that prepares the backends (prepare-worker.ts), compiled like cellScript. */
export function prepareWorkerScript(): string {
  return path.join(packageRoot(), 'dist', 'harness', 'runner', 'prepare-worker.js');
}

/**
 * Where cells keep V8's code cache of the bundle, under the build cache: one file per bundle
 * and Node (V8 refuses a cache of other code or another V8, but then every cell would rewrite it).
 */
export function cellCodeCacheFile(cacheDir: string): string {
  const bundle = statSync(path.join(packageRoot(), 'dist', 'cell', 'cell.cjs'));
  const key = createHash('sha256')
    .update(`${process.version}\0${process.arch}\0${bundle.size}\0${bundle.mtimeMs}`)
    .digest('hex').slice(0, 24);
  return path.join(cacheDir, 'cell-code', `${key}.bin`);
}
