// Opening a universal binary: file-name tag, dlopen, entry points and the ABI handshake.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import koffi, { type LibraryHandle } from 'koffi';
import { ABI_VERSION } from './abi/abi.generated.js';
import { parseFileName } from './file-name.js';
import type { Pointer } from './native-memory.js';
import { ElfError, machineName, readIdent } from './static/elf.js';

const HOST_MACHINE: Record<string, number> = { x64: 62, arm64: 183, ia32: 3, arm: 40, riscv64: 243, loong64: 258, ppc64: 21, s390x: 22 };

/** dlopen's own messages for a foreign or damaged file are vague; say what is wrong first. */
function checkElfHeader(file: string, path: string): void {
  const head = Buffer.alloc(64);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, 64, 0);
  } finally {
    closeSync(fd);
  }
  try {
    const id = readIdent(head.subarray(0, n));
    const host = HOST_MACHINE[process.arch];
    if (id.machine !== host || id.elfClass !== 64) {
      throw new LoadError(file, `ELF for ${machineName(id.machine)} (e_machine ${id.machine}, ${id.elfClass}-bit), but this machine is ${machineName(host)}`);
    }
  } catch (e) {
    if (e instanceof ElfError) throw new LoadError(file, e.message);
    throw e;
  }
}

/** A load failure the user can act on; the message names the file and the reason. */
export class LoadError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'LoadError';
  }
}

export interface OpenedBinary {
  path: string;
  name: string;
  required: { major: number; minor: number };
  /** Installs the context pointer read by the extension's CPython-style trampolines. */
  initGlobalContext(ctx: Pointer): void;
  /** Calls HPyInit_<name>: the address of the extension's static HPyModuleDef. */
  init(): Pointer;
}

// dlopen'd images must never be unloaded while their code may still run: keep every
// library object referenced for the life of the process.
const opened = new Map<string, LibraryHandle>();

export interface OpenOptions {
  /** Module name; default: the file name up to `.hpy`. */
  moduleName?: string;
  /**
   * The CPython running in this process, as the tag HPy puts in hybrid file names ('cp311').
   * Hybrid binaries call CPython's C API: they load only where there is one, the one they were
   * built for.
   */
  cpython?: string;
}

const NO_CPYTHON = 'there is no CPython in this backend (hybrid binaries load on cpython, debug:cpython and trace:cpython)';

/** Opens a universal (or, with a CPython in the process, hybrid) binary and checks it against our ABI (major 0, minor <= 0). */
export function openBinary(file: string, opts: OpenOptions = {}): OpenedBinary {
  const path = resolve(file);
  if (!existsSync(path)) throw new LoadError(file, 'no such file');
  if (!statSync(path).isFile()) throw new LoadError(file, 'not a file');
  const info = parseFileName(path, opts.moduleName);
  if (info.cpythonSuffix) throw new LoadError(file, 'a CPython-ABI extension, not an HPy universal binary (expected a name ending in .hpy0.so)');
  if (info.hybridSuffix) checkHybrid(file, info.hybridSuffix.slice(1), opts.cpython);
  if (info.tagMajor === null) throw new LoadError(file, 'the file name has no .hpy<N> ABI tag (expected a name ending in .hpy0.so)');

  let lib = opened.get(path);
  if (!lib) {
    checkElfHeader(file, path);
    try {
      lib = koffi.load(path);
    } catch (e) {
      const why = (e as Error).message.replace(/^Failed to load shared library:\s*/, '');
      // A hybrid binary with a universal name, where no CPython resolves its imports.
      const py = /undefined symbol: (_?Py\w+)/.exec(why);
      if (py) throw new LoadError(file, `imports CPython's C API (${py[1]}), and ${NO_CPYTHON}`);
      throw new LoadError(file, `cannot be loaded: ${why}`);
    }
    opened.set(path, lib);
  }
  const fn = (sym: string, proto: string) => {
    try {
      return lib!.func(proto.replace('NAME', sym));
    } catch {
      throw new LoadError(file, `missing entry point ${sym} (is the module name '${info.module}' right? HPy_MODINIT must use it)`);
    }
  };
  const major = fn(`get_required_hpy_major_version_${info.module}`, 'uint32_t NAME(void)')() as number;
  const minor = fn(`get_required_hpy_minor_version_${info.module}`, 'uint32_t NAME(void)')() as number;
  const initCtx = fn(`HPyInitGlobalContext_${info.module}`, 'void NAME(void *ctx)');
  const init = fn(`HPyInit_${info.module}`, 'void *NAME(void)');
  if (major !== info.tagMajor) {
    throw new LoadError(file, `the file name says ABI ${info.tagMajor} (.hpy${info.tagMajor}) but the binary requires HPy ABI ${major}.${minor}`);
  }
  if (major !== ABI_VERSION.major || minor > ABI_VERSION.minor) {
    throw new LoadError(file, `requires HPy ABI ${major}.${minor}, but hpy-matrix provides ABI ${ABI_VERSION.major}.${ABI_VERSION.minor} (HPy 0.9)`);
  }
  return {
    path, name: info.module, required: { major, minor },
    initGlobalContext: (ctx) => initCtx(ctx),
    init: () => {
      const def = init() as Pointer | null;
      if (!def) throw new LoadError(file, `HPyInit_${info.module} returned NULL`);
      return def;
    },
  };
}

/** A hybrid binary loads only on the CPython it was built for (`tag`: 'cp311' from `.hpy0-cp311.so`). */
function checkHybrid(file: string, tag: string, cpython: string | undefined): void {
  if (cpython === undefined) throw new LoadError(file, `a hybrid HPy binary (built for ${tag}): it calls CPython's C API, and ${NO_CPYTHON}`);
  if (tag !== cpython) throw new LoadError(file, `a hybrid HPy binary built for ${tag}, but this backend runs ${cpython}: CPython's C API differs between versions`);
}
