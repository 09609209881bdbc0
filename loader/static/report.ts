/**
 * Static ABI report of an HPy universal binary: what an HPy 0.9 loader checks (the file
 * name, the entry points and the ABI version it reports, the module definition), found by
 * reading the file only. The extension is never loaded, so
 * this is safe to run on untrusted or foreign binaries.
 */
import { parseFileName } from '../file-name.js';
import { signatureName, slotName } from '../module-def.js';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ABI_VERSION, ENUMS } from '../abi/abi.generated.js';
import { ElfError, ElfImage } from './elf.js';
import { migrationOf, type Migration } from './migration.js';
import { decodeFunction, readModuleDef, type ModuleDef } from './module-def.js';
import { afterReleaseApi, staticUses } from './uses.js';

/** The file cannot be analysed at all; message is one line naming the file and the reason. */
export class ReportError extends Error {
  override name = 'ReportError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export interface Problem {
  /** Short stable kebab-case identifier, for CI filters. */
  code: string;
  message: string;
}

export interface StaticReport {
  file: string;
  module: string;
  /** Filename tag such as "hpy0", or null when the name carries none. */
  abiTag: string | null;
  /** From the get_required_hpy_*_version_ getters; null when either could not be decoded. */
  requiredAbi: { major: number; minor: number } | null;
  entryPoints: { symbol: string; found: boolean }[];
  /** Undefined dynamic symbols of the Python C API. */
  pyImports: string[];
  /** Context functions its code calls that HPy 0.9.0 does not have (API names, static scan). */
  afterReleaseApi: string[];
  /** What replaces each of pyImports in HPy, by family; null when there are none. */
  migration: Migration | null;
  needed: string[];
  /** The rest is null when the module definition could not be read. */
  moduleDoc: string | null;
  methods: { name: string; signature: string; doc: string | null }[] | null;
  slots: { slot: number; name: string | null }[] | null;
  globals: number | null;
  problems: Problem[];
  notes: string[];
  ok: boolean;
}

/** Python C API names as CPython exports them. */
const PY_SYMBOL = /^_?Py[A-Z_]/;

const UNIVERSAL_METHOD_SIGNATURES = new Set<number>([
  ENUMS.HPyFunc_Signature.HPyFunc_VARARGS,
  ENUMS.HPyFunc_Signature.HPyFunc_KEYWORDS,
  ENUMS.HPyFunc_Signature.HPyFunc_NOARGS,
  ENUMS.HPyFunc_Signature.HPyFunc_O,
]);
const MOD_CREATE = ENUMS.HPySlot_Slot.HPy_mod_create;
const MOD_EXEC = ENUMS.HPySlot_Slot.HPy_mod_exec;

/** A file to report on, or a ReportError saying in a few words why it cannot be read. */
export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' :
      code === 'EISDIR' ? 'is a directory, not a file' :
      code === 'EACCES' ? 'permission denied' :
      (err as Error).message;
    throw new ReportError(path, reason);
  }
}

export function staticReport(path: string): StaticReport {
  return staticReportOf(path, readInputFile(path));
}

/**
 * The report of a binary held in memory (a member of a wheel): `path` names it in the report
 * and gives the file name that the ABI tag and the module name are read from.
 */
export function staticReportOf(path: string, bytes: Buffer): StaticReport {
  return analyseBinary(path, bytes).report;
}

/**
 * The static report with what it was made from: the parsed image and the context functions its
 * code calls (callers that need them too parse and scan once).
 */
export function analyseBinary(path: string, bytes: Buffer): { report: StaticReport; elf: ElfImage; uses: string[] } {
  let elf: ElfImage;
  try {
    elf = ElfImage.parse(bytes);
  } catch (err) {
    if (err instanceof ElfError) throw new ReportError(path, err.message);
    throw err;
  }

  const name = parseFileName(basename(path));
  const problems: Problem[] = [];
  const notes: string[] = [];
  const problem = (code: string, message: string): void => void problems.push({ code, message });

  if (name.cpythonSuffix) {
    problem('cpython-abi', `the name ends in "${name.cpythonSuffix}": a CPython-ABI build, not an HPy universal binary`);
  } else if (name.hybridSuffix) {
    problem('hybrid', `"${name.abiTag}${name.hybridSuffix}" names a hybrid binary, which links against the CPython C API`);
  } else if (name.abiTag === null) {
    problem('missing-tag', `the file name has no ".hpy<N>" ABI tag (expected ".${ABI_VERSION.tag}.so")`);
  }

  if (elf.symbolSource === 'DT_HASH' || elf.symbolSource === 'DT_GNU_HASH') {
    notes.push(`no section headers: dynamic symbols were found through ${elf.symbolSource}`);
  }

  const pyImports = elf.symbols.filter((s) => !s.defined && PY_SYMBOL.test(s.name)).map((s) => s.name);
  if (pyImports.length > 0) {
    problem('py-imports', `imports ${pyImports.length} Python C API symbol(s) (${pyImports.slice(0, 3).join(', ')}${pyImports.length > 3 ? ', ...' : ''}); a universal binary imports none`);
  }

  const uses = staticUses(elf);
  const afterRelease = afterReleaseApi(uses);
  if (afterRelease.length > 0) {
    problem('post-0.9-api', `calls ${afterRelease.join(', ')}, added to HPy after 0.9.0 while the ABI stayed 0.0: `
      + 'hosts with HPy 0.9.0 or older (official hpy on CPython, PyPy, GraalPy) load it and crash when it reads past their context');
  }

  const m = name.module;
  const symbols = {
    major: `get_required_hpy_major_version_${m}`,
    minor: `get_required_hpy_minor_version_${m}`,
    globalContext: `HPyInitGlobalContext_${m}`,
    init: `HPyInit_${m}`,
  };
  const entryPoints = Object.values(symbols).map((symbol) => ({ symbol, found: elf.defined(symbol) !== undefined }));
  for (const e of entryPoints) {
    if (!e.found) problem('missing-entry-point', `${e.symbol} is not exported`);
  }

  const requiredAbi = readRequiredAbi(elf, symbols.major, symbols.minor, notes);
  if (requiredAbi && (requiredAbi.major !== ABI_VERSION.major || requiredAbi.minor > ABI_VERSION.minor)) {
    problem('abi-version', `requires HPy ABI ${requiredAbi.major}.${requiredAbi.minor}; HPy 0.9 hosts accept major ${ABI_VERSION.major}, minor <= ${ABI_VERSION.minor}`);
  }
  if (requiredAbi && name.tagMajor !== null && !name.hybridSuffix && name.tagMajor !== requiredAbi.major) {
    problem('tag-mismatch', `the file name says "${name.abiTag}" but the binary requires ABI major ${requiredAbi.major}`);
  }

  let def: ModuleDef | null = null;
  if (elf.defined(symbols.init)) {
    const lookup = readModuleDef(elf, symbols.init);
    if (lookup.status === 'found') def = lookup.def;
    else if (lookup.status === 'null') problem('null-module-def', `${symbols.init} returns NULL`);
    else if (lookup.status === 'invalid') problem('bad-module-def', lookup.reason);
    else notes.push(`module definition not read: ${lookup.reason}`);
  }
  if (def) checkModuleDef(def, problem, notes);

  const report: StaticReport = {
    file: path,
    module: m,
    abiTag: name.abiTag,
    requiredAbi,
    entryPoints,
    pyImports,
    afterReleaseApi: afterRelease,
    migration: migrationOf(pyImports),
    needed: [...elf.needed],
    moduleDoc: def?.doc ?? null,
    methods: def
      ? def.defines.flatMap((d) => (d.kind === 'meth' ? [{ name: d.name, signature: signatureName(d.signature), doc: d.doc }] : []))
      : null,
    slots: def
      ? def.defines.flatMap((d) => (d.kind === 'slot' ? [{ slot: d.slot, name: slotName(d.slot) }] : []))
      : null,
    globals: def ? def.globals : null,
    problems,
    notes,
    ok: problems.length === 0,
  };
  return { report, elf, uses };
}

function readRequiredAbi(elf: ElfImage, majorSymbol: string, minorSymbol: string, notes: string[]): StaticReport['requiredAbi'] {
  const values: number[] = [];
  for (const symbol of [majorSymbol, minorSymbol]) {
    if (!elf.defined(symbol)) return null;
    const ret = decodeFunction(elf, symbol);
    if (ret.kind !== 'constant') {
      notes.push(`required ABI unknown: ${ret.kind === 'undecodable' ? ret.reason : `${symbol} does not return a constant`}`);
      return null;
    }
    values.push(ret.value);
  }
  return { major: values[0]!, minor: values[1]! };
}

/** What a 0.9 loader accepts in a module definition. */
function checkModuleDef(def: ModuleDef, problem: (code: string, message: string) => void, notes: string[]): void {
  if (def.legacyMethods) {
    problem('legacy-methods', 'HPyModuleDef.legacy_methods is set: CPython methods cannot be served by a universal host');
  }
  if (def.size !== 0) {
    problem('module-size', `HPyModuleDef.size is ${def.size}; HPy 0.9 supports only 0 (no module state)`);
  }
  const creates = def.defines.filter((d) => d.kind === 'slot' && d.slot === MOD_CREATE).length;
  for (const d of def.defines) {
    if (d.kind === 'slot' && d.slot !== MOD_CREATE && d.slot !== MOD_EXEC) {
      problem('unsupported-slot', `slot ${slotName(d.slot) ?? 'unknown'} (${d.slot}) is not allowed in a module; only HPy_mod_create and HPy_mod_exec are`);
    } else if (d.kind === 'meth' && !UNIVERSAL_METHOD_SIGNATURES.has(d.signature)) {
      problem('bad-signature', `method ${d.name} has signature ${signatureName(d.signature)}; module methods take VARARGS, KEYWORDS, NOARGS or O`);
    } else if (d.kind === 'unknown') {
      problem('bad-define', `a define has unknown kind ${d.value}`);
    } else if (d.kind === 'member' || d.kind === 'getset') {
      notes.push(`${d.kind} "${d.name}" is ignored in a module definition`);
    }
  }
  if (creates > 1) {
    problem('mod-create-not-alone', `HPy_mod_create appears ${creates} times`);
  } else if (creates === 1 && (def.defines.length > 1 || def.doc !== null || def.globals > 0 || def.legacyMethods || def.size !== 0)) {
    problem('mod-create-not-alone', 'HPy_mod_create must be the only define, with no doc, globals, legacy methods or size');
  }
}
