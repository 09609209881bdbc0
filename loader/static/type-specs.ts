// The HPyType_Spec a loaded type was made from, read from the binary with relocations applied.
// A type object does not point back to its spec, so the spec is found by its name: the
// NUL-terminated tp_name in the image and a pointer to it in a spec's `name` field. Nothing
// here runs extension code.
import { ENUMS, STRUCTS, type StructField } from '../abi/abi.generated.js';
import { signatureName, slotName } from '../module-def.js';
import type { ElfImage } from './elf.js';
import { integer, pointer, pointerArray, requiredString, string } from './module-def.js';
import { DEF, GETSET, KIND, MEMBER, METH, SLOT, SPEC } from '../abi/fields.js';

const PT_LOAD = 1;
const PF_W = 2;
const POINTER = 8;

const names = (e: Record<string, number>, prefix: string) => new Map(Object.entries(e).map(([k, v]) => [v, k.replace(prefix, '')]));
const MEMBER_TYPES = names(ENUMS.HPyMember_FieldType, 'HPyMember_');
const SHAPES = names(ENUMS.HPyType_BuiltinShape, 'HPyType_BuiltinShape_');

export interface FunctionInfo {
  name: string;
  signature: string;
  doc: string | null;
}

export interface TypeSpecInfo {
  basicsize: number;
  itemsize: number;
  flags: string;
  shape: string;
  doc: string | null;
  slots: string[];
  methods: FunctionInfo[];
  members: Array<{ name: string; type: string; readonly: boolean; doc: string | null }>;
  getsets: Array<{ name: string; get: boolean; set: boolean; doc: string | null }>;
}

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
  const int32 = (base: number, field: StructField, what: string) => integer(elf, base, field, what);
  const flags = elf.read(at + SPEC.flags.offset, 8);
  if (!flags || flags.length < 8) throw new Error(`HPyType_Spec.flags at 0x${(at + SPEC.flags.offset).toString(16)} is not readable`);
  const shape = int32(at, SPEC.builtin_shape, 'HPyType_Spec.builtin_shape');
  const spec: TypeSpecInfo = {
    basicsize: int32(at, SPEC.basicsize, 'HPyType_Spec.basicsize'),
    itemsize: int32(at, SPEC.itemsize, 'HPyType_Spec.itemsize'),
    flags: `0x${flags.readBigUInt64LE(0).toString(16)}`,
    shape: SHAPES.get(shape) ?? `unknown (${shape})`,
    doc: string(elf, at + SPEC.doc.offset, 'HPyType_Spec.doc'),
    slots: [], methods: [], members: [], getsets: [],
  };
  const defines = pointer(elf, at + SPEC.defines.offset, 'HPyType_Spec.defines');
  if (defines === null) return spec;
  pointerArray(elf, defines, 'HPyType_Spec.defines').forEach((d, i) => {
    const what = `HPyType_Spec.defines[${i}]`;
    const kind = int32(d, DEF.kind, `${what}.kind`);
    if (kind === KIND.HPyDef_Kind_Slot) {
      const slot = int32(d + DEF.slot.offset, SLOT.slot, `${what}.slot.slot`);
      spec.slots.push(slotName(slot) ?? `unknown (${slot})`);
    } else if (kind === KIND.HPyDef_Kind_Meth) {
      const b = d + DEF.meth.offset;
      spec.methods.push({ name: requiredString(elf, b + METH.name.offset, `${what}.meth.name`),
        signature: signatureName(int32(b, METH.signature, `${what}.meth.signature`)), doc: string(elf, b + METH.doc.offset, `${what}.meth.doc`) });
    } else if (kind === KIND.HPyDef_Kind_Member) {
      const b = d + DEF.member.offset;
      const type = int32(b, MEMBER.type, `${what}.member.type`);
      spec.members.push({ name: requiredString(elf, b + MEMBER.name.offset, `${what}.member.name`), type: MEMBER_TYPES.get(type) ?? `unknown (${type})`,
        readonly: int32(b, MEMBER.readonly, `${what}.member.readonly`) !== 0, doc: string(elf, b + MEMBER.doc.offset, `${what}.member.doc`) });
    } else if (kind === KIND.HPyDef_Kind_GetSet) {
      const b = d + DEF.getset.offset;
      spec.getsets.push({ name: requiredString(elf, b + GETSET.name.offset, `${what}.getset.name`),
        get: pointer(elf, b + GETSET.getter_impl.offset, `${what}.getset.getter_impl`) !== null,
        set: pointer(elf, b + GETSET.setter_impl.offset, `${what}.getset.setter_impl`) !== null,
        doc: string(elf, b + GETSET.doc.offset, `${what}.getset.doc`) });
    } else {
      throw new Error(`${what} of the spec at 0x${at.toString(16)} has unknown kind ${kind}`);
    }
  });
  return spec;
}
