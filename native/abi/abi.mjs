// The HPy ABI as data: the one place every layout-dependent file is generated from.
// abi-0.9.json holds the verified facts for tag 0.9.0 plus what master appends; this module
// merges them into the context we build (0.9.0 layout + master's appended members).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const raw = JSON.parse(readFileSync(fileURLToPath(new URL('./abi-0.9.json', import.meta.url)), 'utf8'));

export const facts = raw;

/** Context members in layout order: 3 header fields, then 263 (0.9.0) + 10 (master) slots. */
export const ctxMembers = [...raw.ctx, ...raw.ctx_after_0_9.appended].map((m) => ({ ...m }));

// master made Tuple_FromArray's items const; same ABI, and const is what callers expect.
for (const change of raw.ctx_after_0_9.changed_existing_signatures) {
  const i = ctxMembers.findIndex((m) => m.name === change.name);
  ctxMembers[i] = { ...ctxMembers[i], params: change.master.params };
}

export const ctxSize = raw.ctx_after_0_9.sizeof_master;
export const ctxSize090 = raw.ctx_summary.sizeof;

/** Enums with master's additions merged in. */
export const enums = structuredClone(raw.enums);
for (const [name, add] of Object.entries(raw.ctx_after_0_9.enum_additions)) {
  Object.assign(enums[name].values, add.added);
  if (add.signature) Object.assign(enums[name].signature, add.signature);
}

export const structs = raw.structs;
export const hpyfunc = raw.hpyfunc;
export const constants = raw.constants;
export const abiVersion = { major: raw.abi.major, minor: raw.abi.minor, tag: raw.abi.tag };

/** What a context function returns to signal failure, as a C expression (null for void). */
export function cErrorValue(ret) {
  if (ret === 'void') return null;
  if (ret === 'HPy') return 'HPy_NULL';
  if (ret.endsWith('*')) return 'NULL';
  if (ret === 'double') return '-1.0';
  if (ret === 'HPyType_BuiltinShape') return 'HPyType_BuiltinShape_Legacy - 1';
  if (['HPyListBuilder', 'HPyTupleBuilder', 'HPyTracker', 'HPyThreadState', 'HPyField', 'HPyGlobal'].includes(ret)) {
    return `(${ret}){0}`;
  }
  return `(${ret})-1`;
}

/** A member's C parameter list. */
export function cParams(m) {
  return m.params.map((p) => (p.type.endsWith('*') ? `${p.type}${p.name}` : `${p.type} ${p.name}`)).join(', ');
}

function check() {
  const last = ctxMembers[ctxMembers.length - 1];
  if (ctxMembers.length !== raw.ctx_after_0_9.members_master) throw new Error('ABI data: member count mismatch');
  if (last.offset + last.size !== ctxSize) throw new Error('ABI data: context size mismatch');
  ctxMembers.forEach((m) => {
    if (m.hpy_id != null && m.offset !== 24 + 8 * m.hpy_id) throw new Error(`ABI data: ${m.name} offset`);
  });
}
check();
