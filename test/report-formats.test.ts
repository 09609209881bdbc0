// The run reporters (console, json, junit, markdown) on a hand-built run, and --reporter/--out.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { formatConsoleReport } from '../harness/reports/run/console.js';
import { formatJsonReport, JSON_REPORT_SCHEMA } from '../harness/reports/run/json.js';
import { formatJunitReport } from '../harness/reports/run/junit.js';
import { formatMarkdownReport } from '../harness/reports/run/markdown.js';
import { parseReporterArgs, REPORTERS, writeReports } from '../harness/reports/run/reporters.js';
import { findDisagreements } from '../harness/reports/run/disagreements.js';
import { formatGithubAnnotations } from '../harness/reports/run/github.js';
import { formatHtmlReport } from '../harness/reports/run/html.js';
import type { CellResult } from '../harness/runner/cell-result.js';
import type { Expectations } from '../harness/runner/expectations.js';
import { judgeRun } from '../harness/runner/gate.js';
import type { MatrixResult } from '../harness/runner/result.js';
import { NASTY_ERROR, NASTY_TITLE, sampleRun } from './fixtures/reports/sample-run.js';

/**
 * Eight cells judged by the real gate against an expectations file: known failures, a known
 * crash, a regression, an unexpected pass, a flaky pass, a skip and passes.
 */
function judgedRun(): MatrixResult {
  const cell = (suite: string, backend: string, status: CellResult['status'], tests: Array<[string, 'passed' | 'failed']> = []): CellResult => ({
    suite, backend, status, durationMs: 100, skipped: 0,
    passed: tests.filter(([, s]) => s === 'passed').length, failed: tests.filter(([, s]) => s === 'failed').length,
    tests: tests.map(([title, s]) => ({ title: `${suite} ${title}`, status: s, ...(s === 'failed' ? { error: `AssertionError: ${title}` } : {}) })),
    ...(status === 'CRASH' ? { error: "killed by SIGSEGV in 'known dies'", signal: 'SIGSEGV' } : {}),
  });
  const cells = [
    cell('known', 'reference', 'FAIL', [['one', 'failed'], ['two', 'failed'], ['three', 'passed']]),
    cell('known', 'debug:reference', 'CRASH', [['one', 'passed']]),
    cell('fresh', 'reference', 'FAIL', [['one', 'failed']]),
    cell('fresh', 'debug:reference', 'PASS', [['one', 'passed']]),
    cell('stale', 'reference', 'PASS', [['one', 'passed']]),
    cell('stale', 'debug:reference', 'SKIP'),
    cell('shaky', 'reference', 'PASS', [['one', 'passed']]),
    cell('shaky', 'debug:reference', 'PASS', [['one', 'passed']]),
  ];
  const expectations: Expectations = { file: 'expectations.json', entries: [
    { suite: 'known', backend: 'reference', test: 'known one', status: 'failed', reason: 'no compiler' },
    { suite: 'known', backend: 'reference', test: 'known two', status: 'failed', reason: 'refcounts differ' },
    { suite: 'known', backend: 'debug:reference', status: 'CRASH', reason: 'segfault in the layer' },
    { suite: 'stale', backend: 'reference', test: 'stale one', status: 'failed', reason: 'fixed since' },
    { suite: 'stale', backend: 'debug:reference', status: 'SKIP', reason: 'too slow' },
    { suite: 'shaky', backend: 'reference', flaky: { retries: 2 }, reason: 'timing' },
  ] };
  const gate = judgeRun(cells, expectations, new Map([['shaky\0reference', { cell: true, tests: new Set<string>() }]]));
  return { ...sampleRun(), matrix: { suites: ['known', 'fresh', 'stale', 'shaky'], backends: ['reference', 'debug:reference'], fingerprint: '0'.repeat(64) }, cells, gate };
}

interface Case { name: string; classname: string; failure?: Outcome; error?: Outcome; skipped?: Outcome }
interface Outcome { message: string | null; type: string | null; text: string }
interface Suite { attrs: Record<string, string>; properties: Record<string, string>; cases: Case[] }

/** Parses JUnit XML with Python's XML parser (an independent, strict reader). */
async function parseJunit(xml: string): Promise<{ attrs: Record<string, string>; suites: Suite[] }> {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
def outcome(e):
    return None if e is None else {"message": e.get("message"), "type": e.get("type"), "text": e.text or ""}
print(json.dumps({"attrs": dict(root.attrib), "suites": [
  {"attrs": dict(s.attrib), "properties": {p.get("name"): p.get("value") for p in s.iter("property")},
   "cases": [dict({"name": c.get("name"), "classname": c.get("classname")},
                  **{k: outcome(c.find(k)) for k in ("failure", "error", "skipped") if c.find(k) is not None})
             for c in s.findall("testcase")]}
  for s in root.findall("testsuite")]}))`;
  const run = await execa('python3', ['-c', script], { input: xml });
  return JSON.parse(run.stdout);
}

describe('reporters', () => {
  describe('parseReporterArgs', () => {
    it('knows console, json, junit, markdown, html and github', () => {
      expect(Object.keys(REPORTERS)).to.deep.equal(['console', 'json', 'junit', 'markdown', 'html', 'github']);
    });

    it('lets github share stdout with console (GitHub picks its commands out of any output), nothing else', () => {
      expect(parseReporterArgs(['console', 'github'], [])).to.deep.equal([{ name: 'console' }, { name: 'github' }]);
      expect(() => parseReporterArgs(['json', 'github'], [])).to.throw('--reporter: json and github would both write to stdout');
    });

    it('pairs --out in order with the reporters that are not console and have no file', () => {
      expect(parseReporterArgs(['console', 'json', 'html:r.html', 'junit'], ['a.json', 'b.xml'])).to.deep.equal([
        { name: 'console' }, { name: 'json', out: 'a.json' }, { name: 'html', out: 'r.html' }, { name: 'junit', out: 'b.xml' },
      ]);
    });

    it('leaves one reporter without a file on stdout', () => {
      expect(parseReporterArgs(['markdown'], [])).to.deep.equal([{ name: 'markdown' }]);
    });

    it('splits name:file at the first colon only', () => {
      expect(parseReporterArgs(['json:out/a:b.json'], [])).to.deep.equal([{ name: 'json', out: 'out/a:b.json' }]);
    });

    const refusals: Array<[string, string[], string[], string]> = [
      ['an unknown reporter, listing the known ones', ['tap'], [],
        "--reporter: unknown reporter 'tap' (known: console, json, junit, markdown, html, github)"],
      ['more --out than reporters without a file', ['console', 'json:a.json'], ['b.json'],
        '--out: 1 file(s) for 0 reporter(s) without a file (none); console writes to stdout only'],
      ['two reporters on stdout', ['console', 'json'], [],
        '--reporter: console and json would both write to stdout; give all but one a file (name:FILE or --out FILE)'],
      ['two reporters writing one file', ['json', 'junit'], ['r.txt', './r.txt'],
        '--out: json and junit would both write to ./r.txt'],
      ['console with a file', ['console:c.txt'], [],
        '--reporter: console writes to stdout only; for a file use markdown:c.txt or json:c.txt'],
      ['a colon without a file', ['html:'], [],
        "--reporter: 'html:' names no file (write html:FILE, or html for stdout)"],
    ];
    for (const [what, reporters, outs, message] of refusals) {
      it(`refuses ${what}`, () => {
        expect(() => parseReporterArgs(reporters, outs)).to.throw(Error, message);
      });
    }
  });

  describe('writeReports', () => {
    let tmp: string;
    before(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-reporters-')); });
    after(async () => { await rm(tmp, { recursive: true, force: true }); });

    it('writes each file reporter to its file, creating folders', async () => {
      const json = path.join(tmp, 'deep', 'run.json');
      const md = path.join(tmp, 'run.md');
      await writeReports(sampleRun(), parseReporterArgs(['json', 'markdown'], [json, md]));
      expect(JSON.parse(await readFile(json, 'utf8')).cells).to.have.length(6);
      expect(await readFile(md, 'utf8')).to.match(/^# hpy-matrix report/);
    });
  });

  describe('json', () => {
    it('carries the schema, environment, gate, cells with findings and verdicts', () => {
      const run = sampleRun();
      const doc = JSON.parse(formatJsonReport(run));
      expect(doc.schema).to.equal(JSON_REPORT_SCHEMA).and.to.equal(1);
      expect(doc.durationMs).to.equal(4200);
      expect(doc.environment).to.deep.equal(run.environment);
      expect(doc.gate).to.deep.equal(run.gate);
      expect(doc.cells[0].tests[1]).to.deep.include({ title: NASTY_TITLE, status: 'failed', error: NASTY_ERROR });
      expect(doc.cells[0].tests[1].findings).to.deep.equal([{ kind: 'leak', function: 'ctx_Dup', handle: 7, message: 'handle 7 never closed' }]);
      expect(doc.cells[5].verdict).to.deep.equal({ outcome: 'expected', expected: 'SKIP', reason: 'debug context not built yet' });
    });

  });

  describe('junit', () => {
    let doc: Awaited<ReturnType<typeof parseJunit>>;
    before(async () => { doc = await parseJunit(formatJunitReport(sampleRun())); });

    it('has one testsuite per cell, named suite × backend, with its properties', () => {
      expect(doc.suites.map((s) => s.attrs.name)).to.deep.equal([
        'basic × reference', 'basic × debug:reference', 'types × reference', 'types × debug:reference',
        'errors × reference', 'errors × debug:reference']);
      expect(doc.suites[0]!.properties).to.deep.equal({ suite: 'basic', backend: 'reference', status: 'FAIL' });
      expect(doc.suites[5]!.properties).to.include({ status: 'SKIP', verdict: 'expected' });
    });

    it('counts tests, failures, errors and skips per suite and in total', () => {
      const counts = doc.suites.map((s) => [s.attrs.tests, s.attrs.failures, s.attrs.errors, s.attrs.skipped].map(Number));
      expect(counts).to.deep.equal([[4, 1, 0, 1], [2, 0, 1, 0], [5, 0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0], [1, 0, 0, 1]]);
      expect([doc.attrs.tests, doc.attrs.failures, doc.attrs.errors, doc.attrs.skipped].map(Number)).to.deep.equal([14, 1, 3, 2]);
      expect(doc.attrs.time).to.equal('4.200');
    });

    it('keeps a failure message and its full text, control characters made visible', () => {
      const failed = doc.suites[0]!.cases.find((c) => c.failure)!;
      expect(failed.name).to.equal(NASTY_TITLE);
      expect(failed.classname).to.equal('basic.reference');
      expect(failed.failure).to.deep.equal({
        message: "AssertionError: expected '<script>alert(1)</script>' to equal 'x'",
        type: 'AssertionError',
        text: NASTY_ERROR.replace(/\u001b/g, '\\x1b'),
      });
    });

    it('reports a crash as an error of the test that was running', () => {
      const crash = doc.suites[1]!.cases.find((c) => c.error)!;
      expect(crash.name).to.equal('basic segfaults');
      expect(crash.error).to.deep.include({ type: 'CRASH', message: "killed by SIGSEGV in 'basic segfaults'" });
    });

    it('reports a timeout and an error as an error of the cell, and a skipped cell as skipped', () => {
      expect(doc.suites[3]!.cases).to.deep.equal([{ name: '(cell)', classname: 'types.debug:reference',
        error: { type: 'TIMEOUT', message: 'no result within 1000 ms', text: 'no result within 1000 ms' } }]);
      expect(doc.suites[4]!.cases[0]!.error!.message).to.equal('extension did not build: errors.c');
      expect(doc.suites[5]!.cases[0]!.skipped!.message).to.equal('debug context not built yet');
    });
  });

  describe('markdown', () => {
    const text = formatMarkdownReport(sampleRun());
    const rows = text.split('\n').filter((l) => l.startsWith('|'));
    /** Splits a table row at pipes that are not escaped. */
    const cells = (row: string) => row.slice(2, -2).split(/(?<!\\) \| /);

    it('has a matrix table: suites as rows, backends as columns, statuses with counts', () => {
      expect(cells(rows[0]!)).to.deep.equal(['suite', 'reference', 'debug:reference']);
      expect(rows[1]).to.equal('|---|---|---|');
      expect(cells(rows[2]!)).to.deep.equal(['basic', '❌ FAIL (2 passed, 1 failed, 1 skipped)', '💥 CRASH (1 passed)']);
      expect(cells(rows[3]!)).to.deep.equal(['types', '✅ PASS (5 passed)', '⏱️ TIMEOUT (0 passed)']);
      expect(cells(rows[4]!)).to.deep.equal(['errors', '⚠️ ERROR (0 passed)', '⏭️ SKIP (0 passed)']);
    });

    it('states the gate and the environment', () => {
      expect(text).to.include('**Gate:** exit 1 (not as expected): 3 regressions, 0 unexpected passes, 1 flaky; expectations: expectations.json');
      expect(rows).to.include('| Python | 3.11.7 |');
    });

    it('details each cell that did not pass, messages in code blocks, markup escaped', () => {
      const sections = text.split('\n### ').slice(1).map((s) => s.split('\n', 1)[0]);
      expect(sections).to.deep.equal(['basic × reference: FAIL', 'basic × debug:reference: CRASH',
        'types × debug:reference: TIMEOUT', 'errors × reference: ERROR']);
      expect(text).to.include('- **basic \\<b\\>bold\\</b\\> & "quoted" | piped \\`ticked\\`**');
      expect(text).to.include("  ```\n  AssertionError: expected '<script>alert(1)</script>' to equal 'x'\n");
      expect(text).to.include('```\nerrors.c:3:1: error: expected ; before }\n```');
    });
  });

  describe('console', () => {
    it('colours statuses only when asked, keeping the columns aligned', () => {
      const plain = formatConsoleReport(sampleRun());
      const coloured = formatConsoleReport(sampleRun(), { colour: true });
      const tableOf = (text: string) => text.split('\n\n')[0]!;
      expect(tableOf(plain)).not.to.include('\u001b[');
      expect(tableOf(coloured)).to.include('\u001b[32mPASS   \u001b[39m');
      // Stripped from both: the fixture's error message carries ANSI codes of its own.
      const strip = (text: string) => text.replace(/\u001b\[[\d;]+m/g, '');
      expect(strip(coloured)).to.equal(strip(plain));
      expect(tableOf(strip(coloured))).to.equal(tableOf(plain));
    });

    it('ends with the summary and the gate', () => {
      const lines = formatConsoleReport(sampleRun()).trimEnd().split('\n');
      expect(lines.slice(-2)).to.deep.equal([
        '6 cells: 1 FAIL, 1 CRASH, 1 PASS, 1 TIMEOUT, 1 ERROR, 1 SKIP (4.2 s)',
        'gate: exit 1 (not as expected): 3 regressions, 0 unexpected passes, 1 flaky; expectations: expectations.json',
      ]);
    });
  });

  describe('known results shown as known', () => {
    it('console: more than six cells are a grid, known failures labelled, details of what the gate holds against the run only', () => {
      const text = formatConsoleReport(judgedRun());
      expect(text.split('\n\n')[0]).to.equal([
        'suite | reference              | debug:reference',
        '------|------------------------|-----------------',
        'known | FAIL (expected: 2)     | CRASH (expected)',
        'fresh | FAIL                   | PASS',
        'stale | PASS (unexpected pass) | SKIP',
        'shaky | PASS (flaky)           | PASS',
      ].join('\n'));
      expect(text).to.include('fresh × reference: FAIL\n  ✗ fresh one\n      AssertionError: one');
      expect(text).to.include('stale × reference: PASS (unexpected pass)');
      expect(text).not.to.include('known × reference');
      expect(text).to.include('2 cells with known or flaky results not detailed (--verbose lists them)');
      expect(text).to.include('gate: exit 1 (not as expected): 1 regression, 1 unexpected pass, 1 flaky; expectations: expectations.json');
    });

    it('console --verbose: every cell in the table, every failure with its expectation', () => {
      const text = formatConsoleReport(judgedRun(), { verbose: true });
      expect(text).to.match(/^known \| reference\s+\| FAIL \(expected: 2\)\s+\|\s+1 \|\s+2 \|/m);
      expect(text).to.include('known × reference: FAIL (expected: 2)\n  ✗ known one (expected: no compiler)\n      AssertionError: one\n  ✗ known two (expected: refcounts differ)');
      expect(text).to.include("known × debug:reference: CRASH (expected)\n  killed by SIGSEGV in 'known dies'");
    });

    it('console colours by what the gate made of a cell: a known failure is not red', () => {
      const text = formatConsoleReport(judgedRun(), { colour: true });
      expect(text).to.include('\u001b[36mFAIL (expected: 2)    \u001b[39m');
      expect(text).to.include('\u001b[1;31mFAIL                  \u001b[22;39m');
    });

    it('markdown and html: known failures marked as known, only regressions as failures', () => {
      const md = formatMarkdownReport(judgedRun());
      expect(md).to.include('| known | ☑️ FAIL (expected: 2) (1 passed, 2 failed) | ☑️ CRASH (expected) (1 passed) |');
      expect(md).to.include('| fresh | ❌ FAIL (0 passed, 1 failed) | ✅ PASS (1 passed) |');
      expect(md).to.include('| stale | ❗ PASS (unexpected pass) (1 passed) | ⏭️ SKIP (0 passed) |');
      expect(md).to.include('- **known one** (expected: no compiler)');
      const html = formatHtmlReport(judgedRun());
      expect(html).to.include('<td class="tone-expected"><span class="status"><a href="#cell-0">FAIL (expected: 2)</a></span>');
      expect(html).to.include('<td class="tone-regression"><span class="status"><a href="#cell-2">FAIL</a></span>');
      expect(html).to.include('<td class="tone-unexpected"><span class="status">PASS (unexpected pass)</span>');
      expect(html).to.include('<strong>known one</strong> (expected: no compiler)');
    });
  });

  describe('github', () => {
    it('annotates regressions and unexpected passes as errors, flaky passes as warnings, then the gate', () => {
      const lines = formatGithubAnnotations(judgedRun()).trimEnd().split('\n');
      expect(lines).to.deep.equal([
        '::error title=fresh × reference%3A fresh one::AssertionError: one',
        '::error title=stale × reference%3A stale one::passed, but the expectations file says it fails (fixed since): update it',
        '::warning title=shaky × reference%3A flaky::passed on a retry (timing)',
        '::error title=hpy-matrix gate::exit 1 (not as expected): 1 regression, 1 unexpected pass, 1 flaky; expectations: expectations.json',
      ]);
    });

    it('escapes what workflow commands decode, keeps a message to its first lines, and names a crash', () => {
      const text = formatGithubAnnotations(sampleRun());
      expect(text).to.include(`::error title=basic × reference%3A ${NASTY_TITLE.replace(/:/g, '%3A').replace(/,/g, '%2C')}::`
        + NASTY_ERROR.replace(/%/g, '%25').replace(/\n/g, '%0A'));
      expect(text).to.include("::error title=basic × debug%3Areference%3A CRASH::killed by SIGSEGV in 'basic segfaults'");
      const long = sampleRun();
      long.cells[0]!.tests[1]!.error = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
      expect(formatGithubAnnotations(long)).to.include('line 11%0A… 18 more lines');
    });

    it('a green gate is a notice', () => {
      const green = { ...judgedRun(), cells: [], gate: { exitCode: 0 as const, regressions: 0, unexpectedPasses: 0, flaky: 0 } };
      expect(formatGithubAnnotations(green)).to.equal('::notice title=hpy-matrix gate::exit 0 (as expected): 0 regressions, 0 unexpected passes, 0 flaky; no expectations file\n');
    });

    it('appends the markdown report to $GITHUB_STEP_SUMMARY when it is set', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-summary-'));
      const summary = path.join(dir, 'summary.md');
      const saved = process.env.GITHUB_STEP_SUMMARY;
      process.env.GITHUB_STEP_SUMMARY = summary;
      try {
        await writeReports(judgedRun(), [{ name: 'github', out: path.join(dir, 'annotations.txt') }]);
        expect(await readFile(summary, 'utf8')).to.equal(formatMarkdownReport(judgedRun()));
        expect(await readFile(path.join(dir, 'annotations.txt'), 'utf8')).to.equal(formatGithubAnnotations(judgedRun()));
      } finally {
        if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
        else process.env.GITHUB_STEP_SUMMARY = saved;
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('where backends disagree', () => {
    /** basic on three backends without a layer and two debug ones: one test splits each group. */
    function split(): MatrixResult {
      const cell = (backend: string, statuses: Array<'passed' | 'failed' | 'skipped'>): CellResult => ({
        suite: 'basic', backend, status: statuses.includes('failed') ? 'FAIL' : 'PASS', durationMs: 1,
        passed: statuses.filter((s) => s === 'passed').length, failed: statuses.filter((s) => s === 'failed').length,
        skipped: statuses.filter((s) => s === 'skipped').length,
        tests: statuses.map((status, i) => ({ title: `basic t${i}`, status })),
      });
      const cells = [
        cell('reference', ['passed', 'passed', 'skipped']),
        cell('cpython', ['passed', 'failed', 'passed']),
        cell('python:python3', ['passed', 'passed', 'failed']),
        cell('debug:reference', ['failed', 'passed', 'passed']),
        cell('debug:cpython', ['passed', 'passed', 'passed']),
      ];
      return { ...sampleRun(), matrix: { suites: ['basic'], backends: cells.map((c) => c.backend), fingerprint: '1'.repeat(64) }, cells };
    }

    it('finds tests that passed on some backends of a layer and failed on others, not across layers, skips aside', () => {
      expect(findDisagreements(split().cells)).to.deep.equal([
        { suite: 'basic', test: 'basic t1', results: { reference: 'passed', cpython: 'failed', 'python:python3': 'passed' } },
        { suite: 'basic', test: 'basic t2', results: { reference: 'skipped', cpython: 'passed', 'python:python3': 'failed' } },
        { suite: 'basic', test: 'basic t0', results: { 'debug:reference': 'failed', 'debug:cpython': 'passed' } },
      ]);
      // A failure the expectations file knows is a known difference, not news.
      const known = split();
      known.cells[1]!.tests[1]!.verdict = { outcome: 'expected', expected: 'failed', reason: 'differs on purpose' };
      expect(findDisagreements(known.cells).map((d) => d.test)).to.deep.equal(['basic t2', 'basic t0']);
    });

    it('a test a cell crashed in, where others passed it, is a disagreement', () => {
      const run = split();
      const crashed: CellResult = {
        suite: 'basic', backend: 'python:pypy3', status: 'CRASH', passed: 0, failed: 0, skipped: 0, durationMs: 5,
        tests: [], error: "killed by SIGSEGV in 'basic t2'", signal: 'SIGSEGV', crashedIn: 'basic t2',
      };
      expect(findDisagreements([...run.cells, crashed]).find((d) => d.test === 'basic t2')?.results)
        .to.deep.equal({ reference: 'skipped', cpython: 'passed', 'python:python3': 'failed', 'python:pypy3': 'crashed' });
    });

    it('every reporter shows them; json carries them', () => {
      const run = split();
      expect(formatConsoleReport(run)).to.include('3 tests where backends disagree:\n'
        + '  basic: basic t1: reference passed, cpython failed, python:python3 passed\n'
        + '  basic: basic t2: reference skipped, cpython passed, python:python3 failed\n'
        + '  basic: basic t0: debug:reference failed, debug:cpython passed');
      expect(formatMarkdownReport(run)).to.include('## Where backends disagree\n\n| suite | test | results |\n|---|---|---|\n'
        + '| basic | basic t1 | reference passed, cpython failed, python:python3 passed |');
      expect(formatHtmlReport(run)).to.include('<tr><td>basic</td><td>basic t0</td><td>debug:reference failed, debug:cpython passed</td></tr>');
      expect(JSON.parse(formatJsonReport(run)).disagreements).to.have.length(3);
      expect(formatConsoleReport(sampleRun())).not.to.include('disagree');
    });
  });
});
