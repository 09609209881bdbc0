// The field tables of the ABI structs that module and type definitions are made of, under the
// short names the static decoders use (generated data, named once).
import { ENUMS, STRUCTS } from './abi.generated.js';

export const MODDEF = STRUCTS.HPyModuleDef.fields;
export const SPEC = STRUCTS.HPyType_Spec.fields;
export const DEF = STRUCTS.HPyDef.fields;
export const METH = STRUCTS.HPyMeth.fields;
export const SLOT = STRUCTS.HPySlot.fields;
export const MEMBER = STRUCTS.HPyMember.fields;
export const GETSET = STRUCTS.HPyGetSet.fields;
export const KIND = ENUMS.HPyDef_Kind;
