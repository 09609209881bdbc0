// The gate: verdicts against the expectations file, exit codes, flaky retries, SKIP, and
// `hpy-matrix expectations --update`. Cells run the compiled runner: `npm test` builds dist/ first.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import type { CellResult, TestResult } from '../harness/runner/cell-result.js';
import { resolveSuites } from '../harness/runner/config.js';
import { parseExpectations, type Expectation, type Expectations } from '../harness/runner/expectations.js';
import { judgeRun, type Retried } from '../harness/runner/gate.js';
import { runMatrix } from '../harness/runner/runner.js';
import { updatedExpectations } from '../harness/runner/update-expectations.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = 'test/fixtures/suites';

function test(title: string, status: TestResult['status']): TestResult {
  return { title, status, durationMs: 1 };
}

function cell(suite: string, status: CellResult['status'], tests: TestResult[] = [], backend = 'reference'): CellResult {
  const count = (s: string) => tests.filter((t) => t.status === s).length;
  return { suite, backend, status, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), durationMs: 5, tests };
}

function expectations(entries: Expectation[]): Expectations {
  return { file: 'expectations.json', entries };
}

describe('the gate', () => {
  describe('verdicts (pure)', () => {
    it('passes as expected when the file says nothing and everything passed', () => {
      const cells = [cell('a', 'PASS', [test('a t', 'passed'), test('a s', 'skipped')])];
      expect(judgeRun(cells, expectations([]))).to.deep.equal({
        exitCode: 0, regressions: 0, unexpectedPasses: 0, flaky: 0, expectationsFile: 'expectations.json',
      });
      expect(cells[0]!.verdict).to.deep.equal({ outcome: 'expected' });
    });

    it('a known failing test is expected, with the reason; a new failure is a regression', () => {
      const cells = [cell('a', 'FAIL', [test('a known', 'failed'), test('a new', 'failed')])];
      const gate = judgeRun(cells, expectations([{ suite: 'a', backend: 'reference', test: 'a known', status: 'failed', reason: 'bug 12' }]));
      expect(gate).to.include({ exitCode: 1, regressions: 1, unexpectedPasses: 0 });
      expect(cells[0]!.tests.map((t) => t.verdict)).to.deep.equal([
        { outcome: 'expected', expected: 'failed', reason: 'bug 12' },
        { outcome: 'regression' },
      ]);
      expect(cells[0]!.verdict).to.deep.equal({ outcome: 'regression' });
    });

    it('a test that passes against a failed entry is an unexpected pass: exit 1', () => {
      const cells = [cell('a', 'PASS', [test('a fixed', 'passed')])];
      const gate = judgeRun(cells, expectations([{ suite: 'a', backend: '*', test: 'a fixed', status: 'failed', reason: 'r' }]));
      expect(gate).to.include({ exitCode: 1, regressions: 0, unexpectedPasses: 1 });
      expect(cells[0]!.verdict?.outcome).to.equal('unexpected-pass');
    });

    it('a cell entry matches the status; an exact backend wins over *', () => {
      const file = expectations([
        { suite: 'a', backend: '*', status: 'TIMEOUT', reason: 'slow everywhere' },
        { suite: 'a', backend: 'reference', status: 'CRASH', reason: 'segfault on reference' },
      ]);
      const crash = [cell('a', 'CRASH')];
      expect(judgeRun(crash, file).exitCode).to.equal(0);
      expect(crash[0]!.verdict).to.deep.equal({ outcome: 'expected', expected: 'CRASH', reason: 'segfault on reference' });
      const timeout = [cell('a', 'TIMEOUT')];
      expect(judgeRun(timeout, file)).to.include({ exitCode: 1, regressions: 1 });
      expect(timeout[0]!.verdict).to.deep.equal({ outcome: 'regression', expected: 'CRASH', reason: 'segfault on reference' });
      const elsewhere = [cell('a', 'TIMEOUT', [], 'debug:reference')];
      expect(judgeRun(elsewhere, file).exitCode).to.equal(0);
    });

    it('a cell that runs through against a CRASH entry is an unexpected pass, unless a test regressed', () => {
      const file = expectations([{ suite: 'a', backend: 'reference', status: 'CRASH', reason: 'r' }]);
      expect(judgeRun([cell('a', 'PASS', [test('a t', 'passed')])], file)).to.include({ exitCode: 1, unexpectedPasses: 1, regressions: 0 });
      expect(judgeRun([cell('a', 'FAIL', [test('a t', 'failed')])], file)).to.include({ exitCode: 1, unexpectedPasses: 0, regressions: 2 });
    });

    it('ERROR, CRASH and TIMEOUT without an entry are regressions; SKIP is expected', () => {
      const cells = [cell('a', 'ERROR'), cell('b', 'CRASH', [test('b before', 'passed')]), cell('c', 'TIMEOUT'), cell('d', 'SKIP')];
      const file = expectations([{ suite: 'd', backend: 'reference', status: 'SKIP', reason: 'no compiler on arm' }]);
      expect(judgeRun(cells, file)).to.include({ exitCode: 1, regressions: 3 });
      expect(cells[3]!.verdict).to.deep.equal({ outcome: 'expected', expected: 'SKIP', reason: 'no compiler on arm' });
    });

    it('flaky: a pass on a retry counts as flaky, a failure after every retry as a regression', () => {
      const cells = [cell('a', 'FAIL', [test('a once', 'passed'), test('a always', 'failed'), test('a steady', 'passed')])];
      const file = expectations([
        { suite: 'a', backend: '*', test: 'a once', flaky: { retries: 2 }, reason: 'timing' },
        { suite: 'a', backend: '*', test: 'a always', flaky: { retries: 2 }, reason: 'timing' },
        { suite: 'a', backend: '*', test: 'a steady', flaky: { retries: 2 }, reason: 'timing' },
      ]);
      const retried = new Map<string, Retried>([['a\0reference', { cell: false, tests: new Set(['a once']) }]]);
      expect(judgeRun(cells, file, retried)).to.include({ exitCode: 1, regressions: 1, flaky: 1 });
      expect(cells[0]!.tests.map((t) => t.verdict?.outcome)).to.deep.equal(['flaky', 'regression', 'expected']);
    });

    it('a flaky cell that passed on a rerun is flaky, exit 0', () => {
      const cells = [cell('a', 'PASS', [test('a t', 'passed')])];
      const file = expectations([{ suite: 'a', backend: 'reference', flaky: { retries: 1 }, reason: 'crashes at times' }]);
      const gate = judgeRun(cells, file, new Map([['a\0reference', { cell: true, tests: new Set<string>() }]]));
      expect(gate).to.include({ exitCode: 0, flaky: 1 });
      expect(cells[0]!.verdict).to.deep.equal({ outcome: 'flaky', reason: 'crashes at times' });
    });
  });

  describe('expectations --update (pure)', () => {
    const old: Expectation[] = [
      { suite: 'a', backend: 'reference', test: 'a still', status: 'failed', reason: 'kept reason' },
      { suite: 'a', backend: 'reference', test: 'a fixed', status: 'failed', reason: 'dropped' },
      { suite: 'a', backend: 'reference', test: 'a not run', status: 'failed', reason: 'not checked, kept' },
      { suite: 'a', backend: '*', test: 'a wobbly', flaky: { retries: 2 }, reason: 'flaky stays' },
      { suite: 'b', backend: 'reference', status: 'CRASH', reason: 'was a crash' },
      { suite: 'z', backend: 'reference', status: 'ERROR', reason: 'other suite, kept' },
    ];
    const cells = [
      cell('a', 'FAIL', [test('a still', 'failed'), test('a fixed', 'passed'), test('a wobbly', 'passed'), test('a new', 'failed')]),
      cell('b', 'TIMEOUT'),
      cell('c', 'SKIP'),
    ];

    it('keeps confirmed and unchecked entries, drops fixed ones, adds TODO entries for new non-passes', () => {
      expect(updatedExpectations(old, cells)).to.deep.equal([
        old[0], old[2], old[3], old[5],
        { suite: 'a', backend: 'reference', test: 'a new', status: 'failed', reason: 'TODO: explain' },
        { suite: 'b', backend: 'reference', status: 'TIMEOUT', reason: 'TODO: explain' },
      ]);
    });

    it('is a fixed point: a second update of the same run changes nothing', () => {
      const once = updatedExpectations(old, cells);
      expect(updatedExpectations(once, cells)).to.have.deep.members(once);
    });
  });

  describe('runs', function () {
    this.timeout(120_000);
    let tmp: string;
    before(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-gate-test-')); });
    after(async () => { await rm(tmp, { recursive: true, force: true }); });

    async function suites(names: string[]) {
      return resolveSuites('test', names.map((n) => `${FIXTURES}/${n}`), ROOT);
    }

    it('flaky tests are rerun alone: a pass on a retry is flaky, a test failing every retry regresses', async () => {
      process.env.HPY_MATRIX_FLAKY_FIXTURE_DIR = tmp;
      try {
        const suite = `${FIXTURES}/flaky`;
        const file = expectations([
          { suite, backend: 'reference', test: 'flaky fails on the first attempt only', flaky: { retries: 2 }, reason: 'state' },
          { suite, backend: 'reference', test: 'flaky always fails', flaky: { retries: 2 }, reason: 'broken' },
        ]);
        const result = await runMatrix({ backends: ['reference'], suites: await suites(['flaky']) }, { expectations: file });
        const [flaky] = result.cells;
        expect(flaky!.tests.map((t) => [t.title, t.status, t.verdict?.outcome])).to.deep.equal([
          ['flaky passes', 'passed', 'expected'],
          ['flaky fails on the first attempt only', 'passed', 'flaky'],
          ['flaky always fails', 'failed', 'regression'],
        ]);
        expect(flaky).to.include({ status: 'FAIL', passed: 2, failed: 1 });
        expect(result.gate).to.include({ exitCode: 1, regressions: 1, flaky: 1 });
      } finally {
        delete process.env.HPY_MATRIX_FLAKY_FIXTURE_DIR;
      }
    });

    it('SKIP: a skipped cell is not run; a skipped test is reported skipped with its reason', async () => {
      const file = expectations([
        { suite: `${FIXTURES}/hang`, backend: 'reference', status: 'SKIP', reason: 'never ends' },
        { suite: `${FIXTURES}/one-fail`, backend: '*', test: 'one-fail fails on purpose', status: 'SKIP', reason: 'fixture failure' },
      ]);
      const result = await runMatrix({ backends: ['reference'], suites: await suites(['hang', 'one-fail']), timeout: 60_000 }, { expectations: file });
      const [hang, oneFail] = result.cells;
      expect(hang).to.deep.equal({
        suite: `${FIXTURES}/hang`, backend: 'reference', status: 'SKIP', passed: 0, failed: 0, skipped: 0, durationMs: 0, tests: [],
        verdict: { outcome: 'expected', expected: 'SKIP', reason: 'never ends' },
      });
      expect(oneFail).to.include({ status: 'PASS', passed: 1, skipped: 1 });
      expect(oneFail!.tests[1]).to.deep.include({
        title: 'one-fail fails on purpose', status: 'skipped', verdict: { outcome: 'expected', expected: 'SKIP', reason: 'fixture failure' },
      });
      expect(result.gate.exitCode).to.equal(0);
    });

    it('the command line: exit 1 on a regression, --update records it, then exit 0; exit 1 once it passes', async () => {
      const config = path.join(tmp, 'matrix.json');
      const file = path.join(tmp, 'expectations.json');
      const suite = path.relative(tmp, path.join(ROOT, FIXTURES, 'one-fail'));
      await writeFile(config, JSON.stringify({ backends: ['reference'], suites: [`./${suite}`], expectations: 'expectations.json' }));
      await writeFile(file, '{"schema": 1, "expectations": []}\n');
      const cli = (...args: string[]) => execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), ...args, '--config', config], { cwd: ROOT, reject: false });

      expect((await cli('run')).exitCode).to.equal(1);
      const update = await cli('expectations', '--update');
      expect(update.exitCode, update.stderr).to.equal(0);
      expect(update.stdout.trim()).to.equal(`${file}: 1 added, 0 dropped; 1 entry (1 failed tests, 0 cells that do not run through, 0 flaky, 0 skipped; 1 with a TODO reason)`);
      expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({ schema: 1, expectations: [
        { suite: `./${suite}`, backend: 'reference', test: 'one-fail fails on purpose', status: 'failed', reason: 'TODO: explain' },
      ] });
      const gated = await cli('run');
      expect(gated.exitCode, gated.stdout).to.equal(0);

      const check = await cli('expectations');
      expect(check.exitCode).to.equal(0);
      expect(check.stdout).to.contain('1 entry (1 failed tests');

      // --grep runs only the passing test: the entry is not checked, so nothing changes.
      expect((await cli('run', '--grep', 'adds')).exitCode).to.equal(0);
      // An entry for a test that now passes is an unexpected pass.
      const stale = JSON.parse(await readFile(file, 'utf8')) as { expectations: Expectation[] };
      stale.expectations.push({ suite: `./${suite}`, backend: 'reference', test: 'one-fail adds', status: 'failed', reason: 'stale' });
      await writeFile(file, JSON.stringify(stale));
      const unexpected = await cli('run', '--reporter', 'json');
      expect(unexpected.exitCode).to.equal(1);
      expect(JSON.parse(unexpected.stdout).cells[0].tests[0].verdict).to.deep.equal({ outcome: 'unexpected-pass', expected: 'failed', reason: 'stale' });
    });

    it('the command line: a bad expectations file is exit 2 naming the file and the entry', async () => {
      const config = path.join(tmp, 'bad-matrix.json');
      const file = path.join(tmp, 'bad-expectations.json');
      await writeFile(config, JSON.stringify({ backends: ['reference'], suites: ['basic'], expectations: 'bad-expectations.json' }));
      await writeFile(file, '{"schema": 1, "expectations": [{"suite": "basic", "backend": "reference", "status": "FAIL", "reason": "x"}]}');
      for (const command of ['run', 'expectations']) {
        const run = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), command, '--config', config], { cwd: ROOT, reject: false });
        expect(run.exitCode).to.equal(2);
        expect(run.stderr.trim()).to.equal(`hpy-matrix ${command}: ${file}: expectations[0]: 'status' of a cell must be one of ERROR, CRASH, TIMEOUT, SKIP, got "FAIL" (a failing cell is described by entries for its failing tests)`);
      }
    });
  });
});

describe('expectations file validation', () => {
  const valid = { suite: 's', backend: 'reference', reason: 'r' };
  const cases: Array<[string, unknown, string]> = [
    ['not an object', [], 'f.json: must be a JSON object like {"schema": 1, "expectations": []}'],
    ['wrong schema', { schema: 2, expectations: [] }, "f.json: 'schema' must be 1, got 2"],
    ['unknown top key', { schema: 1, expectations: [], extra: 1 }, "f.json: unknown key 'extra' (allowed: schema, expectations)"],
    ['no list', { schema: 1 }, "f.json: 'expectations' must be an array, got nothing"],
    ['entry not an object', { schema: 1, expectations: ['x'] }, 'f.json: expectations[0]: must be an object with suite, backend, reason and a status or flaky'],
    ['unknown entry key', { schema: 1, expectations: [{ ...valid, status: 'CRASH', why: 1 }] }, "f.json: expectations[0]: unknown key 'why' (allowed: suite, backend, test, status, flaky, reason)"],
    ['no reason', { schema: 1, expectations: [{ suite: 's', backend: 'b', status: 'CRASH' }] }, "f.json: expectations[0]: 'reason' must be a non-empty string, got nothing"],
    ['empty test', { schema: 1, expectations: [{ ...valid, test: '', status: 'failed' }] }, "f.json: expectations[0]: 'test' must be a non-empty string (a full test title), got \"\""],
    ['status and flaky', { schema: 1, expectations: [{ ...valid, test: 't', status: 'failed', flaky: { retries: 1 } }] }, "f.json: expectations[0]: needs exactly one of 'status' and 'flaky'"],
    ['neither', { schema: 1, expectations: [valid] }, "f.json: expectations[0]: needs exactly one of 'status' and 'flaky'"],
    ['cell status of a test', { schema: 1, expectations: [{ ...valid, test: 't', status: 'CRASH' }] }, "f.json: expectations[0]: 'status' of a test must be one of failed, SKIP, got \"CRASH\""],
    ['bad retries', { schema: 1, expectations: [{ ...valid, test: 't', flaky: { retries: 0 } }] }, 'f.json: expectations[0]: \'flaky\' must be {"retries": N} with N from 1 to 10, got {"retries":0}'],
    ['duplicate', { schema: 1, expectations: [{ ...valid, status: 'CRASH' }, { ...valid, status: 'ERROR' }] }, 'f.json: expectations[1] repeats expectations[0] (same suite, backend and test)'],
  ];
  for (const [what, raw, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(() => parseExpectations('f.json', raw)).to.throw(message.replace(/^f\.json: /, '')).with.property('message', message);
    });
  }

  it('accepts the documented example', () => {
    expect(parseExpectations('f.json', { schema: 1, expectations: [
      { suite: 'types', backend: 'cpython', test: 'types t', status: 'failed', reason: 'a' },
      { suite: 'basic', backend: 'debug:cpython', status: 'CRASH', reason: 'b' },
      { suite: 'capsules', backend: '*', test: 'capsules t', flaky: { retries: 2 }, reason: 'c' },
    ] })).to.have.length(3);
  });
});
