// What the driver says first (the interpreter and its HPy), and what that HPy can load. A binary
// is handed to the interpreter's hpy.universal only when it can: HPy releases before 0.9 have no
// versioned ABI and crash on a 0.9 binary instead of refusing it (PyPy 7.3.11 ships HPy 0.0.4).
import { UnhostedError } from '../../backend.js';
import type { LayerKind } from '../../layers/layers.js';
import { InterpreterError } from './interpreter.js';

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

/** What of a binary decides whether an HPy may be handed it (from its static report). */
export interface BinaryNeeds {
  requiredAbi: { major: number; minor: number } | null;
  /** Context functions it calls that HPy 0.9.0 lacks (HPy master appended them, ABI still 0.0). */
  afterReleaseApi: string[];
}

/**
 * Whether an HPy has the context functions master appended after 0.9.0. hpy-matrix's drop-in has
 * them; HPy 0.9.x releases (and anything older) do not; a later release is taken to have them.
 */
export function hasAfterReleaseApi(hpy: { version: string; revision: string }): boolean {
  if (hpy.revision === 'hpy-matrix') return true;
  const m = /^(\d+)\.(\d+)/.exec(hpy.version);
  return m !== null && (Number(m[1]) > 0 || Number(m[2]) > 9);
}

/**
 * Why `file` must not be handed to this HPy, or undefined: an UnhostedError when only the context
 * functions it calls are missing (suites skip such tests), else an InterpreterError.
 */
export function binaryRefusal(label: string, hpy: { version: string; revision: string }, file: string, needs: BinaryNeeds): Error | undefined {
  const { version } = hpy;
  const abi = loadableAbi(version);
  if (!abi) return new InterpreterError(`${label}: its hpy.universal is ${version}, which cannot load HPy 0.9 universal binaries`);
  const required = needs.requiredAbi;
  // Unknown (the getters could not be read statically): its own loader checks and refuses.
  if (required && (required.major !== abi.major || required.minor > abi.maxMinor)) {
    const loads = Number.isFinite(abi.maxMinor) ? `${abi.major}.${abi.maxMinor}` : `${abi.major}.x`;
    return new InterpreterError(`${label}: ${file} requires HPy ABI ${required.major}.${required.minor}, and its hpy.universal ${version} loads ABI ${loads}`);
  }
  // The ABI version cannot tell: such a binary says 0.0 and would read past the shorter context.
  if (needs.afterReleaseApi.length > 0 && !hasAfterReleaseApi(hpy)) {
    return new UnhostedError(`${label}: ${file} calls ${needs.afterReleaseApi.join(', ')}, which its hpy.universal ${version} does not have (added to HPy after 0.9.0)`);
  }
  return undefined;
}
