// Struct sequences made by the runtime helpers HPyStructSequence_NewType and _New. In universal
// mode HPy 0.9 builds them with collections.namedtuple (renaming unnamed fields, None
// defaults), so the backend needs `collections`; expected values were taken from CPython 3.11
// running that same construction. HPy 0.9's message for New on a type that is not a struct
// sequence ends with a space.
import { expect } from 'chai';
import { loadExtension, py, raises, type PyProxy } from 'hpy-matrix/suite';

describe('structseq', () => {
  let m: PyProxy;
  let Point: PyProxy;
  before(async () => {
    m = await loadExtension('structseq.c');
  });
  const point = (): PyProxy => (Point ??= m.point_type() as PyProxy);

  it('NewType makes a type named after the last dotted part, in the module before it', () => {
    const T = point();
    expect([T.__name__, T.__qualname__, T.__module__]).to.deep.equal(['Point', 'Point', 'structseq']);
  });
  it('the type has the doc and n_fields of its descriptor', () => {
    expect([point().__doc__, point().n_fields]).to.deep.equal(['A point.', 3]);
  });
  it('the type is a tuple subclass', () => expect(py.issubclass(point(), py.tuple)).to.equal(true));
  it('New fills the fields in order', () => {
    expect(py.repr(m.new(point(), 1, 2, 3))).to.equal('Point(x=1, y=2, _2=3)');
  });
  it('fields are read by name and by index', () => {
    const p = m.new(point(), 1, 'two', 3) as PyProxy;
    expect([p.x, p.y, py.getitem(p, 2), py.len(p)]).to.deep.equal([1, 'two', 3, 3]);
  });
  it('an unnamed field gets a positional name', () => expect(py.repr(point()._fields)).to.equal("('x', 'y', '_2')"));
  it('missing trailing values default to None', () => expect(py.repr(m.new(point(), 1))).to.equal('Point(x=1, y=None, _2=None)'));
  it('too many values raise TypeError', () => {
    raises(() => m.new(point(), 1, 2, 3, 4), 'TypeError');
  });
  it('two instances with the same items are equal', () => {
    expect(py.eq(m.new(point(), 1, 2, 3), m.new(point(), 1, 2, 3))).to.equal(true);
  });
  it('a descriptor without doc gives __doc__ None, and a name without a dot', () => {
    const T = m.plain_type() as PyProxy;
    expect([T.__doc__, T.__name__, py.repr(m.new(T, 5))]).to.deep.equal([undefined, 'Plain', 'Plain(a=5)']);
  });
  it('a descriptor without a name is a SystemError', () => {
    raises(() => m.nameless_type(), 'SystemError', 'Struct sequence descriptor does not define the name field.');
  });
  it('New on a type that is not a struct sequence raises TypeError', () => {
    raises(() => m.new(py.int, 1), 'TypeError', "object '<class 'int'>' does not look like a struct sequence type ");
  });
});
