// The html report as a browser shows it: rendered in headless Chromium and read back.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ExtensionReport } from '../harness/reports/extension/model.js';
import { migrationOf } from '../loader/static/migration.js';
import { formatHtmlReport } from '../harness/reports/run/html.js';
import { chromiumPath, render, renderWithoutScripts, type Seen } from './fixtures/reports/chromium.js';
import { NASTY_ERROR, NASTY_TITLE, sampleRun } from './fixtures/reports/sample-run.js';

describe('html report in headless Chromium', function () {
  // Each render starts a browser (a few seconds on a busy machine).
  this.timeout(120_000);
  let tmp: string;
  let file: string;
  let html: string;
  let seen: Seen;

  before(async () => {
    await chromiumPath();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-html-'));
    file = path.join(tmp, 'report.html');
    html = formatHtmlReport({ ...sampleRun(), extensions: [{ file: 'build/demo<x>.hpy0.so', report: extension() }, { file: 'gone.hpy0.so', error: 'gone.hpy0.so: no such file' }] });
    await writeFile(file, html);
    seen = await render(file, ['matrix-table', 'coverage-summary']);
  });
  after(async () => { await rm(tmp, { recursive: true, force: true }); });

  it('shows the matrix: suites by backends, each cell with its status, counts and time', () => {
    expect(seen.tables['matrix-table']).to.deep.equal([
      ['suite', 'reference', 'debug:reference'],
      ['basic', 'FAIL\n2 passed, 1 failed, 1 skipped\n1.5 s', 'CRASH\n1 passed\n1.5 s'],
      ['types', 'PASS\n5 passed\n1.5 s', 'TIMEOUT\n0 passed\n1.5 s'],
      ['errors', 'ERROR\n0 passed\n1.5 s', 'SKIP\n0 passed\n0.0 s'],
    ]);
  });

  it('shows each failing test with its message as text, markup and control characters included', () => {
    expect(seen.text).to.include(`basic × reference: FAIL (2 passed, 1 failed, 1 skipped)\n${NASTY_TITLE}`);
    expect(seen.text).to.include(NASTY_ERROR.replace(/\u001b/g, '\\x1b'));
    expect(seen.text).to.include('leak in ctx_Dup: handle 7 never closed');
    expect(seen.text).to.include("killed by SIGSEGV in 'basic segfaults'");
  });

  it('shows the gate and the environment', () => {
    expect(seen.text).to.match(/Gate\n+exit 1 \(not as expected\): 3 regressions, 0 unexpected passes, 1 flaky; expectations: expectations\.json/);
    expect(seen.text).to.match(/Node\.js\s+v20\.19\.0/);
    expect(seen.text).to.match(/Python\s+3\.11\.7/);
  });

  it('shows the coverage of each backend of the run from the result', () => {
    expect(seen.tables['coverage-summary']).to.deep.equal([
      ['backend', 'implemented', 'partial', 'unsupported'],
      ['reference', '187', '1', '1'],
    ]);
    expect(seen.text).to.include('ctx_Compile_s\tunsupported\tthe reference backend has no Python compiler');
    expect(seen.text).to.include('ctx_Type_FromSpec\tpartial\tlegacy_slots <are> refused');
  });

  it('says why a backend of the run has no coverage table', () => {
    expect(seen.text).to.include("debug:reference: no coverage table (no cell started the backend (basic: killed by SIGSEGV in 'basic segfaults'))");
  });

  it('keeps the collapsed table of every function out of sight until opened', () => {
    expect(seen.text).to.include('Every function by backend');
    expect(seen.text).not.to.include('ctx_Long_FromInt64_t');
  });

  it('reads the same without JavaScript, minus the buttons that need it', async () => {
    expect(seen.buttons).to.deep.equal(['Expand all', 'Collapse all']);
    const bare = await renderWithoutScripts(file, ['matrix-table']);
    expect(bare.buttons).to.deep.equal([]);
    expect(bare.tables['matrix-table']).to.deep.equal(seen.tables['matrix-table']);
    expect(bare.text).to.include(NASTY_ERROR.replace(/\u001b/g, '\\x1b'));
    expect(bare.text).to.include('exit 1 (not as expected)');
    expect(bare.text).not.to.include('Expand all');
  });

  it('has a section per extension report: verdicts, contents and what the backend lacks', () => {
    expect(seen.text).to.include('Matrix · Failures · Environment · API coverage · demo<x> · gone.hpy0.so');
    expect(seen.text).to.include('Extension demo<x>');
    expect(seen.text).to.include('reference\tyes\tno\tFAILS TO LOAD: RuntimeError: <exec> refused');
    expect(seen.text).to.include('[py-imports] imports PyLong_FromLong');
    expect(seen.text).to.include('ctx_Compile_s (called)\tunsupported\tno compiler');
    expect(seen.text).to.match(/type Box \(demo\.Box\)\n+basicsize 16, itemsize 0, flags 0x0, shape Object — a box/);
    expect(seen.text).to.include('getsets: size (get/set)');
  });

  it('names an extension of the config that could not be analysed, with why', () => {
    expect(seen.text).to.match(/Extension gone\.hpy0\.so\n+gone\.hpy0\.so: no such file/);
  });

  it('is one file that fetches nothing', () => {
    expect(html).not.to.match(/<(link|img|iframe)\b/i);
    expect(html).not.to.match(/\b(src|href)="(?!#)/i);
  });
});

/** An extension report with one backend that failed to load it, built by hand. */
function extension(): ExtensionReport {
  return {
    schema: 1, file: 'build/demo<x>.hpy0.so', module: 'demo<x>', staticUses: ['ctx_Compile_s'], ok: false,
    static: {
      file: 'build/demo<x>.hpy0.so', module: 'demo<x>', abiTag: 'hpy0', requiredAbi: { major: 0, minor: 0 },
      entryPoints: [{ symbol: 'HPyInit_demo', found: true }], pyImports: ['PyLong_FromLong'], afterReleaseApi: [], needed: [],
      migration: migrationOf(['PyLong_FromLong']),
      moduleDoc: null, methods: [], slots: [], globals: 0,
      problems: [{ code: 'py-imports', message: 'imports PyLong_FromLong' }], notes: [], ok: false,
    },
    backends: [{
      backend: 'reference', loads: true, initializes: false, error: 'RuntimeError: <exec> refused',
      contents: { doc: null, functions: [], other: [], types: [{ name: 'Box', specName: 'demo.Box', spec: {
        basicsize: 16, itemsize: 0, flags: '0x0', shape: 'Object', doc: 'a box', slots: [], methods: [], members: [],
        getsets: [{ name: 'size', get: true, set: true, doc: null }] } }] },
      lacking: [{ name: 'ctx_Compile_s', status: 'unsupported', note: 'no compiler', called: true }],
      verdict: { status: 'FAILS TO LOAD', message: 'RuntimeError: <exec> refused' },
    }],
  };
}
