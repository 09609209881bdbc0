// The reference backend's object model: Python objects as TypeScript objects.
// Behaviour lives in type slots (as in CPython) so that builtin types and HPy types
// defined by extensions dispatch the same way.
import type { NativeState } from '../hpy/instances.js';
import type { HPyTypeInfo } from '../hpy/type-info.js';

export type Kwargs = Map<string, PyObject> | null;

/** Raised inside the object model; the context turns it into the pending exception. */
export class PyRaise extends Error {
  constructor(readonly exc: PyObject) {
    super('python exception');
  }
}

export interface TypeSlots {
  repr?(self: PyObject): PyObject;
  str?(self: PyObject): PyObject;
  hash?(self: PyObject): bigint;
  richcompare?(self: PyObject, other: PyObject, op: number): PyObject;
  call?(self: PyObject, args: PyObject[], kwargs: Kwargs): PyObject;
  getattr?(self: PyObject, name: string): PyObject | undefined;
  setattr?(self: PyObject, name: string, value: PyObject | null): void;
  len?(self: PyObject): number;
  getitem?(self: PyObject, key: PyObject): PyObject;
  setitem?(self: PyObject, key: PyObject, value: PyObject | null): void;
  contains?(self: PyObject, item: PyObject): boolean;
  iter?(self: PyObject): PyObject;
  next?(self: PyObject): PyObject | undefined;
  bool?(self: PyObject): boolean;
  /** Number protocol: returns NotImplemented when the operands are not supported. */
  number?: Partial<Record<BinaryOp, (a: PyObject, b: PyObject) => PyObject>>;
  unary?: Partial<Record<UnaryOp, (a: PyObject) => PyObject>>;
  /** In-place number protocol (`a += b`); falls back to `number` when absent or NotImplemented. */
  inplace?: Partial<Record<BinaryOp, (a: PyObject, b: PyObject) => PyObject>>;
  /** Three-argument pow(a, b, m); binary `**` passes None as m. */
  power?(a: PyObject, b: PyObject, m: PyObject): PyObject;
  /** Sequence concatenation and repetition, tried after the number protocol fails. */
  concat?(a: PyObject, b: PyObject): PyObject;
  repeat?(a: PyObject, n: bigint): PyObject;
  /** Constructor: type(*args, **kwargs). */
  new?(type: PyType, args: PyObject[], kwargs: Kwargs): PyObject;
  /** Initializer run by type(*args, **kwargs) on what `new` returned. */
  init?(self: PyObject, args: PyObject[], kwargs: Kwargs): void;
  /** Descriptor protocol, for objects found in a type's attributes. */
  descrGet?(descr: PyObject, obj: PyObject | null, type: PyType): PyObject;
  /** Presence makes a data descriptor, which wins over the instance dict. */
  descrSet?(descr: PyObject, obj: PyObject, value: PyObject | null): void;
}

export type BinaryOp = 'add' | 'sub' | 'mul' | 'matmul' | 'floordiv' | 'truediv' | 'mod' | 'divmod' | 'pow'
  | 'lshift' | 'rshift' | 'and' | 'xor' | 'or';
export type UnaryOp = 'neg' | 'pos' | 'abs' | 'invert' | 'index' | 'int' | 'float';

export class PyObject {
  /** Instance attributes, for objects that have a __dict__. */
  dict: Map<string, PyObject> | null = null;
  /** The C side of an instance of an HPy type. */
  native: NativeState | null = null;
  constructor(public type: PyType) {}
}

export class PyType extends PyObject {
  mro: PyType[] = [];
  readonly attrs = new Map<string, PyObject>();
  slots: TypeSlots = {};
  /** Set for types made by HPyType_FromSpec. */
  hpy: HPyTypeInfo | null = null;
  /** The bases as given (one for builtin types); the MRO is computed from them. */
  bases: PyType[];
  constructor(
    metatype: PyType | null,
    readonly name: string,
    readonly base: PyType | null,
    readonly module = 'builtins',
  ) {
    // `type` is its own metatype; it is patched in right after creation.
    super(metatype as PyType);
    this.mro = base ? [this, ...base.mro] : [this];
    this.bases = base ? [base] : [];
  }
  isSubtypeOf(other: PyType): boolean {
    return this.mro.includes(other);
  }
  /** Slot lookup along the MRO. */
  slot<K extends keyof TypeSlots>(key: K): TypeSlots[K] | undefined {
    for (const t of this.mro) if (t.slots[key] !== undefined) return t.slots[key];
    return undefined;
  }
  lookup(name: string): PyObject | undefined {
    for (const t of this.mro) {
      const v = t.attrs.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  /** The name as CPython's tp_name spells it: dotted with the module, except for builtins. */
  get tpName(): string {
    return this.module === 'builtins' ? this.name : `${this.module}.${this.name}`;
  }
}

export class PyInt extends PyObject {
  constructor(type: PyType, readonly value: bigint) {
    super(type);
  }
}
export class PyFloat extends PyObject {
  constructor(type: PyType, readonly value: number) {
    super(type);
  }
}
export class PyStr extends PyObject {
  private utf8Cache: Uint8Array | null = null;
  private codepointCount = -1;
  constructor(type: PyType, readonly value: string) {
    super(type);
  }
  get utf8(): Uint8Array {
    return (this.utf8Cache ??= new TextEncoder().encode(this.value));
  }
  /** Length in code points, as Python counts it. */
  get length(): number {
    if (this.codepointCount < 0) {
      let n = 0;
      for (const _ of this.value) n++;
      this.codepointCount = n;
    }
    return this.codepointCount;
  }
}
export class PyBytes extends PyObject {
  constructor(type: PyType, readonly value: Uint8Array) {
    super(type);
  }
}
export class PyTuple extends PyObject {
  constructor(type: PyType, readonly items: readonly PyObject[]) {
    super(type);
  }
}
export class PyList extends PyObject {
  constructor(type: PyType, public items: PyObject[]) {
    super(type);
  }
}
/** The key a str `s` has in PyDict.entries: the same whether the dict is reached from Python or not. */
export function strKey(s: string): string {
  return 's' + s;
}
export class PyDict extends PyObject {
  /** Insertion-ordered; keyed by a canonical key so that 1, 1.0 and True collide as in Python. */
  readonly entries = new Map<unknown, [PyObject, PyObject]>();
}
export class PyModule extends PyObject {
  constructor(type: PyType, readonly name: string) {
    super(type);
    this.dict = new Map();
  }
}
/**
 * `callee` is the object that was called: a method bound to an instance is a different object
 * from the function found on the type, and CPython names the two differently in its errors.
 */
export type HostFunction = (args: PyObject[], kwargs: Kwargs, callee: PyBuiltinFunction) => PyObject;
/**
 * A function implemented by the backend or an extension: a `builtin_function_or_method` (a
 * module's function, or a method bound to `self`), or a `method_descriptor` (a method as its
 * type holds it, self null). `owner` is the type a method belongs to, null for a module's
 * function.
 */
export class PyBuiltinFunction extends PyObject {
  constructor(
    type: PyType,
    readonly name: string,
    readonly fn: HostFunction,
    readonly self: PyObject | null = null,
    readonly doc: string | null = null,
    readonly owner: PyType | null = null,
  ) {
    super(type);
  }
}
export class PyException extends PyObject {
  args: PyTuple;
  cause: PyObject | null = null;
  context: PyObject | null = null;
  constructor(type: PyType, args: PyTuple) {
    super(type);
    this.args = args;
    this.dict = new Map();
  }
}
/** An iterator over a JS iterator of Python objects. */
export class PyIterator extends PyObject {
  constructor(type: PyType, readonly source: Iterator<PyObject>) {
    super(type);
  }
}
/** slice(start, stop, step): the bounds are any objects, as in Python; None means "omitted". */
export class PySlice extends PyObject {
  constructor(type: PyType, readonly start: PyObject, readonly stop: PyObject, readonly step: PyObject) {
    super(type);
  }
}
/**
 * What a capsule owns, kept apart from the capsule itself so that its death action (which runs
 * the C destructor) can read it without keeping the capsule alive.
 */
export interface CapsuleState {
  pointer: bigint;
  /** The `const char *` name as the destructor and HPyCapsule_GetName see it; 0n for NULL. */
  name: bigint;
  context: bigint;
  /** The destructor impl `void (const char *name, void *pointer, void *context)`, if any. */
  destructor: ((name: bigint, pointer: bigint, context: bigint) => void) | null;
}
export class PyCapsule extends PyObject {
  constructor(type: PyType, readonly state: CapsuleState) {
    super(type);
  }
}
/** contextvars.ContextVar; its value lives in the interpreter's single context. */
export class PyContextVar extends PyObject {
  /** The value in the current context (the reference interpreter has only one). */
  value: PyObject | null = null;
  constructor(type: PyType, readonly name: string, readonly defaultValue: PyObject | null) {
    super(type);
  }
}
/** contextvars.Token: what ContextVar.set returns, to undo the set with ContextVar.reset. */
export class PyContextToken extends PyObject {
  used = false;
  constructor(type: PyType, readonly variable: PyContextVar, readonly oldValue: PyObject | null) {
    super(type);
  }
}
