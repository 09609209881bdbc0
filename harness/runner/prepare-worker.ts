// The worker thread in which the runner prepares the backends (loader/backends/prepare.ts): that
// work is synchronous (a Python query, compiles on a cold cache), and on the runner's own thread
// it would hold back the cells that do not need it. Posts each step's environment as it is
// done, or an empty one and the error when the step failed.
import { parentPort, workerData } from 'node:worker_threads';
import { preparations } from '../../loader/backends/prepare.js';

for (const step of preparations(workerData as string[])) {
  let env: Record<string, string> = {};
  let error: string | undefined;
  try {
    env = step.run();
  } catch (err) {
    // Mocha cells of these backends meet it again and report it as their ERROR; pytest cells,
    // which the runner starts in that Python itself, report this message.
    error = err instanceof Error ? err.message : String(err);
  }
  parentPort!.postMessage({ backends: step.backends, env, ...(error === undefined ? {} : { error }) });
}
