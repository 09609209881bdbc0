// Context functions of the reference backend: errno errors, new exception types, warnings, unraisable.
import koffi from 'koffi';
import { readCBytes, type Pointer } from '../../../native-memory.js';
import { decode } from '../python/codecs.js';
import { c3 } from '../python/mro.js';
import type { ApiTable, ReferenceContext } from '../hpy/context.js';
import { unraisableHookArgs } from '../python/modules/sys.js';
import { warn } from '../python/modules/warnings.js';
import { PyDict, PyException, PyStr, PyTuple, PyType, type PyObject } from '../python/objects.js';

// The C library's message for an errno value, as CPython's PyErr_SetFromErrno uses it.
let strerror: ((errnum: number) => string) | undefined;
function cStrerror(errnum: number): string {
  strerror ??= koffi.load('libc.so.6').func('const char *strerror(int)') as (errnum: number) => string;
  return strerror(errnum);
}

export function errorsApi(c: ReferenceContext): ApiTable {
  const { rt, ops } = c;
  const o = (h: number) => c.obj(h);
  const ret = (x: PyObject) => c.open(x);

  /**
   * PyErr_SetFromErrnoWithFilenameObjects: `type(errno, strerror[, filename[, None, filename2]])`
   * becomes the pending exception. koffi.errno() is the extension's errno: koffi saves it when
   * the native code calls into JavaScript.
   */
  const setFromErrno = (type: PyObject, filename1: PyObject | null, filename2: PyObject | null) => {
    if (!rt.isExceptionType(type)) {
      throw rt.error('SystemError', `exception ${ops.repr(type)} is not a BaseException subclass`);
    }
    const errno = koffi.errno();
    const message = rt.str(errno === 0 ? 'Error' : cStrerror(errno));
    const args: PyObject[] = [rt.int(errno), message];
    if (filename1) {
      args.push(filename1);
      if (filename2) args.push(rt.None, filename2);
    }
    const exc = ops.call(type, args);
    // As PyErr_SetObject: a value that is not an exception instance of `type` is wrapped.
    c.error = exc instanceof PyException ? exc : rt.newException(type, [exc]);
  };

  /** PyErr_NewException(WithDoc): class `name` ("module.Class") deriving from `base`. */
  const newException = (name: string | null, doc: string | null, baseH: number, dictH: number) => {
    if (name === null) throw rt.error('SystemError', 'bad argument to internal function');
    const dot = name.lastIndexOf('.');
    if (dot < 0) throw rt.error('SystemError', 'PyErr_NewException: name must be module.class');
    const base = baseH ? o(baseH) : rt.excType('Exception');
    const bases = base instanceof PyTuple ? [...base.items] : [base];
    const dict = dictH ? o(dictH) : rt.dict();
    if (!(dict instanceof PyDict)) throw rt.error('SystemError', 'bad argument to internal function');
    // As CPython, the caller's dict is updated with __doc__ and __module__.
    if (doc !== null) ops.dictSet(dict, rt.str('__doc__'), rt.str(doc));
    const moduleKey = rt.str('__module__');
    if (ops.dictGet(dict, moduleKey) === undefined) ops.dictSet(dict, moduleKey, rt.str(name.slice(0, dot)));
    const module = ops.dictGet(dict, moduleKey)!;
    const type = newClass(name.slice(dot + 1), bases, module instanceof PyStr ? module.value : ops.str(module));
    for (const [k, v] of dict.entries.values()) if (k instanceof PyStr) type.attrs.set(k.value, v);
    if (!type.attrs.has('__doc__')) type.attrs.set('__doc__', rt.None);
    return ret(type);
  };

  /** A class with several bases: the MRO is their C3 linearisation, as `type()` computes it. */
  const newClass = (name: string, bases: PyObject[], module: string): PyType => {
    if (!bases.length) bases = [rt.object];
    for (const b of bases) if (!(b instanceof PyType)) throw rt.typeError('bases must be types');
    const types = bases as PyType[];
    const type = new PyType(rt.type, name, types[0], module);
    if (types.length > 1) {
      const mro = c3(types);
      if (!mro) throw rt.typeError('Cannot create a consistent method resolution order (MRO)');
      type.mro = [type, ...mro];
    }
    return type;
  };

  return {
    Err_SetFromErrnoWithFilename: (t: number, filename: Pointer | null) => {
      const type = o(t);
      const name = filename ? rt.str(decode(rt, readCBytes(filename), 'utf-8', 'surrogateescape')) : null;
      setFromErrno(type, name, null);
      return 0;
    },
    Err_SetFromErrnoWithFilenameObjects: (t: number, f1: number, f2: number) => {
      setFromErrno(o(t), f1 ? o(f1) : null, f2 ? o(f2) : null);
    },
    Err_NewException: (name: string | null, base: number, dict: number) => newException(name, null, base, dict),
    Err_NewExceptionWithDoc: (name: string | null, doc: string | null, base: number, dict: number) =>
      newException(name, doc, base, dict),
    Err_WarnEx: (category: number, message: string | null, stackLevel: number) => {
      warn(rt, ops, category ? o(category) : null, message ?? '', stackLevel);
      return 0;
    },
    // Hands the pending exception to sys.unraisablehook (or the default report) and clears it.
    Err_WriteUnraisable: (h: number) => {
      const exc = c.takeError();
      if (!exc) return;
      const obj = h ? c.handles.get(h) ?? null : null;
      const sys = rt.findModule('sys');
      const hook = sys?.dict?.get('unraisablehook');
      if (hook && hook !== sys?.dict?.get('__unraisablehook__')) {
        try {
          ops.call(hook, [unraisableHookArgs(rt, exc, obj)]);
        } catch (e) {
          c.reportUnraisable(e, 'sys.unraisablehook');
        }
        return;
      }
      c.reportUnraisable(exc, obj ? safeRepr(obj) : 'HPyErr_WriteUnraisable');
    },
  };

  function safeRepr(x: PyObject): string {
    try {
      return ops.repr(x);
    } catch {
      return `<${x.type.name} object>`;
    }
  }
}
