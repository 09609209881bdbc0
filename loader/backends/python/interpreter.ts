// Finding the interpreter of `python:<interpreter>`: a command looked up on PATH, or a path (it
// holds a slash). Done before anything is started, so that each way of not being there has its
// own message instead of a spawn error that arrives later and says less.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../package-root.js';

/** The interpreter cannot be started; the message says why, naming the backend. */
export class InterpreterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterpreterError';
  }
}

/** `python:<interpreter>` as messages name it. */
export function interpreterLabel(interpreter: string): string {
  return `python:${interpreter}`;
}

/** The executable `interpreter` names, as an absolute path. */
export function resolveInterpreter(interpreter: string, env: NodeJS.ProcessEnv = process.env): string {
  const label = interpreterLabel(interpreter);
  if (interpreter.includes('/')) {
    const file = path.resolve(interpreter);
    const problem = notRunnable(file);
    if (problem) throw new InterpreterError(`${label}: ${interpreter} ${problem}`);
    return file;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.resolve(dir, interpreter);
    if (notRunnable(file) === undefined) return file;
  }
  throw new InterpreterError(`${label}: '${interpreter}' was not found on PATH`);
}

/** Why `file` cannot be run, or undefined when it can. */
function notRunnable(file: string): string | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    return 'does not exist';
  }
  if (!isFile) return 'is not a file';
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'is not executable';
  }
  return undefined;
}

/** The driver the interpreter runs: plain Python, shipped beside this module's source. */
export function driverScript(): string {
  return path.join(packageRoot(), 'loader', 'backends', 'python', 'driver.py');
}
