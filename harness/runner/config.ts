// matrix.json: read, checked (every mistake a ConfigError naming the file and the field), and
// resolved into the suites and backends a run uses.
import { readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseBackendName, unknownBackend } from '../../loader/backends/names.js';
import { ConfigError, parseJsonText } from './json-text.js';
import { builtinSuitesDir } from './package-paths.js';

export { ConfigError } from './json-text.js';

/** Why a backend name cannot run, or undefined when it can. */
export function backendProblem(name: string): string | undefined {
  if (parseBackendName(name)) return undefined;
  return unknownBackend(name);
}

/** A suite as the matrix runs it: the name reports show and the folder the cell loads. */
export interface SuiteRef {
  /** The suite as written: a built-in name ('basic') or the path given in the config or --suite. */
  name: string;
  dir: string;
  /** mocha: *.test.ts/js/mjs files run by our cell; pytest: an extension's own Python tests. */
  kind: SuiteKind;
  /** pytest: absolute folders put on sys.path (where the built binaries and their stubs are). */
  pythonPath?: string[];
  /** pytest: arguments added to its command line. */
  args?: string[];
  /** pytest: variables added to its environment. */
  env?: Record<string, string>;
}

export type SuiteKind = 'mocha' | 'pytest';

/** A suite entry of matrix.json that says more than its path. */
const SUITE_KEYS = ['path', 'kind', 'pythonPath', 'args', 'env'];
const MOCHA_FILE = /\.test\.(ts|js|mjs)$/;
const PYTEST_FILE = /^(test_.*\.py|.*_test\.py|conftest\.py)$/;
// Folders a suite's tests never live in, left out when looking for Python tests.
const NOT_TESTS = new Set(['node_modules', '.git', '__pycache__', 'build', 'dist', '.tox', '.venv', 'venv']);

export interface MatrixConfig {
  backends: string[];
  suites: SuiteRef[];
  /** Absolute paths of prebuilt `.hpy0.so` binaries whose static ABI report joins the run. */
  extensions?: string[];
  jobs?: number;
  /** Time limit of one cell, in milliseconds. */
  timeout?: number;
  /** Memory limit of one cell, in megabytes of resident memory. */
  maxMemory?: number;
  /** Absolute path of the expectations file. */
  expectations?: string;
}

const KEYS = ['backends', 'suites', 'extensions', 'jobs', 'timeout', 'maxMemory', 'expectations'];

/** Reads and validates matrix.json; paths in it are relative to its folder. */
export async function readMatrixConfig(file: string): Promise<MatrixConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(err)})`);
  }
  const raw = parseJsonText(file, text);
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
  const suites = await resolveSuiteEntries(file, fields.suites, baseDir);
  const extensions = fields.extensions === undefined
    ? undefined
    : await resolveExtensions(file, stringList(file, 'extensions', fields.extensions), baseDir);
  const expectations = await resolveExpectationsPath(file, fields.expectations, baseDir);
  return {
    backends,
    suites,
    ...(extensions === undefined ? {} : { extensions }),
    jobs: positiveInteger(file, 'jobs', fields.jobs),
    timeout: positiveInteger(file, 'timeout', fields.timeout),
    maxMemory: positiveInteger(file, 'maxMemory', fields.maxMemory),
    ...(expectations === undefined ? {} : { expectations }),
  };
}

/** Checks backend names from a config or from --backend against the grammar and this build. */
export function checkBackends(source: string, names: string[]): string[] {
  for (const name of names) {
    const problem = backendProblem(name);
    if (problem !== undefined) throw new ConfigError(source, problem);
  }
  return names;
}

/**
 * Resolves suites from a config or from --suite: a bare name is a folder of the package's
 * suites/; anything with a path separator (or '.', '..') is a folder relative to baseDir. Its
 * kind is what the folder holds: mocha test files, else Python tests (pytest).
 */
export async function resolveSuites(source: string, specs: string[], baseDir: string): Promise<SuiteRef[]> {
  const suites: SuiteRef[] = [];
  for (const spec of specs) {
    const dir = await suiteFolder(source, spec, baseDir);
    suites.push({ name: spec, dir, kind: detectSuiteKind(dir) });
  }
  return suites;
}

/** The config's `suites`: each a name or path, or an object {path, kind, pythonPath, args, env}. */
async function resolveSuiteEntries(file: string, value: unknown, baseDir: string): Promise<SuiteRef[]> {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(file, `'suites' must be a non-empty array of suite names, paths or {"path": …} objects, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  const suites: SuiteRef[] = [];
  for (const [i, entry] of value.entries()) {
    const where = `'suites'[${i}]`;
    if (typeof entry === 'string' && entry !== '') {
      suites.push(...(await resolveSuites(file, [entry], baseDir)));
      continue;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ConfigError(file, `${where} must be a suite name, a path or an object with "path", got ${JSON.stringify(entry)}`);
    }
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => !SUITE_KEYS.includes(key));
    if (unknown !== undefined) throw new ConfigError(file, `${where}: unknown key ${quote(unknown)} (allowed: ${SUITE_KEYS.join(', ')})`);
    if (typeof fields.path !== 'string' || fields.path === '') throw new ConfigError(file, `${where}: "path" must be the suite's folder, got ${JSON.stringify(fields.path)}`);
    // "path" is always a folder, never the name of a suite shipped with hpy-matrix.
    const dir = await suiteFolder(file, fields.path, baseDir, true);
    if (fields.kind !== undefined && fields.kind !== 'mocha' && fields.kind !== 'pytest') {
      throw new ConfigError(file, `${where}: "kind" must be "mocha" or "pytest", got ${JSON.stringify(fields.kind)}`);
    }
    const kind: SuiteKind = (fields.kind as SuiteKind | undefined) ?? detectSuiteKind(dir);
    const pytestOnly = (['pythonPath', 'args', 'env'] as const).find((k) => fields[k] !== undefined);
    if (kind === 'mocha' && pytestOnly !== undefined) throw new ConfigError(file, `${where}: "${pytestOnly}" applies to pytest suites, and ${quote(fields.path)} is a mocha suite`);
    const strings = (key: string, v: unknown): string[] | undefined => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new ConfigError(file, `${where}: "${key}" must be an array of strings, got ${JSON.stringify(v)}`);
      return v as string[];
    };
    const pythonPath = strings('pythonPath', fields.pythonPath)?.map((p) => path.resolve(baseDir, p));
    for (const p of pythonPath ?? []) if (!(await isDirectory(p))) throw new ConfigError(file, `${where}: "pythonPath" folder ${p} not found`);
    const args = strings('args', fields.args);
    const env = fields.env;
    if (env !== undefined && (typeof env !== 'object' || env === null || Array.isArray(env) || !Object.values(env).every((v) => typeof v === 'string'))) {
      throw new ConfigError(file, `${where}: "env" must be an object of strings, got ${JSON.stringify(env)}`);
    }
    suites.push({
      name: fields.path, dir, kind,
      ...(pythonPath ? { pythonPath } : {}), ...(args ? { args } : {}), ...(env ? { env: env as Record<string, string> } : {}),
    });
  }
  const duplicate = suites.find((s, i) => suites.findIndex((o) => o.name === s.name) !== i);
  if (duplicate !== undefined) throw new ConfigError(file, `'suites' lists ${quote(duplicate.name)} twice`);
  return suites;
}

async function suiteFolder(source: string, spec: string, baseDir: string, alwaysPath = false): Promise<string> {
  const isPath = alwaysPath || spec.includes('/') || spec.includes(path.sep) || spec === '.' || spec === '..';
  const dir = isPath ? path.resolve(baseDir, spec) : path.join(builtinSuitesDir(), spec);
  if (!(await isDirectory(dir))) {
    throw new ConfigError(source, isPath
      ? `suite folder ${quote(spec)} not found (looked for ${dir})`
      : `unknown suite ${quote(spec)}: no folder ${dir} (a path to a folder needs a '/', e.g. ./${spec})`);
  }
  return dir;
}

/** mocha when the folder holds mocha test files; pytest when it holds Python tests (at any depth) and none. */
export function detectSuiteKind(dir: string): SuiteKind {
  const top = readdirSync(dir, { withFileTypes: true });
  if (top.some((e) => e.isFile() && MOCHA_FILE.test(e.name))) return 'mocha';
  const hasPythonTests = (folder: string): boolean => readdirSync(folder, { withFileTypes: true }).some((e) =>
    (e.isFile() && PYTEST_FILE.test(e.name)) || (e.isDirectory() && !NOT_TESTS.has(e.name) && hasPythonTests(path.join(folder, e.name))));
  return hasPythonTests(dir) ? 'pytest' : 'mocha';
}

/** The expectations file named by a config (relative to it) or by --expectations (relative to cwd). */
export async function resolveExpectationsPath(source: string, value: unknown, baseDir: string): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(source, `'expectations' must be the path of a JSON file, got ${JSON.stringify(value)}`);
  }
  const file = path.resolve(baseDir, value);
  if (!(await isFile(file))) throw new ConfigError(source, `expectations file ${quote(value)} not found (looked for ${file})`);
  return file;
}

async function resolveExtensions(source: string, specs: string[], baseDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const spec of specs) {
    const file = path.resolve(baseDir, spec);
    if (!spec.endsWith('.hpy0.so')) throw new ConfigError(source, `extension ${quote(spec)} must be a universal binary named <module>.hpy0.so`);
    if (!(await isFile(file))) throw new ConfigError(source, `extension ${quote(spec)} not found (looked for ${file})`);
    files.push(file);
  }
  return files;
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

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function quote(text: string): string {
  return `'${text}'`;
}
