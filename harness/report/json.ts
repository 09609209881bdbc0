import type { CellResult } from '../matrix/cell-result.js';
import type { MatrixResult } from '../matrix/runner.js';

/** Bumped when a field changes meaning or disappears; new fields keep the number. */
export const JSON_REPORT_SCHEMA = 1;

/** The json reporter's document; every field is described in the README. */
export interface JsonReport {
  schema: typeof JSON_REPORT_SCHEMA;
  durationMs: number;
  environment: MatrixResult['environment'];
  gate: MatrixResult['gate'];
  cells: CellResult[];
}

export function jsonReport(result: MatrixResult): JsonReport {
  return {
    schema: JSON_REPORT_SCHEMA,
    durationMs: result.durationMs,
    environment: result.environment,
    gate: result.gate,
    cells: result.cells,
  };
}

export function formatJsonReport(result: MatrixResult): string {
  return JSON.stringify(jsonReport(result), null, 2) + '\n';
}
