/**
 * Reads an extension's HPyModuleDef straight from the file: find what HPyInit_<name>
 * returns by decoding its machine code, then walk the definition through the image
 * with relocations applied. Layouts come from the generated ABI tables only.
 */
import { STRUCTS, type StructField } from '../abi/abi.generated.js';
import type { ElfImage, PointerValue } from './elf.js';
import { decodeReturnValue, SCAN_LIMIT, type ReturnValue } from './x86.js';
import { DEF, GETSET, KIND, MEMBER, METH, MODDEF, SLOT } from '../abi/fields.js';

export type ModuleDefine =
  | { kind: 'meth'; name: string; signature: number; doc: string | null }
  | { kind: 'slot'; slot: number }
  | { kind: 'member'; name: string }
  | { kind: 'getset'; name: string }
  | { kind: 'unknown'; value: number };

export interface ModuleDef {
  address: number;
  doc: string | null;
  size: number;
  legacyMethods: boolean;
  defines: ModuleDefine[];
  globals: number;
}

export type ModuleDefLookup =
  | { status: 'found'; def: ModuleDef }
  /** HPyInit_<name> returns NULL, which every loader rejects. */
  | { status: 'null' }
  /** The code or data could not be followed statically; nothing is known to be wrong. */
  | { status: 'undecodable'; reason: string }
  /** The definition is there but malformed: a loader would fail or crash on it. */
  | { status: 'invalid'; reason: string };

/** Entries beyond this in a NULL-terminated array mean the terminator is missing. */
const MAX_ARRAY_ENTRIES = 4096;

const POINTER_SIZE = MODDEF.defines.size;

/** Raised inside the walk; `external` separates "cannot see" from "is broken". */
export class WalkError extends Error {
  constructor(
    message: string,
    readonly external: boolean,
  ) {
    super(message);
  }
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** What the named function returns in rax, decoded from its first bytes. */
export function decodeFunction(elf: ElfImage, symbol: string): ReturnValue {
  const sym = elf.defined(symbol);
  if (!sym) return { kind: 'undecodable', reason: `${symbol} is not defined` };
  if (!elf.isExecutable(sym.value)) {
    return { kind: 'undecodable', reason: `${symbol} at ${hex(sym.value)} is not in an executable segment` };
  }
  const code = elf.read(sym.value, sym.size > 0 ? Math.min(sym.size, SCAN_LIMIT) : SCAN_LIMIT);
  if (!code) return { kind: 'undecodable', reason: `${symbol} at ${hex(sym.value)} is not mapped` };
  return decodeReturnValue(code, sym.value);
}

export function readModuleDef(elf: ElfImage, initSymbol: string): ModuleDefLookup {
  const ret = decodeFunction(elf, initSymbol);
  let address: number;
  switch (ret.kind) {
    case 'undecodable':
      return { status: 'undecodable', reason: `cannot tell what ${initSymbol} returns: ${ret.reason}` };
    case 'constant':
      if (ret.value === 0) return { status: 'null' };
      return { status: 'undecodable', reason: `${initSymbol} returns the constant ${hex(ret.value)}` };
    case 'address':
      address = ret.address;
      break;
    case 'load': {
      const slot = elf.pointerAt(ret.slot);
      if (slot?.kind === 'null') return { status: 'null' };
      if (slot?.kind !== 'address') {
        return { status: 'undecodable', reason: `${initSymbol} loads its result from ${hex(ret.slot)}, which cannot be resolved statically` };
      }
      address = slot.value;
      break;
    }
  }
  try {
    return { status: 'found', def: walkModuleDef(elf, address) };
  } catch (err) {
    if (!(err instanceof WalkError)) throw err;
    return err.external ? { status: 'undecodable', reason: err.message } : { status: 'invalid', reason: err.message };
  }
}

function walkModuleDef(elf: ElfImage, address: number): ModuleDef {
  if (!elf.read(address, STRUCTS.HPyModuleDef.size)) {
    throw new WalkError(`the HPyModuleDef address ${hex(address)} is not in any loaded segment`, false);
  }
  const definesArray = pointer(elf, address + MODDEF.defines.offset, 'HPyModuleDef.defines');
  const globalsArray = pointer(elf, address + MODDEF.globals.offset, 'HPyModuleDef.globals');
  return {
    address,
    doc: string(elf, address + MODDEF.doc.offset, 'HPyModuleDef.doc'),
    size: integer(elf, address, MODDEF.size, 'HPyModuleDef.size'),
    legacyMethods: pointer(elf, address + MODDEF.legacy_methods.offset, 'HPyModuleDef.legacy_methods') !== null,
    defines: definesArray === null ? [] : pointerArray(elf, definesArray, 'HPyModuleDef.defines').map((d, i) => define(elf, d, i)),
    globals: globalsArray === null ? 0 : pointerArray(elf, globalsArray, 'HPyModuleDef.globals').length,
  };
}

function define(elf: ElfImage, address: number, index: number): ModuleDefine {
  const what = `defines[${index}]`;
  if (!elf.read(address, STRUCTS.HPyDef.size)) {
    throw new WalkError(`${what} points to ${hex(address)}, outside the loaded segments`, false);
  }
  const kind = integer(elf, address, DEF.kind, `${what}.kind`);
  const union = address + DEF.meth.offset;
  switch (kind) {
    case KIND.HPyDef_Kind_Meth:
      return {
        kind: 'meth',
        name: requiredString(elf, union + METH.name.offset, `${what}.meth.name`),
        signature: integer(elf, union, METH.signature, `${what}.meth.signature`),
        doc: string(elf, union + METH.doc.offset, `${what}.meth.doc`),
      };
    case KIND.HPyDef_Kind_Slot:
      return { kind: 'slot', slot: integer(elf, address + DEF.slot.offset, SLOT.slot, `${what}.slot.slot`) };
    case KIND.HPyDef_Kind_Member:
      return { kind: 'member', name: requiredString(elf, address + DEF.member.offset + MEMBER.name.offset, `${what}.member.name`) };
    case KIND.HPyDef_Kind_GetSet:
      return { kind: 'getset', name: requiredString(elf, address + DEF.getset.offset + GETSET.name.offset, `${what}.getset.name`) };
    default:
      return { kind: 'unknown', value: kind };
  }
}

/** Signed integer field of `size` 4 or 8 bytes in the struct at `base`. */
export function integer(elf: ElfImage, base: number, field: StructField, what: string): number {
  const data = elf.read(base + field.offset, field.size);
  if (!data || data.length < field.size) throw new WalkError(`${what} at ${hex(base + field.offset)} is not readable`, false);
  if (field.size === 4) return data.readInt32LE(0);
  const value = data.readBigInt64LE(0);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new WalkError(`${what} holds an implausible value ${value}`, false);
  }
  return Number(value);
}

/** Target address of the pointer slot at `slot`, or null for NULL. */
export function pointer(elf: ElfImage, slot: number, what: string): number | null {
  const value: PointerValue | undefined = elf.pointerAt(slot);
  if (!value) throw new WalkError(`${what} at ${hex(slot)} is outside the loaded segments`, false);
  switch (value.kind) {
    case 'null':
      return null;
    case 'address':
      return value.value;
    case 'wild':
      throw new WalkError(`${what} holds 0x${value.value.toString(16)}, which is not a valid address`, false);
    case 'external':
      throw new WalkError(`${what} points into another library (${value.symbol})`, true);
    case 'unsupported':
      throw new WalkError(`${what} has relocation type ${value.relocationType}, which is not followed statically`, true);
  }
}

export function string(elf: ElfImage, slot: number, what: string): string | null {
  const target = pointer(elf, slot, what);
  if (target === null) return null;
  const text = elf.cStringAt(target);
  if (text === undefined) throw new WalkError(`${what} points to ${hex(target)}, which holds no terminated string`, false);
  return text;
}

export function requiredString(elf: ElfImage, slot: number, what: string): string {
  const text = string(elf, slot, what);
  if (text === null) throw new WalkError(`${what} is NULL`, false);
  return text;
}

/** The non-NULL entries of a NULL-terminated pointer array. */
export function pointerArray(elf: ElfImage, address: number, what: string): number[] {
  const entries: number[] = [];
  for (let i = 0; i < MAX_ARRAY_ENTRIES; i++) {
    const entry = pointer(elf, address + i * POINTER_SIZE, `${what}[${i}]`);
    if (entry === null) return entries;
    entries.push(entry);
  }
  throw new WalkError(`${what} has no NULL terminator within ${MAX_ARRAY_ENTRIES} entries`, false);
}
