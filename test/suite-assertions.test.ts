// The suite API's exception assertion: it must fail in every way a test can go wrong.
import { AssertionError } from 'node:assert';
import { expect } from 'chai';
import { PythonError } from '../loader/backend.js';
import { raises } from '../harness/suite/assertions.js';

const boom = () => {
  throw new PythonError('ValueError', 'boom 42');
};

describe('raises (suite API)', () => {
  it('returns the PythonError when type and message match', () => {
    expect(raises(boom, 'ValueError', 'boom 42').pyMessage).to.equal('boom 42');
    expect(raises(boom, 'ValueError', /boom \d+/).type).to.equal('ValueError');
    expect(raises(boom).type).to.equal('ValueError');
  });
  it('fails when nothing is raised', () => {
    expect(() => raises(() => 1, 'ValueError')).to.throw(AssertionError, 'expected ValueError, but nothing was raised');
  });
  it('fails when a JavaScript error is thrown instead', () => {
    expect(() => raises(() => {
      throw new TypeError('js');
    })).to.throw(AssertionError, 'expected a Python exception, got TypeError: js');
  });
  it('fails on another exception type', () => {
    expect(() => raises(boom, 'KeyError')).to.throw(AssertionError, 'expected KeyError, got ValueError: boom 42');
  });
  it('fails on another message, exact or by pattern', () => {
    expect(() => raises(boom, 'ValueError', 'boom')).to.throw(AssertionError, 'unexpected message of ValueError');
    expect(() => raises(boom, 'ValueError', /^x/)).to.throw(AssertionError, 'does not match /^x/');
  });
});
