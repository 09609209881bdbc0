// Per-extension reports: probes on each backend, verdicts, formats, crashes and hangs.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { buildExtension } from '../loader/build/extension.js';
import { buildExtensionReport } from '../harness/reports/extension/report.js';
import type { BackendReport, ExtensionReport } from '../harness/reports/extension/model.js';
import { formatReport } from '../harness/commands/report.js';
import { KNOWN_BACKENDS } from '../loader/backends/names.js';
import { staticReport } from '../loader/static/report.js';
import { render } from './fixtures/reports/chromium.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const fixture = (p: string) => path.join(ROOT, p);

/** The CLI from source, as a user runs it: output, and the exit status. */
function cli(...args: string[]) {
  return execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    "const { main } = await import('./harness/cli.ts'); await main(process.argv.slice(1));", 'report', ...args],
  { cwd: ROOT, reject: false });
}

describe('per-extension ABI reports', function () {
  // Every backend is probed in a child process that starts Node, tsx and koffi.
  this.timeout(120_000);
  const bins: Record<string, string> = {};
  let tmp: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-ext-report-'));
    const sources: Record<string, string> = {
      clean: 'test/fixtures/static/hpy_module.c',
      degraded: 'test/fixtures/ext-report/compiles_at_exec.c',
      segv: 'test/fixtures/ext-report/segv_at_exec.c',
      execFails: 'test/fixtures/loader/exec_fails.c',
      types: 'suites/types/hpytypes.c',
      hang: 'test/fixtures/ext-report/hangs_at_exec.c',
    };
    for (const [key, source] of Object.entries(sources)) {
      const out = key === 'clean' ? path.join(tmp, 'hpydemo.hpy0.so') : undefined;
      bins[key] = (await buildExtension({ sources: [fixture(source)], ...(out ? { out } : {}) })).path;
    }
  });
  after(async () => { await rm(tmp, { recursive: true, force: true }); });

  describe('report model', () => {
    const reports: Record<string, ExtensionReport> = {};
    const on = (key: string): BackendReport => reports[key]!.backends[0]!;
    before(async () => {
      for (const key of ['clean', 'degraded', 'segv', 'execFails', 'types']) {
        reports[key] = await buildExtensionReport(bins[key]!, { backends: ['reference'] });
      }
    });

    it('OK: loads, initializes, lists the functions with signatures and the calls made while loading', () => {
      const b = on('clean');
      expect(b).to.include({ backend: 'reference', loads: true, initializes: true });
      expect(b.contents!.functions).to.deep.equal([
        { name: 'add', signature: 'VARARGS', doc: 'add(a, b) -> a + b' }, { name: 'one', signature: 'NOARGS', doc: null }]);
      expect(b.calls).to.deep.equal({ ctx_Long_FromInt64_t: 1, ctx_Global_Store: 1, ctx_Close: 1 });
      expect(b.verdict).to.deep.equal({ status: 'OK', message: '' });
      expect(reports.clean!.ok).to.equal(true);
    });

    it('lists what the code can call but the backend lacks, without holding uncalled ones against it', () => {
      const lack = on('clean').lacking.find((l) => l.name === 'ctx_CallRealFunctionFromTrampoline');
      expect(lack).to.deep.include({ status: 'unsupported', called: false });
    });

    describe('under the debug layer, which cannot trace, so the static scan decides', () => {
      it('OK for a clean binary although its trampolines reach ctx_CallRealFunctionFromTrampoline', async () => {
        expect(reports.clean!.staticUses).to.include('ctx_CallRealFunctionFromTrampoline');
        const report = await buildExtensionReport(bins.clean!, { backends: ['debug:reference'] });
        const b = report.backends[0]!;
        expect(b).to.include({ backend: 'debug:reference', loads: true, initializes: true });
        expect(b).not.to.have.property('calls');
        expect(b.lacking.find((l) => l.name === 'ctx_CallRealFunctionFromTrampoline')).to.deep.include({ status: 'unsupported', called: false });
        expect(b.verdict).to.deep.equal({ status: 'OK', message: '' });
        expect(report.ok).to.equal(true);
      });

      it('DEGRADED for any other unsupported function the scan sees', async () => {
        const b = (await buildExtensionReport(bins.degraded!, { backends: ['debug:reference'] })).backends[0]!;
        expect(b.verdict).to.deep.equal({ status: 'DEGRADED', message: 'uses unsupported ctx_Compile_s' });
      });
    });

    it('DEGRADED: an unsupported function called while loading is named', () => {
      const b = on('degraded');
      expect(b.verdict).to.deep.equal({ status: 'DEGRADED', message: 'uses unsupported ctx_Compile_s' });
      expect(b.lacking.find((l) => l.name === 'ctx_Compile_s')).to.deep.equal({
        name: 'ctx_Compile_s', status: 'unsupported', note: 'the reference backend has no Python compiler', called: true });
      expect(reports.degraded!.ok).to.equal(false);
    });

    it('shows a type with its slots, methods, members and getsets, and other attributes', () => {
      const c = on('degraded').contents!;
      expect(c.types).to.deep.equal([{ name: 'Counter', specName: 'compiles_at_exec.Counter', spec: {
        basicsize: 8, itemsize: 0, flags: '0x0', shape: 'Object', doc: 'counts', slots: ['HPy_tp_new'],
        methods: [{ name: 'bump', signature: 'NOARGS', doc: 'add one' }],
        members: [{ name: 'value', type: 'LONG', readonly: true, doc: null }],
        getsets: [{ name: 'doubled', get: true, set: false, doc: 'value * 2' }] } }]);
      expect(c.other).to.deep.equal([{ name: 'ANSWER', type: 'int', repr: '42' }]);
    });

    it('finds the spec of every type of a module with many', () => {
      const types = on('types').contents!.types;
      expect(types.filter((t) => !t.spec)).to.deep.equal([]);
      const point3d = types.find((t) => t.name === 'Point3D')!.spec!;
      expect(point3d.slots).to.deep.equal(['HPy_tp_repr', 'HPy_tp_destroy']);
      expect(point3d.members).to.deep.equal([{ name: 'z', type: 'LONG', readonly: false, doc: null }]);
      expect(types.find((t) => t.name === 'Point')!.spec!.doc).to.equal('A point in the plane.');
    });

    it('CRASH: a segfault while initializing costs only that backend its part', () => {
      const b = on('segv');
      expect(b).to.include({ loads: true, initializes: false, signal: 'SIGSEGV' });
      expect(b.verdict).to.deep.equal({ status: 'CRASH', message: 'killed by SIGSEGV while initializing' });
    });

    it('FAILS TO LOAD: the Python error of the exec slot', () => {
      const b = on('execFails');
      expect(b).to.include({ loads: true, initializes: false, error: 'RuntimeError: exec slot refused to run' });
      expect(b.verdict).to.deep.equal({ status: 'FAILS TO LOAD', message: 'RuntimeError: exec slot refused to run' });
    });

    it('FAILS TO LOAD: a module that never finishes initializing, after the time limit', async () => {
      const report = await buildExtensionReport(bins.hang!, { backends: ['reference'], timeoutMs: 3000 });
      const b = report.backends[0]!;
      expect(b).to.include({ loads: true, initializes: false, error: 'no answer within 3000 ms' });
      expect(b).not.to.have.property('signal');
      expect(b.verdict).to.deep.equal({ status: 'FAILS TO LOAD', message: 'no answer within 3000 ms' });
    });

    it('scans the machine code for the context functions it calls', () => {
      const uses = reports.degraded!.staticUses;
      expect(uses).to.include.members(['ctx_Compile_s', 'ctx_Add', 'ctx_Type_FromSpec', 'ctx_Err_Clear']);
      expect(uses).not.to.include('ctx_Capsule_New');
    });
  });

  describe('hpy-matrix report --backend', () => {
    it('exits 0 when every backend is OK, and prints the verdicts', async () => {
      const run = await cli(bins.clean!, '--backend', 'reference');
      expect(run.exitCode, run.stderr).to.equal(0);
      expect(run.stdout).to.include('Verdicts\n  reference  OK\n\nOK: loads and runs on every backend asked');
    });

    it('exits 0 for a clean binary on a layered backend too', async () => {
      const run = await cli(bins.clean!, '--backend', 'debug:reference');
      expect(run.exitCode, run.stderr).to.equal(0);
      expect(run.stdout).to.include('Verdicts\n  debug:reference  OK\n\nOK: loads and runs on every backend asked');
    });

    it('exits 1 when a backend is not OK, with JSON of the documented schema', async () => {
      const run = await cli(bins.degraded!, '--backend', 'reference', '--json');
      expect(run.exitCode, run.stderr).to.equal(1);
      const doc = JSON.parse(run.stdout);
      expect(doc).to.include({ schema: 1, module: 'compiles_at_exec', ok: false });
      expect(doc.backends[0].verdict.status).to.equal('DEGRADED');
    });

    it('exits 1 with a CRASH verdict when the extension segfaults, in Markdown', async () => {
      const run = await cli(bins.segv!, '--backend', 'reference', '--format', 'markdown');
      expect(run.exitCode, run.stderr).to.equal(1);
      const rows = run.stdout.split('\n').filter((l) => l.startsWith('| reference'));
      expect(rows).to.deep.equal(['| reference | yes | no | CRASH: killed by SIGSEGV while initializing |']);
    });

    it('writes HTML to --out that shows the verdict, the type and the calls', async () => {
      const out = path.join(tmp, 'html', 'degraded.html');
      const run = await cli(bins.degraded!, '--backend', 'reference', '--format', 'html', '--out', out);
      expect(run.exitCode, run.stderr).to.equal(1);
      expect(run.stdout).to.equal('');
      const seen = await render(out);
      expect(seen.text).to.include('reference\tyes\tyes\tDEGRADED: uses unsupported ctx_Compile_s');
      expect(seen.text).to.include('type Counter (compiles_at_exec.Counter)');
      expect(seen.text).to.include('members: value (LONG, read-only)');
      expect(seen.text).to.match(/ctx_Compile_s \(called\)\s+unsupported\s+the reference backend has no Python compiler/);
      expect(await readFile(out, 'utf8')).to.match(/^<!DOCTYPE html>/);
    });

    it('without --backend prints the static report as before', async () => {
      const run = await cli(bins.clean!);
      expect(run.exitCode).to.equal(0);
      expect(run.stdout).to.equal(formatReport(staticReport(bins.clean!)));
    });

    it('renders the static part alone in Markdown without --backend', async () => {
      const run = await cli(bins.clean!, '--format', 'markdown');
      expect(run.exitCode, run.stderr).to.equal(0);
      expect(run.stdout.split('\n').slice(0, 3)).to.deep.equal(['# Extension `hpydemo`', '', `File: \`${bins.clean}\` — **OK**`]);
      expect(run.stdout).not.to.include('| backend |');
    });

    it('exits 2 when --out cannot be written', async () => {
      const run = await cli(bins.clean!, '--format', 'html', '--out', '/dev/null/report.html');
      expect(run.exitCode).to.equal(2);
      expect(run.stderr.trim()).to.match(/^hpy-matrix report: --out: cannot write \/dev\/null\/report\.html: \S/);
    });

    const refusals: Array<[string, string[], string]> = [
      ['an unknown backend', ['--backend', 'pypy'], `hpy-matrix report: --backend: unknown backend 'pypy' (known: ${KNOWN_BACKENDS})`],
      ['an unknown format', ['--format', 'pdf'], "hpy-matrix report: --format: unknown format 'pdf' (known: console, json, markdown, html)"],
      ['--json with another format', ['--json', '--format', 'html'], 'hpy-matrix report: --json and --format html ask for two formats; keep one'],
    ];
    for (const [what, args, message] of refusals) {
      it(`exits 2 for ${what}`, async () => {
        const run = await cli(bins.clean!, ...args);
        expect(run.exitCode).to.equal(2);
        expect(run.stderr.trim()).to.equal(message);
      });
    }

    it('exits 2 when the file cannot be analysed', async () => {
      const file = path.join(tmp, 'absent.hpy0.so');
      const run = await cli(file, '--backend', 'reference');
      expect(run.exitCode).to.equal(2);
      expect(run.stderr.trim()).to.equal(`hpy-matrix report: ${file}: no such file`);
    });
  });
});
