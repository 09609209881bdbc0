/**
 * A small ELF reader for static analysis of extension binaries: enough of ELF64
 * little-endian x86-64 to list dynamic symbols, DT_NEEDED and data relocations, and to
 * read the image as the dynamic loader would lay it out at base address 0.
 *
 * Every read goes through bounds checks, so garbage or truncated input raises an
 * ElfError with a readable reason instead of a RangeError from Buffer.
 */

export class ElfError extends Error {
  override name = 'ElfError';
}

const EM_X86_64 = 62;

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  2: 'SPARC',
  3: 'Intel 80386',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'IBM S/390',
  40: 'ARM',
  43: 'SPARC V9',
  50: 'IA-64',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};


export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? 'an unknown machine';
}

const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ET_DYN = 3;
const ET_NAMES: Readonly<Record<number, string>> = { 1: 'relocatable object', 2: 'executable', 4: 'core dump' };

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PF_X = 1;

const SHT_DYNSYM = 11;
const SHN_UNDEF = 0;

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_HASH = 4;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_RELA = 7;
const DT_RELASZ = 8;
const DT_RELAENT = 9;
const DT_STRSZ = 10;
const DT_GNU_HASH = 0x6ffffef5;

const R_X86_64_64 = 1;
const R_X86_64_GLOB_DAT = 6;
const R_X86_64_RELATIVE = 8;

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const RELA_SIZE = 24;
const DYN_SIZE = 16;

/** Far more than any real module has; bounds loops driven by untrusted counts. */
const MAX_TABLE_ENTRIES = 1 << 20;

/** Bounds-checked little-endian view of the file. */
class Bytes {
  constructor(readonly buf: Buffer) {}

  need(offset: number, length: number, what: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > this.buf.length) {
      throw new ElfError(
        `truncated: ${what} at file offset ${offset} needs ${length} bytes, the file has ${this.buf.length}`,
      );
    }
  }

  u16(offset: number, what: string): number {
    this.need(offset, 2, what);
    return this.buf.readUInt16LE(offset);
  }

  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.buf.readUInt32LE(offset);
  }

  u64(offset: number, what: string): number {
    this.need(offset, 8, what);
    return toSafe(this.buf.readBigUInt64LE(offset), what);
  }

  i64(offset: number, what: string): number {
    this.need(offset, 8, what);
    return toSafe(this.buf.readBigInt64LE(offset), what);
  }
}

function toSafe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ElfError(`${what} is out of range (0x${value.toString(16)})`);
  }
  return Number(value);
}

export interface ElfIdent {
  elfClass: 32 | 64;
  littleEndian: boolean;
  type: number;
  machine: number;
}

/** Reads e_ident and e_machine, which have the same place in every ELF class and byte order. */
export function readIdent(buf: Buffer): ElfIdent {
  if (buf.length < 4 || buf.readUInt32BE(0) !== 0x7f454c46) {
    throw new ElfError('not an ELF file');
  }
  if (buf.length < 20) {
    throw new ElfError(`truncated: ELF header needs at least 20 bytes, the file has ${buf.length}`);
  }
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) {
    throw new ElfError(`not a valid ELF file (class ${cls}, data encoding ${data})`);
  }
  const littleEndian = data === ELFDATA2LSB;
  return {
    elfClass: cls === ELFCLASS64 ? 64 : 32,
    littleEndian,
    type: littleEndian ? buf.readUInt16LE(16) : buf.readUInt16BE(16),
    machine: littleEndian ? buf.readUInt16LE(18) : buf.readUInt16BE(18),
  };
}

export interface Segment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  defined: boolean;
}

export interface Relocation {
  offset: number;
  type: number;
  symbol: number;
  addend: number;
}

/** What a pointer-sized slot of the image holds once relocations are applied (base 0). */
export type PointerValue =
  | { kind: 'null' }
  | { kind: 'address'; value: number }
  | { kind: 'wild'; value: bigint }
  | { kind: 'external'; symbol: string }
  | { kind: 'unsupported'; relocationType: number };

/** Where the dynamic symbols came from: useful to say in a report. */
export type SymbolSource = '.dynsym' | 'DT_HASH' | 'DT_GNU_HASH' | 'none';

export class ElfImage {
  readonly segments: readonly Segment[];
  readonly sections: readonly Section[];
  readonly needed: readonly string[];
  readonly symbols: readonly ElfSymbol[];
  readonly symbolSource: SymbolSource;
  private readonly relocations: ReadonlyMap<number, Relocation>;
  private readonly bytes: Bytes;

  private constructor(buf: Buffer) {
    this.bytes = new Bytes(buf);
    const ident = readIdent(buf);
    if (ident.elfClass !== 64 || !ident.littleEndian || ident.machine !== EM_X86_64) {
      const form = `${ident.elfClass}-bit ${ident.littleEndian ? 'little' : 'big'}-endian ELF`;
      throw new ElfError(
        `${form} for ${machineName(ident.machine)} (e_machine ${ident.machine}); ` +
          `only 64-bit little-endian x86-64 binaries can be analysed`,
      );
    }
    if (ident.type !== ET_DYN) {
      throw new ElfError(`not a shared object (e_type ${ident.type}: ${ET_NAMES[ident.type] ?? 'unknown'})`);
    }
    this.bytes.need(0, EHDR_SIZE, 'ELF header');
    this.segments = this.readSegments();
    this.sections = this.readSections();
    const dynamic = this.readDynamic();
    const strtab = this.dynamicStringTable(dynamic);
    this.needed = dynamic
      .filter((d) => d.tag === DT_NEEDED)
      .map((d) => this.stringAt(strtab, d.value, 'DT_NEEDED name'));
    const { symbols, source } = this.readSymbols(dynamic, strtab);
    this.symbols = symbols;
    this.symbolSource = source;
    this.relocations = this.readRelocations(dynamic);
  }

  static parse(buf: Buffer): ElfImage {
    return new ElfImage(buf);
  }

  /** A defined dynamic symbol by name. */
  defined(name: string): ElfSymbol | undefined {
    return this.symbols.find((s) => s.defined && s.name === name);
  }

  /** True when vaddr lies in an executable PT_LOAD. */
  isExecutable(vaddr: number): boolean {
    return this.segments.some(
      (s) => s.type === PT_LOAD && (s.flags & PF_X) !== 0 && vaddr >= s.vaddr && vaddr < s.vaddr + s.memsz,
    );
  }

  /**
   * Up to `length` bytes of the loaded image at vaddr, stopping at the end of the
   * segment; the zero-filled tail of a segment (.bss) reads as zeros. Undefined when
   * vaddr is not mapped at all.
   */
  read(vaddr: number, length: number): Buffer | undefined {
    const seg = this.segments.find((s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.memsz);
    if (!seg) return undefined;
    const available = Math.min(length, seg.vaddr + seg.memsz - vaddr);
    const out = Buffer.alloc(available);
    const rel = vaddr - seg.vaddr;
    const fromFile = Math.max(0, Math.min(available, seg.filesz - rel));
    if (fromFile > 0) this.bytes.buf.copy(out, 0, seg.offset + rel, seg.offset + rel + fromFile);
    return out;
  }

  /** A pointer slot at vaddr with its dynamic relocation applied; undefined when unmapped. */
  pointerAt(vaddr: number): PointerValue | undefined {
    const raw = this.read(vaddr, 8);
    if (!raw || raw.length < 8) return undefined;
    const reloc = this.relocations.get(vaddr);
    if (!reloc) {
      // No RELA entry: the slot holds its final value, or a link-time address that a
      // RELR/implicit-addend relocation would add the (here zero) base to.
      const value = raw.readBigUInt64LE(0);
      if (value === 0n) return { kind: 'null' };
      // No loaded segment reaches beyond 2^53 (they are checked when parsed), so such a
      // value points nowhere; say so instead of losing precision.
      return value > BigInt(Number.MAX_SAFE_INTEGER) ? { kind: 'wild', value } : { kind: 'address', value: Number(value) };
    }
    if (reloc.type === R_X86_64_RELATIVE) {
      return reloc.addend === 0 ? { kind: 'null' } : { kind: 'address', value: reloc.addend };
    }
    if (reloc.type === R_X86_64_64 || reloc.type === R_X86_64_GLOB_DAT) {
      const sym = this.symbols[reloc.symbol];
      if (!sym) return { kind: 'unsupported', relocationType: reloc.type };
      if (!sym.defined) return { kind: 'external', symbol: sym.name };
      return { kind: 'address', value: sym.value + reloc.addend };
    }
    return { kind: 'unsupported', relocationType: reloc.type };
  }

  /** NUL-terminated string at vaddr (UTF-8); undefined when unmapped or unterminated. */
  cStringAt(vaddr: number, maxLength = 1 << 16): string | undefined {
    const data = this.read(vaddr, maxLength);
    if (!data) return undefined;
    const end = data.indexOf(0);
    return end < 0 ? undefined : data.toString('utf8', 0, end);
  }

  private readSegments(): Segment[] {
    const b = this.bytes;
    const phoff = b.u64(32, 'e_phoff');
    const phentsize = b.u16(54, 'e_phentsize');
    const phnum = b.u16(56, 'e_phnum');
    if (phnum === 0) throw new ElfError('no program headers');
    if (phentsize < PHDR_SIZE) throw new ElfError(`bad e_phentsize ${phentsize}`);
    b.need(phoff, phentsize * phnum, 'program header table');
    const segments: Segment[] = [];
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      const seg: Segment = {
        type: b.u32(at, 'p_type'),
        flags: b.u32(at + 4, 'p_flags'),
        offset: b.u64(at + 8, 'p_offset'),
        vaddr: b.u64(at + 16, 'p_vaddr'),
        filesz: b.u64(at + 32, 'p_filesz'),
        memsz: b.u64(at + 40, 'p_memsz'),
      };
      if (seg.type === PT_LOAD || seg.type === PT_DYNAMIC) {
        b.need(seg.offset, seg.filesz, `segment ${i} contents`);
        if (seg.filesz > seg.memsz) throw new ElfError(`segment ${i} has p_filesz > p_memsz`);
      }
      segments.push(seg);
    }
    return segments;
  }

  private readSections(): Section[] {
    const b = this.bytes;
    const shoff = b.u64(40, 'e_shoff');
    const shentsize = b.u16(58, 'e_shentsize');
    let shnum = b.u16(60, 'e_shnum');
    if (shoff === 0) return [];
    if (shentsize < SHDR_SIZE) throw new ElfError(`bad e_shentsize ${shentsize}`);
    if (shnum === 0) {
      // Extended numbering: the real count lives in section 0's sh_size.
      shnum = b.u64(shoff + 32, 'section 0 sh_size');
      if (shnum > MAX_TABLE_ENTRIES) throw new ElfError(`implausible section count ${shnum}`);
    }
    b.need(shoff, shentsize * shnum, 'section header table');
    const sections: Section[] = [];
    for (let i = 0; i < shnum; i++) {
      const at = shoff + i * shentsize;
      sections.push({
        type: b.u32(at + 4, 'sh_type'),
        offset: b.u64(at + 24, 'sh_offset'),
        size: b.u64(at + 32, 'sh_size'),
        link: b.u32(at + 40, 'sh_link'),
        entsize: b.u64(at + 56, 'sh_entsize'),
      });
    }
    return sections;
  }

  private readDynamic(): { tag: number; value: number }[] {
    const dyn = this.segments.find((s) => s.type === PT_DYNAMIC);
    if (!dyn) throw new ElfError('no PT_DYNAMIC segment (not a dynamically linked shared object)');
    const entries: { tag: number; value: number }[] = [];
    for (let at = dyn.offset; at + DYN_SIZE <= dyn.offset + dyn.filesz; at += DYN_SIZE) {
      // d_tag is signed, and the OS/processor-specific tags need more than 53 bits only
      // in their sign bit, so read it as signed.
      const tag = this.bytes.i64(at, 'd_tag');
      if (tag === DT_NULL) break;
      entries.push({ tag, value: this.bytes.u64(at + 8, 'd_val') });
    }
    return entries;
  }

  /** File offset of `length` bytes at vaddr, which must lie in the file part of a PT_LOAD. */
  private fileOffset(vaddr: number, length: number, what: string): number {
    const seg = this.segments.find(
      (s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr + length <= s.vaddr + s.filesz,
    );
    if (!seg) throw new ElfError(`${what} at address 0x${vaddr.toString(16)} is outside the file's loaded segments`);
    return seg.offset + (vaddr - seg.vaddr);
  }

  private dynamicStringTable(dynamic: { tag: number; value: number }[]): { offset: number; size: number } {
    const addr = dynamic.find((d) => d.tag === DT_STRTAB)?.value;
    const size = dynamic.find((d) => d.tag === DT_STRSZ)?.value;
    if (addr === undefined || size === undefined) return { offset: 0, size: 0 };
    return { offset: this.fileOffset(addr, size, 'DT_STRTAB'), size };
  }

  private stringAt(table: { offset: number; size: number }, index: number, what: string): string {
    if (index >= table.size) throw new ElfError(`${what}: string index ${index} outside the string table`);
    const start = table.offset + index;
    const end = this.bytes.buf.indexOf(0, start);
    if (end < 0 || end >= table.offset + table.size) throw new ElfError(`${what}: unterminated string`);
    return this.bytes.buf.toString('utf8', start, end);
  }

  private readSymbols(
    dynamic: { tag: number; value: number }[],
    dynstr: { offset: number; size: number },
  ): { symbols: ElfSymbol[]; source: SymbolSource } {
    const section = this.sections.find((s) => s.type === SHT_DYNSYM);
    if (section) {
      const strSection = this.sections[section.link];
      if (!strSection) throw new ElfError('.dynsym links to a missing string table');
      this.bytes.need(strSection.offset, strSection.size, '.dynstr');
      const entsize = section.entsize || SYM_SIZE;
      if (entsize < SYM_SIZE) throw new ElfError(`bad .dynsym entry size ${entsize}`);
      const count = Math.floor(section.size / entsize);
      return {
        symbols: this.symbolTable(section.offset, count, entsize, { offset: strSection.offset, size: strSection.size }),
        source: '.dynsym',
      };
    }
    const symtab = dynamic.find((d) => d.tag === DT_SYMTAB)?.value;
    if (symtab === undefined) return { symbols: [], source: 'none' };
    const hash = dynamic.find((d) => d.tag === DT_HASH)?.value;
    const gnuHash = dynamic.find((d) => d.tag === DT_GNU_HASH)?.value;
    let count: number;
    let source: SymbolSource;
    if (hash !== undefined) {
      count = this.bytes.u32(this.fileOffset(hash + 4, 4, 'DT_HASH'), 'DT_HASH nchain');
      source = 'DT_HASH';
    } else if (gnuHash !== undefined) {
      count = this.gnuHashSymbolCount(gnuHash);
      source = 'DT_GNU_HASH';
    } else {
      throw new ElfError('DT_SYMTAB without DT_HASH or DT_GNU_HASH: cannot size the symbol table');
    }
    return { symbols: this.symbolTable(this.fileOffset(symtab, count * SYM_SIZE, 'DT_SYMTAB'), count, SYM_SIZE, dynstr), source };
  }

  /** DT_GNU_HASH does not store a count: it is one past the end of the highest chain. */
  private gnuHashSymbolCount(vaddr: number): number {
    const b = this.bytes;
    const at = this.fileOffset(vaddr, 16, 'DT_GNU_HASH');
    const nbuckets = b.u32(at, 'gnu hash nbuckets');
    const symoffset = b.u32(at + 4, 'gnu hash symoffset');
    const bloomSize = b.u32(at + 8, 'gnu hash bloom size');
    if (nbuckets > MAX_TABLE_ENTRIES || bloomSize > MAX_TABLE_ENTRIES) throw new ElfError('implausible DT_GNU_HASH sizes');
    const buckets = at + 16 + bloomSize * 8;
    let last = 0;
    for (let i = 0; i < nbuckets; i++) last = Math.max(last, b.u32(buckets + i * 4, 'gnu hash bucket'));
    if (last < symoffset) return symoffset;
    const chains = buckets + nbuckets * 4;
    for (let index = last; index < symoffset + MAX_TABLE_ENTRIES; index++) {
      if ((b.u32(chains + (index - symoffset) * 4, 'gnu hash chain') & 1) !== 0) return index + 1;
    }
    throw new ElfError('DT_GNU_HASH chain does not terminate');
  }

  private symbolTable(offset: number, count: number, entsize: number, strtab: { offset: number; size: number }): ElfSymbol[] {
    if (count > MAX_TABLE_ENTRIES) throw new ElfError(`implausible symbol count ${count}`);
    this.bytes.need(offset, count * entsize, 'dynamic symbol table');
    const symbols: ElfSymbol[] = [];
    for (let i = 0; i < count; i++) {
      const at = offset + i * entsize;
      symbols.push({
        name: this.stringAt(strtab, this.bytes.u32(at, 'st_name'), `symbol ${i} name`),
        defined: this.bytes.u16(at + 6, 'st_shndx') !== SHN_UNDEF,
        value: this.bytes.u64(at + 8, 'st_value'),
        size: this.bytes.u64(at + 16, 'st_size'),
      });
    }
    return symbols;
  }

  private readRelocations(dynamic: { tag: number; value: number }[]): Map<number, Relocation> {
    const relocations = new Map<number, Relocation>();
    const addr = dynamic.find((d) => d.tag === DT_RELA)?.value;
    if (addr === undefined) return relocations;
    const size = dynamic.find((d) => d.tag === DT_RELASZ)?.value ?? 0;
    const entsize = dynamic.find((d) => d.tag === DT_RELAENT)?.value ?? RELA_SIZE;
    if (entsize < RELA_SIZE) throw new ElfError(`bad DT_RELAENT ${entsize}`);
    const at = this.fileOffset(addr, size, 'DT_RELA');
    for (let i = 0; i < Math.floor(size / entsize); i++) {
      const entry = at + i * entsize;
      const info = this.bytes.buf.readBigUInt64LE(this.checked(entry + 8, 8, 'r_info'));
      const reloc: Relocation = {
        offset: this.bytes.u64(entry, 'r_offset'),
        type: Number(info & 0xffffffffn),
        symbol: Number(info >> 32n),
        addend: this.bytes.i64(entry + 16, 'r_addend'),
      };
      relocations.set(reloc.offset, reloc);
    }
    return relocations;
  }

  private checked(offset: number, length: number, what: string): number {
    this.bytes.need(offset, length, what);
    return offset;
  }
}
