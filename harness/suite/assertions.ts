// Assertions about Python exceptions, shared by every suite.
import { AssertionError } from 'node:assert';
import { PythonError } from '../../loader/backend.js';

/**
 * Runs `f` and returns the PythonError it raised. Fails when `f` raises nothing or something
 * else, when `type` is given and the exception class name differs, and when `message` is given
 * and `str()` of the exception is not equal to it (a string) or does not match it (a RegExp).
 */
export function raises(f: () => unknown, type?: string, message?: string | RegExp): PythonError {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  const fail = (what: string, actual?: unknown, expected?: unknown): never => {
    throw new AssertionError({ message: what, actual, expected, stackStartFn: raises });
  };
  if (error === undefined) fail(`expected ${type ?? 'a Python exception'}, but nothing was raised`);
  if (!(error instanceof PythonError)) {
    fail(`expected ${type ?? 'a Python exception'}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  const e = error as PythonError;
  if (type !== undefined && e.type !== type) fail(`expected ${type}, got ${e.message}`, e.type, type);
  if (typeof message === 'string' && e.pyMessage !== message) fail(`unexpected message of ${e.type}`, e.pyMessage, message);
  if (message instanceof RegExp && !message.test(e.pyMessage)) {
    fail(`message of ${e.type} does not match ${message}: ${JSON.stringify(e.pyMessage)}`, e.pyMessage, message);
  }
  return e;
}
