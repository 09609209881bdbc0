// Regenerates every file derived from the ABI data. `--check` writes nothing and fails, naming
// each file that is out of date (edited by hand, or its generator changed and not rerun).
// Every generator is a static import, so a missing or broken one stops the run with its file
// named instead of leaving its outputs silently unchecked.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateC } from './gen-c.mjs';
import { generateCpythonFill, generateCpythonTrampoline } from './gen-cpython.mjs';
import { generateDebugLayers } from './gen-debug.mjs';
import { generateTs } from './gen-ts.mjs';
import { generateReferenceImpls } from './gen-reference.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outputs = [
  ['loader/abi/abi.generated.ts', generateTs()],
  ...generateC(),
  ...generateCpythonFill(),
  ...generateCpythonTrampoline(),
  ...generateDebugLayers(),
  ...generateReferenceImpls(),
];

const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, text] of outputs) {
  const path = root + rel;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (current === text) continue;
  if (check) { console.error(`out of date: ${rel} (run npm run generate)`); stale++; }
  else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    console.log(`wrote ${rel}`);
  }
}
process.exit(stale ? 1 : 0);
