// `hpy-matrix report <file.whl>`: the wheel's tags and its own problems, then the report of each
// HPy binary inside it. The static part reads the binaries in memory; with --backend each one
// is written to a temporary folder for its probes (a backend loads a file), and its report
// names it by its path inside the wheel, not by the temporary copy.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ReportError, type Problem } from '../../../loader/static/report.js';
import { readWheel, type WheelContents, type WheelMember } from '../../../loader/static/wheel.js';
import { compareTags, parseWheelName, wheelFileTags } from '../../../loader/static/wheel-tags.js';
import type { ExtensionReport } from './model.js';
import { buildExtensionReport, staticExtensionReport, type ExtensionReportOptions } from './report.js';
import { WHEEL_REPORT_SCHEMA, type WheelBinary, type WheelReport, type WheelTags } from './wheel-model.js';

/** Throws ReportError when the wheel cannot be read (missing, not a zip, truncated, damaged). */
export async function buildWheelReport(file: string, opts: ExtensionReportOptions): Promise<WheelReport> {
  const contents = await readWheel(file);
  const problems: Problem[] = [];
  const problem = (code: string, message: string): void => void problems.push({ code, message });

  const parsed = parseWheelName(path.basename(file));
  const name = 'error' in parsed ? null : parsed;
  if ('error' in parsed) problem('wheel-name', parsed.error);
  const tags = readTags(contents, name?.tags ?? null, problem);

  if (contents.binaries.length === 0) {
    const others = contents.otherLibraries.length > 0 ? `; its native libraries: ${contents.otherLibraries.join(', ')}` : '';
    problem('no-hpy-binaries', `the wheel holds no HPy binary (no *.hpy*.so${others}); a wheel that ships a universal extension holds one`);
  }
  const binaries = opts.backends.length === 0
    ? await Promise.all(contents.binaries.map((m) => analysed(m, () => staticExtensionReport(m.path, m.bytes))))
    : await probed(contents.binaries, opts);

  return {
    schema: WHEEL_REPORT_SCHEMA,
    wheel: file,
    name,
    tags,
    binaries,
    otherLibraries: contents.otherLibraries,
    problems,
    ok: problems.length === 0 && binaries.every((b) => b.ok),
  };
}

function readTags(contents: WheelContents, fromName: string[] | null, problem: (code: string, message: string) => void): WheelTags {
  const files = contents.wheelFiles;
  const none = { wheelFile: null, fromWheelFile: null, onlyInName: [], onlyInWheelFile: [] };
  if (files.length !== 1) {
    problem('wheel-metadata', files.length === 0
      ? 'the wheel has no <name>.dist-info/WHEEL file'
      : `the wheel has ${files.length} .dist-info/WHEEL files (${files.map((f) => f.path).join(', ')}); it must have one`);
    return { fromName, ...none };
  }
  const wheelFile = files[0]!;
  const fromWheelFile = wheelFileTags(wheelFile.text);
  if (fromWheelFile.length === 0) {
    problem('wheel-metadata', `${wheelFile.path} has no Tag: line`);
    return { fromName, ...none, wheelFile: wheelFile.path };
  }
  const differences = fromName ? compareTags(fromName, fromWheelFile) : { onlyInName: [], onlyInWheelFile: [] };
  if (differences.onlyInName.length > 0 || differences.onlyInWheelFile.length > 0) {
    const side = (label: string, list: string[]) => (list.length > 0 ? [`${label}: ${list.join(', ')}`] : []);
    problem('tags-disagree', `the file name and ${wheelFile.path} disagree: ${[
      ...side('only in the file name', differences.onlyInName),
      ...side(`only in ${path.posix.basename(wheelFile.path)}`, differences.onlyInWheelFile),
    ].join('; ')}`);
  }
  return { fromName, wheelFile: wheelFile.path, fromWheelFile, ...differences };
}

/** A binary's report, or why it cannot be analysed: one bad binary does not hide the others. */
async function analysed(member: WheelMember, report: () => ExtensionReport | Promise<ExtensionReport>): Promise<WheelBinary> {
  try {
    const r = await report();
    return { path: member.path, report: r, ok: r.ok };
  } catch (err) {
    if (!(err instanceof ReportError)) throw err;
    return { path: member.path, error: err.reason, ok: false };
  }
}

/** Each binary written out under its own name (the module name comes from it), then probed. */
async function probed(members: WheelMember[], opts: ExtensionReportOptions): Promise<WheelBinary[]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'hpy-matrix-wheel-'));
  try {
    const out: WheelBinary[] = [];
    for (const [i, member] of members.entries()) {
      // One folder per binary: two packages of a wheel may hold binaries of the same name.
      const copy = path.join(tmp, String(i), path.posix.basename(member.path));
      await mkdir(path.dirname(copy));
      await writeFile(copy, member.bytes);
      out.push(await analysed(member, async () => renamed(await buildExtensionReport(copy, opts), copy, member.path)));
    }
    return out;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The report with every mention of the temporary copy (its file, a loader's message) replaced by the path in the wheel. */
function renamed<T>(value: T, from: string, to: string): T {
  if (typeof value === 'string') return value.split(from).join(to) as T;
  if (Array.isArray(value)) return value.map((v) => renamed(v, from, to)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renamed(v, from, to)])) as T;
  }
  return value;
}
