// The json reporter writes the whole result; parseJsonReport reads one back for other reporters.
import type { MatrixResult } from '../../runner/result.js';
import { findDisagreements, type Disagreement } from './disagreements.js';

/** Bumped when a field changes meaning or disappears; new fields keep the number. */
export const JSON_REPORT_SCHEMA = 1;

/**
 * The json reporter's document: the whole result, and the tests whose results differ between
 * backends of one layer (derived from the cells; docs/reports.md describes every field).
 */
export type JsonReport = { schema: typeof JSON_REPORT_SCHEMA } & MatrixResult & { disagreements?: Disagreement[] };

export function jsonReport(result: MatrixResult): JsonReport {
  return {
    schema: JSON_REPORT_SCHEMA,
    matrix: result.matrix,
    ...(result.shard === undefined ? {} : { shard: result.shard }),
    durationMs: result.durationMs,
    environment: result.environment,
    gate: result.gate,
    cells: result.cells,
    coverage: result.coverage,
    ...(result.extensions === undefined ? {} : { extensions: result.extensions }),
    disagreements: findDisagreements(result.cells),
  };
}

export function formatJsonReport(result: MatrixResult): string {
  return JSON.stringify(jsonReport(result), null, 2) + '\n';
}

/**
 * A run read back from a json report, to render it again with any reporter. Throws an Error
 * with one line naming `source` when the text is not a json report this version can read.
 */
export function parseJsonReport(text: string, source: string): MatrixResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`);
  }
  const report = doc as Partial<JsonReport> | null;
  if (typeof report !== 'object' || report === null || Array.isArray(report)) throw new Error(`${source}: not a json report of hpy-matrix run (not an object)`);
  if (report.schema !== JSON_REPORT_SCHEMA) {
    throw new Error(`${source}: json report schema ${JSON.stringify(report.schema)}, this hpy-matrix reads schema ${JSON_REPORT_SCHEMA}`);
  }
  const missing = (['matrix', 'durationMs', 'environment', 'gate', 'cells', 'coverage'] as const).filter((k) => report[k] === undefined);
  if (missing.length > 0) throw new Error(`${source}: not a complete json report (no ${missing.join(', ')})`);
  if (!Array.isArray(report.cells)) throw new Error(`${source}: 'cells' is not a list`);
  return {
    matrix: report.matrix!,
    ...(report.shard === undefined ? {} : { shard: report.shard }),
    cells: report.cells,
    durationMs: report.durationMs!,
    environment: report.environment!,
    gate: report.gate!,
    coverage: report.coverage!,
    ...(report.extensions === undefined ? {} : { extensions: report.extensions }),
  };
}
