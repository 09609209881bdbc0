// The static ABI report: ELF reading, every problem code, the command's exit codes.
import { expect } from 'chai';
import { buildExtension } from '../loader/build/extension.js';
import { execa } from 'execa';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STRUCTS } from '../loader/abi/abi.generated.js';
import { ReportError, staticReport, type StaticReport } from '../loader/static/report.js';
import { formatReport, runReport } from '../harness/commands/report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/static');

/** The fixtures mirror the ABI structs by hand; these make the compiler check them. */
const LAYOUT_CHECKS = [
  `-DSIZEOF_HPYDEF=${STRUCTS.HPyDef.size}`,
  `-DSIZEOF_HPYMODULEDEF=${STRUCTS.HPyModuleDef.size}`,
  `-DOFFSETOF_METH_SIGNATURE=${STRUCTS.HPyDef.fields.meth.offset + STRUCTS.HPyMeth.fields.signature.offset}`,
];

let dir: string;

async function cc(source: string, out: string, flags: string[]): Promise<string> {
  const path = join(dir, out);
  await execa('cc', ['-shared', '-fPIC', ...LAYOUT_CHECKS, ...flags, join(FIXTURES, source), '-o', path]);
  return path;
}

function copyAs(from: string, name: string): string {
  const to = join(dir, name);
  copyFileSync(from, to);
  return to;
}

/** A copy of `from` with its bytes changed by `edit`. */
function patched(from: string, name: string, edit: (b: Buffer) => Buffer): string {
  const to = join(dir, name);
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, edit(readFileSync(from)));
  return to;
}

function codes(r: StaticReport): string[] {
  return r.problems.map((p) => p.code).sort();
}

function reportError(path: string): ReportError {
  try {
    staticReport(path);
  } catch (err) {
    expect(err).to.be.instanceOf(ReportError);
    return err as ReportError;
  }
  throw new Error(`expected ${path} to be rejected`);
}

const CLEAN_METHODS = [
  { name: 'add', signature: 'VARARGS', doc: 'add(a, b) -> a + b' },
  { name: 'ping', signature: 'NOARGS', doc: null },
  { name: 'ident', signature: 'O', doc: 'return the argument' },
];

const bin: Record<string, string> = {};

describe('static ABI report', function () {
  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'hpy-static-report-'));
    const pyInclude = (await execa('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["include"])'])).stdout;
    const demo = (...flags: string[]) => ['universal.c', 'demo.hpy0.so', ['-DMODNAME=demo', ...flags]] as const;
    const fixtures: Record<string, readonly [string, string, readonly string[]]> = {
      // -lm with --no-as-needed gives the clean binary a DT_NEEDED entry to report.
      O0: demo('-O0', '-Wl,--no-as-needed', '-lm'),
      O2: demo('-O2'),
      Os: demo('-Os', '-fcf-protection=full'),
      sysv: demo('-O2', '-Wl,--hash-style=sysv'),
      gnu: demo('-O2', '-Wl,--hash-style=gnu'),
      abi1: ['universal.c', 'demo.hpy1.so', ['-DMODNAME=demo', '-O2', '-DREQ_MAJOR=1']],
      minor1: demo('-O2', '-DREQ_MINOR=1'),
      legacy: demo('-O2', '-DLEGACY_METHODS'),
      noctx: demo('-O2', '-DNO_GLOBAL_CONTEXT'),
      opaque: demo('-O0', '-DOPAQUE_INIT'),
      got: demo('-O2', '-DEXPORTED_MODULEDEF'),
      hpyO0: ['hpy_module.c', 'hpydemo.hpy0.so', ['-O0', `-I${join(ROOT, 'native/include')}`]],
      hpyO2: ['hpy_module.c', 'hpydemo.hpy0.so', ['-O2', `-I${join(ROOT, 'native/include')}`]],
      odd: ['odd_slots.c', 'odd.hpy0.so', ['-O2']],
      cpython: ['cpython_ext.c', 'cpyext.cpython-311-x86_64-linux-gnu.so', ['-O2', `-I${pyInclude}`]],
    };
    await Promise.all(
      Object.entries(fixtures).map(async ([key, [source, name, flags]]) => {
        // One directory per variant, so every variant keeps its real file name.
        mkdirSync(join(dir, key));
        bin[key] = await cc(source, join(key, name), [...flags]);
      }),
    );
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('a clean universal binary', function () {
    for (const level of ['O0', 'O2', 'Os']) {
      it(`is decoded completely at -${level}`, function () {
        const r = staticReport(bin[level]!);
        expect(r.problems).to.deep.equal([]);
        expect(r.ok).to.equal(true);
        expect(r.module).to.equal('demo');
        expect(r.abiTag).to.equal('hpy0');
        expect(r.requiredAbi).to.deep.equal({ major: 0, minor: 0 });
        expect(r.entryPoints.map((e) => e.found)).to.deep.equal([true, true, true, true]);
        expect(r.entryPoints.map((e) => e.symbol)).to.include('HPyInit_demo');
        expect(r.pyImports).to.deep.equal([]);
        expect(r.moduleDoc).to.equal('static report fixture');
        expect(r.methods).to.deep.equal(CLEAN_METHODS);
        expect(r.slots).to.deep.equal([{ slot: 2001, name: 'HPy_mod_exec' }]);
        expect(r.globals).to.equal(2);
        expect(r.notes).to.deep.equal([]);
      });
    }

    for (const level of ['O0', 'O2']) {
      it(`is decoded completely when built at -${level} with our native/include/hpy.h`, function () {
        const r = staticReport(bin[`hpy${level}`]!);
        expect(r.problems).to.deep.equal([]);
        expect(r.module).to.equal('hpydemo');
        expect(r.requiredAbi).to.deep.equal({ major: 0, minor: 0 });
        expect(r.moduleDoc).to.equal('built with hpy-matrix headers');
        expect(r.methods).to.deep.equal([
          { name: 'add', signature: 'VARARGS', doc: 'add(a, b) -> a + b' },
          { name: 'one', signature: 'NOARGS', doc: null },
        ]);
        expect(r.slots).to.deep.equal([{ slot: 2001, name: 'HPy_mod_exec' }]);
        expect(r.globals).to.equal(1);
        expect(r.ok).to.equal(true);
      });
    }

    it('follows HPyInit through a GOT slot (mov rax, [rip+disp] and GLOB_DAT)', async function () {
      const { stdout } = await execa('objdump', ['-d', '--disassemble=HPyInit_demo', bin.got!]);
      expect(stdout).to.match(/\bmov\s+0x[0-9a-f]+\(%rip\),%rax/);
      const r = staticReport(bin.got!);
      expect(r.ok).to.equal(true);
      expect(r.methods).to.deep.equal(CLEAN_METHODS);
      expect(r.globals).to.equal(2);
    });

    it('lists the same DT_NEEDED entries as readelf', async function () {
      const { stdout } = await execa('readelf', ['-d', bin.O0!]);
      const expected = [...stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
      expect(expected).to.include('libm.so.6');
      expect(staticReport(bin.O0!).needed).to.deep.equal(expected);
    });

    for (const style of ['sysv', 'gnu'] as const) {
      it(`is still decoded without section headers (symbols through the ${style} hash table)`, function () {
        // e_shoff, e_shnum and e_shstrndx set to zero: a valid ELF without a section table.
        const stripped = patched(bin[style]!, `nosections-${style}/demo.hpy0.so`, (b) => {
          b.writeBigUInt64LE(0n, 40);
          b.writeUInt16LE(0, 60);
          b.writeUInt16LE(0, 62);
          return b;
        });
        const r = staticReport(stripped);
        expect(r.ok).to.equal(true);
        expect(r.methods).to.deep.equal(CLEAN_METHODS);
        expect(r.globals).to.equal(2);
        expect(r.notes).to.deep.equal([
          `no section headers: dynamic symbols were found through ${style === 'sysv' ? 'DT_HASH' : 'DT_GNU_HASH'}`,
        ]);
      });
    }

    it('says so in a note, not a problem, when HPyInit cannot be decoded', function () {
      const r = staticReport(bin.opaque!);
      expect(r.problems).to.deep.equal([]);
      expect(r.ok).to.equal(true);
      expect(r.methods).to.equal(null);
      expect(r.globals).to.equal(null);
      expect(r.notes).to.have.length(1);
      expect(r.notes[0]).to.match(/^module definition not read: cannot tell what HPyInit_demo returns: unrecognised instruction/);
    });
  });

  describe('files that cannot be analysed', function () {
    it('rejects a missing file', function () {
      const path = join(dir, 'absent.hpy0.so');
      expect(reportError(path).message).to.equal(`${path}: no such file`);
    });

    it('rejects a file that is not ELF', function () {
      const path = join(dir, 'text.hpy0.so');
      writeFileSync(path, 'this is not a shared object\n');
      expect(reportError(path).message).to.equal(`${path}: not an ELF file`);
    });

    it('rejects a file cut inside the ELF header', function () {
      const path = patched(bin.O2!, 'header-cut.hpy0.so', (b) => b.subarray(0, 40));
      expect(reportError(path).reason).to.match(/^truncated: /);
    });

    it('rejects a file cut after its program headers', function () {
      const path = patched(bin.O2!, 'body-cut.hpy0.so', (b) => b.subarray(0, 4096));
      expect(reportError(path).reason).to.match(/^truncated: .* needs \d+ bytes, the file has 4096$/);
    });

    it('names the architecture of a foreign ELF file', function () {
      const path = patched(bin.O2!, 'arm.hpy0.so', (b) => {
        b.writeUInt16LE(183, 18);
        return b;
      });
      expect(reportError(path).reason).to.equal(
        '64-bit little-endian ELF for AArch64 (e_machine 183); only 64-bit little-endian x86-64 binaries can be analysed',
      );
    });

    it('recognises a 32-bit ELF file', function () {
      const path = patched(bin.O2!, 'elf32.hpy0.so', (b) => {
        b[4] = 1;
        b.writeUInt16LE(3, 18);
        return b;
      });
      expect(reportError(path).reason).to.match(/^32-bit little-endian ELF for Intel 80386 \(e_machine 3\)/);
    });

    it('answers corrupted or cut input with a report or a ReportError, nothing else', function () {
      const original = readFileSync(bin.O0!);
      const path = join(dir, 'corrupt', 'demo.hpy0.so');
      mkdirSync(dirname(path));
      let seed = 20240917;
      const random = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 16) % n;
      };
      const outcomes = new Set<string>();
      const attempt = (bytes: Buffer): void => {
        writeFileSync(path, bytes);
        try {
          outcomes.add(staticReport(path).ok ? 'ok' : 'problems');
        } catch (err) {
          if (!(err instanceof ReportError)) throw err;
          outcomes.add('rejected');
        }
      };
      for (let end = 0; end < original.length; end += 64) attempt(original.subarray(0, end));
      for (let i = 0; i < 1500; i++) {
        const b = Buffer.from(original);
        for (let k = 0; k <= random(8); k++) {
          // ELF and program headers, dynamic tables and relocations sit at the start of
          // the file; the data the report follows and the section table at the end.
          b[random(2) === 0 ? random(0x800) : b.length - 1 - random(0x1400)] = random(256);
        }
        attempt(b);
      }
      expect([...outcomes].sort()).to.deep.equal(['ok', 'problems', 'rejected']);
    });

    it('rejects an object file that is not a shared object', async function () {
      const obj = join(dir, 'demo.o');
      await execa('cc', ['-c', '-fPIC', ...LAYOUT_CHECKS, '-DMODNAME=demo', join(FIXTURES, 'universal.c'), '-o', obj]);
      expect(reportError(obj).reason).to.equal('not a shared object (e_type 1: relocatable object)');
    });
  });

  describe('ABI problems', function () {
    it('refuses a CPython-ABI extension and lists its Python imports', async function () {
      const r = staticReport(bin.cpython!);
      expect(r.ok).to.equal(false);
      expect(r.module).to.equal('cpyext');
      expect(r.abiTag).to.equal(null);
      expect(r.pyImports).to.include('PyLong_FromLong');
      const { stdout } = await execa('nm', ['-D', '--undefined-only', bin.cpython!]);
      const expected = stdout.split('\n').map((l) => l.trim().split(/\s+/).pop()!).filter((n) => /^_?Py/.test(n));
      expect([...r.pyImports].sort()).to.deep.equal(expected.sort());
      expect(codes(r)).to.deep.equal(['cpython-abi', ...Array(4).fill('missing-entry-point'), 'py-imports']);
    });

    it('refuses a hybrid file name', function () {
      const r = staticReport(copyAs(bin.O2!, 'demo.hpy0-cp311.so'));
      expect(r.module).to.equal('demo');
      expect(codes(r)).to.deep.equal(['hybrid']);
      expect(r.problems[0]!.message).to.contain('hpy0-cp311');
    });

    it('reports a required ABI 1.0', function () {
      const r = staticReport(bin.abi1!);
      expect(r.requiredAbi).to.deep.equal({ major: 1, minor: 0 });
      expect(codes(r)).to.deep.equal(['abi-version']);
      expect(r.problems[0]!.message).to.match(/^requires HPy ABI 1\.0/);
    });

    it('reports a required minor version above 0', function () {
      const r = staticReport(bin.minor1!);
      expect(r.requiredAbi).to.deep.equal({ major: 0, minor: 1 });
      expect(codes(r)).to.deep.equal(['abi-version']);
    });

    it('reports a 1.0 binary named .hpy0 on both counts', function () {
      const r = staticReport(copyAs(bin.abi1!, 'demo.hpy0.so'));
      expect(codes(r)).to.deep.equal(['abi-version', 'tag-mismatch']);
    });

    it('reports a filename tag that disagrees with the required major', function () {
      const r = staticReport(copyAs(bin.O2!, 'demo.hpy1.so'));
      expect(r.abiTag).to.equal('hpy1');
      expect(codes(r)).to.deep.equal(['tag-mismatch']);
      expect(r.problems[0]!.message).to.equal('the file name says "hpy1" but the binary requires ABI major 0');
    });

    it('reports a file name without an ABI tag', function () {
      const r = staticReport(copyAs(bin.O2!, 'demo.so'));
      expect(r.module).to.equal('demo');
      expect(codes(r)).to.deep.equal(['missing-tag']);
    });

    it('reports a missing entry point', function () {
      const r = staticReport(bin.noctx!);
      expect(r.entryPoints.filter((e) => !e.found).map((e) => e.symbol)).to.deep.equal(['HPyInitGlobalContext_demo']);
      expect(r.problems).to.deep.equal([
        { code: 'missing-entry-point', message: 'HPyInitGlobalContext_demo is not exported' },
      ]);
    });

    it('derives the entry point names from the file name (dots, dashes)', function () {
      const r = staticReport(copyAs(bin.O2!, 'pkg.my-mod.hpy0.so'));
      expect(r.module).to.equal('my_mod');
      expect(r.entryPoints.map((e) => e.symbol)).to.include('HPyInit_my_mod');
      expect(codes(r)).to.deep.equal(Array(4).fill('missing-entry-point'));
    });

    it('reports calls of context functions added after HPy 0.9.0 (post-0.9-api), naming each', async function () {
      const built = await buildExtension({ sources: [join(ROOT, 'test/fixtures/suites/skips/insert.c')], out: join(dir, 'insert.hpy0.so') });
      const r = staticReport(built.path);
      expect(r.afterReleaseApi).to.deep.equal(['HPyList_Insert']);
      expect(r.problems).to.deep.equal([{
        code: 'post-0.9-api',
        message: 'calls HPyList_Insert, added to HPy after 0.9.0 while the ABI stayed 0.0: hosts with HPy 0.9.0 or older '
          + '(official hpy on CPython, PyPy, GraalPy) load it and crash when it reads past their context',
      }]);
      expect(staticReport(bin.hpyO2!).afterReleaseApi).to.deep.equal([]);
    });

    it('reports legacy_methods', function () {
      const r = staticReport(bin.legacy!);
      expect(codes(r)).to.deep.equal(['legacy-methods']);
      expect(r.methods).to.deep.equal(CLEAN_METHODS);
    });

    it('reports module slots and state that a 0.9 loader refuses', function () {
      const r = staticReport(bin.odd!);
      expect(r.slots).to.deep.equal([
        { slot: 2000, name: 'HPy_mod_create' },
        { slot: 66, name: 'HPy_tp_repr' },
      ]);
      expect(r.methods).to.deep.equal([{ name: 'noop', signature: 'NOARGS', doc: null }]);
      expect(codes(r)).to.deep.equal(['mod-create-not-alone', 'module-size', 'unsupported-slot']);
      expect(r.problems.find((p) => p.code === 'unsupported-slot')!.message).to.contain('HPy_tp_repr (66)');
    });
  });

  describe('report command', function () {
    /** Runs the handler with console output and exitCode captured. */
    function capture(args: { file: string; json: boolean }): { stdout: string; stderr: string; exitCode: number | undefined } {
      const out: string[] = [];
      const err: string[] = [];
      const { log, error } = console;
      const saved = process.exitCode;
      console.log = (...a: unknown[]) => void out.push(a.join(' '));
      console.error = (...a: unknown[]) => void err.push(a.join(' '));
      try {
        process.exitCode = undefined;
        runReport(args);
        return { stdout: out.join('\n'), stderr: err.join('\n'), exitCode: process.exitCode as number | undefined };
      } finally {
        console.log = log;
        console.error = error;
        process.exitCode = saved;
      }
    }

    it('prints every section for a clean binary and sets exit code 0', function () {
      const { stdout, exitCode } = capture({ file: bin.O2!, json: false });
      expect(exitCode).to.equal(0);
      for (const heading of ['ABI', 'Entry points', 'Python C API imports', 'Needed libraries', 'Module definition', 'Problems']) {
        expect(stdout.split('\n')).to.include(heading);
      }
      expect(stdout).to.contain(`File    ${bin.O2}`);
      expect(stdout).to.contain('method   add (VARARGS)  "add(a, b) -> a + b"');
      expect(stdout).to.contain('slot     HPy_mod_exec (2001)');
      expect(stdout).to.contain('globals  2');
      expect(stdout).to.match(/OK: a clean HPy universal binary$/);
    });

    it('sets exit code 1 and lists problem codes for a bad binary', function () {
      const { stdout, exitCode } = capture({ file: bin.legacy!, json: false });
      expect(exitCode).to.equal(1);
      expect(stdout).to.contain('[legacy-methods] ');
      expect(stdout).to.match(/NOT OK: 1 ABI problem\(s\)$/);
    });

    it('sets exit code 2 with one line on stderr when the file cannot be analysed', function () {
      const file = join(dir, 'absent.hpy0.so');
      const { stdout, stderr, exitCode } = capture({ file, json: false });
      expect(exitCode).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.equal(`hpy-matrix report: ${file}: no such file`);
    });

    it('formats an unread module definition as such, saying why', function () {
      const opaque = staticReport(bin.opaque!);
      expect(opaque.notes.length).to.be.greaterThan(0);
      expect(formatReport(opaque)).to.contain('Module definition\n  not read: see the notes');
      expect(formatReport(staticReport(bin.cpython!))).to.contain('Module definition\n  not read: HPyInit_cpyext is not exported');
    });
  });

  describe('hpy-matrix report (built CLI)', function () {
    const cli = (...args: string[]) =>
      execa('node', [join(ROOT, 'bin/hpy-matrix.js'), 'report', ...args], { cwd: ROOT, reject: false });

    it('exits 0 and prints the JSON report for a clean binary', async function () {
      const res = await cli(bin.O0!, '--json');
      expect(res.exitCode, res.stderr).to.equal(0);
      const json = JSON.parse(res.stdout);
      expect(Object.keys(json)).to.include.members([
        'file', 'module', 'abiTag', 'requiredAbi', 'entryPoints', 'pyImports', 'needed',
        'methods', 'slots', 'globals', 'problems', 'notes', 'ok',
      ]);
      expect(json).to.deep.include({ file: bin.O0, module: 'demo', abiTag: 'hpy0', ok: true, globals: 2 });
      expect(json.methods).to.deep.equal(CLEAN_METHODS);
    });

    it('exits 1 for ABI problems', async function () {
      const res = await cli(bin.cpython!, '--json');
      expect(res.exitCode).to.equal(1);
      expect(JSON.parse(res.stdout).problems.map((p: { code: string }) => p.code)).to.include('py-imports');
    });

    it('exits 2 with one stderr line for a file it cannot analyse', async function () {
      const path = patched(bin.O2!, 'cli-arm.hpy0.so', (b) => {
        b.writeUInt16LE(183, 18);
        return b;
      });
      const res = await cli(path);
      expect(res.exitCode).to.equal(2);
      expect(res.stdout).to.equal('');
      expect(res.stderr.trim().split('\n')).to.deep.equal([
        `hpy-matrix report: ${path}: 64-bit little-endian ELF for AArch64 (e_machine 183); only 64-bit little-endian x86-64 binaries can be analysed`,
      ]);
    });
  });
});
