// The HPyType_Spec a loaded type was made from, read from the binary with relocations applied.
// A type object does not point back to its spec, so the spec is found by its name: the
// NUL-terminated tp_name in the image and a pointer to it in a spec's `name` field. Nothing
// here runs extension code.
import { ENUMS, STRUCTS } from '../../loader/abi/abi.generated.js';
import { signatureName, slotName } from '../../loader/module-def.js';
import type { ElfImage } from '../../loader/static/elf.js';
import type { TypeSpecInfo } from './model.js';

const PT_LOAD = 1;
const PF_W = 2;
const POINTER = 8;
/** A spec's defines beyond this mean a missing NULL terminator. */
const MAX_DEFINES = 4096;

const SPEC = STRUCTS.HPyType_Spec.fields;
const DEF = STRUCTS.HPyDef.fields;
const METH = STRUCTS.HPyMeth.fields;
const SLOT = STRUCTS.HPySlot.fields;
const MEMBER = STRUCTS.HPyMember.fields;
const GETSET = STRUCTS.HPyGetSet.fields;
const KIND = ENUMS.HPyDef_Kind;
const names = (e: Record<string, number>, prefix: string) => new Map(Object.entries(e).map(([k, v]) => [v, k.replace(prefix, '')]));
const MEMBER_TYPES = names(ENUMS.HPyMember_FieldType, 'HPyMember_');
const SHAPES = names(ENUMS.HPyType_BuiltinShape, 'HPyType_BuiltinShape_');

export type SpecLookup = { spec: TypeSpecInfo } | { note: string };

export function findTypeSpec(elf: ElfImage, specName: string): SpecLookup {
  const strings = stringAddresses(elf, specName);
  if (strings.size === 0) return { note: `the name "${specName}" is not in the binary (the spec may be built at run time)` };
  const problems: string[] = [];
  // Specs hold pointers, so the linker puts them in the writable segment (.data, or
  // .data.rel.ro for a const spec); the read-only ones hold tables whose raw bytes can look
  // like a pointer to the name (the addend of its relocation).
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD || (seg.flags & PF_W) === 0) continue;
    const first = Math.ceil(seg.vaddr / POINTER) * POINTER;
    for (let at = first; at + STRUCTS.HPyType_Spec.size <= seg.vaddr + seg.memsz; at += POINTER) {
      const p = elf.pointerAt(at + SPEC.name.offset);
      if (p?.kind !== 'address' || !strings.has(p.value)) continue;
      try {
        return { spec: decodeSpec(elf, at) };
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  return { note: problems.length ? `no readable spec named "${specName}": ${problems.join('; ')}` : `no HPyType_Spec points to the name "${specName}"` };
}

/** Addresses of `text` followed by NUL in the image's loaded segments. */
function stringAddresses(elf: ElfImage, text: string): Set<number> {
  const needle = Buffer.from(`${text}\0`);
  const found = new Set<number>();
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD) continue;
    const bytes = elf.read(seg.vaddr, seg.filesz);
    if (!bytes) continue;
    // A match must start a string: preceded by NUL or at the segment start.
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) {
      if (i === 0 || bytes[i - 1] === 0) found.add(seg.vaddr + i);
    }
  }
  return found;
}

function decodeSpec(elf: ElfImage, at: number): TypeSpecInfo {
  const int32 = (addr: number) => readBytes(elf, addr, 4).readInt32LE(0);
  const spec: TypeSpecInfo = {
    basicsize: int32(at + SPEC.basicsize.offset),
    itemsize: int32(at + SPEC.itemsize.offset),
    flags: `0x${readBytes(elf, at + SPEC.flags.offset, 8).readBigUInt64LE(0).toString(16)}`,
    shape: SHAPES.get(int32(at + SPEC.builtin_shape.offset)) ?? `unknown (${int32(at + SPEC.builtin_shape.offset)})`,
    doc: optionalString(elf, at + SPEC.doc.offset),
    slots: [], methods: [], members: [], getsets: [],
  };
  const defines = address(elf, at + SPEC.defines.offset);
  if (defines === null) return spec;
  for (let i = 0; ; i++) {
    if (i === MAX_DEFINES) throw new Error(`defines of the spec at 0x${at.toString(16)} have no NULL terminator`);
    const d = address(elf, defines + i * POINTER);
    if (d === null) return spec;
    const kind = int32(d + DEF.kind.offset);
    if (kind === KIND.HPyDef_Kind_Slot) {
      const slot = int32(d + DEF.slot.offset + SLOT.slot.offset);
      spec.slots.push(slotName(slot) ?? `unknown (${slot})`);
    } else if (kind === KIND.HPyDef_Kind_Meth) {
      const b = d + DEF.meth.offset;
      spec.methods.push({ name: requiredString(elf, b + METH.name.offset), signature: signatureName(int32(b + METH.signature.offset)), doc: optionalString(elf, b + METH.doc.offset) });
    } else if (kind === KIND.HPyDef_Kind_Member) {
      const b = d + DEF.member.offset;
      const type = int32(b + MEMBER.type.offset);
      spec.members.push({ name: requiredString(elf, b + MEMBER.name.offset), type: MEMBER_TYPES.get(type) ?? `unknown (${type})`,
        readonly: int32(b + MEMBER.readonly.offset) !== 0, doc: optionalString(elf, b + MEMBER.doc.offset) });
    } else if (kind === KIND.HPyDef_Kind_GetSet) {
      const b = d + DEF.getset.offset;
      spec.getsets.push({ name: requiredString(elf, b + GETSET.name.offset), get: address(elf, b + GETSET.getter_impl.offset) !== null,
        set: address(elf, b + GETSET.setter_impl.offset) !== null, doc: optionalString(elf, b + GETSET.doc.offset) });
    } else {
      throw new Error(`define ${i} of the spec at 0x${at.toString(16)} has unknown kind ${kind}`);
    }
  }
}

function readBytes(elf: ElfImage, addr: number, n: number): Buffer {
  const b = elf.read(addr, n);
  if (!b || b.length < n) throw new Error(`0x${addr.toString(16)} is not readable`);
  return b;
}

function address(elf: ElfImage, slot: number): number | null {
  const p = elf.pointerAt(slot);
  if (p?.kind === 'null') return null;
  if (p?.kind === 'address') return p.value;
  throw new Error(`the pointer at 0x${slot.toString(16)} cannot be followed statically`);
}

function optionalString(elf: ElfImage, slot: number): string | null {
  const target = address(elf, slot);
  if (target === null) return null;
  const s = elf.cStringAt(target);
  if (s === undefined) throw new Error(`no string at 0x${target.toString(16)}`);
  return s;
}

function requiredString(elf: ElfImage, slot: number): string {
  const s = optionalString(elf, slot);
  if (s === null) throw new Error(`NULL name at 0x${slot.toString(16)}`);
  return s;
}
