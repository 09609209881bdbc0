// The debug and trace layers over a backend's context, as the Backend contract exposes them.
import type { Pointer } from '../native-memory.js';
import { directGate, type CallGate } from './gate.js';
import { takeString, type LayersApi } from './native.js';

export type LayerKind = 'debug' | 'trace';

/** A finding of the debug layer (native/debug/hdbg.h, HDbgFinding). */
export interface DebugFinding {
  kind: string;
  /** The context function, or the extension function for leaks and result checks. */
  function: string;
  /** The debug handle's id; 0 when no handle is involved. */
  handle: number;
  message: string;
  /** Type and repr of the object involved (leaks, constants): "int 123456". */
  object?: string;
  /** The handle's allocation stack, symbolized, when stack traces are on. */
  stack?: string[];
}

export interface DebugInspector {
  /** Starts a new generation: leak checks look at handles opened from then on. */
  newGeneration(): number;
  /** Records a leak finding for every handle opened since `generation` and still open. */
  checkLeaks(generation: number): number;
  /** The findings recorded since the last take, which are then forgotten. */
  takeFindings(): DebugFinding[];
  setStackLimit(frames: number): void;
}

export interface TraceInspector {
  /** Calls and nanoseconds per context member (`ctx_Dup`...), for members called at least once. */
  counts(): Record<string, { calls: number; ns: number }>;
  reset(): void;
}

/** Frames of allocation stack to capture per debug handle (default 0: none). */
export const DEBUG_STACKS_ENV = 'HPY_MATRIX_DEBUG_STACKS';

export class DebugLayer implements DebugInspector {
  readonly ptr: Pointer;
  readonly ctx: Pointer;
  constructor(private readonly api: LayersApi, inner: Pointer) {
    this.ptr = api.debugNew(inner);
    if (!this.ptr) throw new Error('the debug layer could not be created (out of memory)');
    this.ctx = api.debugBaseCtx(this.ptr);
    // Read here so that every cell of a run inherits it: capturing stacks costs per handle.
    const frames = Number(process.env[DEBUG_STACKS_ENV] ?? 0);
    if (Number.isInteger(frames) && frames > 0) this.setStackLimit(frames);
  }
  newGeneration(): number {
    return Number(this.api.newGeneration(this.ptr));
  }
  checkLeaks(generation: number): number {
    return Number(this.api.checkLeaks(this.ptr, generation));
  }
  takeFindings(): DebugFinding[] {
    const api = this.api;
    if (Number(api.findingCount(this.ptr)) === 0) return [];
    const list = JSON.parse(takeString(api, api.findingsJson(this.ptr, 0))) as DebugFinding[];
    api.clearFindings(this.ptr);
    return list;
  }
  setStackLimit(frames: number): void {
    this.api.setStackLimit(this.ptr, frames);
  }
  /** Extension calls through this layer, for a backend without trampolines. */
  gate(): CallGate {
    const { api, ptr } = this;
    return {
      initCtx: this.ctx,
      wraps: true,
      enter: (name) => api.enter(ptr, name),
      leave: (ctx) => api.leave(ptr, ctx),
      arg: (h) => Number(api.wrapArg(ptr, h)),
      argDone: (h) => api.releaseArg(ptr, h),
      result: (h) => Number(api.takeResult(ptr, h)),
      take: (h, name) => Number(api.takeOwned(ptr, h, name)),
      status: (r) => api.checkStatus(ptr, r),
    };
  }
  close(): void {
    this.api.debugFree(this.ptr);
  }
}

export class TraceLayer implements TraceInspector {
  readonly ptr: Pointer;
  readonly ctx: Pointer;
  constructor(private readonly api: LayersApi, inner: Pointer) {
    this.ptr = api.traceNew(inner);
    if (!this.ptr) throw new Error('the trace layer could not be created (out of memory)');
    this.ctx = api.traceCtx(this.ptr);
  }
  counts(): Record<string, { calls: number; ns: number }> {
    const raw = JSON.parse(takeString(this.api, this.api.traceCountsJson(this.ptr))) as Record<string, [number, number]>;
    return Object.fromEntries(Object.entries(raw).map(([k, [calls, ns]]) => [k, { calls, ns }]));
  }
  reset(): void {
    this.api.traceReset(this.ptr);
  }
  /** Extension calls with the trace context: handles are the inner context's own. */
  gate(): CallGate {
    return directGate(this.ctx);
  }
  close(): void {
    this.api.traceFree(this.ptr);
  }
}
