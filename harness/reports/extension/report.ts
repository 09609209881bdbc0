// The parent side of `hpy-matrix report <file> --backend B`: the static report, then one probe
// child per backend, then what each backend lacks of what the extension uses, and a verdict.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElfImage } from '../../../loader/static/elf.js';
import { analyseBinary, readInputFile } from '../../../loader/static/report.js';
import { runIsolated, outputTail, type IsolatedRun } from '../../child/run-isolated.js';
import { checkCapabilities, type BackendCoverage } from '../coverage/table.js';
import {
  EXTENSION_REPORT_SCHEMA, type BackendReport, type ExtensionReport, type Lack, type ModuleContents, type Verdict,
} from './model.js';
import type { ProbeEvent } from './probe-events.js';
import { findTypeSpec } from '../../../loader/static/type-specs.js';

/** Loading a module takes milliseconds; a probe still running after this hangs. */
export const PROBE_TIMEOUT_MS = 60_000;

export interface ExtensionReportOptions {
  backends: string[];
  timeoutMs?: number;
  /** A probe is killed once its resident memory passes this. */
  maxMemoryBytes?: number;
  /** The environment a backend's probe needs (what the runner prepared for it). */
  envOf?: (backend: string) => Promise<Record<string, string>>;
}

/** Throws ReportError when the file cannot be analysed at all. */
export async function buildExtensionReport(file: string, opts: ExtensionReportOptions): Promise<ExtensionReport> {
  const { report: stat, elf, uses } = analyseBinary(file, readInputFile(file));
  const backends: BackendReport[] = [];
  for (const name of opts.backends) {
    const run = await runIsolated<ProbeEvent>({
      args: [...probeCommand(), '--file', path.resolve(file), '--backend', name],
      timeoutMs: opts.timeoutMs ?? PROBE_TIMEOUT_MS,
      env: (await opts.envOf?.(name)) ?? {},
      ...(opts.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: opts.maxMemoryBytes }),
    });
    backends.push(backendReport(name, run, uses, elf));
  }
  return {
    schema: EXTENSION_REPORT_SCHEMA,
    file,
    module: stat.module,
    static: stat,
    staticUses: uses,
    backends,
    ok: stat.ok && backends.every((b) => b.verdict.status === 'OK'),
  };
}

/**
 * The report of a binary without loading it (no backend): for the formats that render a whole
 * report, and for the binaries of a wheel. `file` names it; `bytes` are its contents. Throws
 * ReportError when it cannot be analysed.
 */
export function staticExtensionReport(file: string, bytes: Buffer): ExtensionReport {
  const { report: stat, uses } = analyseBinary(file, bytes);
  return {
    schema: EXTENSION_REPORT_SCHEMA, file, module: stat.module, static: stat,
    staticUses: uses, backends: [], ok: stat.ok,
  };
}

type ProbeRun = IsolatedRun<ProbeEvent>;

/** The probe script beside this module: compiled JavaScript, or TypeScript when run under tsx. */
function probeCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) return ['--import', import.meta.resolve('tsx'), path.join(path.dirname(self), 'probe-main.ts')];
  return [path.join(path.dirname(self), 'probe-main.js')];
}

/** The backend's own table, as the probe reported it, or why there is none ({ unlisted } when it cannot know). */
function coverageOf(name: string, run: ProbeRun): BackendCoverage | string | { unlisted: string } {
  const reported = run.events.find((e) => e.event === 'capabilities');
  if (!reported) return 'the probe did not get as far as creating the backend';
  if (reported.unlisted !== undefined) return { unlisted: reported.unlisted };
  if (!reported.capabilities) return reported.error ?? 'capabilities() gave nothing';
  try {
    return checkCapabilities(name, reported.capabilities);
  } catch (err) {
    return (err as Error).message;
  }
}

function backendReport(name: string, run: ProbeRun, uses: string[], elf: ElfImage): BackendReport {
  const coverage = coverageOf(name, run);
  const find = <K extends ProbeEvent['event']>(k: K) => run.events.find((e): e is Extract<ProbeEvent, { event: K }> => e.event === k);
  const loaded = find('loaded');
  const loadFailed = find('load-failed');
  const initFailed = find('init-failed');
  const listed = find('contents');
  const calls = find('calls')?.calls;
  const ended = find('end') !== undefined;

  const loads = loaded !== undefined;
  const initializes = find('initialized') !== undefined;
  const contents: ModuleContents | undefined = loaded && {
    doc: loaded.doc,
    functions: loaded.functions,
    types: (listed?.types ?? []).map((t) => {
      const found = findTypeSpec(elf, t.specName);
      return 'spec' in found ? { ...t, spec: found.spec } : { ...t, specNote: found.note };
    }),
    other: listed?.other ?? [],
  };
  const lacking = typeof coverage === 'string' || 'unlisted' in coverage ? [] : lacks(coverage, uses, calls);
  const error = loadFailed?.error ?? initFailed?.error ?? probeFailure(run, ended);

  return {
    backend: name,
    loads,
    initializes,
    ...(error === undefined ? {} : { error }),
    ...(run.signal ? { signal: run.signal } : {}),
    ...(contents ? { contents } : {}),
    ...(calls ? { calls } : {}),
    lacking,
    verdict: verdict(run, loads, initializes, error, lacking, calls !== undefined, coverage),
  };
}

/** How the probe process ended, when that is the news: a signal, a hang, an exit without its end. */
function probeFailure(run: ProbeRun, ended: boolean): string | undefined {
  const tail = outputTail(run.output);
  if (run.timedOut) return `no answer within ${run.timeoutMs} ms`;
  if (run.outOfMemory) return `out of memory (limit ${Math.round(run.outOfMemory.limitBytes / 2 ** 20)} MB)`;
  if (run.signal) return `killed by ${run.signal}${tail}`;
  if (!ended) return `the probe exited with code ${run.exitCode} before its end${tail}`;
  return undefined;
}

/**
 * Used functions this backend does not fully provide. The trace says what was called while
 * loading; the static scan says what the code can call at all, loading or not.
 */
function lacks(coverage: BackendCoverage, uses: string[], calls: Record<string, number> | undefined): Lack[] {
  const used = new Set([...uses, ...Object.keys(calls ?? {})]);
  const called = (name: string) => calls !== undefined && name in calls;
  return [
    ...coverage.unsupported.filter((u) => used.has(u.name)).map((u) => ({ name: u.name, status: 'unsupported' as const, note: u.reason, called: called(u.name) })),
    ...coverage.partial.filter((p) => used.has(p.name)).map((p) => ({ name: p.name, status: 'partial' as const, note: p.missing, called: called(p.name) })),
  ];
}

/**
 * The function every cpy trampoline calls, and the trampolines are in every universal binary:
 * the scan always sees it. A backend that calls impls directly (reference, under any layer) never
 * reaches it, and one that calls trampolines cannot load anything without it, so the sighting
 * says nothing about the extension.
 */
const TRAMPOLINE_ENTRY = 'ctx_CallRealFunctionFromTrampoline';

/**
 * DEGRADED needs an unsupported function that is used for sure: called while loading, or, for
 * a backend that cannot trace (one under the debug layer), seen by the static scan. Functions
 * the scan alone sees on a backend that traced are listed, not held against it: the runtime
 * helpers compiled into every extension reach functions that a given extension may never call.
 */
function verdict(run: ProbeRun, loads: boolean, initializes: boolean, error: string | undefined,
  lacking: Lack[], traced: boolean, coverage: BackendCoverage | string | { unlisted: string }): Verdict {
  const stage = !loads ? 'loading' : !initializes ? 'initializing' : 'inspecting the module';
  if (run.outOfMemory) return { status: 'CRASH', message: `out of memory while ${stage}` };
  if (run.signal) return { status: 'CRASH', message: `killed by ${run.signal} while ${stage}` };
  if (!loads || !initializes) return { status: 'FAILS TO LOAD', message: firstLine(error ?? 'the probe stopped early') };
  if (error !== undefined) return { status: 'DEGRADED', message: `loads, but inspecting it failed: ${firstLine(error)}` };
  if (typeof coverage === 'string') return { status: 'DEGRADED', message: `loads; capabilities unknown: ${coverage}` };
  // Another implementation's HPy that does not say what it implements: it loaded and initialised
  // the module, which is all that can be known without running the suites.
  if ('unlisted' in coverage) return { status: 'OK', message: 'loads; which context functions it implements is not known' };
  const missing = lacking.filter((l) => l.status === 'unsupported' && (l.called || (!traced && l.name !== TRAMPOLINE_ENTRY)))
    .map((l) => l.name);
  if (missing.length > 0) return { status: 'DEGRADED', message: `uses unsupported ${missing.join(', ')}` };
  return { status: 'OK', message: '' };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}
