// The expectations file: what the gate compares a run with. Entries are keyed by suite ×
// backend × optional test full title; see the README ("The expectations file") for the format.
import { readFile, writeFile } from 'node:fs/promises';
import { ConfigError, parseJsonText } from './json-text.js';

export const EXPECTATIONS_SCHEMA = 1;

/** Statuses a cell-level entry may give: a cell that fails is described by its failing tests. */
export const CELL_EXPECTED_STATUSES = ['ERROR', 'CRASH', 'TIMEOUT', 'SKIP'] as const;
/** Statuses a test-level entry may give: 'SKIP' means the test is not run at all. */
export const TEST_EXPECTED_STATUSES = ['failed', 'SKIP'] as const;

export type CellExpectedStatus = (typeof CELL_EXPECTED_STATUSES)[number];
export type TestExpectedStatus = (typeof TEST_EXPECTED_STATUSES)[number];

export interface Expectation {
  suite: string;
  /** A backend name, or '*' for every backend (an exact entry wins over '*'). */
  backend: string;
  /** Full title of a test; absent for an entry about the whole cell. */
  test?: string;
  /** Absent for a flaky entry, which expects a pass, possibly after retries. */
  status?: CellExpectedStatus | TestExpectedStatus;
  flaky?: { retries: number };
  reason: string;
}

export interface Expectations {
  file: string;
  entries: Expectation[];
}

export const TODO_REASON = 'TODO: explain';
const KEYS = ['suite', 'backend', 'test', 'status', 'flaky', 'reason'];
const MAX_RETRIES = 10;

/** Reads and validates an expectations file; every problem names the file and the entry. */
export async function readExpectations(file: string): Promise<Expectations> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, code === 'ENOENT' ? 'no such file (the expectations file named by the matrix)' : `cannot read (${code ?? String(err)})`);
  }
  return { file, entries: parseExpectations(file, parseJsonText(file, text)) };
}

export function parseExpectations(file: string, raw: unknown): Expectation[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, `must be a JSON object like {"schema": ${EXPECTATIONS_SCHEMA}, "expectations": []}`);
  }
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => key !== 'schema' && key !== 'expectations');
  if (unknown !== undefined) throw new ConfigError(file, `unknown key '${unknown}' (allowed: schema, expectations)`);
  if (fields.schema !== EXPECTATIONS_SCHEMA) {
    throw new ConfigError(file, `'schema' must be ${EXPECTATIONS_SCHEMA}, got ${JSON.stringify(fields.schema) ?? 'nothing'}`);
  }
  if (!Array.isArray(fields.expectations)) {
    throw new ConfigError(file, `'expectations' must be an array, got ${JSON.stringify(fields.expectations) ?? 'nothing'}`);
  }
  const entries = fields.expectations.map((item, i) => parseEntry(file, i, item));
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const key = entryKey(entry);
    const first = seen.get(key);
    if (first !== undefined) throw new ConfigError(file, `expectations[${i}] repeats expectations[${first}] (same suite, backend and test)`);
    seen.set(key, i);
  });
  return entries;
}

function parseEntry(file: string, index: number, item: unknown): Expectation {
  const where = `expectations[${index}]`;
  const fail = (reason: string): never => { throw new ConfigError(file, `${where}: ${reason}`); };
  if (typeof item !== 'object' || item === null || Array.isArray(item)) fail('must be an object with suite, backend, reason and a status or flaky');
  const e = item as Record<string, unknown>;
  const unknown = Object.keys(e).find((key) => !KEYS.includes(key));
  if (unknown !== undefined) fail(`unknown key '${unknown}' (allowed: ${KEYS.join(', ')})`);
  for (const key of ['suite', 'backend', 'reason']) {
    if (typeof e[key] !== 'string' || e[key] === '') fail(`'${key}' must be a non-empty string, got ${JSON.stringify(e[key]) ?? 'nothing'}`);
  }
  if (e.test !== undefined && (typeof e.test !== 'string' || e.test === '')) fail(`'test' must be a non-empty string (a full test title), got ${JSON.stringify(e.test)}`);
  if ((e.status === undefined) === (e.flaky === undefined)) fail("needs exactly one of 'status' and 'flaky'");

  const entry: Expectation = { suite: e.suite as string, backend: e.backend as string, reason: e.reason as string };
  if (e.test !== undefined) entry.test = e.test as string;
  if (e.status !== undefined) {
    const allowed: readonly string[] = entry.test === undefined ? CELL_EXPECTED_STATUSES : TEST_EXPECTED_STATUSES;
    if (!allowed.includes(e.status as string)) {
      const hint = entry.test === undefined ? ' (a failing cell is described by entries for its failing tests)' : '';
      fail(`'status' of a ${entry.test === undefined ? 'cell' : 'test'} must be one of ${allowed.join(', ')}, got ${JSON.stringify(e.status)}${hint}`);
    }
    entry.status = e.status as Expectation['status'];
  }
  if (e.flaky !== undefined) {
    const flaky = e.flaky as Record<string, unknown> | null;
    const retries = typeof flaky === 'object' && flaky !== null && !Array.isArray(flaky) && Object.keys(flaky).length === 1 ? flaky.retries : undefined;
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 1 || retries > MAX_RETRIES) {
      fail(`'flaky' must be {"retries": N} with N from 1 to ${MAX_RETRIES}, got ${JSON.stringify(e.flaky)}`);
    }
    entry.flaky = { retries: retries as number };
  }
  return entry;
}

function entryKey(e: Pick<Expectation, 'suite' | 'backend' | 'test'>): string {
  return JSON.stringify([e.suite, e.backend, e.test ?? null]);
}

/** The entry for a whole cell: the exact backend first, then '*'. */
export function cellExpectation(exp: Expectations | undefined, suite: string, backend: string): Expectation | undefined {
  return findEntry(exp, suite, backend, undefined);
}

/** The entry for one test of a cell: the exact backend first, then '*'. */
export function testExpectation(exp: Expectations | undefined, suite: string, backend: string, test: string): Expectation | undefined {
  return findEntry(exp, suite, backend, test);
}

/** Full titles of the tests of a cell that the file says not to run. */
export function skippedTests(exp: Expectations | undefined, suite: string, backend: string): string[] {
  const titles = (exp?.entries ?? [])
    .filter((e) => e.suite === suite && (e.backend === backend || e.backend === '*') && e.test !== undefined && e.status === 'SKIP')
    .map((e) => e.test as string);
  return [...new Set(titles)];
}

function findEntry(exp: Expectations | undefined, suite: string, backend: string, test: string | undefined): Expectation | undefined {
  const entries = exp?.entries ?? [];
  const match = (b: string) => entries.find((e) => e.suite === suite && e.backend === b && e.test === test);
  return match(backend) ?? match('*');
}

/** The file's text: entries sorted by suite, backend and test, one key per line, for diffs. */
export function formatExpectations(entries: Expectation[]): string {
  const sorted = [...entries].sort((a, b) => compare(a.suite, b.suite) || compare(a.backend, b.backend) || compare(a.test ?? '', b.test ?? ''));
  // Fixed key order, whatever order the entries were written in.
  const ordered = sorted.map((e) => ({
    suite: e.suite, backend: e.backend, test: e.test, status: e.status, flaky: e.flaky, reason: e.reason,
  }));
  return JSON.stringify({ schema: EXPECTATIONS_SCHEMA, expectations: ordered }, null, 2) + '\n';
}

export async function writeExpectations(file: string, entries: Expectation[]): Promise<void> {
  await writeFile(file, formatExpectations(entries));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
