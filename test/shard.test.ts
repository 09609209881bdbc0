// Sharding and merging: a deterministic, balanced share of the cells per CI job, and shard
// reports joined into the run of the whole matrix, its reports and its gate.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import type { CellResult } from '../harness/runner/cell-result.js';
import { parseShard, shareOf } from '../harness/runner/shard.js';
import { formatConsoleReport } from '../harness/reports/run/console.js';
import { parseJsonReport } from '../harness/reports/run/json.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin/hpy-matrix.js');
const FIXTURES = path.join(ROOT, 'test/fixtures/suites');

describe('shards', () => {
  describe('shareOf', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const shares = (total: number, durations?: Map<string, number>) =>
      Array.from({ length: total }, (_, i) => shareOf(keys, { index: i + 1, total }, durations));

    it('by count: every item in exactly one share, the shares one apart at most', () => {
      const three = shares(3);
      expect(three.flat().sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
      expect(three.map((s) => s.length)).to.deep.equal([3, 2, 2]);
      expect(shares(3)).to.deep.equal(three);
    });

    it('by durations: the long items spread out and the shards end together', () => {
      const durations = new Map([['a', 90], ['b', 10], ['c', 10], ['d', 10], ['e', 10], ['f', 10], ['g', 60]]);
      const two = shares(2, durations);
      const load = (share: number[]) => share.reduce((n, i) => n + durations.get(keys[i]!)!, 0);
      expect(two).to.deep.equal([[0, 4], [1, 2, 3, 5, 6]]);
      expect(two.map(load)).to.deep.equal([100, 100]);
    });

    it('an item the durations do not know weighs the average of the known ones', () => {
      const durations = new Map([['a', 30], ['b', 10]]);
      const [first, second] = [1, 2].map((index) => shareOf(['a', 'b', 'new'], { index, total: 2 }, durations));
      expect([first, second]).to.deep.equal([[0], [1, 2]]);
    });

    it('more shards than items leaves some shards empty', () => {
      expect(shareOf(['a'], { index: 2, total: 3 })).to.deep.equal([]);
    });
  });

  it('parseShard refuses what is not i/n with 1 <= i <= n', () => {
    expect(parseShard('--shard', '2/3')).to.deep.equal({ index: 2, total: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1-3', '']) {
      expect(() => parseShard('--shard', bad)).to.throw(`--shard: must be i/n with 1 <= i <= n (e.g. 2/3), got '${bad}'`);
    }
  });

  describe('run --shard and merge', function () {
    this.timeout(240_000);
    let tmp: string;
    let config: string;
    const run = (args: string[]) => execa(process.execPath, [CLI, 'run', '--config', config, ...args], { cwd: tmp, reject: false });
    const merge = (args: string[]) => execa(process.execPath, [CLI, 'merge', ...args], { cwd: tmp, reject: false });
    const comparable = (cells: CellResult[]) => cells.map(({ suite, backend, status, passed, failed, skipped, tests, verdict, error }) =>
      ({ suite, backend, status, passed, failed, skipped, verdict, error, tests: tests.map(({ title, status: s, error: e, verdict: v }) => ({ title, s, e, v })) }));

    before(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-shard-'));
      config = path.join(tmp, 'matrix.json');
      await writeFile(config, JSON.stringify({
        backends: ['reference', 'debug:reference'],
        suites: ['trivial', 'one-fail', 'bundled'].map((s) => path.join(FIXTURES, s)),
      }));
    });
    after(async () => { await rm(tmp, { recursive: true, force: true }); });

    it('3 shards merged equal one whole run, cell for cell, with the gate over the whole', async () => {
      const whole = await run(['--reporter', 'json:whole.json']);
      expect(whole.exitCode, whole.stderr).to.equal(1);
      const shards = await Promise.all([1, 2, 3].map((i) => run(['--shard', `${i}/3`, '--jobs', '1', '--reporter', `json:shard${i}.json`])));
      const shardResults = await Promise.all([1, 2, 3].map(async (i) => parseJsonReport(await readFile(path.join(tmp, `shard${i}.json`), 'utf8'), `shard${i}`)));
      expect(shardResults.map((r) => r.cells.length)).to.deep.equal([2, 2, 2]);
      expect(shardResults.map((r) => r.shard)).to.deep.equal([1, 2, 3].map((index) => ({ index, total: 3 })));
      // Each shard gates only its share: the one holding a failing cell fails, the others pass.
      const failing = shardResults.map((r) => r.cells.some((c) => c.status === 'FAIL') ? 1 : 0);
      expect(shards.map((s) => s.exitCode)).to.deep.equal(failing);
      expect(formatConsoleReport(shardResults[1]!)).to.match(/^2 cells \(shard 2\/3\): /m);

      const merged = await merge(['shard3.json', 'shard1.json', 'shard2.json', '--reporter', 'json:merged.json', '--reporter', 'console']);
      expect(merged.exitCode, merged.stderr).to.equal(1);
      const a = parseJsonReport(await readFile(path.join(tmp, 'whole.json'), 'utf8'), 'whole');
      const b = parseJsonReport(await readFile(path.join(tmp, 'merged.json'), 'utf8'), 'merged');
      expect(comparable(b.cells)).to.deep.equal(comparable(a.cells));
      expect(b.gate).to.deep.equal(a.gate);
      expect(b.coverage).to.deep.equal(a.coverage);
      expect(b.matrix).to.deep.equal(a.matrix);
      expect(b).to.not.have.property('shard');
      expect(merged.stdout).to.include('6 cells');
    });

    it('--durations balances the shards by an earlier run', async () => {
      const earlier = JSON.parse(await readFile(path.join(tmp, 'whole.json'), 'utf8')) as { cells: CellResult[] };
      // The bundled suite made slow on paper: its two cells go to different shards, alone.
      for (const c of earlier.cells) c.durationMs = c.suite.endsWith('bundled') ? 1000 : 10;
      await writeFile(path.join(tmp, 'slow.json'), JSON.stringify(earlier));
      const first = await run(['--shard', '1/2', '--durations', 'slow.json', '--reporter', 'json']);
      const cells = (JSON.parse(first.stdout) as { cells: CellResult[] }).cells.map((c) => `${path.basename(c.suite)} × ${c.backend}`);
      expect(cells).to.deep.equal(['trivial × reference', 'one-fail × reference', 'bundled × reference']);
    });

    it('refuses what cannot be merged, with one line naming the file', async () => {
      const text = async (f: string) => JSON.parse(await readFile(path.join(tmp, f), 'utf8')) as Record<string, any>;
      const other = await text('shard2.json');
      other.matrix.fingerprint = '0'.repeat(64);
      await writeFile(path.join(tmp, 'other.json'), JSON.stringify(other));
      const newer = await text('shard2.json');
      newer.environment.hpyMatrixVersion = '9.9.9';
      await writeFile(path.join(tmp, 'newer.json'), JSON.stringify(newer));
      const cases: Array<[string[], string]> = [
        [['shard1.json', 'other.json', 'shard3.json'], 'other.json: of another matrix than shard1.json (its suites, backends, extensions, --grep or expectations differ)'],
        [['shard1.json', 'newer.json', 'shard3.json'], `newer.json: made by hpy-matrix 9.9.9, shard1.json by ${(await text('shard1.json')).environment.hpyMatrixVersion}`],
        [['shard1.json', 'shard1.json', 'shard3.json'], 'shard1.json: shard 1/3 again (shard1.json is that shard too)'],
        [['shard1.json', 'shard3.json'], 'shard 2 of 3 missing: a merge covers the whole matrix'],
        [['shard1.json', 'whole.json'], 'whole.json: shard 1/1, but shard1.json is one of 3 shards'],
        [['absent.json'], 'absent.json: no such file'],
        [['matrix.json'], 'matrix.json: json report schema undefined, this hpy-matrix reads schema 1'],
        [['whole.json', '--reporter', 'yaml'], "--reporter: unknown reporter 'yaml' (known: console, json, junit, markdown, html, github)"],
      ];
      for (const [args, message] of cases) {
        const r = await merge(args);
        expect(r.exitCode, args.join(' ')).to.equal(2);
        expect(r.stderr.trim()).to.equal(`hpy-matrix merge: ${message}`);
      }
    });

    it('one whole report alone is rendered again, html included', async () => {
      const html = await merge(['whole.json', '--reporter', 'html']);
      expect(html.exitCode).to.equal(1);
      expect(html.stdout).to.match(/^<!DOCTYPE html>/i);
      expect(html.stdout).to.include('one-fail');
    });

    it('refuses --durations without --shard, and a bad --shard', async () => {
      const a = await run(['--durations', 'whole.json']);
      expect([a.exitCode, a.stderr.trim()]).to.deep.equal([2, 'hpy-matrix run: --durations: balances shards: give --shard i/n too']);
      const b = await run(['--shard', '3/2']);
      expect([b.exitCode, b.stderr.trim()]).to.deep.equal([2, "hpy-matrix run: --shard: must be i/n with 1 <= i <= n (e.g. 2/3), got '3/2'"]);
      const c = await run(['--shard', '1/2', '--durations', 'absent.json']);
      expect([c.exitCode, c.stderr.trim()]).to.deep.equal([2, 'hpy-matrix run: --durations: absent.json: no such file']);
    });
  });
});
