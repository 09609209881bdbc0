// What a run's report says about its external interpreters: each one's implementation, version
// and HPy, asked once by the runner's set-up (driver.py --describe), refused ones included.
import { execFileSync } from 'node:child_process';
import type { Hello } from './handshake.js';
import { driverScript, interpreterLabel, resolveInterpreter } from './interpreter.js';

/** Set by the runner's set-up for its environment report: interpreter label → what it is. */
export const INTERPRETERS_ENV = 'HPY_MATRIX_INTERPRETERS';

/** One interpreter as reports show it, or why it could not be asked. */
export interface InterpreterInfo {
  implementation?: string;
  version?: string;
  implementationVersion?: string;
  executable?: string;
  /** Its hpy.universal's version; null when it has none. */
  hpy?: string | null;
  error?: string;
}

/**
 * What the interpreter and its HPy say of themselves (driver.py --describe), without loading
 * anything. Throws InterpreterError when there is no such interpreter, or an Error with the
 * first line of why it did not answer.
 */
export function askInterpreter(interpreter: string, env: NodeJS.ProcessEnv = process.env): { executable: string; hello: Hello } {
  const executable = resolveInterpreter(interpreter, env);
  const hello = JSON.parse(execFileSync(executable, [driverScript(), '--describe'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, env })) as Hello;
  return { executable, hello };
}

export function describeInterpreters(interpreters: string[]): Record<string, string> {
  const about: Record<string, InterpreterInfo> = {};
  for (const interpreter of new Set(interpreters)) {
    const label = interpreterLabel(interpreter);
    try {
      const { hello } = askInterpreter(interpreter);
      about[label] = {
        implementation: hello.implementation, version: hello.version, implementationVersion: hello.implementationVersion,
        executable: hello.executable, hpy: hello.hpy?.version ?? null,
      };
    } catch (err) {
      about[label] = { error: (err as Error).message.split('\n', 1)[0]! };
    }
  }
  return { [INTERPRETERS_ENV]: JSON.stringify(about) };
}
