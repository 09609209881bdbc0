// What a universal binary's file name says: module name, ABI tag, hybrid or CPython-ABI suffix.
// Shared by the loader and the static report, which must agree on it.
import { basename } from 'node:path';

export interface FileName {
  module: string;
  abiTag: string | null;
  tagMajor: number | null;
  /** What follows the tag in a hybrid name, e.g. "-cp311". */
  hybridSuffix: string | null;
  /** A CPython-specific suffix such as ".cpython-311-x86_64-linux-gnu.so". */
  cpythonSuffix: string | null;
}

const CPYTHON_SUFFIX = /\.(cpython-[^.]*|abi3)\.so$/;

/**
 * The module name as an HPy 0.9 loader derives it from the file: the name up to the first
 * `.hpy` (or the given module name), its last dotted component, `-` becomes `_`.
 */
export function parseFileName(path: string, moduleName?: string): FileName {
  const name = basename(path);
  const tagAt = name.indexOf('.hpy');
  const stem = tagAt >= 0 ? name.slice(0, tagAt) : name.split('.')[0]!;
  const full = moduleName ?? stem;
  const module = full.slice(full.lastIndexOf('.') + 1).replaceAll('-', '_');
  const tag = tagAt >= 0 ? /^(\d+)(.*)$/.exec(name.slice(tagAt + 4)) : null;
  return {
    module,
    abiTag: tag ? `hpy${tag[1]}` : null,
    tagMajor: tag ? Number(tag[1]) : null,
    hybridSuffix: tag && tag[2]!.startsWith('-') ? tag[2]!.split('.')[0]! : null,
    cpythonSuffix: CPYTHON_SUFFIX.exec(name)?.[0] ?? null,
  };
}
