// What the driver says first (the interpreter and its HPy), and what that HPy can load. A binary
// is handed to the interpreter's hpy.universal only when it can: HPy releases before 0.9 have no
// versioned ABI and crash on a 0.9 binary instead of refusing it (PyPy 7.3.11 ships HPy 0.0.4).
import type { LayerKind } from '../../layers/layers.js';

export interface Hello {
  /** The protocol's version. */
  driver: number;
  /** sys.implementation.name: 'cpython', 'pypy', 'graalpy'. */
  implementation: string;
  /** The Python language version, e.g. '3.9.16'. */
  version: string;
  /** The implementation's own version, e.g. PyPy's '7.3.11'. */
  implementationVersion: string;
  executable: string;
  pid: number;
  /** Its hpy.universal, or null (then hpyError says why). */
  hpy: { version: string; revision: string; modes: string[]; file: string | null } | null;
  hpyError: string | null;
}

export const DRIVER_PROTOCOL = 1;

/** The universal ABI versions an HPy release loads: major, and the highest minor. */
export interface LoadableAbi {
  major: number;
  maxMinor: number;
}

/**
 * What HPy `version` loads, or null when it loads no HPy 0.9 universal binary at all (a release
 * before 0.9). 0.9 loads ABI 0.0; a later release checks the minor version itself.
 */
export function loadableAbi(version: string): LoadableAbi | null {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return null;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major === 0 && minor < 9) return null;
  if (major === 0 && minor === 9) return { major: 0, maxMinor: 0 };
  return { major: 0, maxMinor: Infinity };
}

/** Why the interpreter cannot serve as this backend at all, or undefined when it can. */
export function refusal(label: string, hello: Hello, layer: LayerKind | null): string | undefined {
  if (hello.driver !== DRIVER_PROTOCOL) return `${label}: the driver speaks protocol ${hello.driver}, this hpy-matrix ${DRIVER_PROTOCOL}`;
  if (!hello.hpy) return `${label}: it has no hpy.universal (${hello.hpyError ?? 'not importable'})`;
  const { version, modes } = hello.hpy;
  if (!loadableAbi(version)) return `${label}: its hpy.universal is ${version}, which cannot load HPy 0.9 universal binaries`;
  // Every HPy has a debug mode (debug=True before modes existed); trace came with the modes.
  if (layer === 'trace' && !modes.includes('MODE_TRACE')) return `${label}: its hpy.universal ${version} has no trace mode`;
  return undefined;
}

/** Why `file`, which requires ABI `required`, must not be handed to HPy `version`; or undefined. */
export function binaryRefusal(label: string, version: string, file: string, required: { major: number; minor: number } | null): string | undefined {
  const abi = loadableAbi(version);
  if (!abi) return `${label}: its hpy.universal is ${version}, which cannot load HPy 0.9 universal binaries`;
  // Unknown (the getters could not be read statically): its own loader checks and refuses.
  if (!required) return undefined;
  if (required.major !== abi.major || required.minor > abi.maxMinor) {
    const loads = Number.isFinite(abi.maxMinor) ? `${abi.major}.${abi.maxMinor}` : `${abi.major}.x`;
    return `${label}: ${file} requires HPy ABI ${required.major}.${required.minor}, and its hpy.universal ${version} loads ABI ${loads}`;
  }
  return undefined;
}
