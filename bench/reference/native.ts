// The benchmark's C loops: a plain shared library (not an HPy extension: it is handed a
// context, it never gets loaded as a module), compiled once per content into the build cache.
import path from 'node:path';
import koffi, { type LibraryHandle } from 'koffi';
import { nativePaths } from '../../dist/loader/build/extension.js';
import { buildNative } from '../../dist/loader/build/native-library.js';

const SOURCE = path.join(import.meta.dirname, 'loops.c');

/** Compiles loops.c into the build cache unless a build of the same source, headers, flags and compiler exists. */
export function buildLoops(): string {
  const { include, forbidPython } = nativePaths();
  return buildNative({
    kind: 'bench-reference',
    inputs: [include],
    sources: [SOURCE],
    // The loops are looked up by name: visible, unlike the symbols of our other libraries.
    args: ['-Werror', '-fvisibility=default', '-DHPY_ABI_UNIVERSAL', `-I${include}`, `-I${forbidPython}`],
    output: 'loops.so',
  }).library;
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
