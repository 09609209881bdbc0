// Entry of a cell child: runs the bundled cell (dist/cell/cell.cjs) from V8's code cache when
// the parent names one in HPY_MATRIX_CELL_CODE_CACHE. Compiling the megabyte of JavaScript in
// the bundle is a good part of what a cell costs to start, and it is the same every time; the
// first cell that runs without a usable cache writes one as it exits, with every function it
// compiled by then. CommonJS (.cts), for __dirname and module, and only node's builtins.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const CACHE_ENV = 'HPY_MATRIX_CELL_CODE_CACHE';

const bundle = path.join(__dirname, '..', '..', 'cell', 'cell.cjs');
const cacheFile = process.env[CACHE_ENV];
// The cell's own children (e.g. a suite that runs node) are not cells.
delete process.env[CACHE_ENV];
const cachedData = cacheFile === undefined ? undefined : readIfThere(cacheFile);

// latin1: esbuild writes the bundle in ASCII, and a one-byte string needs no UTF-8 decoding.
const script = new vm.Script(Module.wrap(readFileSync(bundle, 'latin1')), {
  filename: bundle,
  cachedData,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
  process.once('exit', () => writeCache(cacheFile, script.createCachedData()));
}

const cell = new Module(bundle, module);
cell.filename = bundle;
cell.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundle));
(script.runInThisContext() as (...args: unknown[]) => void)
  .call(cell.exports, cell.exports, Module.createRequire(bundle), cell, bundle, path.dirname(bundle));

function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (cells start at once); a cache that cannot be written is only slower. */
function writeCache(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    // e.g. a read-only cache folder: the next cell compiles again
  }
}
