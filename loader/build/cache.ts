// The build cache that every compiled thing shares: universal binaries, the runtime helpers'
// objects and hpy-matrix's own native libraries. One root, entries named by a hash of every
// input, each entry made beside its final name and renamed into place, so that a reader sees a
// complete entry or none.
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The flags of every C build of hpy-matrix; a build adds its own after these. */
export const C_FLAGS: readonly string[] = ['-std=c11', '-Wall', '-Wextra', '-O2', '-fPIC', '-shared', '-fvisibility=hidden'];

/** `$HPY_MATRIX_CACHE_DIR`, else `~/.cache/hpy-matrix/builds`. */
export function cacheRoot(): string {
  return process.env.HPY_MATRIX_CACHE_DIR || path.join(os.homedir(), '.cache', 'hpy-matrix', 'builds');
}

export interface Compiler {
  /** What the user asked for, for messages. */
  requested: string;
  /** Absolute path after PATH lookup and symlinks. */
  resolved: string;
}

export class CompilerNotFoundError extends Error {
  constructor(readonly cc: string) {
    super(`C compiler '${cc}' not found; install gcc (e.g. apt-get install gcc) or pass another compiler`);
    this.name = 'CompilerNotFoundError';
  }
}

/** The compiler `cc` (default `$CC`, else `cc`), found without running it: a cache hit costs no process. */
export function resolveCompiler(cc = process.env.CC || 'cc'): Compiler {
  const candidates = cc.includes('/')
    ? [path.resolve(cc)]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, cc));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (!statSync(candidate).isFile()) continue;
      return { requested: cc, resolved: realpathSync(candidate) };
    } catch {
      // not here; try the next PATH entry
    }
  }
  throw new CompilerNotFoundError(cc);
}

/** Every file under `dir`, sorted: a folder of sources or headers as one input. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * The name of a cache entry: SHA-256 over labelled, length-prefixed parts, so that no two
 * different sets of inputs run together into the same bytes.
 */
export class CacheKey {
  private readonly hash = createHash('sha256');

  constructor(recipe: string) {
    this.part('recipe', recipe);
  }

  part(label: string, data: string | Buffer): this {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    this.hash.update(`${label}\0${bytes.length}\0`);
    this.hash.update(bytes);
    return this;
  }

  /** A file's contents, labelled by a name that does not depend on the checkout's location. */
  file(label: string, file: string): this {
    return this.part(label, readFileSync(file));
  }

  /** Every file under `dir`, each labelled by its path inside `dir`. */
  folder(label: string, dir: string): this {
    for (const f of filesUnder(dir)) this.file(`${label}/${path.relative(dir, f)}`, f);
    return this;
  }

  /** The compiler by its identity on disk: a new compiler at the same path is a new key. */
  compiler(c: Compiler): this {
    const st = statSync(c.resolved);
    return this.part('compiler', `${c.resolved}\0${st.size}\0${st.mtimeMs}`);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** A name beside `file` for writing it before renaming it into place. */
export function besides(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** `text` into `file` by way of a temporary file: readers see the old text or the new. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = besides(file);
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/**
 * The cache entry `dir` as `cached` finds it, else built by `build` under the entry's lock.
 * Cells of one suite on several backends start together and ask for the same build: one
 * process compiles while the others wait for its result instead of compiling it again.
 */
export async function cachedOrBuilt<T>(dir: string, cached: () => Promise<T | undefined>, build: () => Promise<T>): Promise<T> {
  const hit = await cached();
  if (hit) return hit;
  const release = await lockEntry(dir);
  try {
    return (await cached()) ?? (await build());
  } finally {
    await release();
  }
}

const LOCK_POLL_MS = 50;
// Longer than any build takes: a lock older than this was left by a process that died.
const STALE_LOCK_MS = 5 * 60_000;

/**
 * An exclusive lock on one cache entry: a folder beside it, made atomically by mkdir, holding
 * the owner's pid. A lock whose owner is gone (a cell stopped at its timeout in the middle of
 * a build) is taken over at once; one without a readable pid, once it is older than any build.
 */
async function lockEntry(dir: string): Promise<() => Promise<void>> {
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
