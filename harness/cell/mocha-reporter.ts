// The cell's mocha reporter: mocha's events as cell events, written as they happen.
import Mocha from 'mocha';
import { DebugFindingsError } from './debug-checks.js';
import type { CellEvent } from './protocol.js';
import { skipReason } from './skip-reasons.js';

export type EventSink = (event: CellEvent) => void;

const {
  EVENT_TEST_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING,
} = Mocha.Runner.constants;

/**
 * Mocha reporter that turns runner events into cell events. Mocha constructs reporters
 * itself, so the sink arrives through reporterOptions.
 */
export class CellReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const sink = (options?.reporterOptions as { sink?: EventSink } | undefined)?.sink;
    if (!sink) throw new Error('CellReporter needs reporterOptions.sink');

    runner.on(EVENT_TEST_BEGIN, (test: Mocha.Test) => {
      sink({ event: 'test-begin', title: test.fullTitle() });
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      sink({ event: 'test-end', title: test.fullTitle(), status: 'passed', durationMs: test.duration ?? 0 });
    });
    // Also fires for failing hooks (before all, afterEach...), which have no test of their
    // own: they are reported under the hook's title so the failure is not lost.
    runner.on(EVENT_TEST_FAIL, (runnable: Mocha.Runnable, err: unknown) => {
      const setupFailure = extensionFailure(err);
      if (setupFailure) sink(setupFailure);
      const findings = err instanceof DebugFindingsError ? { findings: err.findings } : {};
      sink({
        event: 'test-end', title: runnable.fullTitle(), status: 'failed',
        error: describeError(err), durationMs: runnable.duration ?? 0, ...findings,
      });
    });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      const reason = skipReason(test);
      sink({ event: 'test-end', title: test.fullTitle(), status: 'skipped', durationMs: 0, ...(reason === undefined ? {} : { reason }) });
    });
  }
}

/**
 * An extension that did not build or load makes the whole cell ERROR, whichever test or hook
 * hit it: the suite did not get to test the backend. Recognised by name, not class, so that
 * a suite with its own copy of hpy-matrix is recognised too.
 */
function extensionFailure(err: unknown): CellEvent | undefined {
  if (!(err instanceof Error)) return undefined;
  const fields = err as Error & { file?: unknown; reason?: unknown; output?: unknown };
  if (err.name === 'BuildError' && typeof fields.file === 'string' && typeof fields.reason === 'string') {
    const output = typeof fields.output === 'string' && fields.output !== '' ? { output: fields.output } : {};
    return { event: 'error', message: `extension did not build: ${fields.file}: ${fields.reason}`, ...output };
  }
  if (err.name === 'LoadError') return { event: 'error', message: `extension did not load: ${err.message}` };
  return undefined;
}

/** The error's stack when it carries the message (V8 stacks do), else name and message. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const headline = `${err.name}: ${err.message}`;
  if (typeof err.stack === 'string' && err.stack.includes(err.message)) return err.stack;
  return err.stack ? `${headline}\n${err.stack}` : headline;
}
