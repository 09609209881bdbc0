// hpy-matrix's own native libraries (the cpython host, the layers library, a benchmark's loops),
// compiled once per exact input into the build cache. Synchronous: backends are created
// synchronously, and after the first build this is a few stat calls.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { besides, C_FLAGS, CacheKey, cacheRoot, CompilerNotFoundError, resolveCompiler } from './cache.js';

export interface NativeRecipe {
  /** Folder under the build cache, and part of the key. */
  kind: string;
  /** Folders whose every file is part of the key (headers, other sources). */
  inputs: string[];
  /** The C files compiled; each is part of the key. */
  sources: string[];
  /** Flags after C_FLAGS. */
  args: string[];
  /** What else decides the output (the Python it is built for). */
  key?: string;
  /** Where the library goes, relative to the entry's folder. */
  output: string;
  cc?: string;
}

export class NativeBuildError extends Error {}

/** Builds the library of `recipe` unless cached; returns the entry's folder and the library. */
export function buildNative(recipe: NativeRecipe): { dir: string; library: string; built: boolean } {
  let compiler;
  try {
    compiler = resolveCompiler(recipe.cc);
  } catch (e) {
    if (e instanceof CompilerNotFoundError) throw new NativeBuildError(`'${e.cc}' was not found (install gcc, e.g. apt-get install gcc)`);
    throw e;
  }
  const key = new CacheKey(recipe.kind)
    .part('flags', JSON.stringify([...C_FLAGS, ...recipe.args]))
    .part('key', recipe.key ?? '')
    .compiler(compiler);
  // Labelled by paths inside their folders: checkouts in different places share entries.
  for (const dir of recipe.inputs) key.folder(path.basename(dir), dir);
  for (const source of recipe.sources) key.file(`source ${path.basename(source)}`, source);
  const dir = path.join(cacheRoot(), recipe.kind, key.digest().slice(0, 32));
  const library = path.join(dir, recipe.output);
  if (existsSync(library)) return { dir, library, built: false };
  mkdirSync(path.dirname(library), { recursive: true });
  const tmp = besides(library);
  try {
    execFileSync(compiler.resolved, [...C_FLAGS, ...recipe.args, ...recipe.sources, '-o', tmp], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new NativeBuildError(`'${compiler.requested}' was not found (install gcc, e.g. apt-get install gcc)`);
    throw new NativeBuildError(`compiling ${recipe.kind} failed:\n${err.stderr?.toString() ?? err.message}`);
  }
  renameSync(tmp, library);
  return { dir, library, built: true };
}
