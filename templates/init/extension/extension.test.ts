// Tests of {{module}}, written by `hpy-matrix init --extension`: `hpy-matrix run` runs them on
// every backend of matrix.json, each in a process of its own. They check what holds for any
// module; add tests of what {{module}} does. Node's assert keeps the suite free of anything to
// install beside it (chai works too, once it is in node_modules).
import assert from 'node:assert/strict';
import { loadExtension, py, type PyProxy } from 'hpy-matrix/suite';

// The binary, relative to this folder: build it before `hpy-matrix run`.
const BINARY = {{binary}};
// The functions of its module definition, as `hpy-matrix report` read them from the binary.
const FUNCTIONS: string[] = {{functions}};

describe('{{module}}', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension(BINARY);
  });

  it('is the module {{module}}', () => {
    assert.equal(m.__name__, '{{module}}');
  });

  for (const name of FUNCTIONS) {
    it(`has the function ${name}`, () => {
      // `$name` is the Python attribute even where the proxy has a name of its own (type, toJs).
      assert.equal(py.callable(m[`$${name}`]), true);
    });
  }
});
