// Where the hpy-matrix package is installed: the folder its files (native/, suites/, dist/)
// are found under, from compiled and from TypeScript sources alike.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'hpy-matrix';

/**
 * The hpy-matrix package folder, found by walking up from this module, so the same code
 * works from dist/loader/ (after tsc) and from loader/ (under tsx).
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
