// Bundles the cell child (harness/cell/bundle-entry.ts and all it imports, mocha included)
// into dist/cell/cell.cjs. Left out: koffi (a native addon, found beside its package),
// esbuild and tsx (a cell loads them only for a file the parent did not compile), and chai
// (test files import it themselves).
import { build } from 'esbuild';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
await build({
  entryPoints: [path.join(root, 'harness', 'cell', 'bundle-entry.ts')],
  outfile: path.join(root, 'dist', 'cell', 'cell.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['koffi', 'esbuild', 'tsx', 'chai'],
  // import.meta has no CommonJS form; the bundle's own URL serves, as packageRoot() walks up from it.
  banner: { js: 'const __bundle_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__bundle_import_meta_url' },
  // The default, said here because launch.cts reads the bundle as latin1.
  charset: 'ascii',
  logLevel: 'warning',
  // Mocha's parallel mode resolves its worker files by path; cells never use that mode.
  logOverride: { 'require-resolve-not-external': 'silent' },
});
