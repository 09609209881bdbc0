// The worker thread in which the runner prepares the backends (loader/backends/prepare.ts): that
// work is synchronous (a Python query, compiles on a cold cache), and on the runner's own thread
// it would hold back the cells that do not need it. Posts each step's environment as it is
// done, or an empty one when the step failed: its cells then fail on their own, with the message.
import { parentPort, workerData } from 'node:worker_threads';
import { preparations } from '../../loader/backends/prepare.js';

for (const step of preparations(workerData as string[])) {
  let env: Record<string, string> = {};
  try {
    env = step.run();
  } catch {
    // Reported by each cell of these backends, as ERROR.
  }
  parentPort!.postMessage({ backends: step.backends, env });
}
