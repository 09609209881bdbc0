// The parent side of a pytest cell: an extension's own Python tests, run by pytest in the
// Python the cpython backend uses, with hpy-matrix as `hpy` (universal, debug or trace mode by the
// backend's layer) in that process and every Python process it starts; or, on
// python:<interpreter>, in that interpreter with its own HPy. Our pytest plugin
// (native/python/pytest/hpy_matrix_pytest.py) writes the same events as a mocha cell, so the
// result, the gate and every reporter are the same.
import path from 'node:path';
import { preparedPython } from '../../loader/backends/cpython/host-build.js';
import { parseBackendName } from '../../loader/backends/names.js';
import { askInterpreter } from '../../loader/backends/python/describe.js';
import { refusal } from '../../loader/backends/python/handshake.js';
import { interpreterLabel, InterpreterError } from '../../loader/backends/python/interpreter.js';
import type { LayerKind } from '../../loader/layers/layers.js';
import { packageRoot } from '../../loader/package-root.js';
import type { CellEvent } from '../cell/protocol.js';
import { runIsolated, type IsolatedRun } from '../child/run-isolated.js';
import { cellResult, type CellResult } from './cell-result.js';
import type { SuiteRef } from './config.js';

/** pytest's exit codes of a session that ran: 0 all passed, 1 some failed, 5 none collected. */
const RAN = [0, 1, 5];
const MODES = { none: 'universal', debug: 'debug', trace: 'trace' } as const;

/** Why `backend` cannot run a pytest suite, or undefined when it can. */
export function pytestSkipReason(backend: string): string | undefined {
  const base = parseBackendName(backend)?.base;
  if (base === 'cpython' || base === 'python') return undefined;
  return `pytest suites need a Python interpreter, and ${backend} has none (they run on cpython and python:<interpreter>, under debug: and trace: too)`;
}

/** The plugin's folder: on the path of every pytest cell, beside neither `hpy` nor `hpy_matrix`. */
const PLUGIN_DIR = path.join(packageRoot(), 'native', 'python', 'pytest');

/** The Python that runs a cell's pytest, and what goes on its path before the suite's own. */
interface PytestPython {
  executable: string;
  path: string[];
}

/** The suite's pythonPath, then the user's PYTHONPATH. */
function suitePath(job: PytestCellJob): string[] {
  return [...(job.suite.pythonPath ?? []), ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])];
}

/** On cpython: the backend's Python with hpy-matrix as its `hpy`. */
function cpythonPython(job: PytestCellJob): PytestPython | string {
  const prepared = preparedPython(job.env);
  if (prepared === undefined) return `backend '${job.backend}' did not start: ${job.problem ?? 'its Python was not prepared'}`;
  // Our `hpy` first: it must win over an installed HPy, in this process and its children.
  return { executable: prepared.python.executable, path: [path.join(packageRoot(), 'native', 'python', 'shim'), prepared.host.pythonPath] };
}

/** On python:<interpreter>: that interpreter with its own HPy, refused as its mocha cells are. */
function externalPython(job: PytestCellJob, interpreter: string, layer: LayerKind | null): PytestPython | string {
  const label = interpreterLabel(interpreter);
  let asked;
  try {
    // With the path the tests get: the suite's pythonPath may be what brings its HPy.
    asked = askInterpreter(interpreter, { ...process.env, PYTHONPATH: suitePath(job).join(path.delimiter) });
  } catch (err) {
    const why = err instanceof InterpreterError ? err.message : `${label}: it did not describe itself: ${(err as Error).message.split('\n', 1)[0]}`;
    return `backend '${job.backend}' did not start: ${why}`;
  }
  const refused = refusal(label, asked.hello, layer);
  if (refused) return `backend '${job.backend}' did not start: ${refused}`;
  return { executable: asked.executable, path: [] };
}

export interface PytestCellJob {
  suite: SuiteRef;
  backend: string;
  /** The environment the runner prepared for the backend: the Python and the host built for it. */
  env: Record<string, string>;
  /** Why preparing the backend failed, if it did. */
  problem?: string;
  grep?: string;
  skip: string[];
  timeoutMs: number;
  maxMemoryBytes: number;
  resultsDir: string;
}

export async function runPytestCell(job: PytestCellJob): Promise<CellResult> {
  const cell = { suite: job.suite.name, backend: job.backend };
  const failed = (error: string): CellResult => ({ ...cell, status: 'ERROR', passed: 0, failed: 0, skipped: 0, durationMs: 0, tests: [], error });
  const parsed = parseBackendName(job.backend);
  const layer = parsed?.layer ?? null;
  const python = parsed?.base === 'python' ? externalPython(job, parsed.interpreter!, layer) : cpythonPython(job);
  if (typeof python === 'string') return failed(python);
  const pythonPath = [...python.path, PLUGIN_DIR, ...suitePath(job)];
  const run = await runIsolated<CellEvent>({
    command: python.executable,
    args: ['-m', 'pytest', '-p', 'hpy_matrix_pytest', '-p', 'no:cacheprovider', '-q', '--color=no', job.suite.dir, ...(job.suite.args ?? [])],
    resultsEnv: 'HPY_MATRIX_RESULTS',
    cwd: job.suite.dir,
    env: {
      ...job.suite.env,
      PYTHONPATH: pythonPath.join(path.delimiter),
      // Read by the stub loaders HPy's build tools write (and by ours): the mode to load in.
      HPY: MODES[layer ?? 'none'],
      // pytest colours what it prints before it reads --color=no when FORCE_COLOR is set at all.
      PY_COLORS: '0',
      ...(layer === 'debug' ? { HPY_MATRIX_LEAK_CHECK: '1' } : {}),
      ...(job.grep === undefined ? {} : { HPY_MATRIX_GREP: job.grep }),
      ...(job.skip.length === 0 ? {} : { HPY_MATRIX_SKIP: JSON.stringify(job.skip) }),
    },
    timeoutMs: job.timeoutMs,
    maxMemoryBytes: job.maxMemoryBytes,
    resultsDir: job.resultsDir,
  });
  const missing = missingPytest(run, python.executable);
  if (missing !== undefined) return { ...failed(missing), durationMs: Math.round(run.durationMs) };
  return cellResult(cell, { ...run, output: fatalErrorFirst(run.output) }, RAN);
}

/**
 * Python's report of a fatal signal (faulthandler, which pytest turns on) lists the innermost
 * frame first; the cell keeps the end of the output, so the report is cut to its first lines.
 */
function fatalErrorFirst(output: string): string {
  const at = output.indexOf('Fatal Python error');
  return at < 0 ? output : output.slice(at).split('\n').slice(0, FATAL_LINES).join('\n');
}

const FATAL_LINES = 12;

/** A Python without pytest says so before any event; the message says what to install. */
function missingPytest(run: IsolatedRun<CellEvent>, python: string): string | undefined {
  if (run.events.length > 0 || !/No module named pytest/.test(run.output)) return undefined;
  return pytestNotInstalled(python);
}

/** What to install for pytest in `python` (pytest cells and `init --pytest` say the same). */
export function pytestNotInstalled(python: string): string {
  return `pytest is not installed for ${python}: install it (apt-get install python3-pytest, or ${python} -m pip install pytest)`;
}
