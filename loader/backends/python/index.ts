// The `python:<interpreter>` backend: another Python implementation (CPython with official HPy,
// PyPy, GraalPy) whose own hpy.universal loads the binary. The interpreter runs driver.py in a
// process of its own; this class carries the Backend contract to it over a pipe, one blocking
// round trip per operation. Objects stay in the interpreter, named by ids that JavaScript releases
// in batches (sent along with the next request); primitives are converted on the way and cost no
// round trip at all.
import { writeSync } from 'node:fs';
import path from 'node:path';
import { CTX_MEMBERS } from '../../abi/abi.generated.js';
import { CapabilitiesUnknownError, PythonError, type Backend, type Capabilities, type LoadOptions, type Primitive, type Ref, type RefKind } from '../../backend.js';
import { LoadError } from '../../binary.js';
import { collectUntilQuiet, watchedRegistry } from '../../js-gc.js';
import type { LayerKind } from '../../layers/layers.js';
import { ReportError, staticReport } from '../../static/report.js';
import { DriverGoneError, DriverProcess } from './driver-process.js';
import { binaryRefusal, refusal, type Hello } from './handshake.js';
import { InterpreterDebug, InterpreterTrace } from './inspectors.js';
import { driverScript, interpreterLabel, InterpreterError, resolveInterpreter } from './interpreter.js';
import { decode, encode, Held, HELD_TYPE_NAMES, hold, Remote, type WireRef } from './wire.js';

export { InterpreterError } from './interpreter.js';
export { DriverGoneError } from './driver-process.js';
export type { Hello } from './handshake.js';

/** Seconds one answer of the driver may take before the interpreter is killed (default 120). */
export const TIMEOUT_ENV = 'HPY_MATRIX_PYTHON_TIMEOUT';
const DEFAULT_TIMEOUT_S = 120;
/** Releases waiting for a request are sent on their own past this many. */
const MAX_PENDING_RELEASES = 4096;

export interface PythonBackendOptions {
  /** Longest wait for one answer, in milliseconds (default: $HPY_MATRIX_PYTHON_TIMEOUT s, or 120 s). */
  timeoutMs?: number;
  /**
   * When the interpreter dies of a signal, this process dies of the same signal (default true),
   * as it would if the crashing code ran inside it like the other backends' extensions do: a
   * cell then ends as a CRASH naming the signal and the running test. With false, the call throws.
   */
  mirrorCrash?: boolean;
  /** The interpreter's environment (default: this process's), e.g. its PYTHONPATH. */
  env?: NodeJS.ProcessEnv;
}

const asWire = (r: Ref) => r as unknown as WireRef;
const asRef = (w: WireRef) => w as unknown as Ref;
type Fn = (args: Ref[], kwargs: Array<[string, Ref]>) => Ref;
/** An exception as the driver sends it: its id, type name, str() and the chain's type names. */
type ErrorWire = [number, string, string, string[]];


export class PythonBackend implements Backend {
  readonly name: string;
  /** `python:<interpreter>`, the start of this backend's messages. */
  readonly label: string;
  /** What the driver reported about the interpreter and its HPy. */
  readonly hello: Hello;
  readonly debug?: InterpreterDebug;
  readonly trace?: InterpreterTrace;
  private readonly layer: LayerKind | null;
  private readonly proc: DriverProcess;
  /** References JavaScript holds, by driver id. */
  private readonly counts = new Map<number, number>();
  /** Ids whose last reference JavaScript dropped, sent with the next request. */
  private released: number[] = [];
  private readonly functions = new Map<number, Fn>();
  private nextFunctionId = 1;
  /** An exception lives in the interpreter as long as the PythonError that carries it. */
  private readonly errorValues = watchedRegistry<Remote>((r) => this.release(asRef(r)));

  constructor(interpreter: string, layer?: LayerKind, opts: PythonBackendOptions = {}) {
    this.label = interpreterLabel(interpreter);
    this.layer = layer ?? null;
    this.name = layer ? `${layer}:${this.label}` : this.label;
    const executable = resolveInterpreter(interpreter, opts.env);
    const mirrorCrash = opts.mirrorCrash ?? true;
    this.proc = new DriverProcess({
      label: this.label,
      executable,
      driverScript: driverScript(),
      env: opts.env,
      timeoutMs: opts.timeoutMs ?? timeoutFromEnv(),
      onGone: (error, output) => {
        if (mirrorCrash && error.status?.signal && !error.timedOut) dieLike(error, output);
      },
    });
    try {
      this.hello = JSON.parse(this.proc.receive('the handshake (is it Python 3.8 or later?)')) as Hello;
      const refused = refusal(this.label, this.hello, this.layer);
      if (refused) throw new InterpreterError(refused);
    } catch (e) {
      this.proc.close();
      throw e;
    }
    const request = (op: string, ...args: unknown[]) => this.request(op, ...args);
    if (layer === 'debug') this.debug = new InterpreterDebug(request);
    if (layer === 'trace') this.trace = new InterpreterTrace(request);
  }

  /** One operation of the driver; answers calls of JavaScript functions until its own comes. */
  /** Releases waiting to ride along with the next request. */
  get pendingReleases(): number {
    return this.released.length;
  }

  private request(op: string, ...args: unknown[]): unknown {
    const released = this.released.length ? this.released.splice(0) : 0;
    this.proc.send(`${JSON.stringify([op, released, ...args])}\n`, op);
    for (;;) {
      const answer = JSON.parse(this.proc.receive(op)) as unknown[];
      if (answer[0] === 0) return answer[1];
      if (answer[0] === 1) throw this.pythonError(answer[1] as ErrorWire);
      this.runFunction(answer[1] as number, answer[2] as unknown[], answer[3] as Array<[string, unknown]>);
    }
  }

  /** A value of an answer; objects become Refs the caller owns. */
  private value(x: unknown): Ref {
    return asRef(decode(x, (id, kind) => this.adopt(id, kind)));
  }

  private adopt(id: number, kind: RefKind): Remote {
    this.counts.set(id, 1);
    return new Remote(id, kind);
  }

  private pythonError([id, type, message, chain]: ErrorWire): PythonError {
    const value = this.adopt(id, 'other');
    const err = new PythonError(type, message, asRef(value), chain);
    this.errorValues.register(err, value);
    return err;
  }

  /** Runs the JavaScript function the driver calls and sends its outcome. */
  private runFunction(fid: number, args: unknown[], kwargs: Array<[string, unknown]>): void {
    let result: WireRef | undefined;
    let reply: [string, unknown];
    try {
      const fn = this.functions.get(fid);
      if (!fn) throw new Error(`JavaScript function #${fid} is gone`);
      result = asWire(fn(args.map((a) => this.value(a)), kwargs.map(([k, v]): [string, Ref] => [k, this.value(v)])));
      reply = ['ret', encode(result)];
    } catch (e) {
      if (e instanceof DriverGoneError) throw e;
      if (e instanceof PythonError && e.value instanceof Remote && this.counts.has(e.value.id)) reply = ['raise', encode(e.value)];
      else reply = ['fail', e instanceof Error ? e.message : String(e)];
    }
    const released = this.released.length ? this.released.splice(0) : 0;
    this.proc.send(`${JSON.stringify([reply[0], released, reply[1]])}\n`, 'a call of a JavaScript function');
    // The backend takes over the Ref a function returns; released once the driver has it.
    if (result) this.release(asRef(result));
  }

  loadModule(file: string, opts: LoadOptions = {}): Ref {
    let report;
    try {
      report = staticReport(file);
    } catch (e) {
      if (e instanceof ReportError) throw new LoadError(file, e.reason);
      throw e;
    }
    // Checked here, before the interpreter sees the binary: an HPy that cannot load it may crash.
    const refused = binaryRefusal(this.label, this.hello.hpy!, file, report);
    if (refused) throw refused;
    return this.value(this.request('load', opts.name ?? report.module, path.resolve(file), this.layer ?? 'universal'));
  }

  importModule(name: string): Ref {
    return this.value(this.request('import', name));
  }

  kind(r: Ref): RefKind {
    return asWire(r).kind;
  }

  toPrimitive(r: Ref): Primitive {
    const w = asWire(r);
    if (w instanceof Held) return w.kind === 'bytes' ? new Uint8Array(w.value as Uint8Array) : w.value;
    if (w.kind === 'bytes') return new Uint8Array(Buffer.from(this.request('bytes', encode(w)) as string, 'base64'));
    throw new TypeError(`a '${this.typeName(r)}' object is not a primitive`);
  }

  fromPrimitive(v: Primitive | null): Ref {
    return asRef(hold(v));
  }

  newTuple(items: Ref[]): Ref {
    return this.value(this.request('tuple', items.map((r) => encode(asWire(r)))));
  }

  newList(items: Ref[]): Ref {
    return this.value(this.request('list', items.map((r) => encode(asWire(r)))));
  }

  newDict(entries: Array<[Ref, Ref]>): Ref {
    return this.value(this.request('dict', entries.map(([k, v]) => [encode(asWire(k)), encode(asWire(v))])));
  }

  newFunction(name: string, fn: Fn): Ref {
    const fid = this.nextFunctionId++;
    this.functions.set(fid, fn);
    return this.value(this.request('function', name, fid));
  }

  items(r: Ref): Ref[] {
    return (this.request('items', encode(asWire(r))) as unknown[]).map((x) => this.value(x));
  }

  entries(r: Ref): Array<[Ref, Ref]> {
    if (asWire(r).kind !== 'dict') throw new TypeError(`a '${this.typeName(r)}' object is not a dict`);
    return (this.request('entries', encode(asWire(r))) as Array<[unknown, unknown]>).map(([k, v]) => [this.value(k), this.value(v)]);
  }

  call(callable: Ref, args: Ref[], kwargs: Array<[string, Ref]> = []): Ref {
    return this.value(this.request('call', encode(asWire(callable)), args.map((a) => encode(asWire(a))),
      kwargs.map(([k, v]) => [k, encode(asWire(v))])));
  }

  getattr(o: Ref, name: string): Ref {
    return this.value(this.request('getattr', encode(asWire(o)), name));
  }

  hasattr(o: Ref, name: string): boolean {
    return this.request('hasattr', encode(asWire(o)), name) as boolean;
  }

  setattr(o: Ref, name: string, value: Ref | null): void {
    if (value === null) this.request('delattr', encode(asWire(o)), name);
    else this.request('setattr', encode(asWire(o)), name, encode(asWire(value)));
  }

  repr(o: Ref): string {
    return this.request('repr', encode(asWire(o))) as string;
  }

  str(o: Ref): string {
    const w = asWire(o);
    if (w instanceof Held && w.kind === 'str') return w.value as string;
    return this.request('str', encode(w)) as string;
  }

  typeName(o: Ref): string {
    const w = asWire(o);
    return w instanceof Held ? HELD_TYPE_NAMES[w.kind] : (this.request('type', encode(w)) as string);
  }

  is(a: Ref, b: Ref): boolean {
    const [x, y] = [asWire(a), asWire(b)];
    if (x === y) return true;
    if (x instanceof Remote && y instanceof Remote && x.id === y.id) return true;
    // The singletons are the same object however often they are sent.
    if (x instanceof Held && y instanceof Held && (x.kind === 'none' || x.kind === 'bool') && x.kind === y.kind) return x.value === y.value;
    return this.request('is', encode(x), encode(y)) as boolean;
  }

  callable(o: Ref): boolean {
    const w = asWire(o);
    return w instanceof Held ? false : (this.request('callable', encode(w)) as boolean);
  }

  dup(r: Ref): Ref {
    const w = asWire(r);
    if (w instanceof Remote) {
      const n = this.counts.get(w.id);
      if (n !== undefined) this.counts.set(w.id, n + 1);
    }
    return r;
  }

  release(r: Ref): void {
    const w = asWire(r);
    if (!(w instanceof Remote)) return;
    const n = this.counts.get(w.id);
    if (n === undefined) return;
    if (n > 1) {
      this.counts.set(w.id, n - 1);
      return;
    }
    this.counts.delete(w.id);
    this.released.push(w.id);
    // Releases normally ride along with the next request; a long quiet stretch must not hoard them.
    if (this.released.length > MAX_PENDING_RELEASES && !this.proc.isGone) this.request('ping');
  }

  async collectGarbage(): Promise<void> {
    // Proxies JavaScript no longer reaches release their objects from finalization callbacks;
    // the interpreter's collector then runs (with those releases) until it finds nothing more.
    await collectUntilQuiet(() => this.request('gc') as boolean);
  }

  capabilities(): Capabilities {
    const version = this.hello.hpy!.version;
    const funcs = CTX_MEMBERS.filter((m) => m.kind === 'func');
    // What the HPy says of itself (hpy-matrix's drop-in does); another says nothing, and a table
    // made from its release's members would claim that each of them works.
    const missing = this.request('missing') as string[] | null;
    if (!missing) {
      throw new CapabilitiesUnknownError(`${this.label}: its hpy.universal ${version} does not say which context functions it implements, `
        + 'so hpy-matrix cannot list them (run the suites on it instead)');
    }
    const reason = `not implemented by the hpy.universal of ${this.label} (${version})`;
    const absent = new Map(missing.map((name) => [name, reason]));
    return {
      implemented: funcs.filter((m) => !absent.has(m.name)).map((m) => m.name),
      partial: [],
      unsupported: funcs.filter((m) => absent.has(m.name)).map((m) => ({ name: m.name, reason: absent.get(m.name)! })),
    };
  }

  close(): void {
    // The driver ends at the end of its requests pipe; what it still holds goes with it.
    this.proc.close();
    this.functions.clear();
  }
}

function timeoutFromEnv(): number {
  const raw = process.env[TIMEOUT_ENV];
  const seconds = raw === undefined || raw === '' ? DEFAULT_TIMEOUT_S : Number(raw);
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new InterpreterError(`${TIMEOUT_ENV} must be a positive number of seconds, got '${raw}'`);
  }
  return seconds * 1000;
}

/**
 * Ends this process with the signal that ended the interpreter, after printing what the
 * interpreter printed (a crash's Python stack, from faulthandler) and which call it died in.
 */
function dieLike(error: DriverGoneError, output: string): void {
  const firstLine = error.message.split('\n')[0]!.replace(/; its last output:$/, '');
  try {
    // Synchronously: the process ends right after.
    writeSync(2, `${output.trimEnd()}\n${firstLine}\n`.replace(/^\n/, ''));
  } catch {
    // stderr closed
  }
  process.kill(process.pid, error.status!.signal!);
}
