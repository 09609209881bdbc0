// The first slice of the HPy API through the suite API: module-level signatures, primitive
// conversions in both directions, containers, errors both ways, exec slots and globals.
import { expect } from 'chai';
import { backendName, loadExtension, py, PythonError, isPyProxy, type PyProxy, raises } from 'hpy-matrix/suite';

describe('basic', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('basic.c');
  });

  describe('the context', () => {
    it('is named for its mode, as HPy names its contexts (tools read the mode from the start)', () => {
      const [name] = m.context_facts().toJs() as [string];
      const layer = backendName().split(':')[0];
      expect(name).to.match(layer === 'debug' ? /^HPy Debug Mode ABI/ : layer === 'trace' ? /^HPy Trace Mode ABI/ : /^HPy Universal ABI/);
    });

    it('h_Builtins is the dict of builtins, as PyEval_GetBuiltins() gives it', () => {
      const builtins = py.getitem(m.context_facts(), 1);
      expect(py.isinstance(builtins, py.dict)).to.equal(true);
      expect(py.is_(builtins.get('len'), py.len)).to.equal(true);
    });
  });

  describe('module', () => {
    it('has its doc, name and the attribute set by its exec slot', () => {
      expect(m.__doc__).to.equal("The basic suite's extension.");
      expect(m.__name__).to.equal('basic');
      expect(m.answer).to.equal(42);
      expect(m.type).to.equal('module');
    });
    it('exposes its functions as builtin functions', () => {
      expect(py.callable(m.add)).to.equal(true);
      expect(py.repr(m.add)).to.equal('<built-in function add>');
      expect(py.type(m.add).__name__).to.equal('builtin_function_or_method');
    });
    it('gives each function its name, its doc (None without one) and the module as __self__', () => {
      expect([m.add.__name__, m.add.__qualname__, m.add.__module__]).to.deep.equal(['add', 'add', 'basic']);
      expect(m.add.__doc__).to.equal('add(a, b): a + b');
      expect(m.describe_call.__doc__).to.equal(undefined);
      expect(py.is_(m.add.__self__, m)).to.equal(true);
    });
    it('keeps HPyGlobal values between calls', () => {
      const a = m.next_count() as number;
      expect(m.next_count()).to.equal(a + 1);
    });
  });

  describe('signatures', () => {
    it('NOARGS', () => {
      expect(m.get_none()).to.equal(undefined);
      expect(raises(() => m.get_none(1)).message).to.equal('TypeError: basic.get_none() takes no arguments (1 given)');
    });
    it('O', () => {
      expect(m.negate(0)).to.equal(true);
      expect(m.negate('x')).to.equal(false);
      expect(raises(() => m.negate()).message).to.equal('TypeError: basic.negate() takes exactly one argument (0 given)');
    });
    it('VARARGS', () => {
      expect(m.add(1, 2)).to.equal(3);
      expect(raises(() => m.add(1)).message).to.equal('TypeError: add() takes exactly 2 arguments');
      expect(raises(() => m.add.callKwargs(1, 2, { x: 1 })).message).to.equal('TypeError: basic.add() takes no keyword arguments');
    });
    it('KEYWORDS passes positional args, then keyword values with their names', () => {
      expect(m.describe_call(1, 'a').toJs()).to.deep.equal([[1, 'a'], undefined]);
      expect(m.describe_call.callKwargs(1, { x: 2, y: 3 }).toJs()).to.deep.equal([[1], ['x', 'y']]);
      expect(m.keyword_value.callKwargs(0, { other: 1, key: 'found' })).to.equal('found');
    });
  });

  describe('numbers', () => {
    it('int is arbitrary precision: bigint past 2**53', () => {
      expect(m.add(2n ** 70n, 1)).to.equal(2n ** 70n + 1n);
      expect(m.add(2 ** 53, 2 ** 53)).to.equal(2n ** 54n);
      expect(m.double_it(-21)).to.equal(-42);
    });
    it('int64_t conversions, with OverflowError past the C range', () => {
      expect(m.int64_roundtrip(-(2n ** 63n))).to.equal(-(2n ** 63n));
      expect(m.int64_roundtrip(2n ** 63n - 1n)).to.equal(2n ** 63n - 1n);
      const e = raises(() => m.int64_roundtrip(2n ** 63n));
      expect(e.type).to.equal('OverflowError');
      expect(raises(() => m.int64_roundtrip(1.5)).type).to.equal('TypeError');
    });
    it('float', () => {
      expect(m.half(3)).to.equal(1.5);
      expect(m.double_it(2.25)).to.equal(4.5);
      expect(py.repr(m.half(1))).to.equal('0.5');
      expect(raises(() => m.half('x')).type).to.equal('TypeError');
    });
    it('bool', () => {
      expect(m.negate(true)).to.equal(false);
      expect(m.negate([])).to.equal(true);
    });
  });

  describe('str and bytes', () => {
    it('str is code points; UTF-8 sizes come from the context', () => {
      expect(m.greet('Zoë')).to.equal('Hello, Zoë!');
      expect(m.utf8_size('héllo€')).to.equal(9);
      expect(py.len('€😀')).to.equal(2);
      expect(raises(() => m.utf8_size(1)).type).to.equal('TypeError');
    });
    it('bytes keep embedded NULs and convert to Uint8Array', () => {
      const b = m.make_bytes() as PyProxy;
      expect(b.type).to.equal('bytes');
      expect(b.toJs()).to.deep.equal(new Uint8Array([97, 0, 98]));
      expect(py.repr(b)).to.equal("b'a\\x00b'");
      expect(m.bytes_size(new Uint8Array([1, 2, 3]))).to.equal(3);
      expect(raises(() => m.bytes_size('abc')).message).to.equal('TypeError: expected bytes');
    });
  });

  describe('containers', () => {
    it('list built with HPyList_Append', () => {
      const l = m.squares(5) as PyProxy;
      expect(l.type).to.equal('list');
      expect(l.toJs()).to.deep.equal([0, 1, 4, 9, 16]);
      expect(py.len(l)).to.equal(5);
    });
    it('dict built with HPy_SetItem_s keeps insertion order', () => {
      const d = m.make_dict() as PyProxy;
      expect(d.toJs()).to.deep.equal(new Map([['one', 1], ['two', 2]]));
      expect(py.repr(d)).to.equal("{'one': 1, 'two': 2}");
    });
    it('tuple from HPyTuple_FromArray', () => {
      const t = m.describe_call(1, 2) as PyProxy;
      expect(t.type).to.equal('tuple');
      expect(py.repr(t)).to.equal('((1, 2), None)');
    });
    it('JS arrays, Maps and objects arrive as list and dict', () => {
      expect(m.getitem([10, 20, 30], -1)).to.equal(30);
      expect(m.getitem(new Map([[1, 'one']]), 1)).to.equal('one');
      expect(m.getitem({ a: 1 }, 'a')).to.equal(1);
      expect(m.getitem({ '1': 'str key' }, '1')).to.equal('str key');
    });
    it('dict keys follow Python equality: 1, 1.0 and True are one key', () => {
      expect(m.getitem(new Map([[1, 'int']]), true)).to.equal('int');
    });
  });

  describe('errors', () => {
    it('an exception set in C arrives as PythonError', () => {
      const e = raises(() => m.raise_value_error('boom'));
      expect(e).to.be.instanceOf(PythonError);
      expect(e.type).to.equal('ValueError');
      expect(e.pyMessage).to.equal('boom');
      expect(e.message).to.equal('ValueError: boom');
    });
    it('lookup errors carry Python messages', () => {
      expect(raises(() => m.getitem({ a: 1 }, 'b')).message).to.equal("KeyError: 'b'");
      expect(raises(() => m.getitem([1], 5)).message).to.equal('IndexError: list index out of range');
      expect(raises(() => m.add(1, 'x')).message).to.equal("TypeError: unsupported operand type(s) for +: 'int' and 'str'");
    });
    it('exceptions raised by a callee pass through HPy_Call', () => {
      const e = raises(() => m.call_with(m.raise_value_error, 'inner'));
      expect(e.message).to.equal('ValueError: inner');
      expect(m.call_with(m.add, 3, 4)).to.equal(7);
    });
    it('HPyErr_ExceptionMatches and HPyErr_Clear', () => {
      expect(m.forget_error(() => 1)).to.equal(false);
      expect(m.forget_error(() => m.raise_value_error('swallowed'))).to.equal(true);
    });
    it('a JavaScript function is callable from C', () => {
      expect(m.call_with((a: number, b: number) => a * b, 6, 7)).to.equal(42);
    });
  });

  describe('runtime helpers compiled into the extension', () => {
    it('HPyArg_ParseKeywords: positional, optional, keyword-only, errors', () => {
      expect(m.parse_args(1).toJs()).to.deep.equal([1, 10, 'x']);
      expect(m.parse_args.callKwargs(1, 2, { name: 'n' }).toJs()).to.deep.equal([1, 2, 'n']);
      expect(m.parse_args.callKwargs({ b: 3, a: 4 }).toJs()).to.deep.equal([4, 3, 'x']);
      expect(raises(() => m.parse_args()).message).to.equal('TypeError: parse_args() no value for required argument');
      expect(raises(() => m.parse_args('no')).type).to.equal('TypeError');
    });
    it('HPy_BuildValue builds nested containers', () => {
      expect(py.repr(m.build_value())).to.equal("{'int': 7, 'list': [0.5, 'text'], 'tuple': ()}");
    });
    it('HPyUnicode_FromFormat and HPyErr_Format', () => {
      expect(m.format(7, 'é')).to.equal("n=007, obj='é'");
      expect(raises(() => m.format(1)).message).to.equal('TypeError: format() takes 2 arguments (1 given)');
    });
  });

  describe('py builtins', () => {
    it('repr, str, hash, isinstance, type and operators', () => {
      expect(py.repr('a\'b')).to.equal('"a\'b"');
      expect(py.str(1.0)).to.equal('1');
      expect(py.repr(2.5e-7)).to.equal('2.5e-07');
      expect(py.hash(-1)).to.equal(-2);
      expect(py.isinstance(true, py.int)).to.equal(true);
      expect(py.type(m.make_dict()) as unknown).to.satisfy(isPyProxy);
      expect(py.add('a', 'b')).to.equal('ab');
      expect(py.eq(1, 1.0)).to.equal(true);
      expect(py.lt(1, 2)).to.equal(true);
      expect(py.getitem(m.squares(3), 2)).to.equal(4);
    });
    it('sum, with a start, and its refusals', () => {
      expect(py.sum(m.squares(4))).to.equal(14);
      expect(py.sum([1.5, 2], 1)).to.equal(4.5);
      expect(py.sum.callKwargs([[1], [2]], { start: [] }).toJs()).to.deep.equal([1, 2]);
      raises(() => py.sum(), 'TypeError', 'sum() takes at least 1 positional argument (0 given)');
      raises(() => py.sum.callKwargs([1], 2, { start: 3 }), 'TypeError', 'sum() takes at most 2 arguments (3 given)');
      raises(() => py.sum.callKwargs([1], { x: 1 }), 'TypeError', "'x' is an invalid keyword argument for sum()");
      raises(() => py.sum(['a'], ''), 'TypeError', "sum() can't sum strings [use ''.join(seq) instead]");
      raises(() => py.sum([m.make_bytes()], m.make_bytes()), 'TypeError', "sum() can't sum bytes [use b''.join(seq) instead]");
      raises(() => py.sum(1, ''), 'TypeError', "'int' object is not iterable");
      raises(() => py.sum([1, 'a']), 'TypeError', "unsupported operand type(s) for +: 'int' and 'str'");
    });
    it('sorted, stable, with key and reverse, and its refusals', () => {
      expect(py.sorted([9, 0, 4, 1]).toJs()).to.deep.equal([0, 1, 4, 9]);
      expect(py.sorted.callKwargs([-2, 1, 2, -1], { key: py.abs }).toJs()).to.deep.equal([1, -1, -2, 2]);
      expect(py.sorted.callKwargs([-2, 1, 2, -1], { key: py.abs, reverse: true }).toJs()).to.deep.equal([-2, 2, 1, -1]);
      expect(py.sorted.callKwargs([3, 1, 2], { reverse: 2 }).toJs()).to.deep.equal([3, 2, 1]);
      expect(py.sorted('bca').toJs()).to.deep.equal(['a', 'b', 'c']);
      raises(() => py.sorted(), 'TypeError', 'sorted expected 1 argument, got 0');
      raises(() => py.sorted([2, 1], undefined), 'TypeError', 'sorted expected 1 argument, got 2');
      raises(() => py.sorted.callKwargs([], { x: 1 }), 'TypeError', "'x' is an invalid keyword argument for sort()");
      raises(() => py.sorted.callKwargs([], { reverse: 'x' }), 'TypeError', "'str' object cannot be interpreted as an integer");
      raises(() => py.sorted.callKwargs([1, 2], { key: 1 }), 'TypeError', "'int' object is not callable");
      // Which two items meet first shows in the message: CPython's order of comparisons.
      raises(() => py.sorted([1, 'a']), 'TypeError', "'<' not supported between instances of 'str' and 'int'");
      raises(() => py.sorted(['a', 1]), 'TypeError', "'<' not supported between instances of 'int' and 'str'");
      raises(() => py.sorted(['b', 'c', 'a', 1]), 'TypeError', "'<' not supported between instances of 'int' and 'str'");
    });
    it('methods of builtin types are method_descriptors too', () => {
      expect(py.type(py.list.append).__name__).to.equal('method_descriptor');
      expect(py.repr(py.list.append)).to.equal("<method 'append' of 'list' objects>");
      raises(() => py.list.append(1, 2), 'TypeError', "descriptor 'append' for 'list' objects doesn't apply to a 'int' object");
    });
    it('id, the number the default repr shows', () => {
      const d = m.make_dict();
      expect(py.id(d)).to.equal(py.id(d));
      expect(py.id(d)).not.to.equal(py.id(m.make_dict()));
      raises(() => py.id(), 'TypeError', 'id() takes exactly one argument (0 given)');
    });
  });
});
