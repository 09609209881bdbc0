// Containers through the context: tuples (FromArray, Pack), lists (New, Append), dicts (Keys,
// Copy), the item protocol in all its variants (GetItem/SetItem/DelItem, _i and _s), Contains,
// bytes (FromString, FromStringAndSize with NULL, AsString, Size), tuple and list builders
// (Build, Cancel), trackers (Add, ForgetAll, Close), HPy_Is, HPy_Type and the type checks.
// Values and messages from CPython 3.11 and HPy 0.9's CPython context. Where CPython's message
// names its own source file and line ("Objects/listobject.c:160: bad argument to internal
// function"), only the type is checked.
import { expect } from 'chai';
import { loadExtension, py, raises, type PyProxy } from 'hpy-matrix/suite';

function raisesExactly(f: () => unknown, type: string, message: string): void {
  const e = raises(f);
  expect(`${e.type}: ${e.pyMessage}`).to.equal(`${type}: ${message}`);
}
const bytes = (...b: number[]) => new Uint8Array(b);

describe('containers', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('containers.c');
  });

  describe('tuples', () => {
    it('HPyTuple_FromArray', () => expect(py.repr(m.tuple_from_array([1, 'a', null]))).to.equal("(1, 'a', None)"));
    it('HPyTuple_FromArray of nothing is the empty tuple', () => expect(py.repr(m.tuple_from_array([]))).to.equal('()'));
    it('HPyTuple_Pack with 0, 1 and 3 items', () => {
      expect([py.repr(m.tuple_pack()), py.repr(m.tuple_pack('x')), py.repr(m.tuple_pack(1, 2, 3))]).to.deep.equal(['()', "('x',)", '(1, 2, 3)']);
    });
    it('HPyTuple_FromArray keeps the objects themselves', () => {
      const l = py.list([]) as PyProxy;
      expect(py.is_(py.getitem(m.tuple_from_array([l]), 0), l)).to.equal(true);
    });
  });

  describe('lists', () => {
    // Its items are not specified: official HPy gives CPython's PyList_New, whose items are NULL
    // (HPy_SetItem on one then crashes); hpy-matrix's backends give None.
    it('HPyList_New(n) is a list of length n', () => {
      const l = m.list_new(3);
      expect([l.type, py.len(l)]).to.deep.equal(['list', 3]);
    });
    it('HPyList_New(0) is an empty list', () => expect(py.repr(m.list_new(0))).to.equal('[]'));
    it('HPyList_New with a negative size raises SystemError', () => raises(() => m.list_new(-1), 'SystemError'));
    it('HPyList_Append returns 0 and appends', () => {
      const l = py.list([1]) as PyProxy;
      expect(m.list_append(l, 2)).to.equal(0);
      expect(l.toJs()).to.deep.equal([1, 2]);
    });
    it('HPyList_Append on a tuple raises SystemError', () => raises(() => m.list_append(m.tuple_pack(), 1), 'SystemError'));
  });

  describe('dicts', () => {
    it('HPyDict_Keys is a list of the keys in insertion order', () => {
      expect(py.repr(m.dict_keys(new Map<unknown, number>([['b', 1], [2, 2], ['a', 3]])))).to.equal("['b', 2, 'a']");
    });
    it('HPyDict_Keys of an empty dict is an empty list', () => expect(py.repr(m.dict_keys({}))).to.equal('[]'));
    it('HPyDict_Keys of a non-dict raises SystemError', () => raises(() => m.dict_keys([1]), 'SystemError'));
    it('HPyDict_Copy is a new, equal dict', () => {
      const d = py.dict({ a: 1 }) as PyProxy;
      const [copy, same] = m.dict_copy(d).toJs() as [Map<string, number>, boolean];
      expect(same).to.equal(false);
      expect(copy).to.deep.equal(new Map([['a', 1]]));
    });
    it('HPyDict_Copy is shallow and independent of the original', () => {
      const inner = py.list([]) as PyProxy;
      const d = py.dict({ k: inner }) as PyProxy;
      const copy = py.getitem(m.dict_copy(d), 0) as PyProxy;
      expect(py.is_(py.getitem(copy, 'k'), inner)).to.equal(true);
      py.setitem(copy, 'new', 1);
      expect(py.len(d)).to.equal(1);
    });
    it('HPyDict_Copy of a non-dict raises SystemError', () => raises(() => m.dict_copy([1]), 'SystemError'));
  });

  describe('item protocol', () => {
    it('HPy_GetItem on a dict', () => expect(m.item('get', { a: 1 }, 'a')).to.equal(1));
    it('HPy_GetItem with a missing key raises KeyError', () => raisesExactly(() => m.item('get', { a: 1 }, 'zz'), 'KeyError', "'zz'"));
    it('HPy_GetItem on an int raises TypeError', () => raisesExactly(() => m.item('get', 1, 1), 'TypeError', "'int' object is not subscriptable"));
    it('HPy_GetItem_i with a negative index', () => expect(m.item('get_i', [10, 20, 30], -1)).to.equal(30));
    it('HPy_GetItem_i on a str', () => expect(m.item('get_i', 'abc', 1)).to.equal('b'));
    it('HPy_GetItem_i on a dict looks up an int key', () => expect(m.item('get_i', new Map([[1, 'one']]), 1)).to.equal('one'));
    it('HPy_GetItem_i out of range raises IndexError', () => raisesExactly(() => m.item('get_i', [1], 3), 'IndexError', 'list index out of range'));
    it('HPy_GetItem_s on a dict', () => expect(m.item('get_s', { k: 'v' }, 'k')).to.equal('v'));
    it('HPy_GetItem_s on a list raises TypeError', () => {
      raisesExactly(() => m.item('get_s', [1], 'k'), 'TypeError', 'list indices must be integers or slices, not str');
    });
    it('HPy_SetItem on a dict', () => expect(m.item('set', {}, 'a', 1).toJs()).to.deep.equal(new Map([['a', 1]])));
    it('HPy_SetItem with an unhashable key raises TypeError', () => {
      raisesExactly(() => m.item('set', {}, [1], 1), 'TypeError', "unhashable type: 'list'");
    });
    it('HPy_SetItem_i on a list', () => expect(m.item('set_i', [0, 0], 1, 'x').toJs()).to.deep.equal([0, 'x']));
    it('HPy_SetItem_i on a dict stores an int key', () => expect(m.item('set_i', {}, 5, 'five').toJs()).to.deep.equal(new Map([[5, 'five']])));
    it('HPy_SetItem_i on a tuple raises TypeError', () => {
      raisesExactly(() => m.item('set_i', m.tuple_pack(1, 2, 3), 0, 1), 'TypeError', "'tuple' object does not support item assignment");
    });
    it('HPy_SetItem_s on a dict', () => expect(m.item('set_s', { a: 1 }, 'b', 2).toJs()).to.deep.equal(new Map([['a', 1], ['b', 2]])));
    it('HPy_DelItem on a dict', () => expect(m.item('del', { a: 1, b: 2 }, 'a').toJs()).to.deep.equal(new Map([['b', 2]])));
    it('HPy_DelItem with a missing key raises KeyError', () => raisesExactly(() => m.item('del', {}, 'k'), 'KeyError', "'k'"));
    it('HPy_DelItem_i on a list', () => expect(m.item('del_i', [1, 2, 3], 0).toJs()).to.deep.equal([2, 3]));
    it('HPy_DelItem_i out of range raises IndexError', () => {
      raisesExactly(() => m.item('del_i', [1], 5), 'IndexError', 'list assignment index out of range');
    });
    it('HPy_DelItem_s on a dict', () => expect(m.item('del_s', { a: 1 }, 'a').toJs()).to.deep.equal(new Map()));
  });

  describe('HPy_Contains', () => {
    it('a dict key', () => expect(m.item('contains', { a: 1 }, 'a')).to.equal(1));
    it('a dict value is not a key', () => expect(m.item('contains', { a: 1 }, 1)).to.equal(0));
    it('a list item', () => expect(m.item('contains', [1, 2], 2)).to.equal(1));
    it('a substring', () => expect(m.item('contains', 'abc', 'bc')).to.equal(1));
    it('an int in a str raises TypeError', () => {
      raisesExactly(() => m.item('contains', 'abc', 5), 'TypeError', "'in <string>' requires string as left operand, not int");
    });
    it('in an int raises TypeError', () => raisesExactly(() => m.item('contains', 1, 1), 'TypeError', "argument of type 'int' is not iterable"));
  });

  describe('bytes', () => {
    it('HPyBytes_FromString stops at the first NUL', () => expect(m.bytes_from('string').toJs()).to.deep.equal(bytes(97, 98)));
    it('HPyBytes_FromStringAndSize keeps embedded NULs', () => expect(m.bytes_from('sized').toJs()).to.deep.equal(bytes(97, 98, 0, 99, 100)));
    it('HPyBytes_FromStringAndSize takes a prefix', () => expect(m.bytes_from('sized prefix').toJs()).to.deep.equal(bytes(97, 98)));
    it('HPyBytes_FromStringAndSize with size 0 is empty', () => expect(m.bytes_from('sized empty').toJs()).to.deep.equal(bytes()));
    it('HPyBytes_FromStringAndSize with NULL raises ValueError', () => {
      raisesExactly(() => m.bytes_from('NULL sized'), 'ValueError', 'NULL char * passed to HPyBytes_FromStringAndSize');
    });
    it('HPyBytes_FromStringAndSize with NULL and size 0 raises ValueError too', () => {
      raisesExactly(() => m.bytes_from('NULL empty'), 'ValueError', 'NULL char * passed to HPyBytes_FromStringAndSize');
    });
    it('HPyBytes_FromStringAndSize with a negative size raises SystemError', () => {
      raisesExactly(() => m.bytes_from('negative'), 'SystemError', 'Negative size passed to PyBytes_FromStringAndSize');
    });
    it('Size, GET_SIZE, AsString and AS_STRING agree, and the data is NUL-terminated', () => {
      expect(m.bytes_info(bytes(97, 0, 98)).toJs()).to.deep.equal([3, 3, bytes(97, 0, 98), bytes(97, 0, 98), 1]);
    });
    it('an empty bytes object', () => expect(m.bytes_info(bytes()).toJs()).to.deep.equal([0, 0, bytes(), bytes(), 1]));
    it('HPyBytes_AsString read as a C string stops at a NUL', () => expect(m.bytes_as_string(bytes(97, 98, 0, 99)).toJs()).to.deep.equal(bytes(97, 98)));
    it('HPyBytes_Size of a str raises TypeError', () => raisesExactly(() => m.bytes_size('x'), 'TypeError', 'expected bytes, str found'));
    it('HPyBytes_AsString of a str raises TypeError', () => raisesExactly(() => m.bytes_as_string('x'), 'TypeError', 'expected bytes, str found'));
  });

  describe('builders', () => {
    it('HPyTupleBuilder builds a tuple from slots set in any order', () => expect(py.repr(m.build('tuple', [1, 'b', null]))).to.equal("(1, 'b', None)"));
    it('HPyTupleBuilder of size 0 builds the empty tuple', () => expect(py.repr(m.build('tuple', []))).to.equal('()'));
    it('HPyTupleBuilder_Cancel', () => expect(m.build('tuple cancel', [1, 2])).to.equal(undefined));
    it('HPyListBuilder builds a list from slots set in any order', () => expect(py.repr(m.build('list', [1, 'b', null]))).to.equal("[1, 'b', None]"));
    it('HPyListBuilder of size 0 builds an empty list', () => expect(py.repr(m.build('list', []))).to.equal('[]'));
    it('HPyListBuilder_Cancel', () => expect(m.build('list cancel', [1, 2])).to.equal(undefined));
    it('a built tuple holds the objects set', () => {
      const l = py.list([]) as PyProxy;
      expect(py.is_(py.getitem(m.build('tuple', [l]), 0), l)).to.equal(true);
    });
  });

  describe('trackers', () => {
    it('HPyTracker_Close closes the tracked handles after use', () => expect(m.tracker(5, false)).to.equal(150));
    it('HPyTracker_ForgetAll leaves the handles open past Close', () => expect(m.tracker(5, true)).to.equal(150));
    it('an empty tracker', () => expect(m.tracker(0, false)).to.equal(0));
    it('a tracker grows past its size hint', () => expect(m.tracker(16, false)).to.equal(1360));
  });

  describe('HPy_Is and HPy_Type', () => {
    it('the same object', () => {
      const l = py.list([]) as PyProxy;
      expect(m.is_(l, l)).to.equal(1);
    });
    it('equal but distinct objects', () => expect(m.is_(py.list([1]), py.list([1]))).to.equal(0));
    it('None and True are singletons', () => expect([m.is_(null, null), m.is_(true, true), m.is_(true, false)]).to.deep.equal([1, 1, 0]));
    it('a Dup is the same object; a Dup of a constant is the constant; NULL is NULL', () => {
      expect(m.is_dup(py.list([])).toJs()).to.deep.equal([1, 1, 1]);
    });
    const TYPES: Array<[string, () => unknown, string | undefined]> = [
      ['True', () => true, 'bool'], ['1', () => 1, 'int'], ['1.5', () => 1.5, 'float'], ["'x'", () => 'x', 'str'],
      ["b''", () => bytes(), 'bytes'], ['(1,)', () => m.tuple_pack(1), 'tuple'], ['[]', () => [], 'list'],
      ['int', () => py.int, 'type'], ['{}', () => ({}), undefined], ['None', () => null, undefined],
    ];
    for (const [what, value, name] of TYPES) {
      it(`HPy_Type(${what}) is ${name ?? 'none of the builtin type constants checked'}`, () => expect(m.type_of(value())).to.equal(name));
    }
  });

  describe('type checks', () => {
    const CHECKS: Array<[string, () => unknown, number[]]> = [
      ['a tuple', () => m.tuple_pack(), [1, 0, 0, 0, 0, 0]],
      ['a list', () => [], [0, 1, 0, 0, 0, 0]],
      ['a dict', () => ({}), [0, 0, 1, 0, 0, 0]],
      ['bytes', () => bytes(1), [0, 0, 0, 1, 0, 0]],
      ['a str', () => 's', [0, 0, 0, 0, 1, 0]],
      ['an int', () => 3, [0, 0, 0, 0, 0, 1]],
      ['a bool', () => false, [0, 0, 0, 0, 0, 1]],
      ['None', () => null, [0, 0, 0, 0, 0, 0]],
    ];
    for (const [what, value, expected] of CHECKS) {
      it(`Tuple/List/Dict/Bytes/Unicode/Number_Check of ${what}`, () => expect(m.checks(value()).toJs()).to.deep.equal(expected));
    }
    it('HPy_TypeCheck accepts subclasses: a bool is an int', () => expect(m.type_check(true, py.int)).to.equal(1));
    it('HPy_TypeCheck: an int is not a bool', () => expect(m.type_check(1, py.bool)).to.equal(0));
    it('HPy_TypeCheck: everything is an object', () => expect(m.type_check('x', py.object)).to.equal(1));
    it('HPy_TypeCheck: a list is not a tuple', () => expect(m.type_check([], py.tuple)).to.equal(0));
    it('HPy_TypeCheck: a type is an instance of type', () => expect(m.type_check(py.int, py.type)).to.equal(1));
  });
});
