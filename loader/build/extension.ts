// Builds HPy universal binaries (`<name>.hpy0.so`) from C sources with our own headers
// (native/include) and runtime helpers (native/runtime/*.c, compiled once per flags into the
// cache and linked in). Builds without an explicit output are cached by content hash, so
// suites rebuild only when a source, header or flag changes.
import { readFileSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../package-root.js';
import {
  besides, C_FLAGS, CacheKey, cachedOrBuilt, cacheRoot, CompilerNotFoundError, filesUnder, resolveCompiler as findCompiler,
  writeAtomically, type Compiler,
} from './cache.js';

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
// C_FLAGS hide every symbol by default: only the HPy entry points (marked HPy_EXPORTED_SYMBOL)
// leave the binary, so an extension's own globals (an HPyDef named `warn`) never bind to another
// library's symbols.
const BASE_CFLAGS = [...C_FLAGS, '-DHPY_ABI_UNIVERSAL'];
// Part of the cache key: bump when the way a build is made changes but its inputs do not.
const RECIPE_VERSION = 'hpy-matrix build 4';

/** Folders and files that every build depends on, found from the package root. */
export function nativePaths(): { include: string; forbidPython: string; runtime: string } {
  const native = path.join(packageRoot(), 'native');
  return {
    include: path.join(native, 'include'),
    forbidPython: path.join(native, 'include', 'hpy', 'forbid_python_h'),
    runtime: path.join(native, 'runtime'),
  };
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
  const runtimeSources = filesUnder(paths.runtime).filter((f) => f.endsWith('.c'));
  const recipeFlags = [...BASE_CFLAGS, ...(opts.cflags ?? [])];
  const flags = [...BASE_CFLAGS, `-I${paths.include}`, `-I${paths.forbidPython}`, ...(opts.cflags ?? [])];
  const compiler = resolveCompiler(cc);
  const cacheDir = path.resolve(opts.cacheDir ?? cacheRoot());
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

  const key = cacheKey({ kind: 'extension', sources, runtimeSources, include: paths.include, recipeFlags, compiler });
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
  const key = cacheKey({ kind: 'runtime', sources: [], runtimeSources, include: input.paths.include, recipeFlags: input.recipeFlags, compiler });
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
    const tmp = besides(dir);
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

/** The compiler, or the BuildError that names it as missing. */
function resolveCompiler(cc: string): Compiler {
  try {
    return findCompiler(cc);
  } catch (e) {
    if (e instanceof CompilerNotFoundError) throw new BuildError(cc, e.message);
    throw e;
  }
}

function cacheKey(input: {
  kind: 'extension' | 'runtime';
  sources: { file: string; text: Buffer }[];
  runtimeSources: string[];
  include: string;
  recipeFlags: string[];
  compiler: Compiler;
}): string {
  const key = new CacheKey(`${RECIPE_VERSION} ${input.kind}`);
  for (const src of input.sources) key.part(`source ${path.basename(src.file)}`, src.text);
  // The extension's own headers, found from its #include "…" lines: an edit there is a new build.
  for (const header of localHeaders(input.sources)) key.part(`local ${header.name}`, header.text);
  key.folder('header', input.include);
  for (const file of input.runtimeSources) key.file(`runtime ${path.basename(file)}`, file);
  // Our own -I paths stay out of the key: they differ between checkouts, and what they point at
  // is already hashed above.
  return key.part('flags', JSON.stringify(input.recipeFlags)).compiler(input.compiler).digest();
}

/**
 * The files that the sources' `#include "name"` lines name beside the including file, and the
 * ones those include in turn, each once. Headers found only on -I paths are not followed: ours
 * are hashed as a folder, and a user's -I flags are in the key.
 */
function localHeaders(sources: { file: string; text: Buffer }[]): { name: string; text: Buffer }[] {
  const found = new Map<string, { name: string; text: Buffer }>();
  const visit = (file: string, text: Buffer, root: string) => {
    for (const m of text.toString('utf8').matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm)) {
      const header = path.resolve(path.dirname(file), m[1]!);
      if (found.has(header)) continue;
      let body: Buffer;
      try {
        body = readFileSync(header);
      } catch {
        continue;
      }
      found.set(header, { name: path.relative(root, header), text: body });
      visit(header, body, root);
    }
  };
  for (const src of sources) visit(src.file, src.text, path.dirname(src.file));
  return [...found.values()];
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
  const tmp = besides(out);
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
    return new BuildError(compiler.requested, new CompilerNotFoundError(compiler.requested).message);
  }
  const output = result.all ?? '';
  return new BuildError(blame(output, fallback), 'compilation failed', output || result.message || '');
}

/** The first file the compiler reported an error in, else `fallback`. */
function blame(output: string, fallback: string): string {
  const m = /^(.+?):\d+(?::\d+)?: (?:fatal )?error:/m.exec(output);
  return m ? m[1] : fallback;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
