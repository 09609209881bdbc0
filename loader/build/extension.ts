// Builds HPy universal binaries (`<name>.hpy0.so`) from C sources with our own headers
// (native/include) and runtime helpers (native/runtime/*.c, compiled once per flags into the
// cache and linked in). Builds without an explicit output are cached by content hash, so
// suites rebuild only when a source, header or flag changes.
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../package-root.js';

export interface BuildOptions {
  /** C sources of the extension; the first one names a cached build. */
  sources: string[];
  /** Output file, which must end in `.hpy0.so`; the module name is the part before it. Without it
   *  the build goes to the cache. (Either way the runtime helpers come from the cache when it
   *  can be written.) */
  out?: string;
  /** Cache folder; default `$HPY_MATRIX_CACHE_DIR`, else `~/.cache/hpy-matrix/builds`. */
  cacheDir?: string;
  /** C compiler; default `$CC`, else `cc`. */
  cc?: string;
  /** Extra compiler flags, appended after ours. */
  cflags?: string[];
}

export interface BuildResult {
  /** Absolute path of the built binary. */
  path: string;
  /** Module name: what HPy_MODINIT must have been given. */
  name: string;
  /** True when the binary came from the cache and no compiler ran. */
  cached: boolean;
  /** Compiler diagnostics of a successful build ('' when clean; replayed on a cache hit). */
  warnings: string;
}

/** A build that could not produce a binary. `file` is the file to blame, `reason` one line. */
export class BuildError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly output = '',
  ) {
    super(output ? `${file}: ${reason}\n${output.trimEnd()}` : `${file}: ${reason}`);
    this.name = 'BuildError';
  }
}

export const UNIVERSAL_SUFFIX = '.hpy0.so';
// Hidden by default: only the HPy entry points (marked HPy_EXPORTED_SYMBOL) leave the binary, so
// an extension's own globals (an HPyDef named `warn`) never bind to another library's symbols.
const BASE_CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-fPIC', '-shared', '-O2', '-fvisibility=hidden'];
// Part of the cache key: bump when the way a build is made changes but its inputs do not.
const RECIPE_VERSION = 'hpy-matrix build 3';

/** Folders and files that every build depends on, found from the package root. */
export function nativePaths(): { include: string; forbidPython: string; runtime: string } {
  const native = path.join(packageRoot(), 'native');
  return {
    include: path.join(native, 'include'),
    forbidPython: path.join(native, 'include', 'hpy', 'forbid_python_h'),
    runtime: path.join(native, 'runtime'),
  };
}

export function defaultCacheDir(): string {
  return process.env.HPY_MATRIX_CACHE_DIR || path.join(os.homedir(), '.cache', 'hpy-matrix', 'builds');
}

/** `dir/foo.hpy0.so` → `foo`; anything else is refused, since hosts find the entry points by it. */
export function moduleNameFromOutput(out: string): string {
  const base = path.basename(out);
  if (!base.endsWith(UNIVERSAL_SUFFIX) || base.length === UNIVERSAL_SUFFIX.length) {
    throw new BuildError(out, `output must be named <module>${UNIVERSAL_SUFFIX} (the name selects the HPyInit_<module> entry points)`);
  }
  return base.slice(0, -UNIVERSAL_SUFFIX.length);
}

export async function buildExtension(opts: BuildOptions): Promise<BuildResult> {
  if (opts.sources.length === 0) throw new BuildError('(no sources)', 'at least one C source is required');
  const cc = opts.cc ?? (process.env.CC || 'cc');
  const name = opts.out ? moduleNameFromOutput(opts.out) : path.basename(opts.sources[0]).replace(/\.c$/, '');
  const sources = await Promise.all(opts.sources.map(async (s) => ({ file: path.resolve(s), text: await readSource(path.resolve(s)) })));
  const paths = nativePaths();
  const runtimeSources = (await listFiles(paths.runtime)).filter((f) => f.endsWith('.c')).sort();
  const recipeFlags = [...BASE_CFLAGS, '-DHPY_ABI_UNIVERSAL', ...(opts.cflags ?? [])];
  const flags = [...BASE_CFLAGS, '-DHPY_ABI_UNIVERSAL', `-I${paths.include}`, `-I${paths.forbidPython}`, ...(opts.cflags ?? [])];
  const compiler = await resolveCompiler(cc);
  const cacheDir = path.resolve(opts.cacheDir ?? defaultCacheDir());
  // The runtime helpers are the same in every extension built with these flags: compiled once
  // (most of a small extension's build), then linked in.
  const link = async (out: string, warningsFile?: string) => {
    const helpers = await runtimeObjects({ compiler, flags, recipeFlags, runtimeSources, paths, cacheDir, blameFirst: sources[0]!.file })
      .catch((e: unknown) => {
        if (e instanceof BuildError || !opts.out) throw e;
        // A build with its own output works without a cache: the helpers are compiled in.
        return { objects: runtimeSources, warnings: '' };
      });
    const warnings = await compile(compiler, flags, [...sources.map((s) => s.file), ...helpers.objects], out, warningsFile, helpers.warnings);
    return { path: out, name, cached: false, warnings };
  };

  if (opts.out) return link(path.resolve(opts.out));

  const key = await cacheKey({ kind: 'extension', sources, runtimeSources, include: paths.include, recipeFlags, compiler });
  const dir = path.join(cacheDir, key);
  const out = path.join(dir, `${name}${UNIVERSAL_SUFFIX}`);
  const warningsFile = path.join(dir, `${name}.warnings.txt`);
  const cachedResult = async (): Promise<BuildResult | undefined> => {
    if (!(await exists(out))) return undefined;
    const warnings = await readFile(warningsFile, 'utf8').catch(() => '');
    return { path: out, name, cached: true, warnings };
  };
  return cachedOrBuilt(dir, cachedResult, () => link(out, warningsFile));
}

/**
 * The cache entry `dir` as `cached` finds it, else built by `build` under the entry's lock.
 * Cells of one suite on several backends start together and ask for the same build: one
 * process compiles while the others wait for its result instead of compiling it again.
 */
async function cachedOrBuilt<T>(dir: string, cached: () => Promise<T | undefined>, build: () => Promise<T>): Promise<T> {
  const hit = await cached();
  if (hit) return hit;
  const release = await lockBuild(dir);
  try {
    return (await cached()) ?? (await build());
  } finally {
    await release();
  }
}

/**
 * The object files of native/runtime for these flags, from the cache (`<cache>/runtime/<key>/`)
 * or compiled into it, with the compiler's diagnostics. A failure blames `blameFirst` (the
 * extension's first source) unless the compiler names a file: a bad flag is the build's fault.
 */
async function runtimeObjects(input: {
  compiler: Compiler;
  flags: string[];
  recipeFlags: string[];
  runtimeSources: string[];
  paths: { include: string; runtime: string };
  cacheDir: string;
  blameFirst: string;
}): Promise<{ objects: string[]; warnings: string }> {
  const { compiler, runtimeSources } = input;
  const key = await cacheKey({ kind: 'runtime', sources: [], runtimeSources, include: input.paths.include, recipeFlags: input.recipeFlags, compiler });
  const dir = path.join(input.cacheDir, 'runtime', key);
  // Named by their path under native/runtime, so two x.c in subfolders do not collide.
  const names = runtimeSources.map((f) => `${path.relative(input.paths.runtime, f).replace(/\.c$/, '').split(path.sep).join('__')}.o`);
  const objects = names.map((n) => path.join(dir, n));
  const warningsFile = path.join(dir, 'warnings.txt');
  const cached = async () => {
    const present = await Promise.all([warningsFile, ...objects].map(exists));
    return present.every(Boolean) ? { objects, warnings: await readFile(warningsFile, 'utf8') } : undefined;
  };
  return cachedOrBuilt(dir, cached, async () => {
    // An entry with files missing (a cleaner was there) is built again.
    await rm(dir, { recursive: true, force: true });
    // Compiled in a folder of its own, renamed into place whole: a complete folder or none. Run
    // from the caller's folder, as the extension's own compile is, for relative paths in flags.
    const tmp = `${dir}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(tmp, { recursive: true });
    try {
      const flags = [...input.flags.filter((f) => f !== '-shared'), '-c'];
      const results = await Promise.all(runtimeSources.map((src, i) =>
        execa(compiler.resolved, [...flags, src, '-o', path.join(tmp, names[i]!)], { reject: false, all: true })));
      const failed = results.find((r) => r.failed);
      if (failed) throw compileFailure(compiler, failed, input.blameFirst);
      const warnings = joinOutput(results.map((r) => r.all ?? ''));
      await writeFile(path.join(tmp, 'warnings.txt'), warnings);
      try {
        await rename(tmp, dir);
      } catch (e) {
        // Another process took over a lock it thought stale and finished first: its entry serves.
        const code = (e as NodeJS.ErrnoException).code;
        const theirs = code === 'ENOTEMPTY' || code === 'EEXIST' ? await cached() : undefined;
        if (!theirs) throw e;
        return theirs;
      }
      return { objects, warnings };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}

/** Compiler outputs one after another, each on lines of its own (execa strips the last newline). */
function joinOutput(outputs: string[]): string {
  return outputs.filter(Boolean).join('\n');
}

const LOCK_POLL_MS = 50;
// Longer than any build takes: a lock older than this was left by a process that died.
const STALE_LOCK_MS = 5 * 60_000;

/**
 * An exclusive lock on one cache entry: a folder beside it, made atomically by mkdir, holding
 * the owner's pid. A lock whose owner is gone (a cell stopped at its timeout in the middle of
 * a build) is taken over at once; one without a readable pid, once it is older than any build.
 */
async function lockBuild(dir: string): Promise<() => Promise<void>> {
  const lock = `${dir}.lock`;
  await mkdir(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(path.join(lock, 'pid'), String(process.pid));
      return () => rm(lock, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(await readFile(path.join(lock, 'pid'), 'utf8').catch(() => ''));
      const age = await stat(lock).then((st) => Date.now() - st.mtimeMs, () => 0);
      if ((owner > 0 && !isAlive(owner)) || age > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, as another user's process.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Compiler {
  /** What the user asked for, for messages. */
  requested: string;
  /** Absolute path after PATH lookup and symlinks. */
  resolved: string;
}

/** Finds the compiler without running it, so a cache hit costs no process. */
async function resolveCompiler(cc: string): Promise<Compiler> {
  const candidates = cc.includes('/')
    ? [path.resolve(cc)]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, cc));
  for (const candidate of candidates) {
    try {
      await access(candidate, fsConstants.X_OK);
      if (!(await stat(candidate)).isFile()) continue;
      return { requested: cc, resolved: await realpath(candidate) };
    } catch {
      // not here; try the next PATH entry
    }
  }
  throw new BuildError(cc, `C compiler '${cc}' not found; install gcc (e.g. apt-get install gcc) or pass another compiler`);
}

async function cacheKey(input: {
  kind: 'extension' | 'runtime';
  sources: { file: string; text: Buffer }[];
  runtimeSources: string[];
  include: string;
  recipeFlags: string[];
  compiler: Compiler;
}): Promise<string> {
  const hash = createHash('sha256');
  // Every part is length-prefixed so that no two different inputs concatenate to the same bytes.
  const part = (label: string, data: string | Buffer) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    hash.update(`${label}\0${bytes.length}\0`);
    hash.update(bytes);
  };
  part('recipe', `${RECIPE_VERSION} ${input.kind}`);
  for (const src of input.sources) part(`source ${path.basename(src.file)}`, src.text);
  for (const file of (await listFiles(input.include)).sort()) {
    part(`header ${path.relative(input.include, file)}`, await readFile(file));
  }
  for (const file of input.runtimeSources) part(`runtime ${path.basename(file)}`, await readFile(file));
  // Our own -I paths stay out of the key: they differ between checkouts, and what they point at
  // is already hashed above.
  part('flags', JSON.stringify(input.recipeFlags));
  const st = await stat(input.compiler.resolved);
  part('compiler', `${input.compiler.resolved}\0${st.size}\0${st.mtimeMs}`);
  return hash.digest('hex');
}

async function readSource(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BuildError(file, code === 'ENOENT' ? 'source file not found' : `cannot read source (${code ?? String(e)})`);
  }
}

/** Compiles into a temporary file beside `out` and renames it into place, so that a concurrent
 *  reader sees either no binary or a complete one. The diagnostics go to `warningsFile` (if
 *  given) before the binary appears, so a cache hit can always replay them. Returns them. */
async function compile(compiler: Compiler, flags: string[], inputs: string[], out: string, warningsFile?: string, earlierWarnings = ''): Promise<string> {
  await mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const result = await execa(compiler.resolved, [...flags, ...inputs, '-o', tmp], { reject: false, all: true });
  if (result.failed) {
    await rm(tmp, { force: true });
    throw compileFailure(compiler, result, inputs[0]!);
  }
  const warnings = joinOutput([earlierWarnings, result.all ?? '']);
  if (warningsFile) await writeAtomically(warningsFile, warnings);
  await rename(tmp, out);
  return warnings;
}

/** The BuildError of a compiler run that failed: the file it names first, else `fallback`. */
function compileFailure(compiler: Compiler, result: { all?: string; message?: string; code?: string }, fallback: string): BuildError {
  if (result.code === 'ENOENT') {
    return new BuildError(compiler.requested, `C compiler '${compiler.requested}' not found; install gcc (e.g. apt-get install gcc) or pass another compiler`);
  }
  const output = result.all ?? '';
  return new BuildError(blame(output, fallback), 'compilation failed', output || result.message || '');
}

/** The first file the compiler reported an error in, else `fallback`. */
function blame(output: string, fallback: string): string {
  const m = /^(.+?):\d+(?::\d+)?: (?:fatal )?error:/m.exec(output);
  return m ? m[1] : fallback;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
