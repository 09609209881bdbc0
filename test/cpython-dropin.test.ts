// The drop-in Python loader: python3 scripts under test/cpython load binaries through
// `hpy_matrix.universal` and assert with plain `assert`; each script is one test here, run on
// every Python of this machine that has headers and a shared libpython.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { buildExtension } from '../loader/build/extension.js';
import { ensureHost } from '../loader/backends/cpython/host-build.js';
import { findPython, PythonSetupError } from '../loader/backends/cpython/python.js';
import { buildHybrid, cpythonTag } from './hybrid-build.js';

const HANDMADE = 'test/fixtures/loader/handmade.c';
const SCRIPTS = readdirSync('test/cpython').filter((f) => /^test_.*\.py$/.test(f)).sort();

/**
 * python3 on PATH, and Debian's own when it is another interpreter that can host the module
 * (headers and a shared libpython; a machine may have the interpreter alone).
 */
function pythons(): string[] {
  const found = ['python3'];
  const onPath = findPython('python3').executable;
  if (existsSync('/usr/bin/python3') && realpathSync('/usr/bin/python3') !== realpathSync(onPath) && canHost('/usr/bin/python3')) {
    found.push('/usr/bin/python3');
  }
  return found;
}

function canHost(python: string): boolean {
  try {
    findPython(python);
    return true;
  } catch (e) {
    if (e instanceof PythonSetupError) return false;
    throw e;
  }
}

describe('drop-in loader (hpy_matrix.universal)', function () {
  this.timeout(300_000);
  let built: string;

  before(async () => {
    built = mkdtempSync(path.join(os.tmpdir(), 'hpy-matrix-dropin-'));
    const suites = readdirSync('suites').flatMap((s) => readdirSync(path.join('suites', s))
      .filter((f) => f.endsWith('.c')).map((f) => path.join('suites', s, f)));
    for (const src of suites) {
      await buildExtension({ sources: [src], out: path.join(built, `${path.basename(src, '.c')}.hpy0.so`) });
    }
    const handmade = async (name: string, defines: string[] = []) => buildExtension({
      sources: [HANDMADE], out: path.join(built, `${name}.hpy0.so`),
      cflags: [`-DMODNAME=${name}`, ...defines.map((d) => `-D${d}`)],
    });
    await handmade('handmade_ok');
    await handmade('minor', ['REQUIRED_MINOR=3']);
    await handmade('noinit', ['OMIT_INIT']);
    await handmade('initnull', ['INIT_NULL']);
  });
  after(() => rmSync(built, { recursive: true, force: true }));

  for (const python of pythons()) {
    describe(`on ${python}`, () => {
      let pythonPath: string;
      before(async () => {
        const info = findPython(python);
        pythonPath = ensureHost(info).pythonPath;
        // Hybrid binaries are built for one CPython: test_dropin_hybrid.py finds its own by tag.
        const hybridDir = path.join(built, 'hybrid', cpythonTag(info));
        mkdirSync(hybridDir, { recursive: true });
        await buildHybrid(info, hybridDir);
      });

      it('`hpy-matrix python-path` prints the folder that makes `import hpy_matrix.universal` work', () => {
        const printed = execFileSync(process.execPath, ['bin/hpy-matrix.js', 'python-path'], {
          encoding: 'utf8', env: { ...process.env, HPY_MATRIX_PYTHON: python },
        }).trim();
        expect(printed).to.equal(pythonPath);
        const where = execFileSync(python, ['-c', 'from hpy_matrix import universal; print(universal.__file__)'], {
          encoding: 'utf8', env: { ...process.env, PYTHONPATH: printed },
        });
        expect(where.startsWith(path.join(printed, 'hpy_matrix', 'universal'))).to.equal(true);
      });

      for (const script of SCRIPTS) {
        it(script, async () => {
          const r = await execa(python, [path.join('test/cpython', script), built], {
            reject: false, all: true, env: { PYTHONPATH: pythonPath },
          });
          expect(r.exitCode, r.all).to.equal(0);
        });
      }
    });
  }
});

describe('hpy-matrix python-path without a Python', () => {
  it('exits 2 and says what to install', async () => {
    const r = await execa(process.execPath, ['bin/hpy-matrix.js', 'python-path'], {
      reject: false, env: { HPY_MATRIX_PYTHON: '/nonexistent/python3' },
    });
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.equal("hpy-matrix python-path: the cpython backend needs Python 3: '/nonexistent/python3' was not found (install python3, e.g. apt-get install python3 libpython3-dev, or set HPY_MATRIX_PYTHON)");
  });
});
