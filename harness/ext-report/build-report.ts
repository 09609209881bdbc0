// The parent side of `hpy-matrix report <file> --backend B`: the static report, then one probe
// child per backend, then what each backend lacks of what the extension uses, and a verdict.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Backend } from '../../loader/backend.js';
import { ElfImage } from '../../loader/static/elf.js';
import { staticReport } from '../../loader/static/report.js';
import { collectCoverage, type BackendCoverage } from '../coverage/table.js';
import {
  EXTENSION_REPORT_SCHEMA, type BackendReport, type ExtensionReport, type Lack, type ModuleContents, type Verdict,
} from './model.js';
import { decodeProbeEvents, type ProbeEvent } from './probe-events.js';
import { staticUses } from './static-uses.js';
import { findTypeSpec } from './type-specs.js';

/** Loading a module takes milliseconds; a probe still running after this hangs. */
export const PROBE_TIMEOUT_MS = 60_000;

export interface ExtensionReportOptions {
  backends: string[];
  timeoutMs?: number;
}

/** Throws ReportError when the file cannot be analysed at all. */
export async function buildExtensionReport(file: string, opts: ExtensionReportOptions): Promise<ExtensionReport> {
  const stat = staticReport(file);
  const elf = ElfImage.parse(readFileSync(file));
  const uses = staticUses(elf);
  // Loaded on demand, as the coverage command does: backends pull in koffi.
  const { createBackend: create } = await import('../../loader/backends/index.js');
  const backends: BackendReport[] = [];
  for (const name of opts.backends) {
    const events = await runProbe(file, name, opts.timeoutMs ?? PROBE_TIMEOUT_MS);
    backends.push(backendReport(name, events, uses, elf, coverageOf(name, create)));
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

interface ProbeRun {
  events: ProbeEvent[];
  signal?: string;
  timedOut: boolean;
  timeoutMs: number;
  exitCode?: number;
  output: string;
}

/** The probe script beside this module: compiled JavaScript, or TypeScript when run under tsx. */
function probeCommand(): string[] {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) return ['--import', import.meta.resolve('tsx'), path.join(path.dirname(self), 'probe-main.ts')];
  return [path.join(path.dirname(self), 'probe-main.js')];
}

async function runProbe(file: string, backend: string, timeoutMs: number): Promise<ProbeRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-probe-'));
  try {
    const results = path.join(dir, 'events.jsonl');
    const child = await execa(process.execPath, [...probeCommand(), '--file', path.resolve(file), '--backend', backend, '--results', results],
      { reject: false, timeout: timeoutMs, stdin: 'ignore', env: { FORCE_COLOR: '0' } });
    return {
      events: decodeProbeEvents(await readFile(results, 'utf8').catch(() => '')),
      // A probe killed for taking too long is a hang, not a crash.
      ...(child.signal && !child.timedOut ? { signal: child.signal } : {}),
      timedOut: child.timedOut,
      timeoutMs,
      ...(child.exitCode === undefined ? {} : { exitCode: child.exitCode }),
      output: (child.stderr.trim() === '' ? child.stdout : child.stderr).trim(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function coverageOf(name: string, create: (name: string) => Backend): BackendCoverage | string {
  try {
    return collectCoverage([name], create).backends[name]!;
  } catch (err) {
    return (err as Error).message;
  }
}

function backendReport(name: string, run: ProbeRun, uses: string[], elf: ElfImage, coverage: BackendCoverage | string): BackendReport {
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
  const lacking = typeof coverage === 'string' ? [] : lacks(coverage, uses, calls);
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
    verdict: verdict(run, loads, initializes, error, lacking, calls !== undefined, typeof coverage === 'string' ? coverage : undefined),
  };
}

/** How the probe process ended, when that is the news: a signal, a hang, an exit without its end. */
function probeFailure(run: ProbeRun, ended: boolean): string | undefined {
  const tail = run.output === '' ? '' : `\n${run.output.split('\n').slice(-20).join('\n')}`;
  if (run.timedOut) return `no answer within ${run.timeoutMs} ms`;
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
 * DEGRADED needs an unsupported function that is used for sure: called while loading, or, for
 * a backend that cannot trace, seen by the static scan. Functions the scan alone sees on a
 * backend that traced are listed, not held against it: the runtime helpers compiled into every
 * extension reach functions that a given extension may never call.
 */
function verdict(run: ProbeRun, loads: boolean, initializes: boolean, error: string | undefined,
  lacking: Lack[], traced: boolean, coverageError: string | undefined): Verdict {
  if (run.signal) return { status: 'CRASH', message: `killed by ${run.signal} while ${!loads ? 'loading' : !initializes ? 'initializing' : 'inspecting the module'}` };
  if (!loads || !initializes) return { status: 'FAILS TO LOAD', message: firstLine(error ?? 'the probe stopped early') };
  if (error !== undefined) return { status: 'DEGRADED', message: `loads, but inspecting it failed: ${firstLine(error)}` };
  if (coverageError !== undefined) return { status: 'DEGRADED', message: `loads; capabilities unknown: ${coverageError}` };
  const missing = lacking.filter((l) => l.status === 'unsupported' && (l.called || !traced)).map((l) => l.name);
  if (missing.length > 0) return { status: 'DEGRADED', message: `uses unsupported ${missing.join(', ')}` };
  return { status: 'OK', message: '' };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}
