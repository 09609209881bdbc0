// The debug and trace layers as the matrix uses them: debug cells fail a test that leaks with
// the finding in its error and in the report; trace cells report calls per context function;
// `coverage --exercised` reports what a run's suites call.
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { summarizeFindings } from '../harness/cell/debug-checks.js';
import { resolveSuites } from '../harness/runner/config.js';
import { runMatrix, type MatrixResult } from '../harness/runner/runner.js';
import { createBackend } from '../loader/backends/index.js';
import { buildExtension } from '../loader/build/extension.js';
import { REPORTERS } from '../harness/reports/run/reporters.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const LEAKY = 'test/fixtures/suites/leaky';

describe('debug and trace layers', function () {
  this.timeout(300_000);

  describe('summarizeFindings', () => {
    it('groups leaks by the function that opened them and lists the objects', () => {
      const leak = (id: number, fn: string, what: string) =>
        ({ kind: 'leak', function: fn, handle: id, object: what, message: `handle ${id} opened in '${fn}' by HPy_Dup was never closed (${what})` });
      expect(summarizeFindings([
        leak(3, 'f', 'int 1'),
        { kind: 'double-close', function: 'HPy_Close', handle: 4, message: 'handle 4 was closed twice' },
        leak(5, 'f', "tuple (1, (2, ')'))"),
        leak(6, 'g', "str 'a'"),
      ])).to.equal([
        "leak: 1 handle opened in 'g' was never closed (str 'a')",
        "leak: 2 handles opened in 'f' were never closed (int 1, tuple (1, (2, ')')))",
        'double-close: handle 4 was closed twice',
      ].join('\n'));
    });
  });

  describe('cells', () => {
    let result: MatrixResult;
    before(async () => {
      const suites = await resolveSuites('test', [LEAKY], ROOT);
      result = await runMatrix({ backends: ['reference', 'debug:reference', 'debug:cpython', 'trace:reference', 'trace:cpython'], suites, jobs: 2 });
    });
    const cell = (backend: string) => result.cells.find((c) => c.backend === backend)!;

    it('a plain backend does not check for leaks', () => {
      expect(cell('reference').status).to.equal('PASS');
    });

    for (const backend of ['debug:reference', 'debug:cpython']) {
      it(`${backend}: the leaking test fails with the finding, the others pass`, () => {
        const c = cell(backend);
        expect(c.tests.map((t) => [t.title, t.status])).to.deep.equal([
          ['leaky adds without leaking', 'passed'], ['leaky leaks one int', 'failed'], ['leaky adds again', 'passed'],
        ]);
        const failed = c.tests[1];
        expect(failed.error).to.equal("DebugFindingsError: leak: 1 handle opened in 'leak' was never closed (int 123456)");
        expect(failed.findings).to.have.length(1);
        expect(failed.findings![0]).to.include({ kind: 'leak', function: 'leak', object: 'int 123456' });
        expect(failed.findings![0].message).to.match(/^handle \d+ opened in 'leak' by HPyLong_FromInt64_t was never closed \(int 123456\)$/);
      });
    }

    for (const backend of ['trace:reference', 'trace:cpython']) {
      it(`${backend}: the cell reports the context functions the suite called`, () => {
        const c = cell(backend);
        expect(c.status).to.equal('PASS');
        expect(c.trace!.ctx_Add.calls).to.equal(2);
        expect(c.trace!.ctx_Long_FromInt64_t.calls).to.equal(1);
        expect(c.trace!.ctx_Add.ns).to.be.greaterThan(0);
      });
    }
  });

  describe('the run\'s html report', () => {
    it('has a section for each extension of the config, probed on the run\'s backends', async () => {
      const { path: so } = await buildExtension({ sources: [path.join(ROOT, LEAKY, 'leaky.c')] });
      const suites = await resolveSuites('test', [LEAKY], ROOT);
      const run = await runMatrix({ backends: ['reference'], suites, extensions: [so] });
      const html = await REPORTERS.html!(run, { toTerminal: false });
      expect(html).to.include('id="ext-0"');
      expect(html).to.include("<h2>Extension <code>leaky</code></h2>");
      expect(html).to.include('ctx_Add');
    });
  });

  describe('backends', () => {
    it('a trace backend counts from load on and can be reset', async () => {
      const b = createBackend('trace:reference');
      try {
        const { path: so } = await buildExtension({ sources: [path.join(ROOT, LEAKY, 'leaky.c')] });
        const m = b.loadModule(so);
        b.trace!.reset();
        const add = b.getattr(m, 'add');
        const r = b.call(add, [b.fromPrimitive(40), b.fromPrimitive(2)]);
        expect(b.toPrimitive(r)).to.equal(42n);
        expect(Object.keys(b.trace!.counts())).to.deep.equal(['ctx_Add']);
        b.trace!.reset();
        expect(b.trace!.counts()).to.deep.equal({});
      } finally {
        b.close();
      }
    });

    it('a debug backend names its findings and forgets the ones taken', async () => {
      const b = createBackend('debug:reference');
      try {
        const { path: so } = await buildExtension({ sources: [path.join(ROOT, LEAKY, 'leaky.c')] });
        const m = b.loadModule(so);
        const gen = b.debug!.newGeneration();
        b.call(b.getattr(m, 'leak'), []);
        expect(b.debug!.takeFindings()).to.deep.equal([]);
        expect(b.debug!.checkLeaks(gen)).to.equal(1);
        const [f] = b.debug!.takeFindings();
        expect(f).to.include({ kind: 'leak', function: 'leak' });
        expect(b.debug!.takeFindings()).to.deep.equal([]);
        // A new generation does not see the old leak again.
        expect(b.debug!.checkLeaks(b.debug!.newGeneration())).to.equal(0);
      } finally {
        b.close();
      }
    });
  });

  describe('allocation stacks', () => {
    it(`with ${'HPY_MATRIX_DEBUG_STACKS'} set, a leak finding carries the symbolized stack of its handle`, async () => {
      process.env.HPY_MATRIX_DEBUG_STACKS = '8';
      const b = createBackend('debug:cpython');
      try {
        const { path: so } = await buildExtension({ sources: [path.join(ROOT, LEAKY, 'leaky.c')] });
        const m = b.loadModule(so);
        const gen = b.debug!.newGeneration();
        b.call(b.getattr(m, 'leak'), []);
        b.debug!.checkLeaks(gen);
        const [f] = b.debug!.takeFindings();
        expect(f.stack).to.have.length.within(2, 8);
        // The frame that opened the handle is the debug layer's wrapper, in the host library.
        expect(f.stack![0]).to.match(/^\S+\+0x[0-9a-f]+( \(.*universal.*\.so\))?$/);
        expect(f.stack!.some((frame) => frame.includes('leaky'))).to.equal(true);
      } finally {
        delete process.env.HPY_MATRIX_DEBUG_STACKS;
        b.close();
      }
    });
  });

  describe('hpy-matrix coverage --exercised', () => {
    it('runs the suites on the trace layer and reports what they call, as JSON', async () => {
      const r = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'coverage', '--exercised', '--json',
        '--config', 'test/fixtures/matrix-leaky.json', '--backend', 'reference'], { cwd: ROOT, reject: false });
      expect(r.exitCode, r.stderr).to.equal(0);
      const report = JSON.parse(r.stdout);
      expect(report.total).to.equal(189);
      expect(report.cases).to.equal(3);
      expect(report.exercised).to.include.members(['ctx_Add', 'ctx_Long_FromInt64_t', 'ctx_Dup']);
      expect(report.exercised.length + report.missed.length).to.equal(189);
      expect(report.missed).to.include('ctx_Tuple_FromArray');
      expect(report.backends).to.have.keys(['trace:reference']);
    });

    it('a bad config is exit 2 with the reason', async () => {
      const r = await execa(process.execPath, [path.join(ROOT, 'bin/hpy-matrix.js'), 'coverage', '--exercised',
        '--config', 'test/fixtures/nowhere.json'], { cwd: ROOT, reject: false });
      expect(r.exitCode).to.equal(2);
      expect(r.stderr.trim()).to.match(/^hpy-matrix coverage: .*nowhere\.json/);
    });
  });
});
