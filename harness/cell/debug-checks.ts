// In a cell on a debug backend, every test runs under a leak check: handles the extension
// opened during the test and left open, and anything else the debug layer found, fail the test
// with one line per finding. Findings made outside any test (in hooks) fail a root after-all
// hook instead, so none is lost.
import type Mocha from 'mocha';
import type { DebugFinding, DebugInspector } from '../../loader/layers/layers.js';
import type { Session } from '../suite/session.js';

export class DebugFindingsError extends Error {
  override readonly name = 'DebugFindingsError';
  constructor(readonly findings: DebugFinding[]) {
    super(summarizeFindings(findings));
    // The findings are the whole story; the stack would only show this file.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * One line per finding; leaks grouped by the extension function that opened them:
 * "leak: 2 handles opened in 'f' were never closed (int 1, str 'a')".
 */
export function summarizeFindings(findings: DebugFinding[]): string {
  const lines: string[] = [];
  const leaks = new Map<string, string[]>();
  for (const f of findings) {
    if (f.kind !== 'leak') {
      lines.push(`${f.kind}: ${f.message}`);
      continue;
    }
    const what = f.object ?? 'an object';
    leaks.set(f.function, [...(leaks.get(f.function) ?? []), what]);
  }
  for (const [fn, objects] of leaks) {
    const n = objects.length;
    lines.unshift(`leak: ${n} handle${n === 1 ? '' : 's'} opened in '${fn}' ${n === 1 ? 'was' : 'were'} never closed (${objects.join(', ')})`);
  }
  return lines.join('\n');
}

/** The findings since the test began (or since the last take), leaks included. */
export function takeTestFindings(session: Session, debug: DebugInspector): DebugFinding[] {
  debug.checkLeaks(session.debugGeneration);
  const found = debug.takeFindings();
  session.debugGeneration = debug.newGeneration();
  return found;
}

function forEachTest(suite: Mocha.Suite, f: (test: Mocha.Test) => void): void {
  for (const test of suite.tests) f(test);
  for (const child of suite.suites) forEachTest(child, f);
}

export function checkEachTest(root: Mocha.Suite, session: Session, debug: DebugInspector): void {
  const outside: DebugFinding[] = [];
  forEachTest(root, (test) => {
    const body = test.fn;
    if (!body) return;
    test.fn = async function (this: Mocha.Context) {
      outside.push(...debug.takeFindings());
      session.debugGeneration = debug.newGeneration();
      try {
        await (body.length > 0
          ? new Promise<void>((resolve, reject) => (body as Mocha.Func).call(this, (e?: unknown) => (e ? reject(e) : resolve())))
          : (body as Mocha.AsyncFunc).call(this));
      } catch (e) {
        // The test's own failure comes first; what the layer found goes with it.
        const found = takeTestFindings(session, debug);
        if (found.length && e instanceof Error) e.message += `\n${summarizeFindings(found)}`;
        throw e;
      }
      const found = takeTestFindings(session, debug);
      if (found.length) throw new DebugFindingsError(found);
    };
  });
  root.afterAll('debug findings outside tests', () => {
    outside.push(...debug.takeFindings());
    if (outside.length) throw new DebugFindingsError(outside.splice(0));
  });
}
