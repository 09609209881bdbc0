// Compiling hpy-matrix's own native libraries (the cpython host, the layers library) once per
// exact input: the cache key hashes the recipe, flags, compiler and every file it reads.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NATIVE_FLAGS = ['-std=c11', '-Wall', '-Wextra', '-O2', '-fPIC', '-shared', '-fvisibility=hidden'];

export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export function nativeCacheRoot(kind: string): string {
  const base = process.env.HPY_MATRIX_CACHE_DIR || path.join(os.homedir(), '.cache', 'hpy-matrix', 'builds');
  return path.join(base, kind);
}

export interface NativeRecipe {
  /** Cache folder under the build cache, and part of the key. */
  kind: string;
  /** Folders whose every file is part of the key (sources and headers). */
  inputs: string[];
  sources: string[];
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
  const cc = recipe.cc ?? (process.env.CC || 'cc');
  const hash = createHash('sha256');
  hash.update(`${recipe.kind}\0${JSON.stringify(NATIVE_FLAGS)}\0${JSON.stringify(recipe.args)}\0${recipe.key ?? ''}\0${cc}\0`);
  for (const dir of recipe.inputs) {
    for (const f of filesUnder(dir)) {
      const text = readFileSync(f);
      hash.update(`${path.basename(dir)}/${path.relative(dir, f)}\0${text.length}\0`);
      hash.update(text);
    }
  }
  const dir = path.join(nativeCacheRoot(recipe.kind), hash.digest('hex').slice(0, 32));
  const library = path.join(dir, recipe.output);
  if (existsSync(library)) return { dir, library, built: false };
  mkdirSync(path.dirname(library), { recursive: true });
  const tmp = `${library}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    execFileSync(cc, [...NATIVE_FLAGS, ...recipe.args, ...recipe.sources, '-o', tmp], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new NativeBuildError(`'${cc}' was not found (install gcc, e.g. apt-get install gcc)`);
    throw new NativeBuildError(`compiling ${recipe.kind} failed:\n${err.stderr?.toString() ?? err.message}`);
  }
  renameSync(tmp, library);
  return { dir, library, built: true };
}
