// HPy_BuildValue as HPy 0.9 documents it: every format unit (i I l k L K n f d s O S), tuples,
// lists and dicts (nested), what a format with zero, one or several top-level units builds,
// handle ownership for O, and the errors (N refused, bad units, unmatched brackets, dict syntax,
// NULL handles with and without a pending exception). Values checked with CPython 3.11.
import { expect } from 'chai';
import { loadExtension, py, raises, type PyProxy } from 'hpy-matrix/suite';

function raisesExactly(f: () => unknown, type: string, message: string): void {
  const e = raises(f);
  expect(`${e.type}: ${e.pyMessage}`).to.equal(`${type}: ${message}`);
}

// [case (its format, see buildvalue.c), argument for O, repr of the result]
const VALUES: Array<[string, string, unknown, string]> = [
  ['i', '"i" with 42', null, '42'],
  ['i min', '"i" with INT_MIN', null, '-2147483648'],
  ['I max', '"I" with UINT_MAX', null, '4294967295'],
  ['l min', '"l" with LONG_MIN', null, '-9223372036854775808'],
  ['k max', '"k" with ULONG_MAX', null, '18446744073709551615'],
  ['L max', '"L" with LLONG_MAX', null, '9223372036854775807'],
  ['K max', '"K" with ULLONG_MAX', null, '18446744073709551615'],
  ['n', '"n" with -5', null, '-5'],
  ['f', '"f" with 1.5f', null, '1.5'],
  ['f inexact', '"f" with 0.1f keeps the float precision', null, '0.10000000149011612'],
  ['d', '"d" with 0.1', null, '0.1'],
  ['s', '"s" decodes UTF-8', null, "'héllo €'"],
  ['s empty', '"s" with ""', null, "''"],
  ['O', '"O" with an object', [1], '[1]'],
  ['S', '"S" is an alias of "O"', 'text', "'text'"],
  ['empty', 'an empty format gives None', null, 'None'],
  ['()', '"()" gives an empty tuple', null, '()'],
  ['(i)', '"(i)" gives a 1-tuple', null, '(1,)'],
  ['ii', 'two units give a tuple', null, '(1, 2)'],
  ['i,i', 'commas separate units', null, '(1, 2)'],
  ['[]', '"[]" gives an empty list', null, '[]'],
  ['[i]', '"[i]" gives a 1-list', null, '[1]'],
  ['[i,s]', '"[i,s]"', null, "[1, 'x']"],
  ['{}', '"{}" gives an empty dict', null, '{}'],
  ['{s:i,s:i}', '"{s:i,s:i}" keeps the order', null, "{'a': 1, 'b': 2}"],
  ['{i:s}', 'dict keys of any unit', null, "{7: 'seven'}"],
  ['{s:i, s:i}', 'a space after a dict comma', null, "{'a': 1, 'b': 2}"],
  ['duplicate keys', 'a repeated dict key keeps the last value', null, "{'a': 2}"],
  ['nested', 'nested tuples, lists and dicts', null, "(1, ('two', [3.5, {'four': None}]))"],
  ['(ii)(s)', 'two top-level tuples', null, "((1, 2), ('x',))"],
  ['[(ii)]', 'a list of tuples', null, '[(1, 2), (3, 4)]'],
  ['{s:[i]}', 'a dict of containers', null, "{'l': [1], 't': ()}"],
  ['ten', 'ten units', null, '(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)'],
  ['mixed', 'units of every kind in one tuple', 'o', "(-1, 0.5, 's', 'o', -2, 3)"],
];

const N_MESSAGE = "HPy_BuildValue does not support the 'N' formatting unit. Instead, use the 'O' formatting unit and "
  + "manually close the handle in the caller if necessary. HPy API functions never 'steal' handles and always make a "
  + "duplicate handle if needed, the 'ownership' of the original handle is never 'transferred'. ";

// [case, title, argument, exception type, message]
const ERRORS: Array<[string, string, unknown, string, string]> = [
  ['N', '"N" is refused', 1, 'SystemError', N_MESSAGE],
  ['bad char', 'an unknown unit', null, 'SystemError', "bad format char 'x' in the format string passed to HPy_BuildValue"],
  ['unmatched (', 'an unclosed tuple', null, 'SystemError', "unmatched '(' in the format string passed to HPy_BuildValue"],
  ['unmatched [', 'an unclosed list', null, 'SystemError', "unmatched '[' in the format string passed to HPy_BuildValue"],
  ['unmatched {', 'an unclosed dict', null, 'SystemError', "unmatched '{' in the format string passed to HPy_BuildValue"],
  ['(i]', 'a tuple closed by a bracket', null, 'SystemError', "unmatched '(' in the format string passed to HPy_BuildValue"],
  ['missing :', 'a dict key without a value', null, 'SystemError', "missing ':' in the format string passed to HPy_BuildValue"],
  ['missing ,', 'dict items without a comma', null, 'SystemError', "missing ',' in the format string passed to HPy_BuildValue"],
  ['unexpected ,', 'a dict starting with a comma', null, 'SystemError', "unexpected ',' in the format string passed to HPy_BuildValue"],
  ['O NULL', '"O" with HPy_NULL', null, 'SystemError', 'HPy_NULL object passed to HPy_BuildValue'],
  ['(iO) NULL', 'HPy_NULL inside a tuple', null, 'SystemError', 'HPy_NULL object passed to HPy_BuildValue'],
  ['{s:O} NULL', 'HPy_NULL as a dict value', null, 'SystemError', 'HPy_NULL object passed to HPy_BuildValue'],
  ['O NULL after an error', 'HPy_NULL with an exception pending keeps that exception', {}, 'KeyError', "'missing'"],
  ['{O:i}', 'an unhashable dict key', [1], 'TypeError', "unhashable type: 'list'"],
];

describe('buildvalue', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('buildvalue.c');
  });

  describe('values', () => {
    for (const [name, title, arg, expected] of VALUES) {
      it(`${title}: ${expected}`, () => expect(m.build_repr(name, arg)).to.equal(expected));
    }
  });

  describe('handles', () => {
    it('"O" returns the same object, as a new handle', () => {
      expect(m.same_object(py.list([1]))).to.equal(true);
    });
    it('the result of "O" outlives the handle it was built from', () => {
      expect(m.outlives_source()).to.equal('kept');
    });
    it('the same handle twice gives the same object twice', () => {
      const obj = py.list([5]) as PyProxy;
      const l = m.build('[OO]', obj) as PyProxy;
      expect(py.is_(py.getitem(l, 0), obj)).to.equal(true);
      expect(py.is_(py.getitem(l, 1), obj)).to.equal(true);
    });
    it('an object inside a nested structure is the object passed', () => {
      const obj = py.list([]) as PyProxy;
      const t = m.build('nested', obj) as PyProxy;
      const inner = py.getitem(py.getitem(py.getitem(py.getitem(t, 1), 1), 1), 'four');
      expect(py.is_(inner, obj)).to.equal(true);
    });
  });

  describe('errors', () => {
    for (const [name, title, arg, type, message] of ERRORS) {
      it(`${title} raises ${type}`, () => raisesExactly(() => m.build(name, arg), type, message));
    }
  });
});
