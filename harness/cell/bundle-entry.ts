// Entry of the bundled cell, dist/cell/cell.cjs (scripts/bundle-cell.mjs): the cell, mocha
// and the suite API as one CommonJS file. Node loads it in a fraction of the time it takes
// to resolve, read and compile the same few hundred ESM modules one by one, and every cell
// pays that load. Command line: see args.ts.
//
// A suite's test files require('hpy-matrix/suite'); they must get this file's copy of it,
// not the one in dist/, or the backend's PythonError would not be the one they test for.
import * as loader from '../../loader/index.js';
import * as suite from '../suite/index.js';
import { cellMain } from './args.js';
import { provideOwnExports } from './own-exports.js';

provideOwnExports({ '.': loader, './suite': suite });
void cellMain(process.argv.slice(2));
