import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CellResult } from '../matrix/cell-result.js';
import type { MatrixResult } from '../matrix/runner.js';

/** Bumped when a field changes meaning or disappears; new fields keep the number. */
export const JSON_REPORT_SCHEMA = 1;

export interface JsonReport {
  schema: typeof JSON_REPORT_SCHEMA;
  cells: CellResult[];
}

export function jsonReport(result: MatrixResult): JsonReport {
  return { schema: JSON_REPORT_SCHEMA, cells: result.cells };
}

export async function writeJsonReport(result: MatrixResult, file: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, JSON.stringify(jsonReport(result), null, 2) + '\n');
}
