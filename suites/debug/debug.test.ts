// The debug layer catches each mistake of debug.c, names it, and lets the run go on; clean code
// has no findings. Mistakes are only safe to make under the debug layer (on a plain backend a
// closed handle is a dangling pointer), so on other backends the suite is skipped.
import { expect } from 'chai';
import {
  backendName, baseBackend, debugFindings, hasDebugLayer, loadExtension, py, raises, skip, type DebugFinding, type PyProxy,
} from 'hpy-matrix/suite';

describe('debug layer', () => {
  let m: PyProxy;
  before(async function () {
    if (!hasDebugLayer()) skip(this, 'every test makes a real mistake, safe only under a debug layer: run it on debug:<backend>');
    if (baseBackend().startsWith('python:')) {
      skip(this, 'it reads the findings of hpy-matrix\'s own debug layer; another HPy\'s debug mode aborts on misuse instead, '
        + 'and names no function for a leak');
    }
    m = await loadExtension('debug.c');
  });

  /** The one finding the last call made, checked for kind and function. */
  function only(kind: string, fn: string): DebugFinding {
    const found = debugFindings();
    expect(found.map((f) => `${f.kind} in ${f.function}`), `findings on ${backendName()}`).to.deep.equal([`${kind} in ${fn}`]);
    return found[0];
  }

  it('clean code has no findings and leaks nothing', () => {
    expect(m.clean('héllo').toJs()).to.deep.equal(['héllo', 6]);
    expect(m.clean(5).toJs()).to.deep.equal([5, -1]);
    expect(debugFindings()).to.deep.equal([]);
  });

  it('a handle never closed is a leak, with the object it holds', () => {
    expect(m.leak()).to.equal(undefined);
    const f = only('leak', 'leak');
    expect(f.message).to.match(/^handle \d+ opened in 'leak' by HPyLong_FromInt64_t was never closed \(int 123456\)$/);
    expect(f.handle).to.be.greaterThan(0);
  });

  it('a closed handle passed to a context function', () => {
    raises(() => m.use_after_close(), 'SystemError', /^HPy_Repr: handle \d+ was already closed \(debug layer\)$/);
    const f = only('use-after-close', 'HPy_Repr');
    expect(f.message).to.match(/^HPy_Repr got handle \d+ in 'use_after_close', which was closed \(opened by \w+\)$/);
  });

  it('a handle closed twice', () => {
    expect(m.double_close()).to.equal(undefined);
    const f = only('double-close', 'HPy_Close');
    expect(f.message).to.match(/^handle \d+ was closed twice \(second time in 'double_close'; opened by \w+\)$/);
  });

  it('an argument handle closed by the callee, which does not own it', () => {
    expect(m.close_arg(5)).to.equal(undefined);
    const f = only('double-close', 'close_arg');
    expect(f.message).to.match(/^argument handle \d+ was closed by 'close_arg', which does not own it$/);
  });

  it('a context constant closed', () => {
    expect(m.close_constant()).to.equal(undefined);
    expect(only('close-constant', 'HPy_Close').message).to.equal("'close_constant' closed a context constant (NoneType None)");
  });

  it('a context constant returned without HPy_Dup', () => {
    expect(m.return_constant()).to.equal(undefined);
    expect(only('return-constant', 'return_constant').message).to.equal(
      "'return_constant' returned a context constant (NoneType None) instead of a new handle (use HPy_Dup)");
  });

  it('a list builder used after Build', () => {
    expect(m.list_builder_after_build()).to.equal(undefined);
    expect(only('builder-reuse', 'HPyListBuilder_Set').message).to.equal(
      "HPyListBuilder_Set in 'list_builder_after_build': the HPyListBuilder was already ended by HPyListBuilder_Build");
  });

  it('a tuple builder used after Cancel', () => {
    expect(m.tuple_builder_after_cancel()).to.equal(undefined);
    expect(only('builder-reuse', 'HPyTupleBuilder_Build').message).to.equal(
      "HPyTupleBuilder_Build in 'tuple_builder_after_cancel': the HPyTupleBuilder was already ended by HPyTupleBuilder_Cancel");
    // Its Build fails for the caller (HPy's own debug mode raises MemoryError: the drop-in's).
    raises(() => m.built_after_cancel(), 'SystemError', 'HPyTupleBuilder_Build: the HPyTupleBuilder is no longer usable (debug layer)');
    expect(only('builder-reuse', 'HPyTupleBuilder_Build').message).to.equal(
      "HPyTupleBuilder_Build in 'built_after_cancel': the HPyTupleBuilder was already ended by HPyTupleBuilder_Cancel");
  });

  it('a tracker used after Close', () => {
    expect(m.tracker_after_close()).to.equal(undefined);
    expect(only('builder-reuse', 'HPyTracker_Add').message).to.equal(
      "HPyTracker_Add in 'tracker_after_close': the HPyTracker was already ended by HPyTracker_Close");
  });

  it('UTF-8 data read after its handle was closed: found, and the read still works', () => {
    expect(m.utf8_after_close('hello')).to.equal('h'.charCodeAt(0));
    const f = only('raw-data-after-close', 'utf8_after_close');
    expect(f.message).to.match(/^data returned by HPyUnicode_AsUTF8AndSize for handle \d+ was used after the handle was closed$/);
  });

  it('bytes data written through the pointer of HPyBytes_AsString', () => {
    const b = py.bytes([97, 98, 99]);
    expect(m.bytes_write(b)).to.equal(undefined);
    const f = only('raw-data-write', 'bytes_write');
    expect(f.message).to.match(/^'bytes_write' wrote to the read-only data of handle \d+ returned by HPyBytes_AsString$/);
    // The write went to the layer's copy: the object is unchanged.
    expect(py.repr(b)).to.equal("b'abc'");
  });

  it('an HPyContext kept from an earlier call and used later', () => {
    expect(m.keep_ctx()).to.equal(undefined);
    expect(debugFindings()).to.deep.equal([]);
    expect(m.use_kept_ctx()).to.equal(7);
    const f = only('ctx-outside-call', 'HPyLong_FromInt64_t');
    expect(f.message).to.match(/^HPyLong_FromInt64_t was called with an HPyContext kept from a call that has returned /);
  });

  it('NULL returned without an exception set', () => {
    raises(() => m.null_without_error(), 'SystemError', /returned NULL without setting an exception/);
    expect(only('null-without-error', 'null_without_error').message).to.equal("'null_without_error' returned NULL without setting an exception");
  });

  it('a result returned with an exception set', () => {
    raises(() => m.result_with_error(), 'SystemError', /returned a result with an exception set/);
    expect(only('result-with-error', 'result_with_error').message).to.equal("'result_with_error' returned a result with an exception set");
  });

  // The layer opens a call's argument handles together and closes them together, hands a new
  // result back without a lookup, and takes builders from a pool; the mistakes below go through
  // those paths.

  it('an argument handle kept past its call and used in a later call', () => {
    expect(m.keep_arg(7)).to.equal(undefined);
    expect(debugFindings()).to.deep.equal([]);
    raises(() => m.use_kept_arg(), 'SystemError', /^HPy_Repr: handle \d+ was already closed \(debug layer\)$/);
    const f = only('use-after-close', 'HPy_Repr');
    expect(f.message).to.match(/^HPy_Repr got handle \d+ in 'use_kept_arg', which was closed \(opened by argument\)$/);
  });

  it('UTF-8 data of an argument read after its call returned: found, and the read still works', () => {
    expect(m.keep_utf8_of_arg('hello')).to.equal(undefined);
    expect(debugFindings()).to.deep.equal([]);
    expect(m.read_kept_utf8()).to.equal('h'.charCodeAt(0));
    const f = only('raw-data-after-close', 'keep_utf8_of_arg');
    expect(f.message).to.match(/^data returned by HPyUnicode_AsUTF8AndSize for handle \d+ was used after the handle was closed$/);
  });

  it('an argument returned as the result without HPy_Dup', () => {
    raises(() => m.return_arg(1, 2), 'SystemError', /^return_arg: handle \d+ was already closed \(debug layer\)$/);
    const f = only('use-after-close', 'return_arg');
    expect(f.message).to.match(/^return_arg got handle \d+ in 'return_arg', which was closed \(opened by argument\)$/);
  });

  it('a handle closed, then closed again by the tracker holding it', () => {
    expect(m.close_tracked()).to.equal(undefined);
    const f = only('double-close', 'HPy_Close');
    expect(f.message).to.match(/^handle \d+ was closed twice \(second time in 'close_tracked'; opened by HPyLong_FromInt64_t\)$/);
  });

  it('a list builder handed to a tuple builder function', () => {
    expect(m.builder_wrong_kind()).to.equal(undefined);
    expect(only('builder-reuse', 'HPyTupleBuilder_Cancel').message).to.match(
      /^HPyTupleBuilder_Cancel got 0x[0-9a-f]+, which is not a live HPyTupleBuilder of this context$/);
  });

  it('a closed handle is still recognized after many handles and builders were reused', () => {
    expect(m.keep_closed()).to.equal(undefined);
    // 40 rounds close 200 handles and 40 builders, within the 1024 remembered.
    expect(m.churn(40)).to.equal(undefined);
    expect(debugFindings()).to.deep.equal([]);
    raises(() => m.use_kept_closed(), 'SystemError', /^HPy_Repr: handle \d+ was already closed \(debug layer\)$/);
    expect(only('use-after-close', 'HPy_Repr').message).to.match(
      /^HPy_Repr got handle \d+ in 'use_kept_closed', which was closed \(opened by HPyLong_FromInt64_t\)$/);
  });

  // Arguments HPy's debug mode refuses: each is a finding in HPy's words, and the call answers
  // as the backend answers it without the layer.

  it('HPyUnicode_Substring of a non-str', () => {
    raises(() => m.substring_of(py.bytes([104, 105])), 'TypeError');
    expect(only('invalid-argument', 'HPyUnicode_Substring').message).to.equal('HPyUnicode_Substring arg 1 must be a Unicode object');
  });

  it('HPyType_GetName of a non-type', () => {
    raises(() => m.type_name_of('x'), 'TypeError');
    expect(only('invalid-argument', 'HPyType_GetName').message).to.equal('HPyType_GetName arg must be a type');
  });

  it('HPyType_IsSubtype with a non-type, first or second', () => {
    raises(() => m.is_subtype('x', py.str), 'TypeError');
    expect(only('invalid-argument', 'HPyType_IsSubtype').message).to.equal('HPyType_IsSubtype arg 1 must be a type');
    raises(() => m.is_subtype(py.bool, 'x'), 'TypeError');
    expect(only('invalid-argument', 'HPyType_IsSubtype').message).to.equal('HPyType_IsSubtype arg 2 must be a type');
  });

  it('HPy_TypeCheck with a non-type', () => {
    raises(() => m.type_check('x', 2), 'TypeError');
    expect(only('invalid-argument', 'HPy_TypeCheck').message).to.equal('HPy_TypeCheck arg 2 must be a type');
  });

  it('HPy_Call with keyword names that are not a tuple: the call does not happen', () => {
    raises(() => m.call_with_list_kwnames(py.len), 'SystemError',
      "HPy_Call arg 'kwnames' must be a tuple object or HPy_NULL (debug layer)");
    expect(only('invalid-argument', 'HPy_Call').message).to.equal("HPy_Call arg 'kwnames' must be a tuple object or HPy_NULL");
  });

  it('_HPy_AsStruct_Object on an object of another shape', () => {
    raises(() => m.as_struct_of(5), 'TypeError');
    expect(only('invalid-argument', '_HPy_AsStruct_Object').message).to.equal(
      'Invalid usage of _HPy_AsStruct_Object. Expected shape HPyType_BuiltinShape_Object but got HPyType_BuiltinShape_Legacy');
  });

  it('the name of a type read after its handle was closed: found, and the read still works', () => {
    expect(m.type_name_after_close(py.int)).to.equal('i'.charCodeAt(0));
    const f = only('raw-data-after-close', 'type_name_after_close');
    expect(f.message).to.match(/^data returned by HPyType_GetName for handle \d+ was used after the handle was closed$/);
  });

  it('a context kept by a call and used by a nested call while the first one waits', () => {
    expect(m.keep_ctx_and_call(m.use_kept_ctx)).to.equal(7);
    expect(only('ctx-outside-call', 'HPyLong_FromInt64_t').message).to.equal(
      'HPyLong_FromInt64_t was called with an HPyContext kept from a call that has returned or that waits for a nested ' +
      'call (a context is valid only while its own call runs)');
  });

  it('a slot and a method of a type are named after the type', () => {
    raises(() => py.mul(m.Thing(), 2), 'SystemError');
    expect(only('null-without-error', 'Thing.HPy_nb_multiply').message).to.equal(
      "'Thing.HPy_nb_multiply' returned NULL without setting an exception");
    raises(() => m.Thing().broken(), 'SystemError');
    expect(only('null-without-error', 'Thing.broken').message).to.equal("'Thing.broken' returned NULL without setting an exception");
  });

  it('after all the mistakes, clean code still has no findings', () => {
    m.clean('ok');
    expect(debugFindings()).to.deep.equal([]);
  });
});
