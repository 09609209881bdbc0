// Lets require() of this package's own entry points ('hpy-matrix', 'hpy-matrix/suite') return
// modules already loaded in this process, by entering them in require's cache under the files
// that package.json's "exports" resolve to, and resolving those names to these files from any
// folder: a suite outside the package (one `hpy-matrix init` wrote) has no node_modules/hpy-matrix.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../../loader/package-root.js';

interface CjsModuleClass {
  new (id: string): CjsModule;
  _cache: Record<string, CjsModule>;
  _nodeModulePaths(dir: string): string[];
  _resolveFilename(request: string, ...rest: unknown[]): string;
}
interface CjsModule { filename: string; loaded: boolean; exports: unknown; paths: string[] }

/** `namespaces` by export subpath, as package.json names them: '.', './suite'. */
export function provideOwnExports(namespaces: Record<string, object>): void {
  const root = packageRoot();
  const { exports } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const Module = createRequire(import.meta.url)('node:module') as CjsModuleClass;
  // The files of the entry points provided, by the name a test file requires.
  const provided = new Map<string, string>();
  for (const [subpath, namespace] of Object.entries(namespaces)) {
    const target = exports[subpath];
    if (typeof target !== 'string') throw new Error(`package.json exports no '${subpath}'`);
    const file = path.join(root, target);
    const module = new Module(file);
    module.filename = file;
    module.loaded = true;
    module.exports = namespace;
    module.paths = Module._nodeModulePaths(path.dirname(file));
    Module._cache[file] = module;
    provided.set(subpath === '.' ? PACKAGE : `${PACKAGE}/${subpath.slice(2)}`, file);
  }
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return provided.get(request) ?? resolve.call(this, request, ...rest);
  };
}

const PACKAGE = 'hpy-matrix';
