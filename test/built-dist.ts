// Cells and the CLI run the compiled package (dist/), so a test of them must not run stale
// JavaScript when a test file is run alone after an edit. `npm test` builds first; this root
// hook (.mocharc.json requires this file) builds again only when a source is newer.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

const ROOT = path.resolve(import.meta.dirname, '..');
const BUILT = path.join(ROOT, 'dist', 'cell', 'cell.cjs');
const SOURCES = ['loader', 'harness', 'scripts'];

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(180_000);
    await build();
  },
};

async function build(): Promise<void> {
  if (newestSource() <= builtAt()) return;
  const r = await execa('npm', ['run', 'build'], { cwd: ROOT, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`npm run build failed:\n${r.all}`);
}

function builtAt(): number {
  try {
    return statSync(BUILT).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource(): number {
  let newest = statSync(path.join(ROOT, 'package.json')).mtimeMs;
  for (const dir of SOURCES) {
    for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
      if (e.isFile() && /\.(ts|cts|mjs)$/.test(e.name)) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
    }
  }
  return newest;
}
