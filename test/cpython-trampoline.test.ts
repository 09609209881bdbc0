// ctx_CallRealFunctionFromTrampoline of the cpython backend: a switch generated from the ABI data
// (native/abi/gen-cpython.mjs) around the few cases native/cpython/trampoline.c writes by hand.
// These tests keep the two halves covering exactly the signatures the data lists, and the
// result compiling warning-free; the drop-in scripts exercise the cases at run time.
import { expect } from 'chai';
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { enums, hpyfunc, structs } from '../native/abi/abi.mjs';
import { generateCpythonTrampoline, HAND_TRAMPOLINES } from '../native/abi/gen-cpython.mjs';
import { findPython } from '../loader/backends/cpython/python.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const GENERATED = path.join(ROOT, 'native/cpython/autogen_trampoline.h');
const HAND = path.join(ROOT, 'native/cpython/trampoline.c');
const SIGNATURES = Object.keys(enums.HPyFunc_Signature.values);

const casesOf = (text: string) => [...text.matchAll(/^ *case (HPyFunc_\w+):/gm)].map((m) => m[1]);
const suffix = (sig: string) => sig.slice('HPyFunc_'.length);

describe('cpython backend: ctx_CallRealFunctionFromTrampoline', function () {
  it('has exactly one case per HPyFunc_Signature of the ABI data', async function () {
    const cases = casesOf(await readFile(GENERATED, 'utf8'));
    expect(cases).to.have.length(SIGNATURES.length);
    expect([...cases].sort()).to.deep.equal([...SIGNATURES].sort());
  });

  it('leaves to trampoline.c only the buffer, traverse and capsule cases, each written there', async function () {
    expect([...HAND_TRAMPOLINES].sort()).to.deep.equal([
      'HPyFunc_CAPSULE_DESTRUCTOR', 'HPyFunc_GETBUFFERPROC', 'HPyFunc_RELEASEBUFFERPROC', 'HPyFunc_TRAVERSEPROC',
    ]);
    const generated = await readFile(GENERATED, 'utf8');
    const hand = await readFile(HAND, 'utf8');
    for (const sig of HAND_TRAMPOLINES) {
      expect(generated).to.include(`call_${suffix(sig)}(ctx, func, args);`);
      expect(hand).to.include(`static void call_${suffix(sig)}(HPyContext *ctx, HPyCFunction func, void *args)`);
    }
    expect(casesOf(hand), 'trampoline.c has no switch of its own').to.deep.equal([]);
  });

  it('compiles warning-free with the generated switch (-std=c11 -Wall -Wextra -O2 -Werror)', async function () {
    this.timeout(120_000);
    const python = findPython();
    const r = await execa('cc', ['-std=c11', '-Wall', '-Wextra', '-O2', '-Werror', '-fPIC', '-fvisibility=hidden',
      `-I${python.include}`, `-I${path.join(ROOT, 'native/include')}`, `-I${path.join(ROOT, 'native/cpython')}`,
      '-c', HAND, '-o', '/dev/null'], { reject: false, all: true });
    expect(r.all).to.equal('');
    expect(r.exitCode).to.equal(0);
  });

  describe('a signature added to the ABI data', function () {
    const withProbe = (f: Record<string, unknown>, more: { hand?: Set<string> } = {}) => ({
      signatures: { ...enums.HPyFunc_Signature.values, HPyFunc_PROBE: 99 },
      hpyfunc: { ...hpyfunc, HPyFunc_PROBE: { impl_typedef: 'HPyFunc_probe', ...f } },
      structs,
      ...more,
    });

    it('gets a generated case when its impl takes handles and plain values', function () {
      const [[file, text]] = generateCpythonTrampoline(withProbe({
        impl_prototype: 'int impl(HPyContext *ctx, HPy, HPy_ssize_t, HPy)',
        args_struct: '_HPyFunc_args_SSIZEOBJARGPROC',
      }));
      expect(file).to.equal('native/cpython/autogen_trampoline.h');
      expect(casesOf(text)).to.include('HPyFunc_PROBE');
      expect(text).to.include('a->result = _HPy_FPTR(HPyFunc_probe, func)(ctx, hmc_py2h(a->arg0), a->arg1, hmc_py2h(a->arg2));');
    });

    it('stops the generator, naming it, when its case cannot be derived and trampoline.c has none', function () {
      expect(() => generateCpythonTrampoline(withProbe({
        impl_prototype: 'int impl(HPyContext *ctx, HPy, HPy_buffer *, int)',
        args_struct: '_HPyFunc_args_GETBUFFERPROC',
      }))).to.throw(/the trampoline case of HPyFunc_PROBE cannot be derived .*HPy_buffer \*.*call_PROBE in native\/cpython\/trampoline\.c/);
    });

    it('stops the generator when the enum lists it and hpyfunc does not describe it', function () {
      expect(() => generateCpythonTrampoline({ signatures: { ...enums.HPyFunc_Signature.values, HPyFunc_PROBE: 99 } }))
        .to.throw(/disagree: HPyFunc_PROBE/);
    });

    it('may not be written by hand when the generator can derive it', function () {
      const f = { impl_prototype: 'HPy impl(HPyContext *ctx, HPy)', args_struct: '_HPyFunc_args_UNARYFUNC' };
      expect(() => generateCpythonTrampoline(withProbe(f, { hand: new Set([...HAND_TRAMPOLINES, 'HPyFunc_PROBE']) })))
        .to.throw(/HPyFunc_PROBE is written by hand but can be derived/);
    });
  });
});
