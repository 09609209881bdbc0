// Capsules (with destructors observed through garbage collection), context variables,
// Leave/Reenter, _HPy_Dump, and Compile_s/EvalCode. Expected values are CPython 3.11's, except
// where a test says the behaviour is specific to a backend (and why).
import { expect } from 'chai';
import { baseBackend, collectGarbage, loadExtension, py, type PyProxy, raises, skip } from 'hpy-matrix/suite';

/** Runs `f` with stderr captured where the backend writes through Node (the reference backend). */
function captureStderr(f: () => void): string {
  const write = process.stderr.write;
  let out = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    f();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

const NONE = 0, PAYLOAD = 1, OTHER = 2;

describe('capsules', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('capsules.c');
  });
  const log = () => {
    const [calls, name, value, context, otherCalls] = m.destructor_log().toJs();
    return { calls, name, value, context, otherCalls };
  };

  describe('capsule objects', () => {
    it('New + GetPointer with the right name', () => {
      const cap = m.capsule_new(42, 'my.cap', NONE);
      expect(m.get_value(cap, 'my.cap')).to.equal(42);
      expect(cap.type).to.equal('PyCapsule');
      expect(py.repr(py.type(cap))).to.equal("<class 'PyCapsule'>");
    });
    it('repr shows the name, or NULL', () => {
      expect(py.repr(m.capsule_new(1, 'my.cap', NONE))).to.match(/^<capsule object "my\.cap" at 0x[0-9a-f]+>$/);
      expect(py.repr(m.capsule_new(1, undefined, NONE))).to.match(/^<capsule object NULL at 0x[0-9a-f]+>$/);
    });
    it('names are compared by content', () => {
      const cap = m.capsule_new(7, 'a.b', NONE);
      expect(m.get_value(cap, 'a' + '.b')).to.equal(7);
      raises(() => m.get_value(cap, 'a.c'), 'ValueError', 'PyCapsule_GetPointer called with incorrect name');
      raises(() => m.get_value(cap, undefined), 'ValueError', 'PyCapsule_GetPointer called with incorrect name');
    });
    it('a capsule without a name matches a NULL name only', () => {
      const cap = m.capsule_new(8, undefined, NONE);
      expect(m.get_value(cap, undefined)).to.equal(8);
      raises(() => m.get_value(cap, 'x'), 'ValueError', 'PyCapsule_GetPointer called with incorrect name');
    });
    it('GetName', () => {
      expect(m.get_name(m.capsule_new(1, 'the.name', NONE))).to.equal('the.name');
      expect(m.get_name(m.capsule_new(1, undefined, NONE))).to.equal(undefined);
    });
    it('the context starts NULL and can be set', () => {
      const cap = m.capsule_new(1, 'c', NONE);
      expect(m.get_context(cap)).to.equal(0);
      m.set_context(cap, 77);
      expect(m.get_context(cap)).to.equal(77);
    });
    it('SetName renames', () => {
      const cap = m.capsule_new(5, 'old', NONE);
      m.set_name(cap, 'new');
      expect(m.get_name(cap)).to.equal('new');
      expect(m.get_value(cap, 'new')).to.equal(5);
      raises(() => m.get_value(cap, 'old'), 'ValueError', 'PyCapsule_GetPointer called with incorrect name');
      m.set_name(cap, undefined);
      expect(m.get_name(cap)).to.equal(undefined);
      expect(m.get_value(cap, undefined)).to.equal(5);
    });
    it('SetPointer replaces the pointer and refuses NULL', () => {
      const cap = m.capsule_new(5, 'p', NONE);
      m.set_value(cap, 9);
      expect(m.get_value(cap, 'p')).to.equal(9);
      raises(() => m.set_value(cap, undefined), 'ValueError', 'PyCapsule_SetPointer called with null pointer');
      expect(m.get_value(cap, 'p')).to.equal(9);
    });
    it('IsValid never raises', () => {
      const cap = m.capsule_new(1, 'v', NONE);
      expect(m.is_valid(cap, 'v')).to.equal(1);
      expect(m.is_valid(cap, 'w')).to.equal(0);
      expect(m.is_valid(cap, undefined)).to.equal(0);
      expect(m.is_valid(5, 'v')).to.equal(0);
      expect(m.is_valid(m.capsule_new(1, undefined, NONE), undefined)).to.equal(1);
    });
    it('IsValid follows SetName', () => {
      const cap = m.capsule_new(1, 'before', NONE);
      m.set_name(cap, 'after');
      expect(m.is_valid(cap, 'after')).to.equal(1);
      expect(m.is_valid(cap, 'before')).to.equal(0);
    });
    it('the pointer, name and context are independent', () => {
      const cap = m.capsule_new(31, 'ind', NONE);
      m.set_context(cap, 5);
      expect(m.get_value(cap, 'ind')).to.equal(31);
      m.set_value(cap, 32);
      expect(m.get_context(cap)).to.equal(5);
      expect(m.get_name(cap)).to.equal('ind');
    });
    it('New refuses a NULL pointer and a destructor without impl', () => {
      raises(() => m.capsule_new_null_pointer(), 'ValueError', 'PyCapsule_New called with null pointer');
      raises(() => m.capsule_new_bad_destructor(), 'ValueError', 'Invalid HPyCapsule destructor');
    });
    it('getting the destructor is an error', () => {
      raises(() => m.get_destructor(m.capsule_new(1, 'd', NONE)), 'ValueError', 'Invalid operation: get HPyCapsule_key_Destructor');
    });
    it('every accessor refuses a non-capsule', () => {
      raises(() => m.get_value(5, 'x'), 'ValueError', 'PyCapsule_GetPointer called with invalid PyCapsule object');
      raises(() => m.get_name('x'), 'ValueError', 'PyCapsule_GetName called with invalid PyCapsule object');
      raises(() => m.get_context([]), 'ValueError', 'PyCapsule_GetContext called with invalid PyCapsule object');
      raises(() => m.set_context(5, 1), 'ValueError', 'PyCapsule_SetContext called with invalid PyCapsule object');
      raises(() => m.set_name(5, 'x'), 'ValueError', 'PyCapsule_SetName called with invalid PyCapsule object');
      raises(() => m.set_value(5, 1), 'ValueError', 'PyCapsule_SetPointer called with invalid PyCapsule object');
      raises(() => m.set_destructor(5, NONE), 'ValueError', 'PyCapsule_SetDestructor called with invalid PyCapsule object');
    });
    it('a capsule is a valid dict key and truthy', () => {
      const cap = m.capsule_new(1, 'k', NONE);
      const d = py.dict();
      py.setitem(d, cap, 'v');
      expect(py.getitem(d, cap)).to.equal('v');
      expect(py.truth(cap)).to.equal(true);
    });
    it('capsules compare by identity and are hashable', () => {
      const cap = m.capsule_new(1, 'h', NONE);
      expect(py.eq(cap, cap)).to.equal(true);
      expect(py.eq(cap, m.capsule_new(1, 'h', NONE))).to.equal(false);
      expect(py.hash(cap)).to.equal(py.hash(cap));
      raises(() => py.lt(cap, cap), 'TypeError', "'<' not supported between instances of 'PyCapsule' and 'PyCapsule'");
    });
  });

  describe('capsule destructors', () => {
    // Capsules dropped by earlier tests die first, so that each test counts only its own.
    beforeEach(() => collectGarbage());
    it('runs when the capsule dies, with its name, pointer and context', async () => {
      const before = log();
      let cap: PyProxy | undefined = m.capsule_new(1234, 'dying.capsule', PAYLOAD);
      m.set_context(cap, 99);
      expect(log().calls).to.equal(before.calls);
      cap = undefined;
      await collectGarbage();
      const after = log();
      expect(after.calls).to.equal(before.calls + 1);
      expect([after.name, after.value, after.context]).to.deep.equal(['dying.capsule', 1234, 99]);
    });
    it('sees the pointer and name set after creation', async () => {
      const before = log();
      let cap: PyProxy | undefined = m.capsule_new(1, 'first', PAYLOAD);
      m.set_value(cap, 55);
      m.set_name(cap, 'second');
      cap = undefined;
      await collectGarbage();
      const after = log();
      expect(after.calls).to.equal(before.calls + 1);
      expect([after.name, after.value]).to.deep.equal(['second', 55]);
    });
    it('does not run while the capsule is alive', async () => {
      const before = log();
      const cap = m.capsule_new(3, 'alive', PAYLOAD);
      await collectGarbage();
      expect(log().calls).to.equal(before.calls);
      expect(m.get_value(cap, 'alive')).to.equal(3);
    });
    it('SetDestructor replaces the destructor', async () => {
      const before = log();
      let cap: PyProxy | undefined = m.capsule_new(1, 'replaced', PAYLOAD);
      m.set_destructor(cap, OTHER);
      cap = undefined;
      await collectGarbage();
      const after = log();
      expect(after.calls).to.equal(before.calls);
      expect(after.otherCalls).to.equal(before.otherCalls + 1);
    });
    it('SetDestructor with NULL removes it', async () => {
      const before = log();
      let cap: PyProxy | undefined = m.capsule_new(1, 'removed', PAYLOAD);
      m.set_destructor(cap, NONE);
      cap = undefined;
      await collectGarbage();
      expect(log().calls).to.equal(before.calls);
    });
    it('a capsule created without a destructor can get one', async () => {
      const before = log();
      let cap: PyProxy | undefined = m.capsule_new(21, 'added', NONE);
      m.set_destructor(cap, PAYLOAD);
      cap = undefined;
      await collectGarbage();
      const after = log();
      expect(after.calls).to.equal(before.calls + 1);
      expect(after.value).to.equal(21);
    });
    it('runs once per capsule', async () => {
      const before = log();
      let caps: PyProxy[] | undefined = [1, 2, 3].map((v) => m.capsule_new(v, 'many', PAYLOAD));
      expect(caps.length).to.equal(3);
      caps = undefined;
      await collectGarbage();
      await collectGarbage();
      expect(log().calls).to.equal(before.calls + 3);
    });
  });

  describe('context variables', () => {
    it('a new variable has no value: Get gives status 0 and NULL', () => {
      const v = m.cv_new('x', m.missing);
      expect(m.cv_get(v, m.missing).toJs()).to.deep.equal([0, 0, undefined]);
    });
    it('Get falls back to the given default, then to the variable default', () => {
      const v = m.cv_new('x', m.missing);
      expect(m.cv_get(v, 5).toJs()).to.deep.equal([0, 1, 5]);
      const w = m.cv_new('z', 7);
      expect(m.cv_get(w, m.missing).toJs()).to.deep.equal([0, 1, 7]);
      expect(m.cv_get(w, 8).toJs()).to.deep.equal([0, 1, 8]);
    });
    it('Set returns a token; the value wins over defaults', () => {
      const v = m.cv_new('x', 7);
      const t = m.cv_set(v, 4);
      expect(py.is_(t.var, v)).to.equal(true);
      expect(py.repr(t.old_value)).to.equal('<Token.MISSING>');
      expect(m.cv_get(v, 8).toJs()).to.deep.equal([0, 1, 4]);
      const t2 = m.cv_set(v, 'again');
      expect(t2.old_value).to.equal(4);
      expect(v.get()).to.equal('again');
    });
    it('the variable works from Python: name, get, reset', () => {
      const v = m.cv_new('name', m.missing);
      expect(v.name).to.equal('name');
      expect(v.get(9)).to.equal(9);
      raises(() => v.get(), 'LookupError', /^<ContextVar name='name' at 0x[0-9a-f]+>$/);
      const t = m.cv_set(v, 1);
      expect(v.get()).to.equal(1);
      v.reset(t);
      raises(() => v.get(), 'LookupError');
      raises(() => v.reset(t), 'RuntimeError', /has already been used once$/);
    });
    it('reprs', () => {
      expect(py.repr(m.cv_new('x', m.missing))).to.match(/^<ContextVar name='x' at 0x[0-9a-f]+>$/);
      expect(py.repr(m.cv_new('z', 7))).to.match(/^<ContextVar name='z' default=7 at 0x[0-9a-f]+>$/);
      expect(py.repr(m.cv_set(m.cv_new('x', m.missing), 1))).to.match(/^<Token var=<ContextVar name='x' at 0x[0-9a-f]+> at 0x[0-9a-f]+>$/);
      expect(py.repr(py.type(m.cv_new('x', m.missing)))).to.equal("<class '_contextvars.ContextVar'>");
    });
    it('None is a value like any other', () => {
      const v = m.cv_new('n', undefined);
      expect(m.cv_get(v, m.missing).toJs()).to.deep.equal([0, 1, undefined]);
      expect(py.repr(v)).to.match(/^<ContextVar name='n' default=None at 0x[0-9a-f]+>$/);
      const w = m.cv_new('w', m.missing);
      m.cv_set(w, undefined);
      expect(m.cv_get(w, 5).toJs()).to.deep.equal([0, 1, undefined]);
    });
    it('variables are independent, even with the same name', () => {
      const a = m.cv_new('same', m.missing), b = m.cv_new('same', m.missing);
      m.cv_set(a, 1);
      expect(m.cv_get(b, m.missing).toJs()).to.deep.equal([0, 0, undefined]);
      expect(py.eq(a, b)).to.equal(false);
    });
    it('a value set from Python is seen by Get, and the other way round', () => {
      const v = m.cv_new('both', m.missing);
      const t = v.set(3);
      expect(m.cv_get(v, m.missing).toJs()).to.deep.equal([0, 1, 3]);
      expect(py.is_(t.var, v)).to.equal(true);
      m.cv_set(v, 4);
      expect(v.get()).to.equal(4);
    });
    it('reset checks its token', () => {
      const a = m.cv_new('a', m.missing), b = m.cv_new('b', m.missing);
      const t = m.cv_set(a, 1);
      raises(() => b.reset(t), 'ValueError', /^<Token var=<ContextVar name='a' at 0x[0-9a-f]+> at 0x[0-9a-f]+> was created by a different ContextVar$/);
      raises(() => a.reset(5), 'TypeError', 'expected an instance of Token, got 5');
    });
    it('context variables are hashable', () => {
      const v = m.cv_new('h', m.missing);
      expect(py.hash(v)).to.equal(py.hash(v));
    });
    it('Get and Set refuse anything but a ContextVar', () => {
      raises(() => m.cv_get(5, m.missing), 'TypeError', 'an instance of ContextVar was expected');
      raises(() => m.cv_set('x', 1), 'TypeError', 'an instance of ContextVar was expected');
    });
  });

  describe('Leave/Reenter', () => {
    it('C code runs between Leave and Reenter', () => {
      expect(m.sum_without_python(100)).to.equal(5050);
      expect(m.sum_without_python(0)).to.equal(0);
    });
    const ONLY_REFERENCE_CHECKS = 'CPython aborts on a wrong thread state (PyEval_RestoreThread): only the reference backend checks it';
    it('a wrong token is a SystemError (reference backend)', function () {
      if (baseBackend() !== 'reference') skip(this, ONLY_REFERENCE_CHECKS);
      raises(() => m.reenter_wrong_token(), 'SystemError', /HPy_ReenterPythonExecution/);
      expect(m.sum_without_python(3)).to.equal(6);
    });
    it('Leave twice is a SystemError (reference backend)', function () {
      if (baseBackend() !== 'reference') skip(this, ONLY_REFERENCE_CHECKS);
      raises(() => m.leave_twice(), 'SystemError', /HPy_LeavePythonExecution called twice/);
      expect(m.sum_without_python(3)).to.equal(6);
    });
  });

  describe('_HPy_Dump', () => {
    it('prints without raising, and keeps a pending exception', () => {
      let out = '';
      out = captureStderr(() => {
        expect(m.dump(42)).to.equal(false);
        expect(m.dump(m.capsule_new(1, 'dumped', NONE))).to.equal(false);
        expect(m.dump_keeps_error('x')).to.equal(true);
      });
      // The text is each backend's own (CPython's _PyObject_Dump writes to the C stderr).
      if (baseBackend() === 'reference') {
        expect(out).to.contain('object type name: int\nobject repr     : 42\n');
        expect(out).to.match(/object repr {5}: <capsule object "dumped" at 0x[0-9a-f]+>/);
      }
    });
  });

  describe('Compile_s and EvalCode', () => {
    // The reference backend has no Python compiler: both functions are documented as
    // unsupported there and raise SystemError; a CPython-hosted backend evaluates.
    it('evaluate an expression, or are refused by the reference backend', () => {
      if (baseBackend() === 'reference') {
        raises(() => m.eval_expr('1 + 2'), 'SystemError',
          'HPy_Compile_s (ctx_Compile_s) is not supported by the reference backend: the reference backend has no Python compiler');
      } else {
        expect(m.eval_expr('1 + 2')).to.equal(3);
      }
    });
    it('EvalCode is refused by the reference backend', function () {
      if (baseBackend() !== 'reference') skip(this, 'this backend has a Python compiler, so nothing is refused');
      raises(() => m.eval_null_code(), 'SystemError', /^HPy_EvalCode \(ctx_EvalCode\) is not supported by the reference backend/);
    });
  });
});
