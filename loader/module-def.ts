// Decodes an extension's HPyModuleDef (and the HPyDefs it lists) from process memory.
import { ENUMS, STRUCTS } from './abi/abi.generated.js';
import { readCString, readI32, readI64, readNullTerminated, readPointer, type Pointer } from './native-memory.js';

export type MethodSignature = 'VARARGS' | 'KEYWORDS' | 'NOARGS' | 'O';

export interface MethDef { kind: 'meth'; name: string; impl: Pointer; signature: number; doc: string | null }
export interface SlotDef { kind: 'slot'; slot: number; impl: Pointer }
export interface MemberDef { kind: 'member'; name: string; type: number; offset: number; readonly: boolean; doc: string | null }
export interface GetSetDef {
  kind: 'getset'; name: string; getter: Pointer | null; setter: Pointer | null; doc: string | null; closure: Pointer | null;
}
export type Def = MethDef | SlotDef | MemberDef | GetSetDef;

export interface ModuleDef {
  doc: string | null;
  size: bigint;
  legacyMethods: Pointer | null;
  defines: Def[];
  /** Addresses of the extension's HPyGlobal variables. */
  globals: Pointer[];
}

const K = ENUMS.HPyDef_Kind;
const D = STRUCTS.HPyDef.fields;
const M = STRUCTS.HPyMeth.fields;
const S = STRUCTS.HPySlot.fields;
const MEM = STRUCTS.HPyMember.fields;
const GS = STRUCTS.HPyGetSet.fields;
const MD = STRUCTS.HPyModuleDef.fields;

export function decodeDef(p: Pointer): Def {
  const kind = readI32(p, D.kind.offset);
  switch (kind) {
    case K.HPyDef_Kind_Meth: {
      const b = D.meth.offset;
      return { kind: 'meth', name: readCString(readPointer(p, b + M.name.offset)) ?? '', impl: readPointer(p, b + M.impl.offset) ?? 0n,
        signature: readI32(p, b + M.signature.offset), doc: readCString(readPointer(p, b + M.doc.offset)) };
    }
    case K.HPyDef_Kind_Slot: {
      const b = D.slot.offset;
      return { kind: 'slot', slot: readI32(p, b + S.slot.offset), impl: readPointer(p, b + S.impl.offset) ?? 0n };
    }
    case K.HPyDef_Kind_Member: {
      const b = D.member.offset;
      return { kind: 'member', name: readCString(readPointer(p, b + MEM.name.offset)) ?? '', type: readI32(p, b + MEM.type.offset),
        offset: Number(readI64(p, b + MEM.offset.offset)), readonly: readI32(p, b + MEM.readonly.offset) !== 0,
        doc: readCString(readPointer(p, b + MEM.doc.offset)) };
    }
    case K.HPyDef_Kind_GetSet: {
      const b = D.getset.offset;
      return { kind: 'getset', name: readCString(readPointer(p, b + GS.name.offset)) ?? '',
        getter: readPointer(p, b + GS.getter_impl.offset), setter: readPointer(p, b + GS.setter_impl.offset),
        doc: readCString(readPointer(p, b + GS.doc.offset)), closure: readPointer(p, b + GS.closure.offset) };
    }
    default:
      throw new Error(`unknown HPyDef kind ${kind}`);
  }
}

export function decodeModuleDef(p: Pointer): ModuleDef {
  return {
    doc: readCString(readPointer(p, MD.doc.offset)),
    size: readI64(p, MD.size.offset),
    legacyMethods: readPointer(p, MD.legacy_methods.offset),
    defines: readNullTerminated(readPointer(p, MD.defines.offset)).map(decodeDef),
    globals: readNullTerminated(readPointer(p, MD.globals.offset)),
  };
}

const SIGNATURE_NAMES = new Map<number, string>(Object.entries(ENUMS.HPyFunc_Signature).map(([k, v]) => [v as number, k.replace('HPyFunc_', '')]));
/** 'VARARGS', 'NOARGS', ... for an HPyFunc_Signature value. */
export function signatureName(value: number): string {
  return SIGNATURE_NAMES.get(value) ?? `unknown (${value})`;
}
const SLOT_NAMES = new Map<number, string>(Object.entries(ENUMS.HPySlot_Slot).map(([k, v]) => [v as number, k]));
/** 'HPy_tp_repr', ... for an HPySlot_Slot value, or null for a number no slot has. */
export function slotName(value: number): string | null {
  return SLOT_NAMES.get(value) ?? null;
}
