// The worker thread in which the runner prepares the backends (loader/backends' prepareBackends):
// that work is synchronous (a Python query, a compile on a cold cache), and on the runner's own
// thread it would hold back the cells that do not need it. Posts the cells' environment, or
// an empty one when preparing failed: those cells then fail on their own with the message.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareBackends } from '../../loader/backends/prepare.js';

let env: Record<string, string> = {};
try {
  env = prepareBackends(workerData as string[]);
} catch {
  // Reported by each cell that needs the backend, as ERROR.
}
parentPort!.postMessage(env);
