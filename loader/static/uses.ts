// Which context functions an extension's machine code calls, estimated by scanning its
// executable segments for the two ways compilers call through `ctx->ctx_Foo` on x86-64:
//   call/jmp *disp(%reg)                       (FF /2 or FF /4 with a displacement)
//   mov disp(%reg), %r  ...  call/jmp *%r       (a load, then an indirect call within a few bytes)
// where disp is the offset of a context function member. It is a byte scan, not a disassembly,
// so it can miss calls compiled another way and, rarely, see one in bytes that are not code;
// reports label it as static. Only x86-64 images are scanned (the static report refuses others).
import { CTX_MEMBERS } from '../abi/abi.generated.js';
import type { ElfImage } from './elf.js';

const PT_LOAD = 1;
const PF_X = 1;
/** A load and the indirect call through its register sit this close in the code compilers emit. */
const CALL_WINDOW = 32;

const FUNCTION_AT = new Map(CTX_MEMBERS.filter((m) => m.kind === 'func').map((m) => [m.offset, m.name]));
const ABI_ORDER = new Map(CTX_MEMBERS.map((m, i) => [m.name, i]));
/** Context functions HPy's master appended after the 0.9.0 release, by member name, with their API names. */
const AFTER_RELEASE = new Map(CTX_MEMBERS.filter((m) => m.since !== '0.9.0' && m.kind === 'func').map((m) => [m.name, m.apiName ?? m.name]));

/**
 * The API names (`HPyList_Insert`, …) of the context functions among `uses` that HPy 0.9.0's
 * context does not have. Master appended them without raising the ABI version, so a binary that
 * calls one still claims ABI 0.0 and every 0.9.0 host would hand it a context too short for it.
 */
export function afterReleaseApi(uses: readonly string[]): string[] {
  return uses.flatMap((name) => {
    const api = AFTER_RELEASE.get(name);
    return api === undefined ? [] : [api];
  });
}

/** Context function names (`ctx_…`) in ABI order. */
export function staticUses(elf: ElfImage): string[] {
  const found = new Set<string>();
  for (const seg of elf.segments) {
    if (seg.type !== PT_LOAD || (seg.flags & PF_X) === 0) continue;
    const code = elf.read(seg.vaddr, seg.filesz);
    if (code) scan(code, found);
  }
  return [...found].sort((a, b) => ABI_ORDER.get(a)! - ABI_ORDER.get(b)!);
}

function scan(code: Buffer, found: Set<string>): void {
  for (let i = 0; i + 2 < code.length; i++) {
    const op = code[i]!;
    if (op === 0xff) {
      const m = modrm(code, i + 1);
      if (m && (m.reg === 2 || m.reg === 4)) note(m.disp, found);
    } else if (op === 0x8b && i > 0 && (code[i - 1]! & 0xf8) === 0x48) {
      // REX.W mov r64, [base + disp]: the loaded register, REX.R extending it.
      const m = modrm(code, i + 1);
      if (!m || !FUNCTION_AT.has(m.disp)) continue;
      const target = m.reg + ((code[i - 1]! & 0x04) !== 0 ? 8 : 0);
      if (callsRegister(code, i + 1 + m.length, target)) note(m.disp, found);
    }
  }
}

/** ModRM with a base register and a displacement (no SIB, no RIP-relative), or undefined. */
function modrm(code: Buffer, at: number): { reg: number; disp: number; length: number } | undefined {
  const byte = code[at];
  if (byte === undefined) return undefined;
  const mod = byte >> 6;
  const rm = byte & 7;
  const reg = (byte >> 3) & 7;
  if (rm === 4) return undefined;
  if (mod === 1 && at + 1 < code.length) return { reg, disp: code.readInt8(at + 1), length: 2 };
  if (mod === 2 && at + 4 < code.length) return { reg, disp: code.readInt32LE(at + 1), length: 5 };
  return undefined;
}

/** An indirect `call *%r` or `jmp *%r` through register `target` soon after `from`. */
function callsRegister(code: Buffer, from: number, target: number): boolean {
  const end = Math.min(code.length - 1, from + CALL_WINDOW);
  for (let j = from; j < end; j++) {
    const rexB = j > 0 && code[j - 1] === 0x41 ? 8 : 0;
    if (code[j] !== 0xff) continue;
    const byte = code[j + 1]!;
    if ((byte & 0xf0) === 0xd0 || (byte & 0xf0) === 0xe0) {
      const isCallOrJmp = (byte & 0xf8) === 0xd0 || (byte & 0xf8) === 0xe0;
      if (isCallOrJmp && (byte & 7) + rexB === target) return true;
    }
  }
  return false;
}

function note(disp: number, found: Set<string>): void {
  const name = FUNCTION_AT.get(disp);
  if (name !== undefined) found.add(name);
}
