// Entry script of a cell child, unbundled (dist/, ESM): for suites whose test files are not
// all CommonJS-loadable, e.g. an .mjs test or a .ts test with top-level await. The usual entry
// is the bundle (cell-bundle.ts). Command line: see cell-args.ts.
import { cellMain } from './cell-args.js';

await cellMain(process.argv.slice(2));
