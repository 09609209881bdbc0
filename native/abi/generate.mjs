// Regenerates every file derived from the ABI data. `--check` fails if any is out of date.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTs } from './gen-ts.mjs';
import { generateReferenceImpls } from './gen-reference.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outputs = [['loader/abi/abi.generated.ts', generateTs()]];
outputs.push(...generateReferenceImpls());
try {
  const { generateC } = await import('./gen-c.mjs');
  outputs.push(...generateC());
  const { generateCpythonFill } = await import('./gen-cpython.mjs');
  outputs.push(...generateCpythonFill());
  const { generateDebugLayers } = await import('./gen-debug.mjs');
  outputs.push(...generateDebugLayers());
} catch (e) {
  if (e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
}

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
