// The main job end to end: `hpy-matrix run` on the repository's own matrix.json.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

describe('default matrix', () => {
  it('runs every cell of matrix.json and every cell passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpy-matrix-default-'));
    const out = join(dir, 'report.json');
    const run = await execa('node', ['bin/hpy-matrix.js', 'run', '--reporter', 'console', '--reporter', 'json', '--out', out], {
      cwd: root, reject: false, env: { HPY_MATRIX_CACHE_DIR: join(dir, 'cache') },
    });
    const config = JSON.parse(readFileSync(join(root, 'matrix.json'), 'utf8')) as { backends: string[]; suites: string[] };
    const report = JSON.parse(readFileSync(out, 'utf8')) as { cells: Array<{ suite: string; backend: string; status: string; passed: number; failed: number }> };
    expect(report.cells.map((c) => `${c.suite}/${c.backend}`)).to.have.members(
      config.suites.flatMap((s) => config.backends.map((b) => `${s}/${b}`)));
    for (const cell of report.cells) {
      expect(cell.status, `${cell.suite} on ${cell.backend}:\n${run.stdout}`).to.equal('PASS');
      expect(cell.failed).to.equal(0);
    }
    const basic = report.cells.find((c) => c.suite === 'basic' && c.backend === 'reference')!;
    expect(basic.passed).to.be.at.least(20);
    expect(run.exitCode).to.equal(0);
    expect(run.stdout).to.match(/basic\s+.*reference\s+.*PASS/);
  });
});
