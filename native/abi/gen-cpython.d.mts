// Types of gen-cpython.mjs for TypeScript callers (tests).
export type Generated = Array<[path: string, text: string]>;
export const HAND_TRAMPOLINES: Set<string>;
export function generateCpythonFill(): Generated;
/** `data` replaces parts of the ABI data, so a test can show what the generator makes of a change. */
export function generateCpythonTrampoline(data?: {
  signatures?: Record<string, number>;
  hpyfunc?: Record<string, unknown>;
  structs?: Record<string, unknown>;
  hand?: Set<string>;
}): Generated;
