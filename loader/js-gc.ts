// Forcing JavaScript's garbage collector, for backends whose objects are released by
// FinalizationRegistry callbacks (the suite API's proxies, the reference backend's objects).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let fullGc: (() => void) | undefined;
/** A full, synchronous collection; works without `--expose-gc` on the command line. */
export function collectJsGarbage(): void {
  if (!fullGc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) fullGc = exposed;
    else {
      setFlagsFromString('--expose-gc');
      fullGc = runInNewContext('gc') as () => void;
    }
  }
  fullGc();
}

/** Resolves after the task queue has run once: FinalizationRegistry callbacks are tasks. */
export const nextTask = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 0));
