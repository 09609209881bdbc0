// Iteration (HPy_GetIter, HPyIter_Next, HPyIter_Check), slices (HPySlice_New, HPySlice_Unpack,
// HPy_GetSlice/SetSlice/DelSlice, slice keys through the item protocol), HPyList_Insert,
// HPy_ASCII and HPy_Bytes. Expected values are CPython 3.11's.
// The context functions HPy added after 0.9.0 are in a second extension (after09.c): on a host
// whose HPy lacks them, the tests that call them are skipped, and say so.
import { expect } from 'chai';
import { checkedMisuse, loadExtension, loadExtensionIfHosted, py, type PyProxy, raises } from 'hpy-matrix/suite';

const SSIZE_MAX = 2n ** 63n - 1n;
const SSIZE_MIN = -(2n ** 63n);

describe('objects', () => {
  let m: PyProxy;
  let newer: PyProxy | undefined;
  before(async () => {
    m = await loadExtension('objects.c');
  });
  /** after09.c, loaded once; on a host without its functions, skips the calling test. */
  async function after09(test: Mocha.Context): Promise<PyProxy> {
    return (newer ??= await loadExtensionIfHosted(test, 'after09.c'));
  }

  describe('iteration', () => {
    it('GetIter + Iter_Next walk every builtin container', async function () {
      const n = await after09(this);
      expect(n.iter_collect([1, 2, 3]).toJs()).to.deep.equal([1, 2, 3]);
      expect(n.iter_collect(py.tuple(['a', 'b'])).toJs()).to.deep.equal(['a', 'b']);
      expect(n.iter_collect('hé😀').toJs()).to.deep.equal(['h', 'é', '😀']);
      expect(n.iter_collect(new Uint8Array([0, 255])).toJs()).to.deep.equal([0, 255]);
      expect(n.iter_collect(new Map([['k', 1], ['j', 2]])).toJs()).to.deep.equal(['k', 'j']);
      expect(n.iter_collect([]).toJs()).to.deep.equal([]);
    });
    it('Iter_Next returns NULL without an exception at exhaustion, and stays exhausted', async function () {
      const n = await after09(this);
      const it = n.get_iter([7]);
      expect(n.iter_next(it).toJs()).to.deep.equal([true, 7]);
      expect(n.iter_next(it).toJs()).to.deep.equal([false, undefined]);
      expect(n.iter_next(it).toJs()).to.deep.equal([false, undefined]);
    });
    it('an iterator is its own iterator', async function () {
      const n = await after09(this);
      const it = n.get_iter([1, 2]);
      expect(py.is_(n.get_iter(it), it)).to.equal(true);
      expect(py.next(it)).to.equal(1);
      expect(n.iter_collect(it).toJs()).to.deep.equal([2]);
    });
    it('a list iterator sees items appended while iterating', async function () {
      const n = await after09(this);
      const l = py.list([1]);
      const it = n.get_iter(l);
      expect(n.iter_next(it).toJs()).to.deep.equal([true, 1]);
      l.append(2);
      expect(n.iter_next(it).toJs()).to.deep.equal([true, 2]);
    });
    it('GetIter of a non-iterable raises TypeError', async function () {
      const n = await after09(this);
      raises(() => n.get_iter(5), 'TypeError', "'int' object is not iterable");
      raises(() => n.get_iter(undefined), 'TypeError', "'NoneType' object is not iterable");
      raises(() => n.iter_collect(1.5), 'TypeError', "'float' object is not iterable");
    });
    it('Iter_Check is true for iterators only', async function () {
      const n = await after09(this);
      expect(n.iter_check(n.get_iter([1]))).to.equal(true);
      expect(n.iter_check(n.get_iter('ab'))).to.equal(true);
      expect(n.iter_check(py.iter(new Map()))).to.equal(true);
      expect(n.iter_check([1])).to.equal(false);
      expect(n.iter_check('ab')).to.equal(false);
      expect(n.iter_check(3)).to.equal(false);
    });
  });

  describe('slice objects', () => {
    it('Slice_New makes a slice with the given bounds', async function () {
      const n = await after09(this);
      const s = n.slice_new(1, 10, 2);
      expect(s.type).to.equal('slice');
      expect(py.repr(s)).to.equal('slice(1, 10, 2)');
      expect([s.start, s.stop, s.step]).to.deep.equal([1, 10, 2]);
    });
    it('Slice_New with NULL bounds gives None, and keeps any object as a bound', async function () {
      const n = await after09(this);
      expect(py.repr(n.slice_new_nulls())).to.equal('slice(None, None, None)');
      expect(py.repr(n.slice_new('a', [1], undefined))).to.equal("slice('a', [1], None)");
    });
    it('slice() from Python: repr, str, attributes', () => {
      expect(py.repr(py.slice(5))).to.equal('slice(None, 5, None)');
      expect(py.str(py.slice(1, 2))).to.equal('slice(1, 2, None)');
      expect(py.slice(1, 2, 3).step).to.equal(3);
      raises(() => py.slice(), 'TypeError', 'slice expected at least 1 argument, got 0');
      raises(() => py.slice(1, 2, 3, 4), 'TypeError', 'slice expected at most 3 arguments, got 4');
      raises(() => py.slice(1).x, 'AttributeError', "'slice' object has no attribute 'x'");
    });
    it('slices compare as (start, stop, step) and are unhashable', async function () {
      const n = await after09(this);
      expect(py.eq(py.slice(1, 2, 3), n.slice_new(1, 2, 3))).to.equal(true);
      expect(py.eq(py.slice(1, 2), py.slice(1, 3))).to.equal(false);
      expect(py.lt(py.slice(1, 2), py.slice(1, 3))).to.equal(true);
      expect(py.eq(py.slice(1), py.tuple([undefined, 1, undefined]))).to.equal(false);
      raises(() => py.lt(py.slice(1), 5), 'TypeError', "'<' not supported between instances of 'slice' and 'int'");
      raises(() => py.hash(py.slice(1)), 'TypeError', "unhashable type: 'slice'");
    });
    it('slice.indices()', () => {
      expect(py.slice(undefined, undefined, -1).indices(5).toJs()).to.deep.equal([4, -1, -1]);
      expect(py.slice(-100, 100).indices(5).toJs()).to.deep.equal([0, 5, 1]);
      expect(py.slice(2n ** 70n).indices(5).toJs()).to.deep.equal([0, 5, 1]);
      raises(() => py.slice(1, 2).indices(-1), 'ValueError', 'length should not be negative');
      raises(() => py.slice(1, 2, 0).indices(5), 'ValueError', 'slice step cannot be zero');
      raises(() => py.slice('a').indices(3), 'TypeError', 'slice indices must be integers or None or have an __index__ method');
    });
  });

  describe('Slice_Unpack', () => {
    it('fills in the defaults of omitted bounds', () => {
      expect(m.slice_unpack(py.slice(undefined)).toJs()).to.deep.equal([0, SSIZE_MAX, 1]);
      expect(m.slice_unpack(py.slice(1, 2, 3)).toJs()).to.deep.equal([1, 2, 3]);
      expect(m.slice_unpack(py.slice(undefined, undefined, -1)).toJs()).to.deep.equal([SSIZE_MAX, SSIZE_MIN, -1]);
    });
    it('clamps out-of-range bounds to the ssize limits, and step to -PY_SSIZE_T_MAX', () => {
      expect(m.slice_unpack(py.slice(10n ** 30n, -(10n ** 30n), 10n ** 30n)).toJs()).to.deep.equal([SSIZE_MAX, SSIZE_MIN, SSIZE_MAX]);
      expect(m.slice_unpack(py.slice(0, 1, -(10n ** 30n))).toJs()).to.deep.equal([0, 1, -SSIZE_MAX]);
      expect(m.slice_unpack(py.slice(-5, -1)).toJs()).to.deep.equal([-5, -1, 1]);
    });
    it('accepts bool bounds (they have __index__)', () => {
      expect(m.slice_unpack(py.slice(false, true)).toJs()).to.deep.equal([0, 1, 1]);
    });
    it('raises as PySlice_Unpack', () => {
      raises(() => m.slice_unpack(py.slice(0, 1, 0)), 'ValueError', 'slice step cannot be zero');
      raises(() => m.slice_unpack(py.slice('a')), 'TypeError', 'slice indices must be integers or None or have an __index__ method');
      raises(() => m.slice_unpack(py.slice(1, 2, 'x')), 'TypeError', 'slice indices must be integers or None or have an __index__ method');
      raises(() => m.slice_unpack(py.slice(1.5)), 'TypeError', 'slice indices must be integers or None or have an __index__ method');
    });
    it('HPySlice_AdjustIndices clips to a length', () => {
      expect(m.slice_indices(py.slice(undefined), 5).toJs()).to.deep.equal([0, 5, 1, 5]);
      expect(m.slice_indices(py.slice(undefined, undefined, -1), 5).toJs()).to.deep.equal([4, -1, -1, 5]);
      expect(m.slice_indices(py.slice(1, 100, 2), 6).toJs()).to.deep.equal([1, 6, 2, 3]);
      expect(m.slice_indices(py.slice(-2, undefined), 6).toJs()).to.deep.equal([4, 6, 1, 2]);
      expect(m.slice_indices(py.slice(4, 1), 6).toJs()).to.deep.equal([4, 1, 1, 0]);
    });
  });

  describe('slice keys through the item protocol', () => {
    it('str, bytes, tuple and list', () => {
      expect(m.getitem('abcdef', py.slice(undefined, undefined, -2))).to.equal('fdb');
      expect(m.getitem('a😀b', py.slice(1, undefined))).to.equal('😀b');
      expect(m.getitem(new Uint8Array([97, 98, 99, 100]), py.slice(1, 3)).toJs()).to.deep.equal(new Uint8Array([98, 99]));
      expect(m.getitem(py.tuple([1, 2, 3]), py.slice(undefined, undefined, -1)).toJs()).to.deep.equal([3, 2, 1]);
      const r = m.getitem([1, 2, 3], py.slice(-2, undefined));
      expect(r.type).to.equal('list');
      expect(r.toJs()).to.deep.equal([2, 3]);
    });
    it('a slice with step 0 raises ValueError', () => {
      raises(() => m.getitem('abc', py.slice(undefined, undefined, 0)), 'ValueError', 'slice step cannot be zero');
    });
    it('assigning a list slice replaces, inserts and grows', () => {
      expect(m.setitem([0, 1, 2, 3, 4, 5], py.slice(1, 3), [9]).toJs()).to.deep.equal([0, 9, 3, 4, 5]);
      expect(m.setitem([0, 1, 2, 3, 4, 5], py.slice(4, 1), ['a']).toJs()).to.deep.equal([0, 1, 2, 3, 'a', 4, 5]);
      expect(m.setitem([0, 1], py.slice(2n ** 70n, undefined), [1]).toJs()).to.deep.equal([0, 1, 1]);
      expect(m.setitem([0, 1, 2], py.slice(0, 2), 'xy').toJs()).to.deep.equal(['x', 'y', 2]);
    });
    it('assigning an extended slice needs the same length', () => {
      expect(m.setitem([0, 1, 2, 3, 4, 5], py.slice(undefined, undefined, 2), [7, 8, 9]).toJs()).to.deep.equal([7, 1, 8, 3, 9, 5]);
      raises(() => m.setitem([0, 1, 2, 3, 4, 5], py.slice(undefined, undefined, 2), [1]), 'ValueError',
        'attempt to assign sequence of size 1 to extended slice of size 3');
    });
    it('a list assigned to a slice of itself is copied first', () => {
      const l = py.list([0, 1, 2, 3]);
      expect(m.setitem(l, py.slice(undefined, undefined, -1), l).toJs()).to.deep.equal([3, 2, 1, 0]);
    });
    it('assigning a non-iterable raises TypeError', () => {
      raises(() => m.setitem([1, 2], py.slice(0, 1), 5), 'TypeError', 'can only assign an iterable');
    });
    it('deleting list slices, extended too', () => {
      expect(m.delitem([0, 1, 2, 3, 4, 5], py.slice(undefined, undefined, 2)).toJs()).to.deep.equal([1, 3, 5]);
      expect(m.delitem([0, 1, 2, 3, 4, 5], py.slice(undefined, undefined, -2)).toJs()).to.deep.equal([0, 2, 4]);
      expect(m.delitem([0, 1, 2, 3, 4, 5], py.slice(1, 4)).toJs()).to.deep.equal([0, 4, 5]);
      raises(() => m.delitem([1], py.slice(undefined, undefined, 0)), 'ValueError', 'slice step cannot be zero');
    });
    it('index errors name the sequence type', () => {
      raises(() => m.getitem([1], 'x'), 'TypeError', 'list indices must be integers or slices, not str');
      raises(() => m.getitem(py.tuple([1]), 1.5), 'TypeError', 'tuple indices must be integers or slices, not float');
      raises(() => m.getitem('abc', 'x'), 'TypeError', "string indices must be integers, not 'str'");
      raises(() => m.getitem(new Uint8Array([1]), 'x'), 'TypeError', 'byte indices must be integers or slices, not str');
      raises(() => m.getitem([1], 2n ** 70n), 'IndexError', "cannot fit 'int' into an index-sized integer");
      raises(() => m.setitem([1], 3, 0), 'IndexError', 'list assignment index out of range');
    });
  });

  describe('GetSlice, SetSlice, DelSlice', () => {
    it('GetSlice takes [start:end] with negative and oversized bounds', async function () {
      const n = await after09(this);
      expect(n.get_slice([1, 2, 3, 4], -3, -1).toJs()).to.deep.equal([2, 3]);
      expect(n.get_slice('abcdef', 2, 100)).to.equal('cdef');
      expect(n.get_slice(py.tuple([1, 2, 3]), 1, 2).toJs()).to.deep.equal([2]);
      expect(n.get_slice(new Uint8Array([1, 2, 3]), 0, 2).toJs()).to.deep.equal(new Uint8Array([1, 2]));
      expect(n.get_slice([1, 2, 3], 2, 1).toJs()).to.deep.equal([]);
    });
    it('GetSlice of objects that are not sequences', async function () {
      const n = await after09(this);
      raises(() => n.get_slice(5, 0, 1), 'TypeError', "'int' object is unsliceable");
      raises(() => n.get_slice(new Map(), 0, 1), 'TypeError', "unhashable type: 'slice'");
    });
    it('SetSlice replaces a list range, and a NULL value deletes it', async function () {
      const n = await after09(this);
      expect(n.set_slice([1, 2, 3, 4], 1, 3, ['a', 'b', 'c']).toJs()).to.deep.equal([1, 'a', 'b', 'c', 4]);
      expect(n.set_slice([1, 2, 3, 4], 1, 3, undefined).toJs()).to.deep.equal([1, 4]);
      expect(n.set_slice([1, 2], -1, 100, [9]).toJs()).to.deep.equal([1, 9]);
    });
    it('SetSlice errors', async function () {
      const n = await after09(this);
      raises(() => n.set_slice(py.tuple([1, 2]), 0, 1, [1]), 'TypeError', "'tuple' object doesn't support slice assignment");
      raises(() => n.set_slice(5, 0, 1, [1]), 'TypeError', "'int' object doesn't support slice assignment");
      raises(() => n.set_slice([1, 2], 0, 1, 5), 'TypeError', 'can only assign an iterable');
    });
    it('DelSlice', async function () {
      const n = await after09(this);
      expect(n.del_slice([0, 1, 2, 3], 1, 3).toJs()).to.deep.equal([0, 3]);
      expect(n.del_slice([0, 1, 2, 3], -1, 10).toJs()).to.deep.equal([0, 1, 2]);
      raises(() => n.del_slice(py.tuple([1, 2]), 0, 1), 'TypeError', "'tuple' object doesn't support slice deletion");
      raises(() => n.del_slice('ab', 0, 1), 'TypeError', "'str' object doesn't support slice deletion");
      raises(() => n.del_slice(5, 0, 1), 'TypeError', "'int' object doesn't support slice deletion");
    });
  });

  describe('List_Insert', () => {
    it('inserts before the index, negative from the end, clamped', async function () {
      const n = await after09(this);
      expect(n.list_insert([1, 2, 3], 1, 'x').toJs()).to.deep.equal([1, 'x', 2, 3]);
      expect(n.list_insert([1, 2, 3], -1, 'x').toJs()).to.deep.equal([1, 2, 'x', 3]);
      expect(n.list_insert([1, 2, 3], 100, 'x').toJs()).to.deep.equal([1, 2, 3, 'x']);
      expect(n.list_insert([1, 2, 3], -100, 'x').toJs()).to.deep.equal(['x', 1, 2, 3]);
      expect(n.list_insert([], 0, 'x').toJs()).to.deep.equal(['x']);
    });
    it('list.insert from Python agrees', () => {
      const l = py.list([1, 2]);
      l.insert(-1, 0);
      expect(l.toJs()).to.deep.equal([1, 0, 2]);
    });
    it('a non-list or a NULL item is a SystemError', async function () {
      const n = await after09(this);
      raises(() => n.list_insert(py.tuple([1]), 0, 1), 'SystemError');
      raises(() => n.list_insert_null([1]), 'SystemError');
    });
  });

  describe('ASCII and Bytes', () => {
    it('ASCII is ascii(): repr with non-ASCII escaped', () => {
      expect(m.ascii('é😀ሴ')).to.equal("'\\xe9\\U0001f600\\u1234'");
      expect(m.ascii(['ü', 1])).to.equal("['\\xfc', 1]");
      expect(m.ascii(42)).to.equal('42');
      expect(m.ascii('plain')).to.equal("'plain'");
    });
    it('Bytes of bytes is the same object', () => {
      expect(m.bytes_is_same(new Uint8Array([1, 2]))).to.equal(true);
    });
    it('Bytes of iterables of ints', () => {
      expect(m.bytes([1, 2]).toJs()).to.deep.equal(new Uint8Array([1, 2]));
      expect(m.bytes(py.tuple([65, 66])).toJs()).to.deep.equal(new Uint8Array([65, 66]));
      expect(m.bytes(py.iter([65])).toJs()).to.deep.equal(new Uint8Array([65]));
      expect(m.bytes(new Map([[1, 2]])).toJs()).to.deep.equal(new Uint8Array([1]));
      expect(m.bytes([]).toJs()).to.deep.equal(new Uint8Array([]));
    });
    it('Bytes refuses int and str (unlike bytes())', () => {
      raises(() => m.bytes(5), 'TypeError', "cannot convert 'int' object to bytes");
      raises(() => m.bytes('x'), 'TypeError', "cannot convert 'str' object to bytes");
      raises(() => m.bytes(undefined), 'TypeError', "cannot convert 'NoneType' object to bytes");
    });
    it('Bytes checks every item', () => {
      raises(() => m.bytes([1, 'a']), 'TypeError', "'str' object cannot be interpreted as an integer");
      raises(() => m.bytes([1, 300]), 'ValueError', 'bytes must be in range(0, 256)');
      raises(() => m.bytes(py.tuple([1, -1])), 'ValueError', 'bytes must be in range(0, 256)');
    });
  });

  describe('NULL handles', () => {
    beforeEach(function () {
      checkedMisuse(this, 'a NULL handle');
    });
    for (const fn of ['GetIter', 'Iter_Next', 'GetSlice', 'SetSlice', 'DelSlice', 'List_Insert']) {
      it(`${fn}(NULL) raises SystemError`, async function () {
        const n = await after09(this);
        raises(() => n.with_null(fn), 'SystemError');
      });
    }
    for (const fn of ['Slice_Unpack', 'ASCII', 'Bytes']) {
      it(`${fn}(NULL) raises SystemError`, () => {
        raises(() => m.with_null(fn), 'SystemError');
      });
    }
  });

  describe('Str, Hash, RichCompare, HasAttr, SetAttr, Err_NoMemory', () => {
    it('Str is str(): __str__ where there is one', () => {
      expect(m.str(5)).to.equal('5');
      expect(m.str('é')).to.equal('é');
      expect(m.str(py.tuple(['a', 1]))).to.equal("('a', 1)");
      expect(m.str(new Uint8Array([97]))).to.equal("b'a'");
      expect(m.str(undefined)).to.equal('None');
    });
    it('Hash is hash(): equal numbers hash alike, -1 becomes -2, unhashables raise', () => {
      expect(m.hash(7)).to.equal(7);
      expect(m.hash(-1)).to.equal(-2);
      expect(m.hash(1.0)).to.equal(1);
      expect(m.hash(true)).to.equal(1);
      expect(m.hash('abc')).to.equal(py.hash('abc'));
      raises(() => m.hash([1]), 'TypeError', "unhashable type: 'list'");
    });
    it('RichCompare for each operator, with NotImplemented falling back or raising', () => {
      const [LT, LE, EQ, NE, GT, GE] = [0, 1, 2, 3, 4, 5];
      expect([LT, LE, EQ, NE, GT, GE].map((op) => m.rich_compare(1, 2, op))).to.deep.equal([true, true, false, true, false, false]);
      expect(m.rich_compare('a', 'a', EQ)).to.equal(true);
      expect(m.rich_compare(py.tuple([1, 2]), py.tuple([1, 3]), LT)).to.equal(true);
      expect(m.rich_compare(1, 'a', EQ)).to.equal(false);
      expect(m.rich_compare(1, 'a', NE)).to.equal(true);
      raises(() => m.rich_compare(1, 'a', LT), 'TypeError', "'<' not supported between instances of 'int' and 'str'");
      raises(() => m.rich_compare([1], 2, GE), 'TypeError', "'>=' not supported between instances of 'list' and 'int'");
    });
    it('HasAttr with a str name; a name of another type is false, not an error', () => {
      expect(m.has_attr(m, 'has_attr')).to.equal(true);
      expect(m.has_attr(m, 'nope')).to.equal(false);
      expect(m.has_attr(m, 5)).to.equal(false);
    });
    it('SetAttr sets and deletes; attributes of builtins are read-only', () => {
      // The extension's own module: a module takes new attributes on every backend.
      const o = m;
      m.set_attr(o, 'x', 5);
      expect(o.x).to.equal(5);
      expect(m.has_attr(o, 'x')).to.equal(true);
      m.set_attr(o, 'x', undefined);
      expect(m.has_attr(o, 'x')).to.equal(false);
      raises(() => m.set_attr(o, 'x', undefined), 'AttributeError', /x/);
      raises(() => m.set_attr(5, 'x', 1), 'AttributeError', "'int' object has no attribute 'x'");
      raises(() => m.set_attr(o, 3, 1), 'TypeError', "attribute name must be string, not 'int'");
    });
    it('Err_NoMemory raises MemoryError without a message', () => {
      raises(() => m.no_memory(), 'MemoryError', '');
    });
  });
});
