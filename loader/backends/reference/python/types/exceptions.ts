// Exceptions: BaseException's constructor, repr, str and args, and the classes whose constructor
// or str() differs from it: OSError (errno attributes, the subclass chosen from errno) and the
// Unicode codec errors.
import { constants } from 'node:os';
import type { Interp } from '../interp.js';
import type { Ops } from '../ops.js';
import { PyBytes, PyException, PyInt, PyRaise, PyStr, type PyObject } from '../objects.js';
import { escapeCodePoint } from '../text.js';

// Node does not export ESHUTDOWN; 108 is its value on Linux, the platform this backend runs on.
const E: Record<string, number | undefined> = { ESHUTDOWN: 108, ...constants.errno };
/** CPython's errno → OSError subclass table (Objects/exceptions.c), with this platform's numbers. */
const ERRNO_CLASSES: ReadonlyArray<readonly [number | undefined, string]> = [
  [E.EAGAIN, 'BlockingIOError'], [E.EALREADY, 'BlockingIOError'], [E.EINPROGRESS, 'BlockingIOError'],
  [E.EWOULDBLOCK, 'BlockingIOError'], [E.EPIPE, 'BrokenPipeError'], [E.ESHUTDOWN, 'BrokenPipeError'],
  [E.ECHILD, 'ChildProcessError'], [E.ECONNABORTED, 'ConnectionAbortedError'],
  [E.ECONNREFUSED, 'ConnectionRefusedError'], [E.ECONNRESET, 'ConnectionResetError'],
  [E.EEXIST, 'FileExistsError'], [E.ENOENT, 'FileNotFoundError'], [E.EISDIR, 'IsADirectoryError'],
  [E.ENOTDIR, 'NotADirectoryError'], [E.EINTR, 'InterruptedError'], [E.EACCES, 'PermissionError'],
  [E.EPERM, 'PermissionError'], [E.ESRCH, 'ProcessLookupError'], [E.ETIMEDOUT, 'TimeoutError'],
];

export function installExceptions(rt: Interp, ops: Ops): void {
  const base = rt.excType('BaseException');
  base.slots = {
    repr: (o) => {
      const e = o as PyException;
      const inner = e.args.items.length === 1 ? ops.repr(e.args.items[0]) : e.args.items.map((a) => ops.repr(a)).join(', ');
      return rt.str(`${e.type.name}(${inner})`);
    },
    str: (o) => {
      const items = (o as PyException).args.items;
      if (o.type.isSubtypeOf(rt.excType('KeyError')) && items.length === 1) return rt.str(ops.repr(items[0]));
      return rt.str(items.length === 0 ? '' : items.length === 1 ? ops.str(items[0]) : ops.repr((o as PyException).args));
    },
    getattr: (o, name) => (name === 'args' ? (o as PyException).args : ops.genericGetattr(o, name)),
    new: (type, args) => rt.newException(type, args),
  };

  const byErrno = new Map<bigint, string>();
  for (const [n, name] of ERRNO_CLASSES) if (n !== undefined) byErrno.set(BigInt(n), name);
  const baseStr = base.slots.str!;
  const none = rt.None;

  const oserror = rt.excType('OSError');
  for (const attr of ['errno', 'strerror', 'filename', 'filename2']) oserror.attrs.set(attr, none);
  oserror.slots = {
    new: (type, args) => {
      // Only OSError itself picks a subclass: OSError(2, ...) is a FileNotFoundError.
      if (type === oserror && args.length >= 2 && args[0] instanceof PyInt) {
        const sub = byErrno.get(args[0].value);
        if (sub) type = rt.excType(sub);
      }
      const e = rt.newException(type, args);
      if (args.length >= 2 && args.length <= 5) {
        e.dict!.set('errno', args[0]);
        e.dict!.set('strerror', args[1]);
        const filename = args[2] ?? none;
        if (filename !== none) {
          e.dict!.set('filename', filename);
          if (args.length === 5) e.dict!.set('filename2', args[4]);
          // As CPython: the filenames live in attributes, args keeps (errno, strerror).
          e.args = rt.tuple(args.slice(0, 2));
        }
      }
      return e;
    },
    str: (o) => {
      const d = o.dict!;
      const errno = d.get('errno'), strerror = d.get('strerror'), filename = d.get('filename');
      const filename2 = d.get('filename2');
      if (filename && filename !== none) {
        const head = `[Errno ${ops.str(errno!)}] ${ops.str(strerror!)}: ${ops.repr(filename)}`;
        return rt.str(filename2 && filename2 !== none ? `${head} -> ${ops.repr(filename2)}` : head);
      }
      if (errno && strerror) return rt.str(`[Errno ${ops.str(errno)}] ${ops.str(strerror)}`);
      return baseStr(o);
    },
  };

  // UnicodeDecodeError/UnicodeEncodeError keep (encoding, object, start, end, reason) in args,
  // as CPython does, and format their message from them.
  const codecArgs = (o: PyObject) => {
    const a = (o as PyException).args.items;
    if (a.length !== 5 || !(a[0] instanceof PyStr) || !(a[2] instanceof PyInt) || !(a[3] instanceof PyInt)
      || !(a[4] instanceof PyStr)) return null;
    return { encoding: a[0].value, object: a[1], start: Number(a[2].value), end: Number(a[3].value), reason: a[4].value };
  };
  const codecAttrs = (o: PyObject, name: string) => {
    const a = (o as PyException).args.items;
    if (name === 'args') return (o as PyException).args;
    const i = ['encoding', 'object', 'start', 'end', 'reason'].indexOf(name);
    if (i >= 0 && a.length === 5) return a[i];
    return ops.genericGetattr(o, name);
  };
  rt.excType('UnicodeDecodeError').slots = {
    getattr: codecAttrs,
    str: (o) => {
      const c = codecArgs(o);
      if (!c || !(c.object instanceof PyBytes)) return baseStr(o);
      if (c.start < c.object.value.length && c.end === c.start + 1) {
        const byte = c.object.value[c.start].toString(16).padStart(2, '0');
        return rt.str(`'${c.encoding}' codec can't decode byte 0x${byte} in position ${c.start}: ${c.reason}`);
      }
      return rt.str(`'${c.encoding}' codec can't decode bytes in position ${c.start}-${c.end - 1}: ${c.reason}`);
    },
  };
  rt.excType('UnicodeEncodeError').slots = {
    getattr: codecAttrs,
    str: (o) => {
      const c = codecArgs(o);
      if (!c || !(c.object instanceof PyStr)) return baseStr(o);
      const cps = [...c.object.value];
      if (c.start < cps.length && c.end === c.start + 1) {
        return rt.str(`'${c.encoding}' codec can't encode character '${escapeCodePoint(cps[c.start].codePointAt(0)!)}' in position ${c.start}: ${c.reason}`);
      }
      return rt.str(`'${c.encoding}' codec can't encode characters in position ${c.start}-${c.end - 1}: ${c.reason}`);
    },
  };
}

export function unicodeDecodeError(rt: Interp, encoding: string, data: Uint8Array, start: number, end: number, reason: string): PyRaise {
  return new PyRaise(rt.newException(rt.excType('UnicodeDecodeError'),
    [rt.str(encoding), rt.bytes(data), rt.int(start), rt.int(end), rt.str(reason)]));
}

export function unicodeEncodeError(rt: Interp, encoding: string, s: string, start: number, end: number, reason: string): PyRaise {
  return new PyRaise(rt.newException(rt.excType('UnicodeEncodeError'),
    [rt.str(encoding), rt.str(s), rt.int(start), rt.int(end), rt.str(reason)]));
}
