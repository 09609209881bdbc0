// Reading and writing native memory by address (koffi represents pointers as bigint).
import koffi from 'koffi';

export type Pointer = bigint;

export function readPointer(base: Pointer, offset = 0): Pointer | null {
  const p = koffi.decode(base, offset, 'void *') as bigint | null;
  return p ? p : null;
}
export function readI32(base: Pointer, offset = 0): number {
  return koffi.decode(base, offset, 'int32_t') as number;
}
export function readI64(base: Pointer, offset = 0): bigint {
  return BigInt(koffi.decode(base, offset, 'int64_t') as number | bigint);
}
/** A NUL-terminated UTF-8 string, or null for a NULL pointer. */
export function readCString(ptr: Pointer | null): string | null {
  return ptr ? (koffi.decode(ptr, 'char', -1) as string) : null;
}
export function readBytes(ptr: Pointer, length: number): Uint8Array {
  return new Uint8Array(koffi.view(ptr, length).slice(0));
}
/** NUL-terminated byte string (not decoded). */
export function readCBytes(ptr: Pointer): Uint8Array {
  let n = 0;
  while ((koffi.decode(ptr, n, 'uint8_t') as number) !== 0) n++;
  return readBytes(ptr, n);
}
/** Each non-NULL pointer of a NULL-terminated pointer array. */
export function readNullTerminated(array: Pointer | null): Pointer[] {
  const out: Pointer[] = [];
  if (!array) return out;
  for (let i = 0; ; i++) {
    const p = readPointer(array, i * 8);
    if (!p) return out;
    out.push(p);
  }
}
export function writePointer(base: Pointer, offset: number, value: Pointer | null): void {
  koffi.encode(base, offset, 'void *', value);
}
export function writeI64(base: Pointer, offset: number, value: bigint | number): void {
  koffi.encode(base, offset, 'int64_t', value);
}
/** A scalar of a koffi primitive type (`int16_t`, `double`, `uint8_t`, …) at base + offset. */
export function readScalar(base: Pointer, offset: number, type: string): number | bigint {
  return koffi.decode(base, offset, type) as number | bigint;
}
export function writeScalar(base: Pointer, offset: number, type: string, value: number | bigint): void {
  koffi.encode(base, offset, type, value);
}
/** A malloc'd copy of `bytes` followed by a NUL byte (C strings and `char *` data alike). */
export function allocCopy(bytes: Uint8Array): Pointer {
  const p = koffi.alloc('uint8_t', bytes.length + 1) as Pointer;
  const view = new Uint8Array(koffi.view(p, bytes.length + 1));
  view.set(bytes);
  view[bytes.length] = 0;
  return p;
}
/** Allocates `size` zeroed bytes (malloc: 16-byte aligned on the 64-bit ABIs we run on). */
export function allocZeroed(size: number): Pointer {
  const p = koffi.alloc('uint8_t', size) as Pointer;
  new Uint8Array(koffi.view(p, size)).fill(0);
  return p;
}

// koffi.view makes a new ArrayBuffer per call (~2 µs); one memcpy into a reused buffer costs
// ~70 ns, which matters for every HPy array an extension hands over (Tuple_FromArray, Call).
let memcpy: ((dst: Int32Array, src: Pointer, n: number) => unknown) | undefined;
let scratch = new Int32Array(64);
/**
 * `n` intptr_t values at `ptr` as numbers, for arrays of small non-negative values such as
 * handle indices; a value outside 0..2**31-1 reads as -1.
 */
export function readSmallIntptrs(ptr: Pointer, n: number): number[] {
  memcpy ??= koffi.load('libc.so.6').func('void *memcpy(void *dst, void *src, size_t n)') as unknown as typeof memcpy;
  if (scratch.length < 2 * n) scratch = new Int32Array(2 * n);
  memcpy!(scratch, ptr, n * 8);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const lo = scratch[2 * i];
    out[i] = scratch[2 * i + 1] === 0 && lo >= 0 ? lo : -1;
  }
  return out;
}
