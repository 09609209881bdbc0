// When objects of the reference backend die. JavaScript's collector owns them; native
// resources tied to an object (HPy payloads, capsule destructors) are released by death
// actions that run once the object is gone. An action must not reference its object, or the
// object would never die.
import { collectUntilQuiet, watchedRegistry } from '../../../js-gc.js';

export class Lifetime {
  private readonly actions = new Map<number, () => void>();
  private nextToken = 1;
  private readonly registry = watchedRegistry<number>((token) => this.run(token));

  /** `report` receives what an action threw: it must not throw itself. */
  constructor(private readonly report: (e: unknown) => void) {}

  /** Runs `action` after `target` has been collected (or when the backend closes). */
  watch(target: object, action: () => void): void {
    const token = this.nextToken++;
    this.actions.set(token, action);
    this.registry.register(target, token);
  }

  /** Objects watched and not yet dead. */
  get watched(): number {
    return this.actions.size;
  }

  private run(token: number): void {
    const action = this.actions.get(token);
    if (!action) return;
    this.actions.delete(token);
    try {
      action();
    } catch (e) {
      this.report(e);
    }
  }

  /** Collects garbage until no more objects die, their actions run. */
  async collect(): Promise<void> {
    await collectUntilQuiet();
  }

  /** Runs every pending action, oldest first, including those the actions add: the backend is closing. */
  close(): void {
    for (let round = 0; this.actions.size && round < 100; round++) {
      for (const token of [...this.actions.keys()]) this.run(token);
    }
  }
}
