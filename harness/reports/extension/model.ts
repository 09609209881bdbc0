// What `hpy-matrix report <file> --backend B` finds out about one extension: the static report
// plus, per backend, what loading it showed. Every format (console, JSON, Markdown, HTML)
// renders this one model; JSON prints it as is.
import type { StaticReport } from '../../../loader/static/report.js';
import type { FunctionInfo, TypeSpecInfo } from '../../../loader/static/type-specs.js';

export type { FunctionInfo, TypeSpecInfo };

/** Bumped when a field changes meaning or disappears; new fields keep the number. */
export const EXTENSION_REPORT_SCHEMA = 1;

export interface ExtensionReport {
  schema: typeof EXTENSION_REPORT_SCHEMA;
  file: string;
  module: string;
  static: StaticReport;
  /** Context functions the machine code calls, found by scanning it (an estimate: see staticUses). */
  staticUses: string[];
  backends: BackendReport[];
  /** No ABI problem and every backend OK. */
  ok: boolean;
}

export interface BackendReport {
  backend: string;
  /** dlopen, entry points, ABI handshake and HPyInit passed. */
  loads: boolean;
  /** The module object was created and its exec slots ran. */
  initializes: boolean;
  /** Why it did not load or initialize, or how the probe ended. */
  error?: string;
  /** The signal that killed the probe process (a crash in the extension or the backend). */
  signal?: string;
  contents?: ModuleContents;
  /** Context functions called while loading and inspecting the module, with counts; absent when the backend cannot count. */
  calls?: Record<string, number>;
  /** Used context functions that this backend does not fully provide. */
  lacking: Lack[];
  verdict: Verdict;
}

export interface Lack {
  name: string;
  status: 'partial' | 'unsupported';
  /** What is missing (partial) or why it is refused (unsupported). */
  note: string;
  /** Seen in the trace (called while loading) rather than only in the static scan. */
  called: boolean;
}

export type VerdictStatus = 'OK' | 'DEGRADED' | 'FAILS TO LOAD' | 'CRASH';

export interface Verdict {
  status: VerdictStatus;
  message: string;
}

export interface ModuleContents {
  doc: string | null;
  functions: FunctionInfo[];
  types: TypeInfo[];
  /** Attributes that are neither functions of the module definition nor types. */
  other: Array<{ name: string; type: string; repr: string }>;
}


export interface TypeInfo {
  /** Attribute name in the module. */
  name: string;
  /** The HPyType_Spec name (tp_name), e.g. "mymod.Point". */
  specName: string;
  /** The decoded spec; absent when it could not be found in the binary (see specNote). */
  spec?: TypeSpecInfo;
  specNote?: string;
}
