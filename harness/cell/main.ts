// Entry script of a cell child, unbundled (dist/, ESM): for suites whose test files are not
// all CommonJS-loadable, e.g. an .mjs test or a .ts test with top-level await. The usual entry
// is the bundle (bundle-entry.ts). Command line: see args.ts.
import { cellMain } from './args.js';

await cellMain(process.argv.slice(2));
