import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BACKEND_NAMES } from '../../loader/backends/names.js';
import { builtinSuitesDir } from './package-paths.js';

/** A suite as the matrix runs it: the name reports show and the folder the cell loads. */
export interface SuiteRef {
  /** The suite as written: a built-in name ('basic') or the path given in the config or --suite. */
  name: string;
  dir: string;
}

export interface MatrixConfig {
  backends: string[];
  suites: SuiteRef[];
  jobs?: number;
  /** Time limit of one cell, in milliseconds. */
  timeout?: number;
}

/** A matrix that cannot run; `source` is the config file, or the flag, that is wrong. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly reason: string) {
    super(`${source}: ${reason}`);
    this.name = 'ConfigError';
  }
}

const KEYS = ['backends', 'suites', 'jobs', 'timeout'];

/** Reads and validates matrix.json; suite paths in it are relative to its folder. */
export async function readMatrixConfig(file: string): Promise<MatrixConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(err)})`);
  }
  const raw = parseJson(file, text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, 'must be a JSON object like {"backends": ["reference"], "suites": ["basic"]}');
  }
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(file, `unknown key ${quote(unknown[0]!)} (allowed: ${KEYS.join(', ')})`);
  }

  const backends = checkBackends(file, stringList(file, 'backends', fields.backends));
  const baseDir = path.dirname(path.resolve(file));
  const suites = await resolveSuites(file, stringList(file, 'suites', fields.suites), baseDir);
  return {
    backends,
    suites,
    jobs: positiveInteger(file, 'jobs', fields.jobs),
    timeout: positiveInteger(file, 'timeout', fields.timeout),
  };
}

/** Checks backend names from a config or from --backend. */
export function checkBackends(source: string, names: string[]): string[] {
  for (const name of names) {
    if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(source, `unknown backend ${quote(name)} (known: ${BACKEND_NAMES.join(', ')})`);
    }
  }
  return names;
}

/**
 * Resolves suites from a config or from --suite: a bare name is a folder of the package's
 * suites/; anything with a path separator (or '.', '..') is a folder relative to baseDir.
 */
export async function resolveSuites(source: string, specs: string[], baseDir: string): Promise<SuiteRef[]> {
  const suites: SuiteRef[] = [];
  for (const spec of specs) {
    const isPath = spec.includes('/') || spec.includes(path.sep) || spec === '.' || spec === '..';
    const dir = isPath ? path.resolve(baseDir, spec) : path.join(builtinSuitesDir(), spec);
    if (!(await isDirectory(dir))) {
      throw new ConfigError(source, isPath
        ? `suite folder ${quote(spec)} not found (looked for ${dir})`
        : `unknown suite ${quote(spec)}: no folder ${dir} (a path to a folder needs a '/', e.g. ./${spec})`);
    }
    suites.push({ name: spec, dir });
  }
  return suites;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : /end of JSON input/.test(message) ? text.length : undefined;
    const where = offset === undefined ? '' : ` at ${lineAndColumn(text, offset)}`;
    throw new ConfigError(file, `invalid JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function stringList(file: string, key: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw new ConfigError(file, `${quote(key)} must be a non-empty array of strings, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  const duplicate = value.find((item, i) => value.indexOf(item) !== i);
  if (duplicate !== undefined) throw new ConfigError(file, `${quote(key)} lists ${quote(duplicate)} twice`);
  return value as string[];
}

function positiveInteger(file: string, key: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(file, `${quote(key)} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function quote(text: string): string {
  return `'${text}'`;
}
