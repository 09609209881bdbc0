// `hpy-matrix python-path`: the folder that makes `from hpy_matrix import universal` work.
import type { CommandModule } from 'yargs';
import { ensureHost } from '../../loader/backends/cpython/host-build.js';
import { findPython, PythonSetupError } from '../../loader/backends/cpython/python.js';

/** Prints the folder to put on PYTHONPATH for `from hpy_matrix import universal`, building it
 *  for the Python in use if needed. Exit codes: 0 printed, 2 no usable Python or compiler. */
export function runPythonPath(): void {
  try {
    console.log(ensureHost(findPython()).pythonPath);
  } catch (err) {
    if (!(err instanceof PythonSetupError)) throw err;
    console.error(`hpy-matrix python-path: ${err.message}`);
    process.exitCode = 2;
  }
}

export const pythonPathCommand: CommandModule = {
  command: 'python-path',
  describe: 'Print a folder that, on PYTHONPATH, makes `from hpy_matrix import universal` load universal binaries through our context on the Python in use ($HPY_MATRIX_PYTHON, else python3)',
  handler: () => runPythonPath(),
};
