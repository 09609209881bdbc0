// Our own C compiles without a warning. The build cache keeps the warnings of extensions but
// not of hpy-matrix's own libraries, so this is where a new warning in native/ shows up.
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { C_FLAGS, filesUnder } from '../loader/build/cache.js';
import { findPython } from '../loader/backends/cpython/python.js';

const NATIVE = path.resolve(import.meta.dirname, '..', 'native');

describe('native C: warning-free with -Werror', function () {
  this.timeout(180_000);

  const groups: Array<{ dir: string; includes: () => string[] }> = [
    { dir: 'runtime', includes: () => [`${NATIVE}/include`, `${NATIVE}/include/hpy/forbid_python_h`] },
    { dir: 'debug', includes: () => [`${NATIVE}/include`, `${NATIVE}/debug`] },
    { dir: 'cpython', includes: () => [findPython().include, `${NATIVE}/include`, `${NATIVE}/cpython`, `${NATIVE}/debug`] },
  ];

  for (const { dir, includes } of groups) {
    it(`native/${dir}`, async () => {
      const sources = filesUnder(path.join(NATIVE, dir)).filter((f) => f.endsWith('.c'));
      expect(sources).to.not.be.empty;
      const flags = [...C_FLAGS.filter((f) => f !== '-shared'), '-Werror', '-fsyntax-only', ...(dir === 'runtime' ? ['-DHPY_ABI_UNIVERSAL'] : []),
        ...includes().map((i) => `-I${i}`)];
      const limit = pLimit(2);
      const results = await Promise.all(sources.map((src) => limit(() => execa(process.env.CC || 'cc', [...flags, src], { reject: false, all: true }))));
      const noisy = results.map((r, i) => ({ file: path.relative(NATIVE, sources[i]!), output: r.all ?? '' })).filter((r) => r.output.trim() !== '');
      expect(noisy).to.deep.equal([]);
    });
  }
});
