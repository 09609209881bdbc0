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
import { NASTY_ERROR, NASTY_TITLE, sampleRun } from './fixtures/reports/sample-run.js';

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
    it('knows console, json, junit, markdown and html', () => {
      expect(Object.keys(REPORTERS)).to.deep.equal(['console', 'json', 'junit', 'markdown', 'html']);
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
        "--reporter: unknown reporter 'tap' (known: console, json, junit, markdown, html)"],
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
});
