// The interpreter's own debug and trace modes as the Backend contract's inspectors, so that a cell
// on debug:python:<interpreter> checks each test for leaked handles (hpy.universal._debug's
// generations) and one on trace:python:<interpreter> reports calls per context function
// (hpy.trace), as the cells on our own layers do.
import type { DebugFinding, DebugInspector, TraceInspector } from '../../layers/layers.js';

/** One round trip to the driver: an operation of driver.py and its arguments. */
export type Request = (op: string, ...args: unknown[]) => unknown;

interface Leak {
  handle: number;
  object: string | null;
  stack: string[] | null;
}

export class InterpreterDebug implements DebugInspector {
  private readonly found: DebugFinding[] = [];
  constructor(private readonly request: Request) {}

  newGeneration(): number {
    return this.request('debug_generation') as number;
  }

  checkLeaks(generation: number): number {
    const leaks = this.request('debug_leaks', generation) as Leak[];
    for (const leak of leaks) {
      this.found.push({
        kind: 'leak',
        // HPy's debug mode does not record which extension function opened a handle.
        function: '?',
        handle: leak.handle,
        message: `handle ${leak.handle} was never closed`,
        ...(leak.object === null ? {} : { object: leak.object }),
        ...(leak.stack ? { stack: leak.stack } : {}),
      });
    }
    return leaks.length;
  }

  takeFindings(): DebugFinding[] {
    // Findings other than leaks exist only where the debug mode records them (hpy-matrix's own);
    // HPy's aborts the process instead, which the cell reports as a crash.
    const recorded = this.request('debug_findings') as DebugFinding[];
    return [...this.found.splice(0), ...recorded];
  }

  setStackLimit(frames: number): void {
    this.request('debug_stack_limit', frames);
  }
}

export class InterpreterTrace implements TraceInspector {
  constructor(private readonly request: Request) {}

  counts(): Record<string, { calls: number; ns: number }> {
    const raw = this.request('trace_counts') as Record<string, [number, number]>;
    return Object.fromEntries(Object.entries(raw).map(([name, [calls, ns]]) => [name, { calls, ns }]));
  }

  reset(): void {
    this.request('trace_reset');
  }
}
