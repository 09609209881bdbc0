// The main job end to end: `hpy-matrix run` on the repository's own matrix.json.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

describe('default matrix', function () {
  // Every suite on every backend: the longest test, on 2 cores about a minute.
  this.timeout(600_000);
  it('runs every cell of matrix.json, and every result is what expectations.json says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpy-matrix-default-'));
    const out = join(dir, 'report.json');
    const run = await execa('node', ['bin/hpy-matrix.js', 'run', '--reporter', 'console', '--reporter', 'json', '--out', out], {
      cwd: root, reject: false, env: { HPY_MATRIX_CACHE_DIR: join(dir, 'cache') },
    });
    const config = JSON.parse(readFileSync(join(root, 'matrix.json'), 'utf8')) as { backends: string[]; suites: string[] };
    type Verdict = { outcome: string };
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      cells: Array<{ suite: string; backend: string; status: string; passed: number; failed: number; verdict: Verdict;
        tests: Array<{ title: string; status: string; verdict?: Verdict }> }>;
    };
    const expectations = JSON.parse(readFileSync(join(root, 'expectations.json'), 'utf8')) as {
      expectations: Array<{ suite: string; backend: string; test?: string; status?: string }>;
    };
    const knownFailures = new Set(expectations.expectations.filter((e) => e.status === 'failed').map((e) => `${e.suite}/${e.backend}/${e.test}`));
    expect(report.cells.map((c) => `${c.suite}/${c.backend}`)).to.have.members(
      config.suites.flatMap((s) => config.backends.map((b) => `${s}/${b}`)));
    // Every failure is one the file knows, with its reason; everything else passes.
    for (const cell of report.cells) {
      expect(cell.status, `${cell.suite} on ${cell.backend}:\n${run.stdout}`).to.be.oneOf(['PASS', 'FAIL']);
      const failed = cell.tests.filter((t) => t.status === 'failed').map((t) => `${cell.suite}/${cell.backend}/${t.title}`);
      for (const f of failed) expect(knownFailures.has(f), `unexpected failure ${f}:\n${run.stdout}`).to.equal(true);
      expect(cell.verdict.outcome, `${cell.suite} on ${cell.backend}`).to.equal('expected');
    }
    expect(report.cells.some((c) => c.backend === 'cpython' && c.status === 'PASS')).to.equal(true);
    // The debug suite's mistakes are caught on each debug backend and not made elsewhere.
    for (const cell of report.cells.filter((c) => c.suite === 'debug')) {
      if (cell.backend.startsWith('debug:')) expect(cell, cell.backend).to.include({ status: 'PASS', failed: 0 }).and.have.property('passed').at.least(15);
      else expect(cell.tests.every((t) => t.status === 'skipped'), cell.backend).to.equal(true);
    }
    const basic = report.cells.find((c) => c.suite === 'basic' && c.backend === 'reference')!;
    expect(basic.passed).to.be.at.least(20);
    expect(run.exitCode).to.equal(0);
    // The console grid: suites down, backends across; the known failures labelled as known.
    expect(run.stdout).to.match(/^suite\s+\| reference\s+\| cpython\s+\| debug:reference\s+\| debug:cpython$/m);
    expect(run.stdout).to.match(/^basic\s+\| PASS\s+\| PASS\s+\| PASS\s+\| PASS$/m);
    expect(run.stdout).to.match(/^numbers\s+\| FAIL \(expected: \d+\)/m);
  });
});

describe('a suite folder outside the repository', () => {
  it('runs when hpy-matrix is installed in its node_modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpy-matrix-outside-'));
    const suite = join(dir, 'my-suite');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'hpy-matrix'));
    mkdirSync(suite);
    writeFileSync(join(suite, 'mine.c'), [
      '#include "hpy.h"',
      'HPyDef_METH(twice, "twice", HPyFunc_O)',
      'static HPy twice_impl(HPyContext *ctx, HPy self, HPy arg) { (void)self; return HPy_Add(ctx, arg, arg); }',
      'static HPyDef *defines[] = { &twice, NULL };',
      'static HPyModuleDef moduledef = { .defines = defines };',
      'HPy_MODINIT(mine, moduledef)', ''].join('\n'));
    writeFileSync(join(suite, 'mine.test.mjs'), [
      "import { strict as assert } from 'node:assert';",
      "import { loadExtension, backendName } from 'hpy-matrix/suite';",
      "describe('mine', () => {",
      "  it('twice', async () => {",
      "    const m = await loadExtension('mine.c');",
      "    assert.equal(m.twice(21), 42);",
      "    assert.equal(backendName(), 'reference');",
      '  });',
      '});', ''].join('\n'));
    writeFileSync(join(dir, 'matrix.json'), JSON.stringify({ backends: ['reference'], suites: ['./my-suite'] }));
    const run = await execa('node', [join(root, 'bin/hpy-matrix.js'), 'run', '--reporter', 'json'], {
      cwd: dir, reject: false, env: { HPY_MATRIX_CACHE_DIR: join(dir, 'cache') },
    });
    const report = JSON.parse(run.stdout) as { cells: Array<{ status: string; passed: number; error?: string }> };
    expect(report.cells).to.have.length(1);
    expect(report.cells[0], JSON.stringify(report.cells[0])).to.include({ status: 'PASS', passed: 1 });
    expect(run.exitCode).to.equal(0);
  });
});
