// Forcing JavaScript's garbage collector, for backends whose objects are released by
// FinalizationRegistry callbacks (the suite API's proxies, the reference backend's objects).
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';

let fullGc: (() => void) | undefined;
/** A full, synchronous collection; works without `--expose-gc` on the command line. */
export function collectJsGarbage(): void {
  if (!fullGc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) fullGc = exposed;
    else {
      // node:v8 pulls in node's streams: loaded only when a collection is asked for.
      const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
      v8.setFlagsFromString('--expose-gc');
      fullGc = runInNewContext('gc') as () => void;
    }
  }
  fullGc();
}

/** Resolves after the task queue has run once: FinalizationRegistry callbacks are tasks. */
export const nextTask = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 0));
