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

// Callbacks run so far by the registries made with watchedRegistry, in this process. Only ever
// compared before and after a round: another backend's callbacks can make collectUntilQuiet
// run one round more, never one less.
let callbacksRun = 0;

/**
 * A FinalizationRegistry whose callbacks collectUntilQuiet waits for: every registry whose
 * callback may release what keeps other objects alive must be one of these.
 */
export function watchedRegistry<T>(cleanup: (held: T) => void): FinalizationRegistry<T> {
  return new FinalizationRegistry<T>((held) => {
    callbacksRun++;
    cleanup(held);
  });
}

// V8 runs the callbacks of one registry per task and queues the next registry's task behind it;
// node runs the tasks queued by then once per turn of its event loop. A round waits at least
// this many turns, and more while callbacks still run.
const MIN_TURNS = 8;
const MAX_TURNS = 1000;
const MAX_ROUNDS = 100;

/**
 * Full collections until one runs no callback of a watchedRegistry (a callback that drops the
 * last reference to another object makes it collectable only in the next round). `settle`
 * runs after each round's callbacks, e.g. another collector; it returns whether it freed
 * anything, which asks for one round more. Returns the rounds run: 1 when nothing was due.
 * Throws when objects are still dying after MAX_ROUNDS (a finalizer that makes new garbage
 * each time), rather than let a test go on as if they were all gone.
 */
export async function collectUntilQuiet(settle?: () => boolean): Promise<number> {
  for (let round = 1; ; round++) {
    const before = callbacksRun;
    collectJsGarbage();
    for (let turn = 1, last = callbacksRun; ; turn++, last = callbacksRun) {
      await nextTurn();
      if ((turn >= MIN_TURNS && callbacksRun === last) || turn === MAX_TURNS) break;
    }
    const freed = settle?.() ?? false;
    if (callbacksRun === before && !freed) return round;
    if (round === MAX_ROUNDS) throw new Error(`garbage collection did not settle: objects were still being freed after ${MAX_ROUNDS} rounds`);
  }
}

/** Resolves in the check phase of the event loop's next turn, after its tasks ran. */
const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
