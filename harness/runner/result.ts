// What a run produces: the cells with their verdicts, the gate, where it ran, the coverage of its
// backends and the reports of the extensions its config names. Every reporter renders this and
// nothing else, and the json reporter writes all of it, so any report can be made again later
// from the JSON file alone.
import type { CoverageReport } from '../reports/coverage/table.js';
import type { ExtensionReport } from '../reports/extension/model.js';
import type { CellResult } from './cell-result.js';
import type { RunEnvironment } from './environment.js';
import type { Gate } from './gate.js';
import type { Shard } from './shard.js';

export interface MatrixResult {
  /** The matrix the cells are of: with --shard, more than the cells this run ran. */
  matrix: MatrixIdentity;
  /** Set on a run of one shard (--shard i/n): its cells are that share of the matrix. */
  shard?: Shard;
  /** One per suite × backend that ran here, suite-major, in config order (not completion order). */
  cells: CellResult[];
  durationMs: number;
  environment: RunEnvironment;
  gate: Gate;
  coverage: RunCoverage;
  /** Present when matrix.json names prebuilt extensions. */
  extensions?: RunExtension[];
}

/** Which matrix a result is of: the lists in config order, and a fingerprint of all that decides its results. */
export interface MatrixIdentity {
  suites: string[];
  backends: string[];
  /**
   * SHA-256 over the suites and backends, the extensions' file names, --grep and the
   * expectations file's entries: shard reports of one matrix have the same fingerprint.
   */
  fingerprint: string;
}

/** The coverage table of the run's backends, as their cells reported it. */
export interface RunCoverage extends CoverageReport {
  /** Backends of the run without a table, with why (no cell started the backend, say). */
  errors: Record<string, string>;
}

/** The report of a prebuilt extension named by matrix.json, probed on the run's backends, or why there is none. */
export interface RunExtension {
  file: string;
  report?: ExtensionReport;
  error?: string;
}
