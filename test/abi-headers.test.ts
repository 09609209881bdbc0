// Our generated headers against the ABI data: offsets, sizes and the files being up to date.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ctxMembers } from '../native/abi/abi.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INCLUDE = path.join(ROOT, 'native/include');
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', `-I${INCLUDE}`];

describe('ABI headers', function () {
  it('are up to date with the ABI data (generate.mjs --check)', async function () {
    const r = await execa('node', ['native/abi/generate.mjs', '--check'], { cwd: ROOT, reject: false, all: true });
    expect(r.all, 'generate --check output').to.equal('');
    expect(r.exitCode).to.equal(0);
  });

  it('pass every static assert (context offsets, sizeof 2208, structs, enums) with -Werror', async function () {
    const r = await execa('cc', [...CFLAGS, '-c', 'test/abi/static_asserts.c', '-o', '/dev/null'], { cwd: ROOT, reject: false, all: true });
    expect(r.all).to.equal('');
    expect(r.exitCode).to.equal(0);
  });

  it('static asserts cover all 276 context members and the 2208-byte size', async function () {
    const text = await readFile(path.join(ROOT, 'test/abi/static_asserts.c'), 'utf8');
    expect(ctxMembers).to.have.length(276);
    expect(text).to.include('sizeof(HPyContext) == 2208');
    for (const m of ctxMembers) expect(text).to.include(`offsetof(HPyContext, ${m.name}) == ${m.offset},`);
  });

  describe('catch mistakes', function () {
    let dir: string;
    before(async function () {
      dir = await mkdtemp(path.join(os.tmpdir(), 'hpy-headers-'));
    });
    after(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    async function compile(source: string) {
      const file = path.join(dir, 'probe.c');
      await writeFile(file, source);
      return execa('cc', [...CFLAGS, '-fsyntax-only', file], { reject: false, all: true });
    }

    it('a wrong offset in the static asserts fails to compile', async function () {
      const r = await compile('#include <stddef.h>\n#include "hpy.h"\n_Static_assert(offsetof(HPyContext, ctx_Slice_New) == 2192, "offset of ctx_Slice_New");\n');
      expect(r.exitCode).to.not.equal(0);
      expect(r.all).to.include('offset of ctx_Slice_New');
    });

    it('an unknown slot in HPyDef_SLOT is a compile error', async function () {
      const r = await compile('#include "hpy.h"\nHPyDef_SLOT(bad, HPy_tp_no_such_slot)\n');
      expect(r.exitCode).to.not.equal(0);
      expect(r.all).to.include('HPy_tp_no_such_slot');
    });

    it('an impl whose signature disagrees with HPyDef_METH is a compile error', async function () {
      const r = await compile('#include "hpy.h"\nHPyDef_METH(f, "f", HPyFunc_O)\nstatic HPy f_impl(HPyContext *ctx, HPy self) { (void)self; return HPy_Dup(ctx, ctx->h_None); }\n');
      expect(r.exitCode).to.not.equal(0);
      expect(r.all).to.match(/conflicting types for .f_impl/);
    });

    it('legacy CPython interop (HPy_AsPyObject) is a compile error in universal mode', async function () {
      const r = await compile('#include "hpy.h"\nvoid *f(HPyContext *ctx, HPy h) { return HPy_AsPyObject(ctx, h); }\n');
      expect(r.exitCode).to.not.equal(0);
      expect(r.all).to.include('legacy CPython interop is unavailable in a universal HPy binary');
    });

    it('Python.h before hpy.h is refused', async function () {
      const r = await compile('#define Py_PYTHON_H\n#include "hpy.h"\n');
      expect(r.exitCode).to.not.equal(0);
      expect(r.all).to.include('Python.h was included before hpy.h');
    });
  });
});
