// A wheel (`.whl`, a zip archive) read for the ABI report: the HPy universal binaries it holds
// (`*.hpy*.so`), its other native libraries and its `.dist-info/WHEEL`, all in memory. Nothing
// is extracted and nothing runs. yauzl reads the archive: it checks the central directory and
// every member's bounds, so a damaged wheel is refused rather than read as an empty one.
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { readInputFile, ReportError } from './report.js';

export interface WheelMember {
  /** The member's path inside the archive, e.g. `pkg/foo.hpy0.so`. */
  path: string;
  bytes: Buffer;
}

export interface WheelContents {
  /** The HPy universal binaries (file name `*.hpy*.so`), in archive order. */
  binaries: WheelMember[];
  /** Other shared libraries (CPython-ABI extensions, bundled libraries): listed, not reported. */
  otherLibraries: string[];
  /** Every `<name>.dist-info/WHEEL` at the top of the archive (a wheel has exactly one). */
  wheelFiles: Array<{ path: string; text: string }>;
}

/** `*.hpy*.so`, as HPy names universal binaries (`foo.hpy0.so`) and hybrid ones (`foo.hpy0-cp311.so`). */
const HPY_BINARY = /^.+\.hpy[^/]*\.so$/;
const SHARED_LIBRARY = /\.so(\.\d+)*$/;
const WHEEL_FILE = /^[^/]+\.dist-info\/WHEEL$/;

/** Throws ReportError when the file is missing, is not a zip archive, or is truncated or damaged. */
export async function readWheel(file: string): Promise<WheelContents> {
  const data = readInputFile(file);
  const contents: WheelContents = { binaries: [], otherLibraries: [], wheelFiles: [] };
  // The member being read, when an error is about one ('' while yauzl reads the list of members).
  let member = '';
  try {
    const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true });
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      const base = path.posix.basename(name);
      if (name.endsWith('/')) continue;
      const isBinary = HPY_BINARY.test(base);
      if (!isBinary && !WHEEL_FILE.test(name)) {
        if (SHARED_LIBRARY.test(base)) contents.otherLibraries.push(name);
        continue;
      }
      member = name;
      const bytes = await buffer(await zip.openReadStreamPromise(entry));
      // yauzl leaves the checksum to its caller: a member damaged in transit fails here
      // instead of being reported as a broken binary.
      if (crc32(bytes) !== entry.crc32) throw new Error('CRC-32 does not match its data');
      member = '';
      if (isBinary) contents.binaries.push({ path: name, bytes });
      else contents.wheelFiles.push({ path: name, text: bytes.toString('utf8') });
    }
  } catch (err) {
    throw new ReportError(file, zipFailure(err, data, member));
  }
  return contents;
}

/** One line saying why the archive cannot be read. */
function zipFailure(err: unknown, data: Buffer, member: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/end of central directory record signature not found/i.test(message)) {
    // That record, which lists the members, is the last thing in a zip file: a download cut
    // short loses it but keeps the local header at the start.
    return data.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))
      ? 'truncated or damaged zip archive: no end-of-central-directory record'
      : 'not a zip archive (a wheel is one)';
  }
  return `damaged zip archive: ${member ? `${member}: ` : ''}${message}`;
}
