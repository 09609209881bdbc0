// The benchmark's C loops: a plain shared library (not an HPy extension: it is handed a
// context, it never gets loaded as a module), compiled once per content into the build cache.
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import koffi, { type LibraryHandle } from 'koffi';
import { defaultCacheDir, nativePaths } from '../../dist/loader/build/extension.js';

const SOURCE = path.join(import.meta.dirname, 'loops.c');
const FLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O2', '-fPIC', '-shared', '-DHPY_ABI_UNIVERSAL'];

/** Compiles loops.c unless a build of the same source, headers, flags and compiler exists. */
export async function buildLoops(cacheDir = defaultCacheDir()): Promise<string> {
  const cc = process.env.CC || 'cc';
  const { include, forbidPython } = nativePaths();
  const hash = createHash('sha256');
  hash.update(JSON.stringify([cc, FLAGS]));
  hash.update(await readFile(SOURCE));
  const headers = await readdir(include, { recursive: true, withFileTypes: true });
  for (const h of headers.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort()) {
    hash.update(path.relative(include, h));
    hash.update(await readFile(h));
  }
  const out = path.join(cacheDir, `bench-reference-${hash.digest('hex').slice(0, 32)}`, 'loops.so');
  if (await access(out).then(() => true, () => false)) return out;

  await mkdir(path.dirname(out), { recursive: true });
  // Built beside its final name and renamed, so a concurrent run never loads half a file.
  const tmp = `${out}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const r = await execa(cc, [...FLAGS, `-I${include}`, `-I${forbidPython}`, SOURCE, '-o', tmp], { reject: false, all: true });
  if (r.failed) {
    await rm(tmp, { force: true });
    throw new Error(`bench/reference: cannot compile ${SOURCE} with ${cc}:\n${r.all ?? r.message}`);
  }
  await rename(tmp, out);
  return out;
}

/** A loop: runs `n` iterations on the given context; 0 when every call succeeded. */
export type Loop = (ctx: bigint, n: number) => number;

export interface Loops {
  /** Keeps the library mapped: koffi unmaps a library whose object is collected. */
  readonly lib: LibraryHandle;
  bare(callback: bigint, ctx: bigint, n: number): number;
  dupClose: Loop;
  longFrom: Loop;
  longAs: Loop;
  add: Loop;
  tuple: Loop;
  getattr: Loop;
}

export function loadLoops(file: string): Loops {
  const lib = koffi.load(file);
  const loop = (name: string) => lib.func(`int ${name}(void *ctx, int64_t n)`) as Loop;
  return {
    lib,
    bare: lib.func('int bare_loop(void *cb, void *ctx, int64_t n)') as Loops['bare'],
    dupClose: loop('dup_close_loop'),
    longFrom: loop('long_from_loop'),
    longAs: loop('long_as_loop'),
    add: loop('add_loop'),
    tuple: loop('tuple_loop'),
    getattr: loop('getattr_loop'),
  };
}
