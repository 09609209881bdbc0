/**
 * Decodes what a tiny x86-64 function returns in rax, without running it.
 *
 * HPy's entry points are one-liners (`return 0;`, `return &moduledef;`), so a handful
 * of encodings covers what gcc and clang emit for them at -O0, -O2 and -Os, with or
 * without CET (`endbr64`) and frame pointers. Anything else is reported as undecodable
 * rather than guessed at: scanning for byte patterns could match inside an operand.
 */

export type ReturnValue =
  /** rax holds a constant. */
  | { kind: 'constant'; value: number }
  /** rax holds the address `address` (from `lea rax, [rip+disp]`). */
  | { kind: 'address'; address: number }
  /** rax is loaded from memory at `slot` (`mov rax, [rip+disp]`, typically a GOT entry). */
  | { kind: 'load'; slot: number }
  | { kind: 'undecodable'; reason: string };

/** How far into a function the decoder looks before giving up. */
export const SCAN_LIMIT = 64;

type RaxState = Exclude<ReturnValue, { kind: 'undecodable' }> | undefined;

function hex(bytes: Buffer, at: number, n: number): string {
  return [...bytes.subarray(at, at + n)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** `code` starts at virtual address `vaddr`; rip-relative operands are resolved against it. */
export function decodeReturnValue(code: Buffer, vaddr: number): ReturnValue {
  let rax: RaxState;
  let pc = 0;
  const has = (n: number): boolean => pc + n <= code.length;
  const at = (i: number): number => code[pc + i]!;
  const startsWith = (...bytes: number[]): boolean => has(bytes.length) && bytes.every((b, i) => at(i) === b);

  while (pc < Math.min(code.length, SCAN_LIMIT)) {
    if (startsWith(0xc3) || startsWith(0xf3, 0xc3)) {
      return rax ?? { kind: 'undecodable', reason: `returns at +${pc} without setting rax` };
    }
    if (startsWith(0xf3, 0x0f, 0x1e, 0xfa)) { // endbr64
      pc += 4;
    } else if (startsWith(0x55) || startsWith(0x5d) || startsWith(0xc9) || startsWith(0x90)) {
      // push rbp / pop rbp / leave / nop: frame bookkeeping that leaves rax alone
      pc += 1;
    } else if (startsWith(0x48, 0x89, 0xe5)) { // mov rbp, rsp
      pc += 3;
    } else if (startsWith(0x31, 0xc0) || startsWith(0x33, 0xc0)) { // xor eax, eax
      rax = { kind: 'constant', value: 0 };
      pc += 2;
    } else if (startsWith(0xb8) && has(5)) { // mov eax, imm32 (zero-extends into rax)
      rax = { kind: 'constant', value: code.readUInt32LE(pc + 1) };
      pc += 5;
    } else if (startsWith(0x48, 0xc7, 0xc0) && has(7)) { // mov rax, simm32
      rax = { kind: 'constant', value: code.readInt32LE(pc + 3) };
      pc += 7;
    } else if (startsWith(0x48, 0x8d, 0x05) && has(7)) { // lea rax, [rip+disp32]
      rax = { kind: 'address', address: vaddr + pc + 7 + code.readInt32LE(pc + 3) };
      pc += 7;
    } else if (startsWith(0x48, 0x8b, 0x05) && has(7)) { // mov rax, [rip+disp32]
      rax = { kind: 'load', slot: vaddr + pc + 7 + code.readInt32LE(pc + 3) };
      pc += 7;
    } else {
      return { kind: 'undecodable', reason: `unrecognised instruction at +${pc} (${hex(code, pc, 4)})` };
    }
  }
  return { kind: 'undecodable', reason: `no ret within the first ${Math.min(code.length, SCAN_LIMIT)} bytes` };
}
