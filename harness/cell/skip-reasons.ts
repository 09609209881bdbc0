// Why a test was skipped, as the suite said it (`skip(this, reason)`), for the reports: mocha's
// own skip takes no reason. A reason given in a hook applies to every test of its describe.
import type Mocha from 'mocha';

const reasons = new WeakMap<Mocha.Runnable | Mocha.Suite, string>();

/** Records why `ctx`'s test (or, from a `before` hook, every test of the hook's describe) is skipped. */
export function noteSkipReason(ctx: Mocha.Context, reason: string): void {
  const runnable = ctx.test;
  if (!runnable) return;
  let owner: Mocha.Runnable | Mocha.Suite | undefined = runnable;
  if ((runnable as { type?: string }).type === 'hook') {
    // A skip in "before each" skips the one test it runs for; in "before all", the describe.
    const title = (runnable as { originalTitle?: string }).originalTitle ?? runnable.title;
    owner = title.startsWith('"before each"') ? ctx.currentTest : runnable.parent;
  }
  if (owner) reasons.set(owner, reason);
}

/** The reason recorded for a skipped test, or for the nearest describe around it. */
export function skipReason(test: Mocha.Test): string | undefined {
  const own = reasons.get(test);
  if (own !== undefined) return own;
  for (let suite: Mocha.Suite | undefined = test.parent; suite; suite = suite.parent) {
    const r = reasons.get(suite);
    if (r !== undefined) return r;
  }
  return undefined;
}
