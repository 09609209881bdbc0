// Shard reports joined into the run of the whole matrix: the cells in matrix order, the gate
// over all of them, the coverage and extension reports of every shard. Refuses reports that
// are not the shards of one run, with one line naming the file.
import type { CellResult } from './cell-result.js';
import type { Gate } from './gate.js';
import type { MatrixResult, RunCoverage } from './result.js';

/** Reports that are not the shards of one run; the message names the file at fault, if one is. */
export class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

export interface ShardReport {
  /** The file it was read from, for messages. */
  source: string;
  result: MatrixResult;
}

export function mergeResults(reports: readonly ShardReport[]): MatrixResult {
  if (reports.length === 0) throw new MergeError('no reports given');
  const first = reports[0]!;
  const shardOf = (r: ShardReport) => r.result.shard ?? { index: 1, total: 1 };
  const total = shardOf(first).total;
  const seen = new Map<number, string>();
  for (const r of reports) {
    const { index, total: n } = shardOf(r);
    if (r.result.environment.hpyMatrixVersion !== first.result.environment.hpyMatrixVersion) {
      throw new MergeError(`${r.source}: made by hpy-matrix ${r.result.environment.hpyMatrixVersion}, ${first.source} by ${first.result.environment.hpyMatrixVersion}`);
    }
    if (r.result.matrix.fingerprint !== first.result.matrix.fingerprint) {
      throw new MergeError(`${r.source}: of another matrix than ${first.source} (its suites, backends, extensions, --grep or expectations differ)`);
    }
    if (n !== total) throw new MergeError(`${r.source}: shard ${index}/${n}, but ${first.source} is one of ${total} shards`);
    const again = seen.get(index);
    if (again !== undefined) throw new MergeError(`${r.source}: shard ${index}/${n} again (${again} is that shard too)`);
    seen.set(index, r.source);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${total} missing: a merge covers the whole matrix`);
  }

  const { suites, backends } = first.result.matrix;
  const position = (c: CellResult) => suites.indexOf(c.suite) * backends.length + backends.indexOf(c.backend);
  const cells = reports.flatMap((r) => r.result.cells).sort((a, b) => position(a) - position(b));
  return {
    matrix: first.result.matrix,
    cells,
    // The shards ran side by side: the whole took as long as the longest.
    durationMs: Math.max(...reports.map((r) => r.result.durationMs)),
    environment: first.result.environment,
    gate: mergedGate(reports.map((r) => r.result.gate)),
    coverage: mergedCoverage(reports.map((r) => r.result.coverage), backends),
    ...(reports.some((r) => r.result.extensions) ? { extensions: reports.flatMap((r) => r.result.extensions ?? []) } : {}),
  };
}

/** The shards' cells are disjoint, so the whole's counts are the sums of theirs. */
function mergedGate(gates: Gate[]): Gate {
  const sum = (k: 'regressions' | 'unexpectedPasses' | 'flaky') => gates.reduce((n, g) => n + g[k], 0);
  const exitCode = gates.some((g) => g.exitCode === 2) ? 2 : gates.some((g) => g.exitCode === 1) ? 1 : 0;
  return {
    exitCode,
    regressions: sum('regressions'),
    unexpectedPasses: sum('unexpectedPasses'),
    flaky: sum('flaky'),
    ...(gates[0]!.expectationsFile === undefined ? {} : { expectationsFile: gates[0]!.expectationsFile }),
  };
}

/** A backend's table from whichever shard ran it; why it has none only when no shard has one. */
function mergedCoverage(parts: RunCoverage[], backends: readonly string[]): RunCoverage {
  const merged: RunCoverage = { schema: 1, total: parts[0]!.total, backends: {}, errors: {} };
  // In matrix order, as a whole run lists them.
  for (const backend of backends) {
    const table = parts.find((p) => p.backends[backend])?.backends[backend];
    const why = parts.find((p) => p.errors[backend] !== undefined)?.errors[backend];
    if (table) merged.backends[backend] = table;
    else if (why !== undefined) merged.errors[backend] = why;
  }
  return merged;
}
