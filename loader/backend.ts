// The Backend contract: what the suite API needs from any backend, without knowing which.
import type { DebugInspector, TraceInspector } from './layers/layers.js';

/**
 * A binary the backend could load but will not, because the HPy behind it lacks what the binary
 * needs (context functions added after the HPy release it has). Suites may skip on it.
 */
export class UnhostedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnhostedError';
  }
}

/**
 * Thrown by `capabilities()` of a backend that cannot know which context functions it implements
 * (another implementation's HPy that does not say): reports say so instead of guessing a table.
 */
export class CapabilitiesUnknownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CapabilitiesUnknownError';
  }
}

/** An object living in a backend; only that backend can interpret it. */
export type Ref = { readonly __ref: unique symbol };

/** A Python exception surfacing in JavaScript. */
export class PythonError extends Error {
  constructor(
    /** The exception class name, e.g. 'TypeError'. */
    readonly type: string,
    /** str() of the exception. */
    readonly pyMessage: string,
    /** The exception object itself, for `isinstance` checks and attributes. */
    readonly value: Ref | null = null,
    /** Exception types of the __cause__/__context__ chain, outermost first. */
    readonly chain: readonly string[] = [],
  ) {
    super(pyMessage ? `${type}: ${pyMessage}` : type);
    this.name = 'PythonError';
    // The exception object is a backend value: keep it out of printed errors.
    Object.defineProperty(this, 'value', { enumerable: false });
  }
}

export type Primitive = number | bigint | string | boolean | undefined | Uint8Array;
/** What a Ref converts to; only exact builtin types have a kind other than 'other' (not their subclasses). */
export type RefKind = 'none' | 'bool' | 'int' | 'float' | 'str' | 'bytes' | 'tuple' | 'list' | 'dict' | 'other';

export interface LoadOptions {
  /** Module name; default: the file name up to `.hpy`. */
  name?: string;
}

export interface Capabilities {
  implemented: string[];
  partial: Array<{ name: string; missing: string }>;
  unsupported: Array<{ name: string; reason: string }>;
}

/**
 * Every method may throw PythonError (a Python exception) or LoadError; nothing else is
 * expected. Refs returned (including the arguments handed to a `newFunction` callback) are
 * owned by the caller until `release`d; Refs passed in are borrowed, except the Ref a
 * `newFunction` callback returns, which the backend takes over.
 */
export interface Backend {
  readonly name: string;
  loadModule(path: string, opts?: LoadOptions): Ref;
  importModule(name: string): Ref;

  kind(r: Ref): RefKind;
  /** Converts primitives (bool, int, float, str, bytes, None) to JS; other kinds throw. */
  toPrimitive(r: Ref): Primitive;
  fromPrimitive(v: Primitive | null): Ref;
  newTuple(items: Ref[]): Ref;
  newList(items: Ref[]): Ref;
  newDict(entries: Array<[Ref, Ref]>): Ref;
  /**
   * A Python callable that runs `fn`. A PythonError thrown by `fn` re-raises its exception;
   * any other error becomes a Python RuntimeError carrying its message.
   */
  newFunction(name: string, fn: (args: Ref[], kwargs: Array<[string, Ref]>) => Ref): Ref;
  /** Items of a tuple or list, or of any iterable. */
  items(r: Ref): Ref[];
  /** Key/value pairs of a dict. */
  entries(r: Ref): Array<[Ref, Ref]>;

  call(callable: Ref, args: Ref[], kwargs?: Array<[string, Ref]>): Ref;
  getattr(o: Ref, name: string): Ref;
  hasattr(o: Ref, name: string): boolean;
  setattr(o: Ref, name: string, value: Ref | null): void;
  repr(o: Ref): string;
  str(o: Ref): string;
  typeName(o: Ref): string;
  is(a: Ref, b: Ref): boolean;
  callable(o: Ref): boolean;

  /** A second owned reference to the same object (released separately). */
  dup(r: Ref): Ref;
  release(r: Ref): void;
  /**
   * Collects unreachable objects until their finalizers and destructors have run, so that a
   * test can observe destruction (`gc.collect()` on CPython).
   */
  collectGarbage(): Promise<void>;
  capabilities(): Capabilities;
  /**
   * The CPython in this process, where there is one, as the tag of hybrid file names ('cp311'):
   * hybrid binaries built for it load here.
   */
  readonly cpython?: string;
  /** The debug layer's findings, on a `debug:<backend>` backend. */
  readonly debug?: DebugInspector;
  /** Calls and time per context function, on a `trace:<backend>` backend. */
  readonly trace?: TraceInspector;
  close(): void;
}
