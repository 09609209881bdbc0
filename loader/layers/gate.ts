// How a backend whose context is not in C (the reference backend) calls extension code: through
// a gate that is either the context itself or a layer (debug, trace) wrapped around it.

import type { Pointer } from '../native-memory.js';

export interface CallGate {
  /** The context HPyInitGlobalContext gets: the one trampolines use for the life of the module. */
  readonly initCtx: Pointer;
  /** True when the extension sees handles other than the context's own (debug). */
  readonly wraps: boolean;
  /** Starts a call of extension function `name`; returns the context to pass it. */
  enter(name: string): Pointer;
  leave(ctx: Pointer): void;
  /** The extension's handle for an argument the caller keeps owning (`wraps` only). */
  arg(h: number): number;
  argDone(h: number): void;
  /** The caller's handle for a result the extension returned (`wraps` only). */
  result(h: number): number;
  /** Takes over a handle the extension function `name` stored for the caller (a buffer's obj). */
  take(h: number, name: string): number;
  /** Checks a status result against the exception state (`wraps` only). */
  status(r: number): void;
}

/** Calls with the context itself: no layer. */
export function directGate(ctx: Pointer): CallGate {
  const same = (h: number) => h;
  return {
    initCtx: ctx, wraps: false, enter: () => ctx, leave: () => {}, arg: same, argDone: () => {}, result: same, take: same, status: () => {},
  };
}
