// `hpy-matrix build` and buildExtension: outputs, caching, locks, errors.
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError, buildExtension } from '../loader/build/extension.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const FULL = path.join(FIXTURES, 'full.c');
// One compiler run each on a cold cache, then none.
const RUNTIME_SOURCES = readdirSync(path.join(ROOT, 'native/runtime')).filter((f) => f.endsWith('.c'));
const ENTRY_POINTS = ['get_required_hpy_major_version_full', 'get_required_hpy_minor_version_full',
  'HPyInitGlobalContext_full', 'HPyInit_full'];

async function dynamicSymbols(file: string, which: '--undefined-only' | '--defined-only'): Promise<string[]> {
  const { stdout } = await execa('nm', ['-D', which, file]);
  return stdout.split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter(Boolean).map((s) => s.replace(/@.*$/, ''));
}

async function buildError(p: Promise<unknown>): Promise<BuildError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(BuildError);
    return e as BuildError;
  }
  throw new Error('the build was expected to fail');
}

describe('buildExtension', function () {
  let tmp: string;
  let cacheDir: string;
  before(async function () {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-build-'));
    cacheDir = path.join(tmp, 'cache');
  });
  after(async function () {
    await rm(tmp, { recursive: true, force: true });
  });

  describe('a realistic HPy 0.9 extension (test/fixtures/full.c)', function () {
    let built: Awaited<ReturnType<typeof buildExtension>>;
    before(async function () {
      built = await buildExtension({ sources: [FULL], cacheDir, cflags: ['-Werror'] });
    });

    it('compiles with -Werror into <cache>/<sha256>/full.hpy0.so', function () {
      expect(built.name).to.equal('full');
      expect(built.cached).to.equal(false);
      expect(built.warnings).to.equal('');
      expect(path.relative(cacheDir, built.path)).to.match(/^[0-9a-f]{64}\/full\.hpy0\.so$/);
    });

    it('imports no Python symbol', async function () {
      const undefinedSyms = await dynamicSymbols(built.path, '--undefined-only');
      expect(undefinedSyms).to.include('malloc'); // the listing is real, not empty
      expect(undefinedSyms.filter((s) => /^_?Py/.test(s))).to.deep.equal([]);
    });

    it('exports the four HPy entry points', async function () {
      const exported = await dynamicSymbols(built.path, '--defined-only');
      expect(exported).to.include.members(ENTRY_POINTS);
    });

    it('keeps the runtime helpers hidden', async function () {
      const exported = await dynamicSymbols(built.path, '--defined-only');
      expect(exported.filter((s) => /^(HPyArg_|HPy_BuildValue|HPyUnicode_FromFormat|HPyErr_Format|HPyHelpers_|HPyStructSequence_)/.test(s)))
        .to.deep.equal([]);
    });

    it('is a cache hit the second time, without running a compiler', async function () {
      // A compiler wrapper that logs each run proves the second build never starts one.
      const log = path.join(tmp, 'cc-runs.log');
      const wrapper = path.join(tmp, 'logging-cc');
      await writeFile(wrapper, `#!/bin/sh\necho run >> '${log}'\nexec cc "$@"\n`, { mode: 0o755 });
      const wrappedCache = path.join(tmp, 'wrapped-cache');
      const first = await buildExtension({ sources: [FULL], cacheDir: wrappedCache, cc: wrapper, cflags: ['-Werror'] });
      const mtime = (await stat(first.path)).mtimeMs;
      const again = await buildExtension({ sources: [FULL], cacheDir: wrappedCache, cc: wrapper, cflags: ['-Werror'] });
      expect(first.cached).to.equal(false);
      expect(again).to.deep.equal({ ...first, cached: true });
      // The runtime helpers, then the extension: both on the first build only.
      expect((await readFile(log, 'utf8')).trim().split('\n')).to.have.length(RUNTIME_SOURCES.length + 1);
      expect((await stat(again.path)).mtimeMs).to.equal(mtime);
      const entries = await readdir(path.dirname(first.path));
      expect(entries.filter((e) => e.endsWith('.tmp'))).to.deep.equal([]);
    });

    it('compiles once when several builds of the same entry run at the same time (the lock works across processes)', async function () {
      const log = path.join(tmp, 'cc-concurrent.log');
      const wrapper = path.join(tmp, 'slow-logging-cc');
      // Slow enough that the second request arrives while the first is compiling.
      await writeFile(wrapper, `#!/bin/sh\necho run >> '${log}'\nsleep 0.5\nexec cc "$@"\n`, { mode: 0o755 });
      const concurrentCache = path.join(tmp, 'concurrent-cache');
      const builds = await Promise.all([1, 2, 3].map(() => buildExtension({ sources: [FULL], cacheDir: concurrentCache, cc: wrapper })));
      // The runtime helpers once, the extension once.
      expect((await readFile(log, 'utf8')).trim().split('\n')).to.have.length(RUNTIME_SOURCES.length + 1);
      expect(new Set(builds.map((b) => b.path)).size).to.equal(1);
      expect(builds.map((b) => b.cached).sort()).to.deep.equal([false, true, true]);
      for (const dir of [concurrentCache, path.join(concurrentCache, 'runtime')]) {
        expect((await readdir(dir)).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'))).to.deep.equal([]);
      }
    });

    it('a changed flag is a different cache entry, runtime helpers included', async function () {
      const runtimeBefore = await readdir(path.join(cacheDir, 'runtime'));
      const other = await buildExtension({ sources: [FULL], cacheDir, cflags: ['-Werror', '-DEXTRA_FLAG'] });
      expect(other.cached).to.equal(false);
      expect(path.dirname(other.path)).to.not.equal(path.dirname(built.path));
      expect(await readdir(path.join(cacheDir, 'runtime'))).to.have.length(runtimeBefore.length + 1);
    });
  });

  it('an edit of a header the source includes beside itself is a new build, even two levels down', async function () {
    const dir = await mkdtemp(path.join(tmp, 'local-headers-'));
    const src = path.join(dir, 'withheader.c');
    await mkdir(path.join(dir, 'inc'));
    await writeFile(path.join(dir, 'inc', 'value.h'), '#define VALUE 1\n');
    await writeFile(path.join(dir, 'top.h'), '#include "inc/value.h"\n');
    await writeFile(src, [
      '#include "hpy.h"', '#include "top.h"',
      'HPyDef_METH(value, "value", HPyFunc_NOARGS)',
      'static HPy value_impl(HPyContext *ctx, HPy self) { (void)self; return HPyLong_FromLong(ctx, VALUE); }',
      'static HPyDef *defines[] = { &value, NULL };',
      'static HPyModuleDef def = { .defines = defines };', 'HPy_MODINIT(withheader, def)', ''].join('\n'));
    const cacheDir = path.join(dir, 'cache');
    const first = await buildExtension({ sources: [src], cacheDir });
    expect((await buildExtension({ sources: [src], cacheDir })).cached).to.equal(true);
    await writeFile(path.join(dir, 'inc', 'value.h'), '#define VALUE 2\n');
    const edited = await buildExtension({ sources: [src], cacheDir });
    expect(edited.cached).to.equal(false);
    expect(edited.path).not.to.equal(first.path);
  });

  it('compiles the runtime helpers once for all the extensions built with the same flags', async function () {
    const log = path.join(tmp, 'cc-runtime.log');
    const wrapper = path.join(tmp, 'args-logging-cc');
    await writeFile(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec cc "$@"\n`, { mode: 0o755 });
    const sharedCache = path.join(tmp, 'shared-runtime-cache');
    const copy = path.join(tmp, 'second.c');
    await copyFile(FULL, copy);
    const [a, b] = [await buildExtension({ sources: [FULL], cacheDir: sharedCache, cc: wrapper }),
      await buildExtension({ sources: [copy], cacheDir: sharedCache, cc: wrapper })];
    expect(path.dirname(a.path)).to.not.equal(path.dirname(b.path));
    const runs = (await readFile(log, 'utf8')).trim().split('\n');
    const compiled = runs.map((args) => path.basename(args.split(' ').find((w) => w.endsWith('.c'))!));
    // The helpers compile side by side, so they log in any order; each once, before the extensions.
    expect(compiled.slice(0, RUNTIME_SOURCES.length).sort()).to.deep.equal([...RUNTIME_SOURCES].sort());
    expect(compiled.slice(RUNTIME_SOURCES.length)).to.deep.equal(['full.c', 'second.c']);
    expect(runs.slice(0, RUNTIME_SOURCES.length).every((args) => args.includes(' -c '))).to.equal(true);
    const [entry, ...others] = await readdir(path.join(sharedCache, 'runtime'));
    expect(others).to.deep.equal([]);
    expect((await readdir(path.join(sharedCache, 'runtime', entry!))).sort()).to.deep.equal(
      [...RUNTIME_SOURCES.map((f) => f.replace(/\.c$/, '.o')), 'warnings.txt'].sort());
    // Linked in, as local symbols.
    const { stdout } = await execa('nm', [b.path]);
    expect(stdout).to.match(/ t HPyArg_Parse$/m).and.to.match(/ t HPy_BuildValue$/m);
  });

  it('builds again runtime helpers whose files are gone, and takes over the lock of a process that died', async function () {
    const cache = path.join(tmp, 'repair-cache');
    const first = await buildExtension({ sources: [FULL], cacheDir: cache });
    const [entry] = await readdir(path.join(cache, 'runtime'));
    const helpers = path.join(cache, 'runtime', entry!);
    await rm(path.join(helpers, RUNTIME_SOURCES[0]!.replace(/\.c$/, '.o')));
    // The extension's own entry is gone too, and locked by a process that no longer exists:
    // a build that waited for that lock to age would run into the test's timeout.
    const dead = await execa('sh', ['-c', 'echo $$']);
    const dir = path.dirname(first.path);
    await rm(dir, { recursive: true });
    await mkdir(`${dir}.lock`);
    await writeFile(path.join(`${dir}.lock`, 'pid'), dead.stdout.trim());
    const again = await buildExtension({ sources: [FULL], cacheDir: cache });
    expect(again).to.include({ path: first.path, cached: false });
    expect((await readdir(helpers)).sort()).to.deep.equal([...RUNTIME_SOURCES.map((f) => f.replace(/\.c$/, '.o')), 'warnings.txt'].sort());
    expect((await readdir(cache)).filter((f) => f.endsWith('.lock'))).to.deep.equal([]);
  });

  it('runs the compiler from the current folder: relative paths in flags hold for the runtime helpers too', async function () {
    const dir = path.join(tmp, 'relative-flags');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'cfg.h'), '#define FROM_CFG_H 1\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await buildExtension({ sources: [FULL], cacheDir: path.join(tmp, 'relative-cache'), cflags: ['-include', 'cfg.h'] });
      expect(r.cached).to.equal(false);
    } finally {
      process.chdir(cwd);
    }
  });

  it('keeps the diagnostics of the runtime helpers and of the extension on lines of their own', async function () {
    const r = await buildExtension({ sources: [FULL], cacheDir: path.join(tmp, 'warnings-cache'), cflags: ['-Wcast-qual'] });
    expect(r.warnings).to.contain('[-Wcast-qual]');
    // Every diagnostic block starts a line (none glued to the end of the one before).
    expect(r.warnings).to.not.match(/[^\n]In file included from/);
  });

  it('a build with its own output works when the cache cannot be written', async function () {
    const file = path.join(tmp, 'a-file');
    await writeFile(file, '');
    const out = path.join(tmp, 'no-cache-out', 'full.hpy0.so');
    const r = await buildExtension({ sources: [FULL], out, cacheDir: path.join(file, 'cache') });
    expect(r).to.include({ path: out, cached: false });
    expect(await dynamicSymbols(out, '--defined-only')).to.include.members(ENTRY_POINTS);
  });

  it('a flag the compiler refuses fails the build on the first source, and caches nothing', async function () {
    const badCache = path.join(tmp, 'bad-flag-cache');
    const e = await buildError(buildExtension({ sources: [FULL], cacheDir: badCache, cflags: ['-fno-such-flag-at-all'] }));
    expect(e.file).to.equal(FULL);
    expect(e.reason).to.equal('compilation failed');
    expect(e.message).to.match(/unrecognized command[- ]line option .-fno-such-flag-at-all./);
    expect(await readdir(path.join(badCache, 'runtime'))).to.deep.equal([]);
  });

  it('replays compiler warnings on a cache hit', async function () {
    const src = path.join(tmp, 'warny.c');
    await writeFile(src, `#include "hpy.h"
HPyDef_METH(f, "f", HPyFunc_NOARGS)
static HPy f_impl(HPyContext *ctx, HPy self) { return HPy_Dup(ctx, ctx->h_None); }
static HPyDef *defines[] = { &f, NULL };
static HPyModuleDef moduledef = { .defines = defines };
HPy_MODINIT(warny, moduledef)
`);
    const first = await buildExtension({ sources: [src], cacheDir });
    expect(first.warnings).to.match(/warny\.c:3:\d+: warning: unused parameter .self./);
    const second = await buildExtension({ sources: [src], cacheDir });
    expect(second.cached).to.equal(true);
    expect(second.warnings).to.equal(first.warnings);
  });

  it('writes to an explicit out path and takes the module name from it', async function () {
    const out = path.join(tmp, 'out', 'full.hpy0.so');
    const r = await buildExtension({ sources: [FULL], out, cacheDir });
    expect(r).to.include({ path: out, name: 'full', cached: false });
    expect(await dynamicSymbols(out, '--defined-only')).to.include.members(ENTRY_POINTS);
  });

  it('refuses an output name without the .hpy0.so suffix', async function () {
    const e = await buildError(buildExtension({ sources: [FULL], out: path.join(tmp, 'full.so') }));
    expect(e.file).to.equal(path.join(tmp, 'full.so'));
    expect(e.message).to.include('output must be named <module>.hpy0.so');
  });

  it('reports a compile error naming the file and quoting the compiler', async function () {
    const e = await buildError(buildExtension({ sources: [path.join(FIXTURES, 'broken.c')], cacheDir }));
    expect(e.file).to.equal(path.join(FIXTURES, 'broken.c'));
    expect(e.reason).to.equal('compilation failed');
    expect(e.message).to.match(/broken\.c:8:\d+: error: .undeclared_identifier_in_broken. undeclared/);
    const hashDirs = await readdir(cacheDir);
    for (const d of hashDirs) {
      expect((await readdir(path.join(cacheDir, d))).filter((f) => f.startsWith('broken'))).to.deep.equal([]);
    }
  });

  it('refuses #include <Python.h> in a universal extension', async function () {
    const e = await buildError(buildExtension({ sources: [path.join(FIXTURES, 'uses_python_h.c')], cacheDir }));
    expect(e.message).to.include('a universal HPy binary must not include Python.h');
  });

  it('names a missing compiler and says to install gcc', async function () {
    const e = await buildError(buildExtension({ sources: [FULL], cacheDir, cc: 'no-such-cc' }));
    expect(e.file).to.equal('no-such-cc');
    expect(e.message).to.include("C compiler 'no-such-cc' not found; install gcc");
  });

  it('names a missing source file', async function () {
    const missing = path.join(tmp, 'nope.c');
    const e = await buildError(buildExtension({ sources: [missing], cacheDir }));
    expect(e.message).to.equal(`${missing}: source file not found`);
  });

  it('names a cached build after its first source file', async function () {
    const copy = path.join(tmp, 'renamed.c');
    await copyFile(FULL, copy);
    const r = await buildExtension({ sources: [copy], cacheDir });
    // The file name only picks the output name; the entry points still come from HPy_MODINIT.
    expect(r.name).to.equal('renamed');
    expect(path.basename(r.path)).to.equal('renamed.hpy0.so');
    expect(await dynamicSymbols(r.path, '--defined-only')).to.include.members(ENTRY_POINTS);
  });
});

describe('hpy-matrix build (CLI)', function () {
  let tmp: string;
  before(async function () {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-build-cli-'));
  });
  after(async function () {
    await rm(tmp, { recursive: true, force: true });
  });

  const cli = (args: string[]) =>
    execa('node', ['--import', 'tsx', '--input-type=module', '-e',
      "const { main } = await import('./harness/cli.ts'); await main(process.argv.slice(1));", ...args],
    { cwd: ROOT, reject: false, env: { HPY_MATRIX_CACHE_DIR: path.join(tmp, 'cache') } });

  it('prints the output path and exits 0', async function () {
    const out = path.join(tmp, 'full.hpy0.so');
    const r = await cli(['build', 'test/fixtures/full.c', '-o', out]);
    expect(r.stderr).to.equal('');
    expect(r.stdout.trim()).to.equal(out);
    expect(r.exitCode).to.equal(0);
  });

  it('exits 1 with a one-line reason followed by the compiler output', async function () {
    const r = await cli(['build', 'test/fixtures/broken.c', '-o', path.join(tmp, 'broken.hpy0.so')]);
    expect(r.exitCode).to.equal(1);
    const [first, ...rest] = r.stderr.split('\n');
    expect(first).to.equal(`hpy-matrix build: ${path.join(FIXTURES, 'broken.c')}: compilation failed`);
    expect(rest.join('\n')).to.match(/error: .undeclared_identifier_in_broken. undeclared/);
    expect(r.stdout).to.equal('');
  });

  it('warns when the binary calls context functions that HPy 0.9.0 hosts lack, and still builds it', async function () {
    const out = path.join(tmp, 'insert.hpy0.so');
    const r = await cli(['build', 'test/fixtures/suites/skips/insert.c', '-o', out]);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout.trim()).to.equal(out);
    expect(r.stderr.trim()).to.equal(`hpy-matrix build: warning: ${out} calls HPyList_Insert, which HPy 0.9.0 does not have: `
      + 'it runs on hpy-matrix, but hosts with HPy 0.9.0 or older crash (problem post-0.9-api of hpy-matrix report)');
  });

  it('exits 1 and removes the binary when its HPy_MODINIT names another module than the output', async function () {
    const out = path.join(tmp, 'other.hpy0.so');
    const r = await cli(['build', 'test/fixtures/full.c', '-o', out]);
    expect(r.exitCode).to.equal(1);
    expect(r.stderr.trim()).to.equal(`hpy-matrix build: ${out}: the binary exports no HPyInit_other, so no loader could load it `
      + "(its HPy_MODINIT names module 'full': name the output full.hpy0.so, or write HPy_MODINIT(other, …)); it was removed");
    expect(r.stdout).to.equal('');
    expect(existsSync(out)).to.equal(false);
  });

  it('takes the module name after the last dot, dashes as underscores, as loaders do', async function () {
    const out = path.join(tmp, 'pkg.full.hpy0.so');
    const r = await cli(['build', 'test/fixtures/full.c', '-o', out]);
    expect([r.exitCode, r.stderr]).to.deep.equal([0, '']);
  });

  it('exits 1 for a bad output suffix', async function () {
    const r = await cli(['build', 'test/fixtures/full.c', '-o', path.join(tmp, 'full.so')]);
    expect(r.exitCode).to.equal(1);
    expect(r.stderr.trim()).to.match(/^hpy-matrix build: .*full\.so: output must be named <module>\.hpy0\.so/);
  });
});
