// Types from HPyType_Spec, checked against what CPython with HPy 0.9 does: payloads,
// members of every type, getsets, methods of every signature, object/number/sequence/mapping
// slots, tp_call, inheritance, builtin shapes, metaclasses, fields, finalize and destroy.
import { expect } from 'chai';
import { checkedMisuse, collectGarbage, loadExtension, loadExtensionIfHosted, py, PythonError, type PyProxy, raises } from 'hpy-matrix/suite';

/** An object's address as CPython's reprs print it: id() in hex. */
const address = (o: PyProxy) => `0x${BigInt(py.id(o) as unknown as number | bigint).toString(16)}`;

describe('types', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('hpytypes.c');
    m.take_log();
  });

  describe('the type object', () => {
    it('has the name, module, qualname and doc of its spec', () => {
      expect(m.Point.__name__).to.equal('Point');
      expect(m.Point.__qualname__).to.equal('Point');
      expect(m.Point.__module__).to.equal('hpytypes');
      expect(m.Point.__doc__).to.equal('A point in the plane.');
      expect(m.Members.__doc__).to.equal(undefined);
      expect(py.repr(m.Point)).to.equal("<class 'hpytypes.Point'>");
    });
    it('is a type whose base is object', () => {
      expect(py.isinstance(m.Point, py.type)).to.equal(true);
      expect(py.is_(m.Point.__base__, py.object)).to.equal(true);
      expect(py.repr(m.Point.__mro__)).to.equal("(<class 'hpytypes.Point'>, <class 'object'>)");
    });
    it('HPyType_GetName gives the name after the last dot', () => {
      expect(m.type_name(m.Point)).to.equal('Point');
      expect(m.type_name(py.int)).to.equal('int');
    });
    it('HPyType_IsSubtype follows the bases', () => {
      expect(m.is_subtype(m.Point3D, m.Point)).to.equal(true);
      expect(m.is_subtype(m.Point, m.Point3D)).to.equal(false);
      expect(m.is_subtype(m.LongSub, py.int)).to.equal(true);
      expect(m.is_subtype(m.Point, py.object)).to.equal(true);
    });
    it('HPyType_GetBuiltinShape reports the spec shape, and Legacy (-1) for other types', () => {
      expect(m.builtin_shape(m.Point)).to.equal(0);
      expect(m.builtin_shape(m.Meta)).to.equal(1);
      expect(m.builtin_shape(m.LongSub)).to.equal(2);
      expect(m.builtin_shape(m.FloatSub)).to.equal(3);
      expect(m.builtin_shape(m.StrSub)).to.equal(4);
      expect(m.builtin_shape(m.TupleSub)).to.equal(5);
      expect(m.builtin_shape(m.ListSub)).to.equal(6);
      expect(m.builtin_shape(py.int)).to.equal(-1);
    });
    it('HPyType_GetBuiltinShape of a non-type raises TypeError', () => {
      raises(() => m.builtin_shape(3), 'TypeError', 'arg must be a type');
    });
  });

  describe('payload', () => {
    it('HPy_New gives a zeroed, 16-byte aligned payload at a stable address', () => {
      expect(m.payload_was_zeroed(m.Members).toJs()).to.deep.equal([true, true, true]);
    });
    it('a type without HPy_tp_new gets a zeroed payload from object()', () => {
      const p = m.Plain();
      expect(p.value).to.equal(0);
      p.value = 12;
      expect(p.value).to.equal(12);
    });
    it('the default repr names the type and the address, as object.__repr__ does', () => {
      const p = m.Plain();
      expect(py.repr(p)).to.equal(`<hpytypes.Plain object at ${address(p)}>`);
      expect(py.repr(p)).to.match(/^<hpytypes\.Plain object at 0x[0-9a-f]+>$/);
    });
    it("object's constructor refuses arguments when the type has no tp_init", () => {
      raises(() => m.Plain(1), 'TypeError', 'hpytypes.Plain() takes no arguments');
    });
    it('HPyType_GenericNew as tp_new makes a zeroed instance and tp_init runs', () => {
      const o = m.Init(1, 2);
      expect(o.initialized).to.equal(1);
      expect(o.nargs).to.equal(2);
      expect(o.nkw).to.equal(-1);
      const k = m.Init.callKwargs(1, { a: 1, b: 2 });
      expect(k.nargs).to.equal(1);
      expect(k.nkw).to.equal(2);
    });
    it('an error in tp_init propagates from the constructor', () => {
      raises(() => m.Init(null), 'ValueError', 'None is not a valid init argument');
    });
    it('HPyType_GenericNew called directly ignores tp_init', () => {
      const o = m.generic_new(m.Init);
      expect(o.initialized).to.equal(0);
      expect(py.isinstance(o, m.Init)).to.equal(true);
    });
    it('HPy_New on a type not made from a spec fails', function () {
      checkedMisuse(this, 'HPy_New on a type not made from a spec');
      expect(() => m.hpy_new(py.int)).to.throw(PythonError);
    });
    it('instances of HPy types have no __dict__', () => {
      const p = m.Point(1, 2);
      raises(() => {
        p.nosuch = 1;
      }, 'AttributeError', "'hpytypes.Point' object has no attribute 'nosuch'");
      raises(() => p.nosuch, 'AttributeError', "'hpytypes.Point' object has no attribute 'nosuch'");
    });
  });

  describe('tp_new, members, getsets and methods', () => {
    it('tp_new receives positional and keyword arguments (kw as a dict)', () => {
      const p = m.Point(3, 4);
      expect([p.x, p.y]).to.deep.equal([3, 4]);
      const q = m.Point.callKwargs({ y: 7 });
      expect([q.x, q.y]).to.deep.equal([0, 7]);
      raises(() => m.Point('a'), 'TypeError');
    });
    it('members read and write the payload', () => {
      const p = m.Point(3, 4);
      p.x = -10;
      expect(p.x).to.equal(-10);
      expect(p.norm2()).to.equal(116);
    });
    it('member descriptors live on the type', () => {
      expect(py.repr(m.Point.x)).to.equal("<member 'x' of 'hpytypes.Point' objects>");
      expect(m.Point.x.__doc__).to.equal('The x coordinate.');
    });
    it('getsets pass their closure and accept assignment', () => {
      const p = m.Point(3, 4);
      expect(p.sum).to.equal(1007);
      p.sum = 1010;
      expect(p.y).to.equal(7);
      expect(py.repr(m.Point.sum)).to.equal("<attribute 'sum' of 'hpytypes.Point' objects>");
      expect(m.Point.sum.__doc__).to.equal('x + y + 1000');
    });
    it('a setter receives NULL on deletion', () => {
      const p = m.Point(3, 4);
      raises(() => py.delattr(p, 'sum'), 'TypeError', 'cannot delete sum');
    });
    it('a getset without setter is read-only', () => {
      const p = m.Point(3, 4);
      expect(p.as_tuple.toJs()).to.deep.equal([3, 4]);
      raises(() => {
        p.as_tuple = 1;
      }, 'AttributeError', "attribute 'as_tuple' of 'hpytypes.Point' objects is not writable");
    });
    it('methods of every signature', () => {
      const p = m.Point(1, 2);
      expect(p.norm2()).to.equal(5);
      expect(py.repr(p.scaled(3))).to.equal('Point(3, 6)');
      expect(py.repr(p.moved(10))).to.equal('Point(11, 2)');
      expect(py.repr(p.moved(10, 20))).to.equal('Point(11, 22)');
      expect(p.describe(1, 2).toJs()).to.deep.equal([2, undefined]);
      expect(p.describe.callKwargs(1, { a: 2, b: 3 }).toJs()).to.deep.equal([1, ['a', 'b']]);
    });
    it('methods check their arguments', () => {
      const p = m.Point(1, 2);
      raises(() => p.norm2(1), 'TypeError', 'Point.norm2() takes no arguments (1 given)');
      raises(() => p.scaled(), 'TypeError', 'Point.scaled() takes exactly one argument (0 given)');
      raises(() => p.scaled('x'), 'TypeError');
    });
    it('a method taken from the type needs an instance of it', () => {
      expect(m.Point.norm2(m.Point(3, 4))).to.equal(25);
      raises(() => m.Point.norm2(5), 'TypeError', "descriptor 'norm2' for 'hpytypes.Point' objects doesn't apply to a 'int' object");
      raises(() => m.Point.norm2(), 'TypeError', 'unbound method Point.norm2() needs an argument');
    });
    it('a method read from the type is a method_descriptor, with its name and doc', () => {
      const d = m.Point.norm2;
      expect(py.type(d).__name__).to.equal('method_descriptor');
      expect(py.repr(d)).to.equal("<method 'norm2' of 'hpytypes.Point' objects>");
      expect([d.__name__, d.__qualname__, d.__doc__]).to.deep.equal(['norm2', 'Point.norm2', 'x*x + y*y']);
      expect(py.is_(d.__objclass__, m.Point)).to.equal(true);
      expect(m.Point.scaled.__doc__).to.equal(undefined);
    });
    it('read from an instance, a builtin method bound to it, qualified by its type', () => {
      const p = m.Point(3, 4);
      const bound = p.norm2;
      expect(py.type(bound).__name__).to.equal('builtin_function_or_method');
      expect(py.repr(bound)).to.equal(`<built-in method norm2 of hpytypes.Point object at ${address(p)}>`);
      expect([bound.__name__, bound.__qualname__, bound.__doc__]).to.deep.equal(['norm2', 'Point.norm2', 'x*x + y*y']);
      expect(py.is_(bound.__self__, p)).to.equal(true);
      expect(m.Point3D(1, 2, 3).norm2.__qualname__).to.equal('Point3D.norm2');
    });
  });

  describe('object slots', () => {
    it('tp_repr and tp_str', () => {
      const p = m.Point(1, 2);
      expect(py.repr(p)).to.equal('Point(1, 2)');
      expect(py.str(p)).to.equal('(1, 2)');
    });
    it('tp_richcompare, with NotImplemented falling back to identity', () => {
      const a = m.Point(1, 2), b = m.Point(1, 2), c = m.Point(2, 1);
      expect(py.eq(a, b)).to.equal(true);
      expect(py.ne(a, c)).to.equal(true);
      expect(py.eq(a, 5)).to.equal(false);
      raises(() => py.lt(a, b), 'TypeError', "'<' not supported between instances of 'hpytypes.Point' and 'hpytypes.Point'");
    });
    it('tp_hash, and its errors', () => {
      expect(py.hash(m.Point(3, 4))).to.equal(3004);
      raises(() => py.hash(m.Point(99, 0)), 'ValueError', 'x == 99 is unhashable');
    });
    it('nb_bool, mp_length, mp_subscript, mp_ass_subscript and sq_contains', () => {
      const p = m.Point(5, 6);
      expect(py.bool(p)).to.equal(true);
      expect(py.bool(m.Point(0, 0))).to.equal(false);
      expect(py.len(p)).to.equal(2);
      expect(py.getitem(p, 1)).to.equal(6);
      raises(() => py.getitem(p, 2), 'IndexError', 'Point index out of range');
      py.setitem(p, 0, 50);
      expect(p.x).to.equal(50);
      py.delitem(p, 1);
      expect(p.y).to.equal(0);
      expect(py.contains(p, 50)).to.equal(true);
      expect(py.contains(p, 7)).to.equal(false);
    });
    it('nb_add and nb_negative', () => {
      expect(py.repr(py.add(m.Point(1, 2), m.Point(10, 20)))).to.equal('Point(11, 22)');
      expect(py.repr(py.neg(m.Point(1, -2)))).to.equal('Point(-1, 2)');
      raises(() => py.add(m.Point(1, 2), 1), 'TypeError', "unsupported operand type(s) for +: 'hpytypes.Point' and 'int'");
    });
  });

  describe('number slots', () => {
    const binary: Array<[string, string]> = [['add', 'add'], ['sub', 'sub'], ['mul', 'mul'], ['matmul', 'matmul'],
      ['floordiv', 'floordiv'], ['truediv', 'truediv'], ['mod', 'mod'], ['lshift', 'lshift'], ['rshift', 'rshift'],
      ['and_', 'and'], ['xor', 'xor'], ['or_', 'or']];
    for (const [fn, op] of binary) {
      it(`${op}: the slot gets both operands, in order, whichever side the instance is on`, () => {
        const n = m.Num(3);
        expect(py[fn](n, 1)).to.equal(`${op}:N:1`);
        expect(py[fn](1, n)).to.equal(`${op}:1:N`);
      });
      it(`${op}: the in-place slot is used for i${op}`, () => {
        expect(py[`i${fn.replace(/_$/, '')}`](m.Num(3), 'x')).to.equal(`i${op}:N:'x'`);
      });
    }
    it('divmod', () => {
      expect(py.divmod(m.Num(1), 2)).to.equal('divmod:N:2');
      expect(py.divmod(2, m.Num(1))).to.equal('divmod:2:N');
    });
    it('pow with two and three arguments, and in place', () => {
      expect(py.pow(m.Num(1), 2)).to.equal('pow:N:2:None');
      expect(py.pow(m.Num(1), 2, 5)).to.equal('pow:N:2:5');
      expect(py.pow(2, m.Num(1))).to.equal('pow:2:N:None');
      expect(py.ipow(m.Num(1), 2)).to.equal('ipow:N:2:None');
    });
    it('unary slots', () => {
      const n = m.Num(4);
      expect(py.neg(n)).to.equal('neg');
      expect(py.pos(n)).to.equal('pos');
      expect(py.abs(n)).to.equal('abs');
      expect(py.invert(n)).to.equal('invert');
    });
    it('nb_int, nb_float and nb_index', () => {
      const n = m.Num(4);
      expect(py.int(n)).to.equal(40);
      expect(py.float(n)).to.equal(4.5);
      expect(py.index(n)).to.equal(4);
      expect(py.getitem([10, 20, 30, 40, 50], n)).to.equal(50);
    });
    it('nb_bool and its error', () => {
      expect(py.bool(m.Num(0))).to.equal(false);
      expect(py.bool(m.Num(2))).to.equal(true);
      raises(() => py.bool(m.Num(-1)), 'ValueError', 'negative Num has no truth value');
    });
  });

  describe('sequence slots', () => {
    it('sq_length and sq_item, with negative indices adjusted by the length', () => {
      const s = m.Seq();
      expect(py.len(s)).to.equal(4);
      py.setitem(s, 1, 11);
      expect(py.getitem(s, 1)).to.equal(11);
      expect(py.getitem(s, -3)).to.equal(11);
      raises(() => py.getitem(s, 4), 'IndexError', 'Seq index out of range');
      raises(() => py.getitem(s, 'a'), 'TypeError', "sequence index must be integer, not 'str'");
    });
    it('sq_ass_item receives NULL on deletion', () => {
      const s = m.Seq();
      py.delitem(s, -1);
      expect(py.getitem(s, 3)).to.equal(-1);
    });
    it('iteration falls back to sq_item until IndexError', () => {
      const s = m.Seq();
      py.setitem(s, 0, 5);
      expect(py.list(s).toJs()).to.deep.equal([5, 0, 0, 0]);
    });
    it('sq_concat and sq_repeat after the number protocol', () => {
      const s = m.Seq();
      expect(py.add(s, 'x').toJs()).to.deep.equal(['concat', 'x']);
      expect(py.mul(s, 3).toJs()).to.deep.equal(['repeat', 3]);
      expect(py.mul(3, s).toJs()).to.deep.equal(['repeat', 3]);
      raises(() => py.mul(s, 'a'), 'TypeError', "can't multiply sequence by non-int of type 'str'");
    });
    it('sq_inplace_concat and sq_inplace_repeat', () => {
      expect(py.iadd(m.Seq(), 'y').toJs()).to.deep.equal(['inplace_concat', 'y']);
      expect(py.imul(m.Seq(), 2).toJs()).to.deep.equal(['inplace_repeat', 2]);
    });
  });

  describe('members of every type', () => {
    let o: PyProxy;
    beforeEach(() => {
      o = m.Members();
    });
    const ints: Array<[string, number | bigint, number | bigint]> = [
      ['short', -32768, 32767], ['int', -(2 ** 31), 2 ** 31 - 1], ['long', -(2n ** 63n), 2n ** 63n - 1n],
      ['byte', -128, 127], ['ubyte', 0, 255], ['ushort', 0, 65535], ['uint', 0, 2 ** 32 - 1],
      ['ulong', 0, 2n ** 64n - 1n], ['longlong', -(2n ** 63n), 2n ** 63n - 1n], ['ulonglong', 0, 2n ** 64n - 1n],
      ['ssize', -(2n ** 63n), 2n ** 63n - 1n],
    ];
    for (const [name, lo, hi] of ints) {
      it(`${name}: starts at 0 and holds its extremes`, () => {
        expect(o[name]).to.equal(0);
        o[name] = lo;
        expect(o[name]).to.equal(lo);
        o[name] = hi;
        expect(o[name]).to.equal(hi);
      });
    }
    it('narrow integer members truncate as C does', () => {
      o.short = 65537;
      expect(o.short).to.equal(1);
      o.ubyte = -1;
      expect(o.ubyte).to.equal(255);
      o.int = 2 ** 32 + 5;
      expect(o.int).to.equal(5);
    });
    it('unsigned long and unsigned int members take negative values two\'s complement', () => {
      o.ulong = -1;
      expect(o.ulong).to.equal(2n ** 64n - 1n);
      o.uint = -2;
      expect(o.uint).to.equal(2 ** 32 - 2);
    });
    it('every integer member needs a value that fits a C long', () => {
      raises(() => {
        o.short = 2n ** 64n;
      }, 'OverflowError');
    });
    it('long members raise OverflowError out of range', () => {
      raises(() => {
        o.long = 2n ** 63n;
      }, 'OverflowError');
      raises(() => {
        o.ulonglong = -1;
      }, 'OverflowError');
    });
    it('numeric members refuse deletion and non-numbers', () => {
      raises(() => py.delattr(o, 'int'), 'TypeError', "can't delete numeric/char attribute");
      raises(() => {
        o.int = 'a';
      }, 'TypeError');
    });
    it('float and double members', () => {
      o.float = 1.5;
      expect(o.float).to.equal(1.5);
      o.float = 0.1;
      expect(o.float).to.equal(Math.fround(0.1));
      o.double = 0.1;
      expect(o.double).to.equal(0.1);
      o.double = 3;
      expect(o.double).to.equal(3);
    });
    it('bool members take only bools', () => {
      expect(o.bool).to.equal(false);
      o.bool = true;
      expect(o.bool).to.equal(true);
      raises(() => {
        o.bool = 1;
      }, 'TypeError', 'attribute value type must be bool');
    });
    it('char members hold one character', () => {
      expect(o.char).to.equal('x');
      o.char = 'z';
      expect(o.char).to.equal('z');
      raises(() => {
        o.char = 'ab';
      }, 'TypeError');
    });
    it('string members cannot be written or deleted: TypeError, as CPython\'s structmember code says', () => {
      expect(o.string).to.equal('static text');
      expect(o.inplace).to.equal('inline');
      raises(() => {
        o.string = 'x';
      }, 'TypeError', 'readonly attribute');
      raises(() => {
        o.inplace = 'x';
      }, 'TypeError', 'readonly attribute');
      raises(() => py.delattr(o, 'string'), 'TypeError');
    });
    it('object members read None when empty and hold any object', () => {
      expect(o.object).to.equal(undefined);
      o.object = [1, 2];
      expect(o.object.toJs()).to.deep.equal([1, 2]);
      py.delattr(o, 'object');
      expect(o.object).to.equal(undefined);
    });
    it('object_ex members raise AttributeError when empty', () => {
      raises(() => o.object_ex, 'AttributeError', "'hpytypes.Members' object has no attribute 'object_ex'");
      o.object_ex = 'v';
      expect(o.object_ex).to.equal('v');
      py.delattr(o, 'object_ex');
      raises(() => py.delattr(o, 'object_ex'), 'AttributeError');
    });
    it('none members always read None', () => {
      expect(o.none).to.equal(undefined);
    });
    it('read-only members refuse assignment', () => {
      expect(o.readonly).to.equal(7);
      raises(() => {
        o.readonly = 1;
      }, 'AttributeError', 'readonly attribute');
    });
  });

  describe('HPy_tp_call and HPy_SetCallFunction', () => {
    it('instances are called through tp_call with positional and keyword arguments', () => {
      const c = m.Callable();
      expect(py.callable(c)).to.equal(true);
      expect(c(1, 2).toJs()).to.deep.equal([1, [1, 2], undefined]);
      expect(c.callKwargs(3, { k: 4 }).toJs()).to.deep.equal([2, [3], ['k']]);
    });
    it('HPy_SetCallFunction replaces the call function of one object', () => {
      const shout = m.Callable(true);
      expect(shout(1, 2, 3)).to.equal('SHOUT 3');
      expect(m.Callable()(0).toJs()[0]).to.equal(1);
    });
    it('HPy_SetCallFunction fails for a type without HPy_tp_call', () => {
      raises(() => m.set_call_on(m.Point()), 'TypeError', /does not implement the HPy call protocol/);
    });
    it('a __vectorcalloffset__ member: each object calls the HPyCallFunction it keeps there', () => {
      const o = m.ExplicitCall();
      expect(py.callable(o)).to.equal(true);
      expect(o(1, 2)).to.equal('called with 2, 0 keywords, around 1 and 2');
      expect(o.callKwargs(1, { k: 3 })).to.equal('called with 1, 1 keywords, around 1 and 2');
    });
    it('HPy_SetCallFunction works on a type with a __vectorcalloffset__ member', () => {
      const o = m.ExplicitCall();
      expect(m.set_call_on(o)).to.equal(undefined);
      expect(o(1, 2, 3)).to.equal('SHOUT 3');
    });
    it('instances of a type without tp_call are not callable', () => {
      expect(py.callable(m.Point())).to.equal(false);
      raises(() => m.Point()(), 'TypeError', "'hpytypes.Point' object is not callable");
    });
  });

  describe('inheritance', () => {
    it('an HPy subtype inherits slots, methods and members, and extends the payload', () => {
      const p = m.Point3D(1, 2);
      expect(py.isinstance(p, m.Point)).to.equal(true);
      expect(p.z).to.equal(0);
      p.z = 3;
      expect(py.repr(p)).to.equal('Point3D(1, 2, 3)');
      expect(py.str(p)).to.equal('(1, 2)');
      expect(p.norm2()).to.equal(5);
      expect(py.len(p)).to.equal(2);
      expect(py.repr(py.type(p.scaled(2)))).to.equal("<class 'hpytypes.Point3D'>");
    });
    it('a subtype with basicsize 0 shares the base layout', () => {
      const p = m.SwappablePoint(1, 2);
      p.swap();
      expect([p.x, p.y]).to.deep.equal([2, 1]);
      expect(py.repr(p)).to.equal('Point(2, 1)');
    });
    it('the MRO lists the HPy bases', () => {
      expect(py.repr(m.Point3D.__mro__)).to.equal("(<class 'hpytypes.Point3D'>, <class 'hpytypes.Point'>, <class 'object'>)");
    });
  });

  describe('builtin shapes', () => {
    it('a Long-shaped type is an int with a payload', () => {
      const n = m.LongSub(42);
      expect(py.isinstance(n, py.int)).to.equal(true);
      expect(py.eq(n, 42)).to.equal(true);
      expect(py.add(n, 1)).to.equal(43);
      expect(n.extra).to.equal(0);
      n.extra = 5;
      expect(n.payload_extra()).to.equal(5);
      expect(py.eq(m.LongSub(), 0)).to.equal(true);
    });
    it('a shape without a base makes a type that derives from object, as in HPy 0.9.0', () => {
      const o = m.LongShapeNoBase();
      expect([py.isinstance(o, py.int), m.builtin_shape(m.LongShapeNoBase)]).to.deep.equal([false, 2]);
      expect(py.is_(py.getattr(m.LongShapeNoBase, '__base__'), py.object)).to.equal(true);
      o.extra = 4;
      expect(o.payload_extra()).to.equal(4);
    });
    it('Float, Unicode and List shapes keep their builtin behaviour', () => {
      const f = m.FloatSub(1.5);
      expect(py.mul(f, 2)).to.equal(3);
      const s = m.StrSub('abc');
      expect(py.len(s)).to.equal(3);
      expect(py.str(s)).to.equal('abc');
      const l = m.ListSub([1]);
      l.append(2);
      expect(py.len(l)).to.equal(2);
      for (const o of [f, s, l]) {
        o.extra = 9;
        expect(o.payload_extra()).to.equal(9);
      }
    });
    // A tuple's items live inside the object, where a payload at a fixed offset would overlap
    // them: official HPy 0.9.0 on CPython puts it there, and this test crashes it.
    it('a Tuple-shaped type keeps its items and its payload apart', () => {
      const t = m.TupleSub([1, 2]);
      t.extra = 9;
      expect(py.repr(t)).to.equal('(1, 2)');
      expect([py.getitem(t, 1), t.payload_extra()]).to.deep.equal([2, 9]);
    });
  });

  describe('the Dict shape (added to HPy after 0.9.0)', () => {
    let d: PyProxy;
    before(async function () {
      d = await loadExtensionIfHosted(this, 'dict_shape.c');
    });
    it('HPyType_GetBuiltinShape reports Dict (7)', () => {
      expect(d.builtin_shape(d.DictSub)).to.equal(7);
    });
    it('a Dict-shaped type is a dict with a payload', () => {
      const o = d.DictSub();
      py.setitem(o, 'k', 1);
      expect(py.getitem(o, 'k')).to.equal(1);
      expect(py.isinstance(o, py.dict)).to.equal(true);
      o.extra = 9;
      expect(o.payload_extra()).to.equal(9);
    });
  });

  describe('metaclass', () => {
    it('a type made with a metaclass is an instance of it, with the metaclass payload', () => {
      expect(py.is_(py.type(m.WithMeta), m.Meta)).to.equal(true);
      expect(py.isinstance(m.WithMeta, py.type)).to.equal(true);
      expect(m.WithMeta.registered).to.equal(0);
      m.WithMeta.registered = 3;
      expect(m.WithMeta.describe_type()).to.equal('WithMeta registered=3');
      expect(py.isinstance(m.WithMeta(), m.WithMeta)).to.equal(true);
    });
  });

  describe('fields', () => {
    it('store, load, overwrite and clear', () => {
      expect(m.field_roundtrip('a', 'b').toJs()).to.deep.equal([true, 'a', 'b', true]);
    });
    it('a field keeps its object alive and hands out the same object', () => {
      const p = m.Point();
      const tag = py.list([1, 2]);
      p.tag = tag;
      expect(py.is_(p.tag, tag)).to.equal(true);
      p.tag = undefined;
      expect(p.tag).to.equal(undefined);
    });
  });

  describe('destruction', () => {
    beforeEach(async () => {
      // Objects of earlier tests die first, so that each test reads only its own events.
      await collectGarbage();
      m.take_log();
    });
    it('tp_destroy runs for every HPy type of the object, after the fields were cleared', async () => {
      let p: PyProxy | undefined = m.Point3D(1, 2);
      p!.tag = 'something';
      p = undefined;
      await collectGarbage();
      expect(m.take_log()).to.equal('Point3D.destroy Point.destroy');
    });
    it('tp_finalize runs before tp_destroy, once per object', async () => {
      let f: PyProxy | undefined = m.Finalizable(7);
      expect(f!.type).to.equal('Finalizable');
      f = undefined;
      await collectGarbage();
      expect(m.take_log()).to.equal('finalize(7) destroy(7)');
    });
    it('objects in a reference cycle through fields are destroyed', async () => {
      let a: PyProxy | undefined = m.Point(1, 1);
      let b: PyProxy | undefined = m.Point(2, 2);
      a!.tag = b;
      b!.tag = a;
      a = b = undefined;
      await collectGarbage();
      expect(m.take_log()).to.equal('Point.destroy Point.destroy');
    });
  });

  describe('buffers', () => {
    it('memoryview exports the payload through bf_getbuffer and releases it', () => {
      const b = m.Buf();
      const v = py.memoryview(b);
      expect(b.exports).to.equal(1);
      expect(v.tobytes().toJs()).to.deep.equal(new TextEncoder().encode('hello!'));
      expect([v.nbytes, v.itemsize, v.format, v.readonly, v.ndim]).to.deep.equal([6, 1, 'B', false, 1]);
      expect(py.getitem(v, 0)).to.equal(104);
      py.setitem(v, 0, 72);
      expect(py.bytes(v).toJs()).to.deep.equal(new TextEncoder().encode('Hello!'));
      v.release();
      expect(b.exports).to.equal(0);
      raises(() => v.tobytes(), 'ValueError', 'operation forbidden on released memoryview object');
    });
    it('memoryview of bytes is a read-only view of its data', () => {
      const v = py.memoryview(new Uint8Array([1, 2, 255]));
      expect(v.tolist().toJs()).to.deep.equal([1, 2, 255]);
      expect([v.nbytes, v.readonly, v.format]).to.deep.equal([3, true, 'B']);
      raises(() => py.setitem(v, 0, 9), 'TypeError', 'cannot modify read-only memory');
    });
  });

  describe('invalid specs', () => {
    const cases: Array<[string, string, string | RegExp]> = [
      ['gc_without_traverse', 'ValueError', 'You must provide an HPy_tp_traverse slot if you specify HPy_TPFLAGS_HAVE_GC'],
      ['members_without_basicsize', 'TypeError', 'Type claims to have basicsize==0 but defines members'],
      ['invalid_shape', 'ValueError', 'invalid shape: 123'],
      ['call_with_itemsize', 'TypeError', 'Cannot use HPy call protocol with var objects'],
      ['shape_wrong_base', 'TypeError', "type 'hpytypes.Bad': builtin_shape Long needs a base that is a subclass of 'int', not 'str'"],
      ['call_and_vectorcalloffset', 'TypeError', "Cannot have HPy_tp_call and explicit member'__vectorcalloffset__'. Specify just one of them."],
      ['base_and_bases_tuple', 'TypeError', 'cannot specify both HPyType_SpecParam_Base and HPytype_SpecParam_BasesTuple'],
      ['two_metaclasses', 'ValueError', 'metaclass was specified multiple times'],
      ['metaclass_not_a_type', 'TypeError', "Metaclass 'None' is not a subclass of 'type'."],
      ['unknown_param', 'TypeError', "unknown HPyType_SpecParam specification for 'hpytypes.Bad'"],
      ['final_base', 'TypeError', "type 'bool' is not an acceptable base type"],
      ['non_basetype_hpy_base', 'TypeError', "type 'hpytypes.Finalizable' is not an acceptable base type"],
      ['base_not_a_type', 'TypeError', /./],
      ['layout_conflict', 'TypeError', 'multiple bases have instance lay-out conflict'],
    ];
    for (const [kind, type, message] of cases) {
      it(`${kind}: ${type}`, () => raises(() => m.bad_type(kind), type, message));
    }
    it('a valid GC type with tp_traverse is accepted', () => {
      expect(py.isinstance(m.bad_type('gc_with_traverse'), py.type)).to.equal(true);
    });
  });
});
