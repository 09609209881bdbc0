// What `hpy-matrix report <file.whl>` finds out about a wheel: its tags (from its file name and
// from its .dist-info/WHEEL), the problems of the wheel itself, and the report of each HPy
// binary it holds, named by its path inside the wheel. Every format renders this one model;
// JSON prints it as is.
import type { Problem } from '../../../loader/static/report.js';
import type { WheelName } from '../../../loader/static/wheel-tags.js';
import type { ExtensionReport } from './model.js';

/** Bumped when a field changes meaning or disappears; new fields keep the number. */
export const WHEEL_REPORT_SCHEMA = 1;

export interface WheelReport {
  schema: typeof WHEEL_REPORT_SCHEMA;
  /** The wheel as given on the command line. */
  wheel: string;
  /** The parts of the file name; null when it is not a wheel's name (see problems). */
  name: WheelName | null;
  tags: WheelTags;
  binaries: WheelBinary[];
  /** Shared libraries that are not HPy binaries (CPython-ABI extensions, bundled libraries). */
  otherLibraries: string[];
  /** Problems of the wheel itself; each binary has its own. */
  problems: Problem[];
  /** No problem of the wheel, and every binary ok. */
  ok: boolean;
}

export interface WheelTags {
  /** Every tag the file name stands for (compressed sets expanded); null without a wheel name. */
  fromName: string[] | null;
  /** The `.dist-info/WHEEL` file read, and its `Tag:` lines; null when there is none to read. */
  wheelFile: string | null;
  fromWheelFile: string[] | null;
  /** Where the two disagree (both empty when they agree or one side is missing). */
  onlyInName: string[];
  onlyInWheelFile: string[];
}

export interface WheelBinary {
  /** The binary's path inside the wheel. */
  path: string;
  /** Its report (`file` is the path inside the wheel); absent when it cannot be analysed. */
  report?: ExtensionReport;
  /** Why it cannot be analysed (not ELF, truncated, …). */
  error?: string;
  ok: boolean;
}
