// A suite's TypeScript compiled once, in the parent, so that cells run plain JavaScript: a
// cell that registers a TypeScript loader pays for it (tsx's hooks thread and esbuild's
// process) on every start. Compiled files are cached by path and content; a cell looks them
// up the same way and falls back to tsx for anything not found (see cell.ts).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TransformOptions } from 'esbuild';

/** The file name of `file`'s compiled form, from its absolute path and its text. */
export function compiledName(file: string, source: string): string {
  return `${createHash('sha256').update(`${file}\0${source}`).digest('hex').slice(0, 40)}.cjs`;
}

// CommonJS, because a cell require()s test files (mocha does, Node 20 can require ESM
// packages such as chai), and require() needs no hooks thread. import.meta has no CommonJS
// equivalent that esbuild provides, so its three common fields are defined from the module's.
const IMPORT_META = 'const __hpy_matrix_import_meta = { url: require("node:url").pathToFileURL(__filename).href, filename: __filename, dirname: __dirname };';

function options(file: string): TransformOptions {
  return {
    loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: file,
    banner: IMPORT_META, define: { 'import.meta': '__hpy_matrix_import_meta' },
  };
}

/** For a cell that meets a file the parent did not compile (one outside the suite folder). */
export function compileSync(file: string, source: string): string {
  return esbuild().transformSync(source, options(file)).code;
}

// esbuild is loaded when first needed: a cell whose files were all compiled never needs it.
let loaded: typeof import('esbuild') | undefined;
function esbuild(): typeof import('esbuild') {
  return (loaded ??= createRequire(import.meta.url)('esbuild') as typeof import('esbuild'));
}

function scriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|cts|mts|js|cjs|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.split(path.sep).includes('node_modules'));
}
const isTypeScript = (file: string) => /\.(ts|cts|mts)$/.test(file);

/**
 * Compiles every TypeScript file under the suite folders into `outDir` (what is there already
 * is kept). A file esbuild cannot turn into CommonJS (top-level await) is left out: the cell
 * compiles it with tsx. Returns the suite folders whose scripts are all TypeScript and all
 * compiled: their cells can run on the bundled cell (bundle-entry.ts), as every file they load
 * is then require()d and gets the bundle's copy of the suite API.
 */
export async function precompileSuites(suiteDirs: string[], outDir: string): Promise<Set<string>> {
  mkdirSync(outDir, { recursive: true });
  const scripts = new Map(suiteDirs.map((dir) => [dir, scriptFiles(dir)]));
  const files = [...new Set([...scripts.values()].flat().filter(isTypeScript))];
  const failed = new Set<string>();
  await Promise.all(files.map(async (file) => {
    const source = readFileSync(file, 'utf8');
    const out = path.join(outDir, compiledName(file, source));
    if (existsSync(out)) return;
    let code: string;
    try {
      ({ code } = await esbuild().transform(source, options(file)));
    } catch {
      failed.add(file);
      return;
    }
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, out);
  }));
  return new Set([...scripts].filter(([, inDir]) => inDir.every((f) => isTypeScript(f) && !failed.has(f))).map(([dir]) => dir));
}
