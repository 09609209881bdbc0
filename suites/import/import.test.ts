// HPyImport_ImportModule with standard-library modules, the module cache, missing modules and
// other extensions; and C code run between HPy_LeavePythonExecution and Reenter.
import { expect } from 'chai';
import { loadExtension, py, raises, type PyProxy } from 'hpy-matrix/suite';

describe('import', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('importing.c');
  });

  describe('HPyImport_ImportModule', () => {
    for (const name of ['builtins', 'sys', 'operator', 'warnings']) {
      it(`imports ${name}`, () => {
        const mod = m.import_module(name) as PyProxy;
        expect([mod.type, mod.__name__]).to.deep.equal(['module', name]);
      });
    }
    it('gives the module of sys.modules', () => {
      const sys = m.import_module('sys') as PyProxy;
      expect(py.is_(m.import_module('builtins'), py.getitem(sys.modules, 'builtins'))).to.equal(true);
    });
    it('importing twice gives the same module object', () => expect(m.import_twice_same('operator')).to.equal(true));
    it('the builtins module holds the builtins', () => expect(py.is_(m.import_module('builtins').len, py.len)).to.equal(true));
    it('functions of an imported module can be called', () => expect(m.call_operator_add(40, 2)).to.equal(42));
    it('an extension loaded earlier can be imported by name', () => {
      expect(py.is_(m.import_module('importing'), m)).to.equal(true);
    });
    it('a missing module raises ModuleNotFoundError', () => {
      raises(() => m.import_module('no_such_module_here'), 'ModuleNotFoundError', "No module named 'no_such_module_here'");
    });
    it('ModuleNotFoundError is an ImportError', () => {
      const e = raises(() => m.import_module('no_such_module_here'));
      expect(py.issubclass(py.ModuleNotFoundError, py.ImportError)).to.equal(true);
      expect(e.type).to.equal('ModuleNotFoundError');
    });
  });

  describe('HPy_LeavePythonExecution and HPy_ReenterPythonExecution', () => {
    it('C code between them runs and the call returns normally', () => expect(m.sum_outside_python(100)).to.equal(5050));
    it('they can be used again in later calls', () => {
      expect([m.sum_outside_python(1), m.sum_outside_python(10)]).to.deep.equal([1, 55]);
    });
  });
});
