// Types of abi.mjs for TypeScript callers (tests); the data itself is abi-0.9.json.
export interface AbiCtxMember {
  index: number;
  hpy_id: number | null;
  name: string;
  kind: 'field' | 'handle' | 'func';
  offset: number;
  size: number;
  ret?: string;
  params?: Array<{ name: string; type: string }>;
  api_name?: string;
}
export const facts: Record<string, unknown>;
export const ctxMembers: AbiCtxMember[];
export const ctxSize: number;
export const ctxSize090: number;
export const enums: Record<string, { c_size: number; values: Record<string, number>; signature?: Record<string, string> }>;
export const structs: Record<string, { size: number; fields: Array<{ name: string; type: string; offset: number; size: number }> }>;
export const hpyfunc: Record<string, unknown>;
export const constants: Record<string, unknown>;
export const abiVersion: { major: number; minor: number; tag: string };
