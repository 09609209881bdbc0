// One reference interpreter: its builtin types, singletons and exception classes.
// Everything is per instance, so two backends in one process never share state.
import {
  PyBuiltinFunction, PyBytes, PyDict, PyException, PyFloat, PyInt, PyIterator, PyList, PyModule, PyObject,
  PyRaise, PyStr, PyTuple, PyType, strKey, type HostFunction, type Kwargs,
} from './objects.js';

/** CPython's exception hierarchy for every exception class the HPy context exposes. */
const EXCEPTION_TREE: ReadonlyArray<readonly [string, string | null]> = [
  ['BaseException', null], ['SystemExit', 'BaseException'], ['KeyboardInterrupt', 'BaseException'],
  ['GeneratorExit', 'BaseException'], ['Exception', 'BaseException'], ['StopIteration', 'Exception'],
  ['StopAsyncIteration', 'Exception'], ['ArithmeticError', 'Exception'], ['FloatingPointError', 'ArithmeticError'],
  ['OverflowError', 'ArithmeticError'], ['ZeroDivisionError', 'ArithmeticError'], ['AssertionError', 'Exception'],
  ['AttributeError', 'Exception'], ['BufferError', 'Exception'], ['EOFError', 'Exception'],
  ['ImportError', 'Exception'], ['ModuleNotFoundError', 'ImportError'], ['LookupError', 'Exception'],
  ['IndexError', 'LookupError'], ['KeyError', 'LookupError'], ['MemoryError', 'Exception'],
  ['NameError', 'Exception'], ['UnboundLocalError', 'NameError'], ['OSError', 'Exception'],
  ['BlockingIOError', 'OSError'], ['ChildProcessError', 'OSError'], ['ConnectionError', 'OSError'],
  ['BrokenPipeError', 'ConnectionError'], ['ConnectionAbortedError', 'ConnectionError'],
  ['ConnectionRefusedError', 'ConnectionError'], ['ConnectionResetError', 'ConnectionError'],
  ['FileExistsError', 'OSError'], ['FileNotFoundError', 'OSError'], ['InterruptedError', 'OSError'],
  ['IsADirectoryError', 'OSError'], ['NotADirectoryError', 'OSError'], ['PermissionError', 'OSError'],
  ['ProcessLookupError', 'OSError'], ['TimeoutError', 'OSError'], ['ReferenceError', 'Exception'],
  ['RuntimeError', 'Exception'], ['NotImplementedError', 'RuntimeError'], ['RecursionError', 'RuntimeError'],
  ['SyntaxError', 'Exception'], ['IndentationError', 'SyntaxError'], ['TabError', 'IndentationError'],
  ['SystemError', 'Exception'], ['TypeError', 'Exception'], ['ValueError', 'Exception'],
  ['UnicodeError', 'ValueError'], ['UnicodeDecodeError', 'UnicodeError'], ['UnicodeEncodeError', 'UnicodeError'],
  ['UnicodeTranslateError', 'UnicodeError'], ['Warning', 'Exception'], ['DeprecationWarning', 'Warning'],
  ['PendingDeprecationWarning', 'Warning'], ['RuntimeWarning', 'Warning'], ['SyntaxWarning', 'Warning'],
  ['UserWarning', 'Warning'], ['FutureWarning', 'Warning'], ['ImportWarning', 'Warning'],
  ['UnicodeWarning', 'Warning'], ['BytesWarning', 'Warning'], ['ResourceWarning', 'Warning'],
];

export class Interp {
  readonly type: PyType;
  readonly object: PyType;
  readonly types: Readonly<Record<
    'NoneType' | 'NotImplementedType' | 'ellipsis' | 'int' | 'bool' | 'float' | 'complex' | 'str' | 'bytes'
    | 'tuple' | 'list' | 'dict' | 'module' | 'builtin_function_or_method' | 'method_descriptor' | 'iterator' | 'memoryview'
    | 'capsule' | 'slice' | 'ContextVar' | 'Token', PyType>>;
  readonly exc = new Map<string, PyType>();
  readonly None: PyObject;
  readonly True: PyInt;
  readonly False: PyInt;
  readonly NotImplemented: PyObject;
  readonly Ellipsis: PyObject;
  /**
   * sys.modules: what `import` finds by name (builtins, sys, operator, ... and the extensions
   * loaded in this backend). It is the dict Python code sees, so its changes affect imports.
   */
  readonly modules: PyDict;
  private readonly smallInts: PyInt[] = [];
  private readonly addresses = new WeakMap<PyObject, bigint>();
  private lastAddress = 0n;

  constructor() {
    this.type = new PyType(null, 'type', null);
    this.object = new PyType(this.type, 'object', null);
    this.type.type = this.type;
    (this.type as { mro: PyType[] }).mro = [this.type, this.object];
    const mk = (name: string, base: PyType = this.object) => new PyType(this.type, name, base);
    const int = mk('int');
    this.types = {
      NoneType: mk('NoneType'), NotImplementedType: mk('NotImplementedType'), ellipsis: mk('ellipsis'),
      int, bool: mk('bool', int), float: mk('float'), complex: mk('complex'), str: mk('str'), bytes: mk('bytes'),
      tuple: mk('tuple'), list: mk('list'), dict: mk('dict'), module: mk('module'),
      builtin_function_or_method: mk('builtin_function_or_method'), method_descriptor: mk('method_descriptor'),
      iterator: mk('iterator'),
      memoryview: mk('memoryview'), capsule: mk('PyCapsule'), slice: mk('slice'),
      ContextVar: new PyType(this.type, 'ContextVar', this.object, '_contextvars'),
      Token: new PyType(this.type, 'Token', this.object, '_contextvars'),
    };
    for (const [name, base] of EXCEPTION_TREE) {
      this.exc.set(name, new PyType(this.type, name, base ? this.exc.get(base)! : this.object));
    }
    this.None = new PyObject(this.types.NoneType);
    this.True = new PyInt(this.types.bool, 1n);
    this.False = new PyInt(this.types.bool, 0n);
    this.NotImplemented = new PyObject(this.types.NotImplementedType);
    this.Ellipsis = new PyObject(this.types.ellipsis);
    for (let i = -5; i <= 256; i++) this.smallInts.push(new PyInt(this.types.int, BigInt(i)));
    this.modules = this.dict();
  }

  // --- constructors -------------------------------------------------------------------

  int(v: bigint | number): PyInt {
    const b = typeof v === 'bigint' ? v : BigInt(v);
    if (b >= -5n && b <= 256n) return this.smallInts[Number(b) + 5];
    return new PyInt(this.types.int, b);
  }
  bool(v: boolean): PyInt {
    return v ? this.True : this.False;
  }
  float(v: number): PyFloat {
    return new PyFloat(this.types.float, v);
  }
  str(v: string): PyStr {
    return new PyStr(this.types.str, v);
  }
  bytes(v: Uint8Array): PyBytes {
    return new PyBytes(this.types.bytes, v);
  }
  tuple(items: readonly PyObject[]): PyTuple {
    return new PyTuple(this.types.tuple, items);
  }
  list(items: PyObject[]): PyList {
    return new PyList(this.types.list, items);
  }
  dict(): PyDict {
    return new PyDict(this.types.dict);
  }
  /** A new module; like every module object, it has its __name__. */
  module(name: string): PyModule {
    const m = new PyModule(this.types.module, name);
    m.dict!.set('__name__', this.str(name));
    return m;
  }
  iterator(source: Iterator<PyObject>): PyIterator {
    return new PyIterator(this.types.iterator, source);
  }
  builtinFunction(name: string, fn: HostFunction, self: PyObject | null = null, doc: string | null = null): PyBuiltinFunction {
    return new PyBuiltinFunction(this.types.builtin_function_or_method, name, fn, self, doc);
  }
  /** A method of `owner` as the type holds it; `fn` gets the instance as its first argument. */
  methodDescriptor(owner: PyType, name: string, fn: HostFunction, doc: string | null = null): PyBuiltinFunction {
    return new PyBuiltinFunction(this.types.method_descriptor, name, fn, null, doc, owner);
  }

  /**
   * What CPython shows as an object's address (id(), default reprs): there is no memory to
   * point at here, so it is a number given once per object, 16-aligned as allocations are.
   */
  address(o: PyObject): bigint {
    let a = this.addresses.get(o);
    if (a === undefined) this.addresses.set(o, (a = (this.lastAddress += 16n)));
    return a;
  }
  /** The hash of an object without a value to hash: CPython's, its address rotated by 4 bits. */
  identityHash(o: PyObject): bigint {
    return this.address(o) >> 4n;
  }
  /** object.__repr__: `<mod.Type object at 0x10>`. */
  defaultRepr(o: PyObject): string {
    return `<${o.type.tpName} object at 0x${this.address(o).toString(16)}>`;
  }

  // --- exceptions -----------------------------------------------------------------------

  excType(name: string): PyType {
    const t = this.exc.get(name);
    if (!t) throw new Error(`unknown exception class ${name}`);
    return t;
  }
  isExceptionType(t: PyObject): t is PyType {
    return t instanceof PyType && t.isSubtypeOf(this.excType('BaseException'));
  }
  newException(type: PyType, args: PyObject[]): PyException {
    return new PyException(type, this.tuple(args));
  }
  /** Builds the exception `type(message)` ready to throw. */
  error(typeName: string, message: string): PyRaise {
    return new PyRaise(this.newException(this.excType(typeName), [this.str(message)]));
  }
  typeError(message: string): PyRaise {
    return this.error('TypeError', message);
  }

  /** Enters `m` in sys.modules as `name`. */
  addModule(name: string, m: PyObject): void {
    this.modules.entries.set(strKey(name), [this.str(name), m]);
  }
  /** sys.modules[name], if there is one. */
  findModule(name: string): PyObject | undefined {
    return this.modules.entries.get(strKey(name))?.[1];
  }
  /** The module `import name` gives: the reference interpreter has no modules to load. */
  importModule(name: string): PyObject {
    const m = this.findModule(name);
    if (m === undefined) throw this.error('ModuleNotFoundError', `No module named '${name}'`);
    // As importlib does: None in sys.modules blocks the import.
    if (m === this.None) throw this.error('ModuleNotFoundError', `import of ${name} halted; None in sys.modules`);
    return m;
  }

  // --- kwargs helpers used by host functions ----------------------------------------------

  noKwargs(fname: string, kwargs: Kwargs): void {
    if (kwargs && kwargs.size) throw this.typeError(`${fname}() takes no keyword arguments`);
  }
  arity(fname: string, args: PyObject[], min: number, max = min): void {
    if (args.length >= min && args.length <= max) return;
    // The messages of METH_O and of Argument Clinic's positional check, which says "1 argument".
    const count = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
    if (min === max) {
      throw this.typeError(min === 1 ? `${fname}() takes exactly one argument (${args.length} given)`
        : `${fname} expected ${count(min)}, got ${args.length}`);
    }
    throw this.typeError(args.length < min ? `${fname} expected at least ${count(min)}, got ${args.length}`
      : `${fname} expected at most ${count(max)}, got ${args.length}`);
  }
}
