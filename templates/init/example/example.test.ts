// The example suite written by `hpy-matrix init`: mocha tests of example.c, which
// `hpy-matrix run` runs on every backend of matrix.json, each in a process of its own.
// Node's assert keeps the suite free of anything to install beside it (chai works too, once it
// is in node_modules).
import assert from 'node:assert/strict';
import { loadExtension, raises, type PyProxy } from 'hpy-matrix/suite';

describe('example', () => {
  let m: PyProxy;
  before(async () => {
    // A .c file is built into a universal binary first; the path is relative to this folder.
    m = await loadExtension('example.c');
  });

  it('is the module example, with its doc', () => {
    assert.equal(m.__name__, 'example');
    assert.equal(m.__doc__, 'An example HPy extension written by hpy-matrix init.');
  });

  it('adds as Python does', () => {
    assert.equal(m.add(1, 2), 3);
    // Python ints past 2**53 come back as bigint.
    assert.equal(m.add(2n ** 70n, 1), 2n ** 70n + 1n);
    assert.equal(m.add(0.5, 0.25), 0.75);
    assert.equal(m.add('hp', 'y'), 'hpy');
  });

  it('raises TypeError as Python does', () => {
    raises(() => m.add(1, 'x'), 'TypeError', "unsupported operand type(s) for +: 'int' and 'str'");
    raises(() => m.add(1), 'TypeError', 'add() required positional argument missing');
  });
});
