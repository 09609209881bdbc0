// Modules as HPy 0.9 defines them: the module doc, module-level functions (self is the
// module), several exec slots run in order after the functions exist, an exec slot that raises
// making the import fail with its exception, HPy_mod_create returning an arbitrary object, the
// definitions HPy 0.9 refuses (module state, create with other defines, other slots), and
// HPyGlobal store/load across calls. How a refused definition is reported is the backend's
// business (HPy raises SystemError from the import, a loader may refuse earlier), so those
// cases check that loading fails, not the message.
import { expect } from 'chai';
import { loadExtension, py, raises, PythonError, type PyProxy } from 'hpy-matrix/suite';

async function loadFails(file: string): Promise<unknown> {
  try {
    await loadExtension(file);
  } catch (e) {
    // A build failure would say nothing about the module definition.
    expect((e as Error).name).to.not.equal('BuildError');
    return e;
  }
  expect.fail(`${file} loaded, but it should have been refused`);
}

describe('module', () => {
  describe('exec slots and functions', () => {
    let m: PyProxy;
    before(async () => {
      m = await loadExtension('module_exec.c');
    });
    it('has the doc of its HPyModuleDef', () => expect(m.__doc__).to.equal('A module with three exec slots.'));
    it('has the name of its binary', () => expect(m.__name__).to.equal('module_exec'));
    it('is a module object', () => expect(m.type).to.equal('module'));
    it('reaches attributes that the proxy\'s own names hide with a leading $', () => {
      expect('$type' in m).to.equal(false);
      m.$type = 7;
      m.$then = 'kept';
      expect([m.$type, m.type, m.$then, '$type' in m]).to.deep.equal([7, 'module', 'kept', true]);
      expect(py.getattr(m, 'type')).to.equal(7);
      delete m.$type;
      delete m.$then;
      expect(py.hasattr(m, 'type')).to.equal(false);
    });
    it('runs every exec slot, in the order of the defines', () => expect(m.log.toJs()).to.deep.equal(['first', 'second', 'third']));
    it('adds the functions before the exec slots run', () => expect(m.methods_before_exec).to.equal(true));
    it('passes the module as self to its functions', () => expect(py.is_(m.get_self(), m)).to.equal(true));
    it('functions are builtin functions named after their def', () => {
      expect(py.repr(m.get_global)).to.equal('<built-in function get_global>');
    });
  });

  describe('HPyGlobal', () => {
    let m: PyProxy;
    before(async () => {
      m = await loadExtension('module_exec.c');
    });
    it('a value stored by an exec slot is loaded by a later call', () => expect(m.get_global(1)).to.equal('stored by exec'));
    it('None can be stored', () => expect(m.get_global(2)).to.equal(undefined));
    it('Store replaces the value, and Load sees it in the next call', () => {
      m.set_global(2, 'replaced');
      expect(m.get_global(2)).to.equal('replaced');
    });
    it('two globals are independent', () => {
      m.set_global(2, 'two');
      expect([m.get_global(1), m.get_global(2)]).to.deep.equal(['stored by exec', 'two']);
    });
    it('a stored object stays the same object', () => {
      const obj = py.list([1]) as PyProxy;
      m.set_global(2, obj);
      expect(py.is_(m.get_global(2), obj)).to.equal(true);
    });
    it('a global keeps its object alive after the storing call closed its handles', () => {
      m.store_fresh();
      expect(m.get_global(2).toJs()).to.deep.equal([1, 'fresh']);
    });
    it('two Loads give handles to the same object', () => expect(m.load_twice_same()).to.equal(true));
  });

  describe('an exec slot that raises', () => {
    it('makes the import fail with its exception', async () => {
      const e = await loadFails('module_raises.c');
      expect(e).to.be.instanceOf(PythonError);
      expect((e as PythonError).message).to.equal('ValueError: exec slot failed on purpose');
    });
  });

  describe('HPy_mod_create', () => {
    it('the object it returns is the module, made from the spec', async () => {
      const m = await loadExtension('module_create.c');
      expect(m.toJs()).to.deep.equal(new Map([['spec_name', 'module_create'], ['made_by', 'HPy_mod_create']]));
    });
    it('an exception it raises makes the import fail', async () => {
      const e = await loadFails('module_create_fails.c');
      expect(e).to.be.instanceOf(PythonError);
      expect((e as PythonError).message).to.equal('RuntimeError: create slot failed on purpose');
    });
    it('must be the only define: with an exec slot the module is refused', async () => {
      await loadFails('module_create_with_exec.c');
    });
  });

  describe('definitions HPy 0.9 refuses', () => {
    it('module state (size > 0)', async () => {
      await loadFails('module_state.c');
    });
    it('a slot other than HPy_mod_create and HPy_mod_exec', async () => {
      await loadFails('module_bad_slot.c');
    });
  });

  describe('a bare module', () => {
    it('without doc, defines or globals loads, with __doc__ None', async () => {
      const m = await loadExtension('module_bare.c');
      expect([m.__name__, m.__doc__]).to.deep.equal(['module_bare', undefined]);
    });
    it('has no attribute beyond the module ones', async () => {
      const m = await loadExtension('module_bare.c');
      raises(() => m.nothing, 'AttributeError', "module 'module_bare' has no attribute 'nothing'");
    });
  });
});
