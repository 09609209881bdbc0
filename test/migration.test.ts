// The migration part of the static report: what a binary imports of CPython's C API, by family,
// with what replaces each name in HPy 0.9; the table itself, checked against HPy 0.9.0's API.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { CTX_MEMBERS } from '../loader/abi/abi.generated.js';
import { buildExtension } from '../loader/build/extension.js';
import { findPython } from '../loader/backends/cpython/python.js';
import { familyOf, migrationOf, replacementOf, REPLACEMENTS } from '../loader/static/migration.js';
import { buildHybrid } from './hybrid-build.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Every identifier our headers declare as a function or a macro. */
function headerNames(): Set<string> {
  const dir = path.join(ROOT, 'native/include/hpy');
  const text = [path.join(ROOT, 'native/include/hpy.h'), ...readdirSync(dir).filter((f) => f.endsWith('.h')).map((f) => path.join(dir, f))]
    .map((f) => readFileSync(f, 'utf8')).join('\n');
  return new Set([...text.matchAll(/\b([A-Za-z_]\w*)\s*\(|#\s*define\s+([A-Za-z_]\w*)/g)].map((m) => m[1] ?? m[2]!));
}

describe('migration report', function () {
  describe('the replacement table', () => {
    it('names only HPy 0.9.0 API: functions and macros of our headers, or 0.9.0 context handles, nothing HPy master added', () => {
      const declared = headerNames();
      const masterOnly = new Set(CTX_MEMBERS.filter((m) => m.since !== '0.9.0').flatMap((m) => [m.name, m.apiName]));
      const handles09 = new Set(CTX_MEMBERS.filter((m) => m.kind === 'handle' && m.since === '0.9.0').map((m) => m.name));
      const wrong = Object.entries(REPLACEMENTS).filter(([, hpy]) => hpy.startsWith('ctx->')
        ? !handles09.has(hpy.slice('ctx->'.length))
        : !declared.has(hpy) || masterOnly.has(hpy));
      expect(wrong).to.deep.equal([]);
      expect(Object.keys(REPLACEMENTS).length).to.be.greaterThan(150);
    });

    it('maps exception classes and builtin types to the context handles HPy 0.9.0 has, and no others', () => {
      expect(replacementOf('PyExc_ValueError')).to.equal('ctx->h_ValueError');
      expect(replacementOf('PyUnicode_Type')).to.equal('ctx->h_UnicodeType');
      expect(replacementOf('PyBaseObject_Type')).to.equal('ctx->h_BaseObjectType');
      // h_DictType came after 0.9.0; a 0.9 host has no such member.
      expect(replacementOf('PyDict_Type')).to.equal(null);
      expect(replacementOf('PyExc_NoSuchError')).to.equal(null);
      expect(replacementOf('PyObject_GC_Track')).to.equal(null);
    });

    it('groups names by family, the narrower prefixes first', () => {
      const families = Object.fromEntries(['PyObject_GetAttr', 'PyObject_Malloc', 'PyObject_GC_Track', 'PyLong_Type', 'PyExc_KeyError',
        '_Py_TrueStruct', '_Py_NoneStruct', '_PyArg_ParseTuple_SizeT', 'PyCapsule_New', 'PyEval_SaveThread', 'PyModule_AddObjectRef',
        'PyBytes_Size', 'PyDict_New', 'Py_Whatever'].map((n) => [n, familyOf(n)]));
      expect(families).to.deep.equal({
        PyObject_GetAttr: 'objects', PyObject_Malloc: 'memory', PyObject_GC_Track: 'types', PyLong_Type: 'types',
        PyExc_KeyError: 'errors', _Py_TrueStruct: 'numbers', _Py_NoneStruct: 'objects', _PyArg_ParseTuple_SizeT: 'arguments',
        PyCapsule_New: 'capsules', PyEval_SaveThread: 'interpreter', PyModule_AddObjectRef: 'modules', PyBytes_Size: 'strings',
        PyDict_New: 'containers', Py_Whatever: 'other',
      });
    });

    it('counts functions and objects apart in its summary line, in the singular where there is one', () => {
      expect(migrationOf([])).to.equal(null);
      expect(migrationOf(['PyLong_FromLong'])!.summary).to.equal('1 legacy C-API function left; 1 has an HPy replacement');
      const m = migrationOf(['PyMem_Malloc', 'PyExc_TypeError', 'PyDict_Type', 'PyLong_AsLong', 'PyLong_AsLong'])!;
      expect(m).to.deep.include({ functions: 2, objects: 2, replaceable: 2 });
      expect(m.summary).to.equal('2 legacy C-API functions and 2 objects left; 2 have an HPy replacement');
      expect(m.groups.map((g) => g.family)).to.deep.equal(['numbers', 'errors', 'types', 'memory']);
    });
  });

  describe('hpy-matrix report on a hybrid binary', () => {
    let dir: string;
    let hybrid: string;
    let imported: string[];
    const cli = (...args: string[]) => execa(process.execPath, ['bin/hpy-matrix.js', 'report', ...args], { cwd: ROOT, reject: false });

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-migration-'));
      hybrid = await buildHybrid(findPython(), dir);
      const { stdout } = await execa('nm', ['-D', '--undefined-only', hybrid]);
      imported = stdout.split('\n').map((l) => l.trim().split(/\s+/).pop()!).filter((n) => /^_?Py/.test(n)).sort();
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('lists every name it imports under its family, with its replacement, then the summary', async () => {
      const r = await cli(hybrid);
      expect(r.exitCode).to.equal(1);
      const lines = r.stdout.split('\n');
      const start = lines.indexOf('Python C API imports');
      const section = lines.slice(start + 1, lines.indexOf('', start));
      const listed = section.filter((l) => l.startsWith('    ')).map((l) => l.trim().split(/\s+/)[0]!);
      expect([...listed].sort()).to.deep.equal(imported);
      for (const name of imported) {
        const line = section.find((l) => l.trim().split(/\s+/)[0] === name)!;
        const family = [...section.slice(0, section.indexOf(line))].reverse().find((l) => /^ {2}\S/.test(l))!.trim();
        expect(family, name).to.equal(familyOf(name));
      }
      // What the fixture itself uses: PyErr_SetString(PyExc_TypeError, ...) after PySequence_Check
      // and PyMapping_Check, which HPy 0.9 has nothing for, and PyFloat_Type as a base.
      expect(section).to.include.members([
        '  errors', '    PyErr_SetString          -> HPyErr_SetString', '    PyExc_TypeError          -> ctx->h_TypeError',
        '    PySequence_Check         (no HPy replacement)', '    _PyArg_ParseTuple_SizeT  -> HPyArg_Parse',
        '  types', '    PyFloat_Type             -> ctx->h_FloatType',
      ]);
      expect(section.at(-1)).to.equal(`  ${imported.length - 2} legacy C-API functions and 2 objects left; ${imported.length - 2} have an HPy replacement`);
    });

    it('gives the same in its JSON, under "migration"', async () => {
      const r = await cli(hybrid, '--json');
      const { migration, pyImports } = JSON.parse(r.stdout);
      expect([...pyImports].sort()).to.deep.equal(imported);
      const names = migration.groups.flatMap((g: { family: string; names: Array<{ name: string; replacement: string | null }> }) =>
        g.names.map((n) => ({ ...n, family: g.family })));
      expect(names.map((n: { name: string }) => n.name).sort()).to.deep.equal(imported);
      for (const n of names) expect(n).to.deep.equal({ name: n.name, replacement: replacementOf(n.name), family: familyOf(n.name) });
      expect(migration).to.deep.include({ functions: imported.length - 2, objects: 2, replaceable: imported.length - 2 });
      expect(migration.summary).to.equal(`${imported.length - 2} legacy C-API functions and 2 objects left; ${imported.length - 2} have an HPy replacement`);
    });

    it('renders the same list as a Markdown table and in the HTML page', async () => {
      const { migration } = JSON.parse((await cli(hybrid, '--json')).stdout);
      const md = (await cli(hybrid, '--format', 'markdown')).stdout;
      expect(md).to.include(`- Python C API imports: ${migration.summary}\n`);
      expect(md).to.include('| legacy C-API name | family | HPy replacement |\n|---|---|---|\n');
      expect(md).to.include('| `PyExc_TypeError` | errors | `ctx->h_TypeError` |');
      expect(md).to.include('| `PySequence_Check` | containers | (none) |');
      const html = (await cli(hybrid, '--format', 'html')).stdout;
      expect(html).to.include('errors: PyErr_SetString -&gt; HPyErr_SetString, PyExc_TypeError -&gt; ctx-&gt;h_TypeError');
      expect(html).to.include(migration.summary);
    });

    it('keeps flagging it in the static problems, and has no migration part for a universal binary', async () => {
      const json = JSON.parse((await cli(hybrid, '--json')).stdout);
      expect(json.problems.map((p: { code: string }) => p.code)).to.deep.equal(['hybrid', 'py-imports', 'legacy-methods']);
      const clean = await buildExtension({ sources: [path.join(ROOT, 'templates/init/example/example.c')], out: path.join(dir, 'example.hpy0.so') });
      const universal = JSON.parse((await cli(clean.path, '--json')).stdout);
      expect(universal).to.deep.include({ pyImports: [], migration: null, ok: true });
      expect((await cli(clean.path)).stdout).to.include('\nPython C API imports\n  (none)\n');
    });
  });
});
