// The files generated from native/abi: up to date with the data (generate.mjs --check, and what
// --check catches), the static asserts of every offset, and the compile errors our headers give
// for common mistakes.
import { expect } from 'chai';
import { execa } from 'execa';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ctxMembers } from '../native/abi/abi.mjs';
import { findPython } from '../loader/backends/cpython/python.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INCLUDE = path.join(ROOT, 'native/include');
const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', `-I${INCLUDE}`];

describe('ABI headers', function () {
  it('are up to date with the ABI data (generate.mjs --check)', async function () {
    const r = await execa('node', ['native/abi/generate.mjs', '--check'], { cwd: ROOT, reject: false, all: true });
    expect(r.all, 'generate --check output').to.equal('');
    expect(r.exitCode).to.equal(0);
  });

  describe('generate.mjs, run on a copy of native/abi', function () {
    let dir: string;
    let generate: string;
    beforeEach(async function () {
      dir = await mkdtemp(path.join(os.tmpdir(), 'hpy-generate-'));
      await cp(path.join(ROOT, 'native/abi'), path.join(dir, 'native/abi'), { recursive: true });
      generate = path.join(dir, 'native/abi/generate.mjs');
    });
    afterEach(async function () {
      await rm(dir, { recursive: true, force: true });
    });

    it('--check fails naming a generated file edited by hand, and only that file', async function () {
      const written = await execa('node', [generate], { reject: false, all: true });
      expect(written.exitCode, written.all).to.equal(0);
      const edited = path.join(dir, 'native/cpython/autogen_ctx_fill.c');
      await writeFile(edited, `${await readFile(edited, 'utf8')}/* a hand edit */\n`);
      const r = await execa('node', [generate, '--check'], { reject: false, all: true });
      expect(r.exitCode).to.equal(1);
      expect(r.all).to.equal('out of date: native/cpython/autogen_ctx_fill.c (run npm run generate)');
    });

    it('fails naming a generator that is missing, instead of skipping its outputs', async function () {
      await rm(path.join(dir, 'native/abi/gen-debug.mjs'));
      const r = await execa('node', [generate, '--check'], { reject: false, all: true });
      expect(r.exitCode).to.not.equal(0);
      expect(r.all).to.include('ERR_MODULE_NOT_FOUND').and.to.include('gen-debug.mjs');
    });
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

    it('HPY_ABI_CPYTHON is refused, and so is HPY_ABI_HYBRID together with HPY_ABI_UNIVERSAL', async function () {
      const cpy = await compile('#define HPY_ABI_CPYTHON\n#include "hpy.h"\n');
      expect(cpy.exitCode).to.not.equal(0);
      expect(cpy.all).to.include('hpy-matrix headers build universal (or hybrid) binaries: do not define HPY_ABI_CPYTHON');
      const both = await compile('#define HPY_ABI_HYBRID\n#define HPY_ABI_UNIVERSAL\n#include "hpy.h"\n');
      expect(both.exitCode).to.not.equal(0);
      expect(both.all).to.include('HPY_ABI_HYBRID and HPY_ABI_UNIVERSAL are both defined: choose one');
    });

    it('HPY_ABI_HYBRID brings in Python.h and gives the legacy parts their CPython types', async function () {
      const source = [
        '#define HPY_ABI_HYBRID', '#include "hpy.h"',
        'PyObject *f(HPyContext *ctx, HPy h) { return HPy_AsPyObject(ctx, h); }',
        'HPy g(HPyContext *ctx, PyObject *o) { return HPy_FromPyObject(ctx, o); }',
        'static PyMethodDef methods[] = { { NULL, NULL, 0, NULL } };',
        'HPyModuleDef def = { .legacy_methods = methods };',
        'const char *abi = HPY_ABI;',
      ].join('\n');
      const file = path.join(dir, 'hybrid.c');
      await writeFile(file, `${source}\n`);
      const r = await execa('cc', [...CFLAGS, `-I${findPython().include}`, '-fsyntax-only', file], { reject: false, all: true });
      expect(r.all).to.equal('');
      expect(r.exitCode).to.equal(0);
    });

    it('Python.h before hpy.h is refused', async function () {
      const r = await compile('#define Py_PYTHON_H\n#include "hpy.h"\n');
      expect(r.exitCode).to.not.equal(0);
      expect(r.all).to.include('Python.h was included before hpy.h');
    });
  });
});
