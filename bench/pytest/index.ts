// bench/pytest: what a pytest cell costs against running the same pytest command directly, in
// the same Python with the same hpy (hpy-matrix's drop-in) and the same mode. Alternating
// rounds: the direct run's wall time, the cell's own duration (what the matrix reports), and
// the whole `hpy-matrix run` of that one cell (Node's start, the config, the Python query).
// Ratios against the direct run of the same round; nothing here passes or fails on time.
//
//   npm run bench:pytest [-- --rounds 5] [-- --suite DIR --python-path DIR --arg=-k --arg='not x']
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { ensureHost } from '../../dist/loader/backends/cpython/host-build.js';
import { findPython } from '../../dist/loader/backends/cpython/python.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'bin/hpy-matrix.js');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    suite: { type: 'string' },
    'python-path': { type: 'string', multiple: true },
    arg: { type: 'string', multiple: true },
    backend: { type: 'string', default: 'cpython' },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds <= 0) {
  console.error(`bench/pytest: --rounds must be a positive integer, got '${values.rounds}'`);
  process.exit(2);
}

const tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-bench-pytest-'));
try {
  let suite = values.suite === undefined ? undefined : path.resolve(values.suite);
  let pythonPath = (values['python-path'] ?? []).map((p) => path.resolve(p));
  if (suite === undefined) {
    // Our own fixture suite, its extension built with the stub loader beside it.
    suite = path.join(ROOT, 'test/fixtures/suites/pytest-ok');
    const build = path.join(tmp, 'build');
    await execa(process.execPath, [CLI, 'build', path.join(ROOT, 'test/fixtures/pytest/pyext.c'), '-o', path.join(build, 'pyext.hpy0.so'), '--stub']);
    pythonPath = [build];
  }
  const args = values.arg ?? [];
  const python = findPython();
  const host = ensureHost(python);
  const mode = values.backend.startsWith('debug:') ? 'debug' : values.backend.startsWith('trace:') ? 'trace' : 'universal';
  const config = path.join(tmp, 'matrix.json');
  await writeFile(config, JSON.stringify({ backends: [values.backend], suites: [{ path: suite, pythonPath, args }] }));

  const direct = async () => {
    const started = performance.now();
    await execa(python.executable, ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', '--color=no', suite, ...args], {
      cwd: suite, reject: false,
      env: { PYTHONPATH: [path.join(ROOT, 'native/python/shim'), host.pythonPath, ...pythonPath].join(path.delimiter), HPY: mode },
    });
    return performance.now() - started;
  };
  const matrix = async () => {
    const started = performance.now();
    const run = await execa(process.execPath, [CLI, 'run', '--config', config, '--reporter', 'json'], { cwd: tmp, reject: false });
    const whole = performance.now() - started;
    const cell = (JSON.parse(run.stdout) as { cells: Array<{ durationMs: number; status: string; passed: number }> }).cells[0]!;
    return { whole, cell: cell.durationMs, status: `${cell.status} ${cell.passed} passed` };
  };

  // One of each first, unmeasured: the build cache, the host and Python's bytecode are warm after it.
  await direct();
  const first = await matrix();
  console.log(`suite ${path.relative(ROOT, suite) || suite} on ${values.backend}: ${first.status}`);
  console.log('round   direct s   cell s   whole run s   cell/direct   whole/direct');
  const cellRatios: number[] = [];
  const wholeRatios: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    const d = await direct();
    const m = await matrix();
    cellRatios.push(m.cell / d);
    wholeRatios.push(m.whole / d);
    console.log(`${String(r).padStart(5)}   ${(d / 1000).toFixed(2).padStart(8)}   ${(m.cell / 1000).toFixed(2).padStart(6)}   ${(m.whole / 1000).toFixed(2).padStart(11)}   ${(m.cell / d).toFixed(2).padStart(11)}   ${(m.whole / d).toFixed(2).padStart(12)}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`a pytest cell against pytest run directly: ${median(cellRatios).toFixed(2)}x (median of ${rounds}; goal: at most 1.3x)`);
  console.log(`the whole hpy-matrix run of that one cell: ${median(wholeRatios).toFixed(2)}x (Node's start, the config and the Python query included)`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
