// `hpy-matrix report <file.whl>`: wheels made here with Python's zipfile (a writer independent
// of the reader) holding binaries built here; their tags, each binary's report by its path in
// the wheel, the formats, and the exit codes (0 clean, 1 problems, 2 the wheel cannot be read).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { buildExtension } from '../loader/build/extension.js';
import { staticReport, type ReportError } from '../loader/static/report.js';
import { compareTags, parseWheelName, wheelFileTags } from '../loader/static/wheel-tags.js';
import type { WheelReport } from '../harness/reports/extension/wheel-model.js';
import { render } from './fixtures/reports/chromium.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The CLI from source, as a user runs it: output, and the exit status. */
function cli(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    "const { main } = await import('./harness/cli.ts'); await main(process.argv.slice(1));", 'report', ...args],
  { cwd: ROOT, reject: false, env });
}

const WHEEL_FILE = (...tags: string[]) => `Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n${tags.map((t) => `Tag: ${t}\n`).join('')}`;

describe('wheel reports', function () {
  this.timeout(120_000);
  let tmp: string;
  const bins: Record<string, string> = {};

  /** A wheel written by Python's zipfile: `members` maps paths in the archive to files or texts. */
  async function wheel(name: string, members: Record<string, { file: string } | { text: string }>): Promise<string> {
    const out = path.join(tmp, name);
    const script = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for name, m in json.loads(sys.argv[2]).items():
        if 'file' in m: z.write(m['file'], name)
        else: z.writestr(name, m['text'])`;
    await execa('python3', ['-c', script, out, JSON.stringify(members)]);
    return out;
  }

  let mixed: string;
  let truncatedReason = '';
  let clean: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-wheel-test-'));
    bins.hpydemo = (await buildExtension({ sources: [path.join(ROOT, 'test/fixtures/static/hpy_module.c')], out: path.join(tmp, 'hpydemo.hpy0.so') })).path;
    bins.basic = (await buildExtension({ sources: [path.join(ROOT, 'suites/basic/basic.c')] })).path;
    // A CPython-ABI extension given an HPy name, and the first 3000 bytes of a good binary.
    const pyInclude = (await execa('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["include"])'])).stdout;
    bins.cpyext = path.join(tmp, 'cpyext.hpy0.so');
    await execa('cc', ['-shared', '-fPIC', '-O2', `-I${pyInclude}`, path.join(ROOT, 'test/fixtures/static/cpython_ext.c'), '-o', bins.cpyext]);
    bins.truncated = path.join(tmp, 'truncated.hpy0.so');
    await writeFile(bins.truncated, (await readFile(bins.hpydemo)).subarray(0, 3000));
    // What `hpy-matrix report` says of the truncated binary on its own: the wheel's report says the same.
    try {
      staticReport(bins.truncated);
    } catch (err) {
      truncatedReason = (err as ReportError).reason;
    }
    expect(truncatedReason).to.match(/^truncated: .* the file has 3000$/);

    mixed = await wheel('demo-1.0-py3-none-linux_x86_64.whl', {
      'demo/__init__.py': { text: '' },
      'demo/hpydemo.hpy0.so': { file: bins.hpydemo },
      'demo/sub/basic.hpy0.so': { file: bins.basic },
      'demo/cpyext.hpy0.so': { file: bins.cpyext },
      'demo/truncated.hpy0.so': { file: bins.truncated },
      'demo-1.0.dist-info/WHEEL': { text: WHEEL_FILE('py3-none-linux_x86_64') },
    });
    clean = await wheel('demo-1.0-1-py2.py3-none-linux_x86_64.whl', {
      'demo/hpydemo.hpy0.so': { file: bins.hpydemo },
      'demo/basic.hpy0.so': { file: bins.basic },
      'demo-1.0.dist-info/WHEEL': { text: WHEEL_FILE('py2-none-linux_x86_64', 'py3-none-linux_x86_64') },
    });
  });
  after(async () => { await rm(tmp, { recursive: true, force: true }); });

  describe('tags', () => {
    it('reads the parts of a wheel name and expands compressed tag sets', () => {
      expect(parseWheelName('demo-1.0-1-py2.py3-none-any.whl')).to.deep.equal({
        distribution: 'demo', version: '1.0', build: '1', python: ['py2', 'py3'], abi: ['none'], platform: ['any'],
        tags: ['py2-none-any', 'py3-none-any'],
      });
      expect(parseWheelName('demo-1.0-cp311-cp311-linux_x86_64.whl')).to.include({ build: null });
    });

    it('says why a name is not a wheel name', () => {
      const form = 'the file name is not {dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl';
      expect(parseWheelName('demo.whl')).to.deep.equal({ error: form });
      expect(parseWheelName('demo-1.0-py3--any.whl')).to.deep.equal({ error: form });
      expect(parseWheelName('demo-1.0-x1-py3-none-any.whl')).to.deep.equal({
        error: "the build tag 'x1' does not start with a digit ({dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl)" });
    });

    it('reads the Tag: lines of a WHEEL file and compares them with the name', () => {
      expect(wheelFileTags('Wheel-Version: 1.0\r\nTag: py3-none-any\r\nTag:cp311-cp311-linux_x86_64\r\n'))
        .to.deep.equal(['py3-none-any', 'cp311-cp311-linux_x86_64']);
      expect(compareTags(['a', 'b'], ['b', 'c'])).to.deep.equal({ onlyInName: ['a'], onlyInWheelFile: ['c'] });
    });
  });

  describe('hpy-matrix report <file.whl>', () => {
    it('exits 1 for a wheel with a bad binary, reporting every binary by its path in the wheel', async () => {
      const run = await cli([mixed]);
      expect(run.exitCode, run.stderr).to.equal(1);
      const out = run.stdout;
      expect(out.split('\n').slice(0, 13)).to.deep.equal([
        `Wheel         ${mixed}`,
        'Distribution  demo 1.0',
        '',
        'Tags',
        '  file name  py3-none-linux_x86_64',
        '  WHEEL      py3-none-linux_x86_64  (demo-1.0.dist-info/WHEEL)',
        '  they agree',
        '',
        'HPy binaries (4)',
        '  demo/hpydemo.hpy0.so    OK',
        '  demo/sub/basic.hpy0.so  OK',
        '  demo/cpyext.hpy0.so     NOT OK: py-imports, missing-entry-point',
        `  demo/truncated.hpy0.so  cannot be analysed: ${truncatedReason}`,
      ]);
      for (const [file, module] of [['demo/hpydemo.hpy0.so', 'hpydemo'], ['demo/sub/basic.hpy0.so', 'basic'], ['demo/cpyext.hpy0.so', 'cpyext']]) {
        expect(out).to.include(`=== ${file} ===\n\nFile    ${file}\nModule  ${module}\n`);
      }
      expect(out).to.include('[py-imports] imports 2 Python C API symbol(s) (PyLong_FromLong, PyModule_Create2); a universal binary imports none');
      expect(out).to.include(`=== demo/truncated.hpy0.so ===\n\ncannot be analysed: ${truncatedReason}\n`);
      expect(out).to.include('Problems of the wheel\n  (none)');
      expect(out.trimEnd().split('\n').pop()).to.equal('NOT OK: 2 of 4 HPy binaries not OK');
    });

    it('exits 0 for a clean wheel; a build tag and compressed tag sets agree with the WHEEL file', async () => {
      const run = await cli([clean]);
      expect(run.exitCode, run.stdout).to.equal(0);
      expect(run.stdout).to.include('Distribution  demo 1.0 (build 1)');
      expect(run.stdout).to.include('  file name  py2-none-linux_x86_64, py3-none-linux_x86_64\n');
      expect(run.stdout.trimEnd().split('\n').pop()).to.equal('OK: all 2 HPy binaries are clean');
    });

    it('prints JSON: tags, each binary\'s report under its path, and why one cannot be analysed', async () => {
      const run = await cli([mixed, '--json']);
      expect(run.exitCode).to.equal(1);
      const r = JSON.parse(run.stdout) as WheelReport;
      expect(r).to.include({ schema: 1, wheel: mixed, ok: false });
      expect(r.tags).to.deep.equal({ fromName: ['py3-none-linux_x86_64'], wheelFile: 'demo-1.0.dist-info/WHEEL',
        fromWheelFile: ['py3-none-linux_x86_64'], onlyInName: [], onlyInWheelFile: [] });
      expect(r.binaries.map((b) => [b.path, b.ok, b.report?.file, b.report?.static.file])).to.deep.equal([
        ['demo/hpydemo.hpy0.so', true, 'demo/hpydemo.hpy0.so', 'demo/hpydemo.hpy0.so'],
        ['demo/sub/basic.hpy0.so', true, 'demo/sub/basic.hpy0.so', 'demo/sub/basic.hpy0.so'],
        ['demo/cpyext.hpy0.so', false, 'demo/cpyext.hpy0.so', 'demo/cpyext.hpy0.so'],
        ['demo/truncated.hpy0.so', false, undefined, undefined],
      ]);
      expect(r.binaries[2]!.report!.static.problems.map((p) => p.code)).to.include('py-imports');
      expect(r.binaries[3]!.error).to.equal(truncatedReason);
      expect(r.binaries[0]!.report!.static.methods!.map((m) => m.name)).to.deep.equal(['add', 'one']);
      expect(r.problems).to.deep.equal([]);
    });

    it('with --backend probes each binary from a temporary copy that it removes, and names none of it', async () => {
      const tmpdir = await mkdtemp(path.join(tmp, 'tmpdir-'));
      const run = await cli([mixed, '--backend', 'reference', '--json'], { TMPDIR: tmpdir });
      expect(run.exitCode, run.stderr).to.equal(1);
      const r = JSON.parse(run.stdout) as WheelReport;
      const verdicts = r.binaries.map((b) => [b.path, b.report?.backends.map((x) => x.verdict.status)]);
      expect(verdicts).to.deep.equal([
        ['demo/hpydemo.hpy0.so', ['OK']], ['demo/sub/basic.hpy0.so', ['OK']],
        ['demo/cpyext.hpy0.so', ['FAILS TO LOAD']], ['demo/truncated.hpy0.so', undefined],
      ]);
      expect(r.binaries[2]!.report!.backends[0]!.verdict.message)
        .to.equal("demo/cpyext.hpy0.so: imports CPython's C API (PyLong_FromLong), and there is no CPython in this backend (hybrid binaries load on cpython, debug:cpython and trace:cpython)");
      expect(r.binaries[0]!.report!.backends[0]!.contents!.functions.map((f) => f.name)).to.deep.equal(['add', 'one']);
      expect(run.stdout).not.to.include(tmpdir);
      // (tsx, which runs the CLI from source here, keeps its own cache there.)
      expect((await readdir(tmpdir)).filter((f) => f.startsWith('hpy-matrix-'))).to.deep.equal([]);
    });

    it('exits 0 with --backend when every binary loads on every backend', async () => {
      const run = await cli([clean, '--backend', 'reference']);
      expect(run.exitCode, run.stdout).to.equal(0);
      expect(run.stdout).to.include('=== demo/basic.hpy0.so ===');
      expect(run.stdout.trimEnd().split('\n').pop()).to.equal('OK: all 2 HPy binaries are clean and load on every backend asked');
    });

    it('renders Markdown: the tags, a line per binary, then each binary\'s report', async () => {
      const run = await cli([mixed, '--format', 'markdown']);
      expect(run.exitCode).to.equal(1);
      const lines = run.stdout.split('\n');
      expect(lines.slice(0, 8)).to.deep.equal([
        '# Wheel `demo-1.0-py3-none-linux_x86_64.whl`', '', `File: \`${mixed}\` — **NOT OK**`, '',
        '| tags from | tags |', '|---|---|', '| file name | `py3-none-linux_x86_64` |', '| `demo-1.0.dist-info/WHEEL` | `py3-none-linux_x86_64` |']);
      expect(lines).to.include('| `demo/cpyext.hpy0.so` | NOT OK: py-imports, missing-entry-point |');
      expect(lines).to.include('## Extension `basic`');
      expect(lines).to.include('File: `demo/sub/basic.hpy0.so` — **OK**');
      expect(lines).to.include('### Static ABI report');
      expect(run.stdout).to.match(/## `demo\/truncated\.hpy0\.so`\n\nCannot be analysed: truncated: /);
    });

    it('writes an HTML page that shows the tags, the binaries and each one\'s section', async () => {
      const out = path.join(tmp, 'mixed.html');
      const run = await cli([mixed, '--format', 'html', '--out', out]);
      expect(run.exitCode).to.equal(1);
      const seen = await render(out, ['wheel-tags', 'wheel-binaries']);
      expect(seen.tables['wheel-tags']).to.deep.equal([
        ['file name', 'py3-none-linux_x86_64'], ['demo-1.0.dist-info/WHEEL', 'py3-none-linux_x86_64']]);
      expect(seen.tables['wheel-binaries']!.map((row) => row[0])).to.deep.equal([
        'path in the wheel', 'demo/hpydemo.hpy0.so', 'demo/sub/basic.hpy0.so', 'demo/cpyext.hpy0.so', 'demo/truncated.hpy0.so']);
      expect(seen.text).to.include('Extension basic');
      expect(seen.text).to.include('demo/sub/basic.hpy0.so: OK');
      expect(seen.text).to.match(/demo\/truncated\.hpy0\.so\s+cannot be analysed: truncated: /);
    });

    it('exits 1 when the file name and the WHEEL file disagree, naming both sides', async () => {
      const file = await wheel('demo-1.0-py3-none-any.whl', {
        'demo/hpydemo.hpy0.so': { file: bins.hpydemo },
        'demo-1.0.dist-info/WHEEL': { text: WHEEL_FILE('cp311-cp311-linux_x86_64') },
      });
      const run = await cli([file, '--json']);
      expect(run.exitCode).to.equal(1);
      const r = JSON.parse(run.stdout) as WheelReport;
      expect(r.problems).to.deep.equal([{ code: 'tags-disagree', message: 'the file name and demo-1.0.dist-info/WHEEL disagree: ' +
        'only in the file name: py3-none-any; only in WHEEL: cp311-cp311-linux_x86_64' }]);
      expect(r.binaries.map((b) => b.ok)).to.deep.equal([true]);
    });

    it('exits 1 for a wheel without a WHEEL file or with a name that is not a wheel name', async () => {
      const file = await wheel('demo.whl', { 'demo/hpydemo.hpy0.so': { file: bins.hpydemo } });
      const run = await cli([file]);
      expect(run.exitCode).to.equal(1);
      expect(run.stdout).to.include('  file name  (not a wheel name)\n  WHEEL      (none read)\n');
      expect(run.stdout).to.include('Problems of the wheel\n' +
        '  [wheel-name] the file name is not {dist}-{version}(-{build})?-{python}-{abi}-{platform}.whl\n' +
        '  [wheel-metadata] the wheel has no <name>.dist-info/WHEEL file\n');
    });

    it('exits 1 for a wheel that holds no HPy binary, naming the native libraries it has', async () => {
      const file = await wheel('plain-1.0-cp311-cp311-linux_x86_64.whl', {
        'plain/__init__.py': { text: '' },
        'plain/_speedups.cpython-311-x86_64-linux-gnu.so': { file: bins.cpyext },
        'plain-1.0.dist-info/WHEEL': { text: WHEEL_FILE('cp311-cp311-linux_x86_64') },
      });
      const run = await cli([file]);
      expect(run.exitCode).to.equal(1);
      expect(run.stdout).to.include('HPy binaries (0)\n  (none)\n\nOther native libraries (not reported)\n  plain/_speedups.cpython-311-x86_64-linux-gnu.so\n');
      expect(run.stdout).to.include('  [no-hpy-binaries] the wheel holds no HPy binary (no *.hpy*.so; its native libraries: ' +
        'plain/_speedups.cpython-311-x86_64-linux-gnu.so); a wheel that ships a universal extension holds one\n');
      expect(run.stdout.trimEnd().split('\n').pop()).to.equal('NOT OK: 1 problem(s) of the wheel');
    });

    describe('exits 2 with one line when the wheel cannot be read', () => {
      const refused = async (file: string, reason: string, ...args: string[]) => {
        const run = await cli([file, ...args]);
        expect(run.exitCode).to.equal(2);
        expect(run.stdout).to.equal('');
        expect(run.stderr).to.equal(`hpy-matrix report: ${file}: ${reason}`);
      };

      it('a file named .whl that is not a zip archive', async () => {
        const file = path.join(tmp, 'fake-1.0-py3-none-any.whl');
        await writeFile(file, 'not a zip\n');
        await refused(file, 'not a zip archive (a wheel is one)');
        await refused(file, 'not a zip archive (a wheel is one)', '--backend', 'reference', '--format', 'html');
      });

      it('a wheel cut short', async () => {
        const file = path.join(tmp, 'cut-1.0-py3-none-linux_x86_64.whl');
        const whole = await readFile(clean);
        await writeFile(file, whole.subarray(0, whole.length / 2));
        await refused(file, 'truncated or damaged zip archive: no end-of-central-directory record');
      });

      it('a member whose data does not match its checksum', async () => {
        const stored = path.join(tmp, 'stored-1.0-py3-none-linux_x86_64.whl');
        await execa('python3', ['-c', `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED) as z: z.write(sys.argv[2], 'demo/hpydemo.hpy0.so')`, stored, bins.hpydemo]);
        const bytes = await readFile(stored);
        bytes[200] ^= 0xff;
        await writeFile(stored, bytes);
        await refused(stored, 'damaged zip archive: demo/hpydemo.hpy0.so: CRC-32 does not match its data');
      });

      it('a wheel that does not exist', async () => {
        await refused(path.join(tmp, 'absent-1.0-py3-none-any.whl'), 'no such file', '--json');
      });
    });
  });
});
