import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'hpy-matrix';

/**
 * The hpy-matrix package folder, found by walking up from this module, so the same code
 * works from dist/harness/matrix/ (after tsc) and from harness/matrix/ (under tsx).
 */
export function packageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (isOurPackageJson(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${start}`);
  }
}

function isOurPackageJson(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

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
