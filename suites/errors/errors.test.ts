// Errors through the HPy API: errno-based OSErrors, new exception classes, warnings (with the
// `warnings` module's filters and showwarning hook), unraisable exceptions (sys.unraisablehook)
// and exception matching. Expected values are CPython 3.11's on Linux.
import { expect } from 'chai';
import { loadExtension, py, type PyProxy, raises } from 'hpy-matrix/suite';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('errors', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('errors.c');
  });

  describe('Err_SetFromErrno*', () => {
    it('OSError with an errno becomes the matching subclass, with strerror and filename', () => {
      raises(() => m.set_errno_filename(py.OSError, 2, ascii('x')), 'FileNotFoundError', "[Errno 2] No such file or directory: 'x'");
      raises(() => m.set_errno_filename(py.OSError, 13, ascii('/root/f')), 'PermissionError', "[Errno 13] Permission denied: '/root/f'");
      raises(() => m.set_errno_filename(py.OSError, 17, ascii('d')), 'FileExistsError', "[Errno 17] File exists: 'd'");
    });
    it('more errno values and their classes', () => {
      const cases: Array<[number, string]> = [[1, 'PermissionError'], [3, 'ProcessLookupError'], [4, 'InterruptedError'],
        [10, 'ChildProcessError'], [11, 'BlockingIOError'], [20, 'NotADirectoryError'], [21, 'IsADirectoryError'],
        [32, 'BrokenPipeError'], [104, 'ConnectionResetError'], [110, 'TimeoutError'], [111, 'ConnectionRefusedError'],
        [103, 'ConnectionAbortedError'], [5, 'OSError']];
      for (const [errno, type] of cases) raises(() => m.set_errno(py.OSError, errno), type);
    });
    it('without a filename the message is [Errno n] strerror', () => {
      raises(() => m.set_errno_filename(py.OSError, 2, undefined), 'FileNotFoundError', '[Errno 2] No such file or directory');
      raises(() => m.set_errno(py.OSError, 2), 'FileNotFoundError', '[Errno 2] No such file or directory');
      raises(() => m.set_errno(py.OSError, 9999), 'OSError', '[Errno 9999] Unknown error 9999');
    });
    it('errno 0 gives the message "Error"', () => {
      raises(() => m.set_errno(py.OSError, 0), 'OSError', '[Errno 0] Error');
    });
    it('a filename that is not UTF-8 is decoded with surrogateescape', () => {
      raises(() => m.set_errno_filename(py.OSError, 2, new Uint8Array([0x61, 0xff])), 'FileNotFoundError',
        "[Errno 2] No such file or directory: 'a\\udcff'");
    });
    it('filename objects: one, two, and any object', () => {
      raises(() => m.set_errno_objects(py.OSError, 13, 'a', 'b'), 'PermissionError', "[Errno 13] Permission denied: 'a' -> 'b'");
      raises(() => m.set_errno_objects(py.OSError, 2, ascii('raw'), undefined), 'FileNotFoundError', "[Errno 2] No such file or directory: b'raw'");
      raises(() => m.set_errno_objects(py.OSError, 2, 5, undefined), 'FileNotFoundError', '[Errno 2] No such file or directory: 5');
      raises(() => m.set_errno_filename_object(py.OSError, 2, 'obj'), 'FileNotFoundError', "[Errno 2] No such file or directory: 'obj'");
      raises(() => m.set_errno_objects(py.OSError, 2, undefined, 'b'), 'FileNotFoundError', '[Errno 2] No such file or directory');
    });
    it('a given OSError subclass is kept whatever the errno', () => {
      raises(() => m.set_errno_filename(py.FileExistsError, 2, ascii('x')), 'FileExistsError', "[Errno 2] No such file or directory: 'x'");
    });
    it('a class outside OSError gets (errno, strerror[, filename]) as its args', () => {
      raises(() => m.set_errno_filename(py.ValueError, 17, ascii('x')), 'ValueError', "(17, 'File exists', 'x')");
      raises(() => m.set_errno(py.RuntimeError, 2), 'RuntimeError', "(2, 'No such file or directory')");
    });
    it('reads the errno a real failing system call left', () => {
      raises(() => m.open_missing(ascii('/nonexistent/hpy-matrix/file')), 'FileNotFoundError',
        "[Errno 2] No such file or directory: '/nonexistent/hpy-matrix/file'");
    });
    it('OSError keeps errno, strerror, filename and filename2 as attributes', () => {
      const e = py.OSError(2, 'No such file or directory', 'x');
      expect(e.type).to.equal('FileNotFoundError');
      expect([e.errno, e.strerror, e.filename, e.filename2]).to.deep.equal([2, 'No such file or directory', 'x', undefined]);
      expect(e.args.toJs()).to.deep.equal([2, 'No such file or directory']);
      const two = py.OSError(13, 'Permission denied', 'a', undefined, 'b');
      expect([two.filename, two.filename2]).to.deep.equal(['a', 'b']);
      expect(py.str(two)).to.equal("[Errno 13] Permission denied: 'a' -> 'b'");
      const plain = py.OSError('just a message');
      expect([plain.errno, plain.strerror]).to.deep.equal([undefined, undefined]);
      expect(py.str(plain)).to.equal('just a message');
      expect(py.repr(py.OSError(1, 'x'))).to.equal("PermissionError(1, 'x')");
    });
  });

  describe('Err_NewException', () => {
    it('makes a class named module.Name deriving from Exception', () => {
      const E = m.new_exception('mod.Err', undefined, undefined);
      expect(py.repr(E)).to.equal("<class 'mod.Err'>");
      expect(E.__module__).to.equal('mod');
      expect(py.issubclass(E, py.Exception)).to.equal(true);
      expect(py.issubclass(E, py.ValueError)).to.equal(false);
      expect(E.__doc__).to.equal(undefined);
    });
    it('the last dot separates the module', () => {
      const E = m.new_exception('a.b.C', undefined, undefined);
      expect(py.repr(E)).to.equal("<class 'a.b.C'>");
      expect(E.__module__).to.equal('a.b');
    });
    it('instances raise and print like any exception', () => {
      const E = m.new_exception('mod.Err', py.ValueError, undefined);
      const e = E('hi');
      expect(py.repr(e)).to.equal("Err('hi')");
      expect(py.str(e)).to.equal('hi');
      expect(py.isinstance(e, py.ValueError)).to.equal(true);
      raises(() => m.set_object(E, 'boom'), 'Err', 'boom');
    });
    it('a tuple of bases', () => {
      const E = m.new_exception('mod.Both', py.tuple([py.ValueError, py.KeyError]), undefined);
      expect(py.issubclass(E, py.ValueError)).to.equal(true);
      expect(py.issubclass(E, py.KeyError)).to.equal(true);
      expect(py.issubclass(E, py.LookupError)).to.equal(true);
      expect(m.matches(E, 'x', py.KeyError)).to.equal(true);
    });
    it('the dict gives class attributes and receives __module__', () => {
      const d = py.dict();
      py.setitem(d, 'x', 1);
      const E = m.new_exception('mod.WithDict', py.ValueError, d);
      expect(E.x).to.equal(1);
      expect(py.getitem(d, '__module__')).to.equal('mod');
    });
    it('a __module__ in the dict wins over the name', () => {
      const d = py.dict();
      py.setitem(d, '__module__', 'zz');
      const E = m.new_exception('mod.Err', undefined, d);
      expect(py.repr(E)).to.equal("<class 'zz.Err'>");
    });
    it('WithDoc sets __doc__', () => {
      const E = m.new_exception_doc('mod.Doc', 'the doc', py.ValueError, undefined);
      expect(E.__doc__).to.equal('the doc');
      expect(py.issubclass(E, py.ValueError)).to.equal(true);
      expect(m.new_exception_doc('mod.NoDoc', undefined, undefined, undefined).__doc__).to.equal(undefined);
    });
    it('a name without a dot is a SystemError', () => {
      raises(() => m.new_exception('Err', undefined, undefined), 'SystemError', 'PyErr_NewException: name must be module.class');
      raises(() => m.new_exception_doc('Err', 'doc', undefined, undefined), 'SystemError', 'PyErr_NewException: name must be module.class');
    });
    it('a base that is not a class is a TypeError', () => {
      raises(() => m.new_exception('mod.Err', 5, undefined), 'TypeError');
    });
  });

  describe('Err_WarnEx', () => {
    let warnings: PyProxy;
    let shown: Array<{ message: string; category: string; filename: string; lineno: number }>;
    let originalShow: PyProxy;
    before(() => {
      warnings = m.import_module('warnings');
      originalShow = warnings.showwarning;
    });
    beforeEach(() => {
      shown = [];
      warnings.resetwarnings();
      warnings.showwarning = (message: PyProxy, category: PyProxy, filename: string, lineno: number) => {
        shown.push({ message: py.str(message), category: message.type, filename, lineno });
        expect(py.is_(category, py.type(message))).to.equal(true);
      };
    });
    after(() => {
      warnings.showwarning = originalShow;
      warnings.resetwarnings();
    });

    it('"always" shows every warning, with its category', () => {
      warnings.simplefilter('always');
      expect(m.warn(py.UserWarning, 'first', 1)).to.equal(0);
      expect(m.warn(py.UserWarning, 'first', 1)).to.equal(0);
      expect(shown.map((w) => [w.category, w.message])).to.deep.equal([['UserWarning', 'first'], ['UserWarning', 'first']]);
    });
    it('a NULL category means RuntimeWarning', () => {
      warnings.simplefilter('always');
      m.warn(undefined, 'hello', 1);
      expect(shown[0].category).to.equal('RuntimeWarning');
      expect(shown[0].message).to.equal('hello');
    });
    it('with no Python frame the location is sys:1', () => {
      warnings.simplefilter('always');
      m.warn(py.UserWarning, 'where', 1);
      expect([shown[0].filename, shown[0].lineno]).to.deep.equal(['sys', 1]);
    });
    it('"error" raises the warning, and WarnEx returns -1', () => {
      warnings.simplefilter('error');
      raises(() => m.warn(py.UserWarning, 'boom', 1), 'UserWarning', 'boom');
      raises(() => m.warn(py.DeprecationWarning, 'old', 1), 'DeprecationWarning', 'old');
      expect(shown).to.deep.equal([]);
    });
    it('"ignore" drops the warning', () => {
      warnings.simplefilter('ignore');
      expect(m.warn(py.UserWarning, 'quiet', 1)).to.equal(0);
      expect(shown).to.deep.equal([]);
    });
    it('"default" shows a warning once per location until the filters change', () => {
      warnings.simplefilter('default');
      m.warn(py.UserWarning, 'd', 1);
      m.warn(py.UserWarning, 'd', 1);
      m.warn(py.UserWarning, 'e', 1);
      m.warn(py.RuntimeWarning, 'd', 1);
      expect(shown.map((w) => w.message)).to.deep.equal(['d', 'e', 'd']);
      warnings.simplefilter('default');
      m.warn(py.UserWarning, 'd', 1);
      expect(shown.length).to.equal(4);
    });
    it('filters match by category, first match wins', () => {
      warnings.simplefilter('ignore');
      warnings.simplefilter('error', py.DeprecationWarning);
      raises(() => m.warn(py.DeprecationWarning, 'dep', 1), 'DeprecationWarning', 'dep');
      expect(m.warn(py.UserWarning, 'user', 1)).to.equal(0);
      expect(shown).to.deep.equal([]);
    });
    it('simplefilter takes keyword arguments and appends on request', () => {
      warnings.simplefilter.callKwargs('error', { category: py.UserWarning });
      warnings.simplefilter.callKwargs('ignore', { append: true });
      expect(py.len(warnings.filters)).to.equal(2);
      expect(py.repr(py.getitem(warnings.filters, 0))).to.equal("('error', None, <class 'UserWarning'>, None, 0)");
      raises(() => m.warn(py.UserWarning, 'u', 1), 'UserWarning');
    });
    it('filterwarnings matches the message text, case-insensitively from its start', () => {
      warnings.simplefilter('always');
      warnings.filterwarnings('error', 'BAD');
      raises(() => m.warn(py.UserWarning, 'bad thing', 1), 'UserWarning', 'bad thing');
      expect(m.warn(py.UserWarning, 'not bad', 1)).to.equal(0);
      expect(shown.map((w) => w.message)).to.deep.equal(['not bad']);
    });
    it('resetwarnings empties the filters', () => {
      warnings.simplefilter('error');
      warnings.resetwarnings();
      expect(py.len(warnings.filters)).to.equal(0);
    });
    it('simplefilter checks its action', () => {
      raises(() => warnings.simplefilter('bogus'), 'AssertionError', "invalid action: 'bogus'");
    });
    it('"once" shows a text and category once, until the filters change', () => {
      warnings.simplefilter('once');
      m.warn(py.UserWarning, 'o', 1);
      m.warn(py.UserWarning, 'o', 1);
      m.warn(py.RuntimeWarning, 'o', 1);
      expect(shown.map((w) => w.category)).to.deep.equal(['UserWarning', 'RuntimeWarning']);
      warnings.simplefilter('once');
      m.warn(py.UserWarning, 'o', 1);
      expect(shown.length).to.equal(3);
    });
    it('"module" shows a warning once', () => {
      warnings.simplefilter('module');
      m.warn(py.UserWarning, 'mod', 1);
      m.warn(py.UserWarning, 'mod', 1);
      expect(shown.length).to.equal(1);
    });
    it('with no matching filter, defaultaction applies', () => {
      warnings.simplefilter('ignore', py.DeprecationWarning);
      m.warn(py.UserWarning, 'fallback', 1);
      expect(shown.map((w) => w.message)).to.deep.equal(['fallback']);
    });
    it('subclasses match a filter on their base', () => {
      warnings.simplefilter('error', py.Warning);
      raises(() => m.warn(py.FutureWarning, 'future', 1), 'FutureWarning', 'future');
    });
    it('warnings.warn from Python goes through the same filters', () => {
      warnings.simplefilter('always');
      warnings.warn('from python', py.UserWarning);
      expect(shown.map((w) => [w.category, w.message, w.filename, w.lineno])).to.deep.equal([['UserWarning', 'from python', 'sys', 1]]);
      raises(() => warnings.warn('x', 5), 'TypeError', "category must be a Warning subclass, not 'int'");
    });
    it('filterwarnings checks its category', () => {
      raises(() => warnings.filterwarnings('error', '', 5), 'AssertionError', 'category must be a class');
    });
    it('the category is called with the message: anything callable is accepted', () => {
      warnings.simplefilter('error');
      raises(() => m.warn(5, 'x', 1), 'TypeError', "'int' object is not callable");
    });
  });

  describe('Err_WriteUnraisable', () => {
    let sys: PyProxy;
    let seen: Array<{ type: string; value: string; object: unknown; errMsg: unknown }>;
    before(() => {
      sys = m.import_module('sys');
    });
    beforeEach(() => {
      seen = [];
      sys.unraisablehook = (u: PyProxy) => {
        seen.push({ type: u.exc_value.type, value: py.str(u.exc_value), object: u.object, errMsg: u.err_msg });
        expect(py.is_(u.exc_type, py.type(u.exc_value))).to.equal(true);
      };
    });
    after(() => {
      sys.unraisablehook = sys.__unraisablehook__;
    });

    it('hands the pending exception to sys.unraisablehook and clears it', () => {
      expect(m.write_unraisable(py.ValueError, 'lost', 'the object')).to.equal(false);
      expect(seen).to.deep.equal([{ type: 'ValueError', value: 'lost', object: 'the object', errMsg: undefined }]);
    });
    it('a NULL object is passed as None', () => {
      expect(m.write_unraisable(py.KeyError, 'k', undefined)).to.equal(false);
      expect(seen).to.deep.equal([{ type: 'KeyError', value: "'k'", object: undefined, errMsg: undefined }]);
    });
    it('does nothing without a pending exception', () => {
      expect(m.write_unraisable_no_error()).to.equal(false);
      expect(seen).to.deep.equal([]);
    });
    it('an exception raised by the hook does not escape', () => {
      sys.unraisablehook = () => {
        throw new Error('hook failed');
      };
      expect(m.write_unraisable(py.ValueError, 'lost', undefined)).to.equal(false);
    });
    it('the default hook reports and the call goes on', () => {
      sys.unraisablehook = sys.__unraisablehook__;
      expect(m.write_unraisable(py.RuntimeError, 'reported on stderr', 1)).to.equal(false);
    });
  });

  describe('matching and the pending exception', () => {
    it('ExceptionMatches follows subclassing and tuples', () => {
      expect(m.matches(py.KeyError, 'k', py.LookupError)).to.equal(true);
      expect(m.matches(py.KeyError, 'k', py.KeyError)).to.equal(true);
      expect(m.matches(py.KeyError, 'k', py.ValueError)).to.equal(false);
      expect(m.matches(py.KeyError, 'k', py.tuple([py.ValueError, py.Exception]))).to.equal(true);
      expect(m.matches(py.KeyboardInterrupt, 'k', py.Exception)).to.equal(false);
      expect(m.matches(py.KeyboardInterrupt, 'k', py.BaseException)).to.equal(true);
    });
    it('ExceptionMatches is false with nothing pending', () => {
      expect(m.matches_nothing_pending(py.Exception)).to.equal(false);
    });
    it('OSError raised from C picks its subclass from errno', () => {
      expect(m.matches(py.FileNotFoundError, 'x', py.OSError)).to.equal(true);
      raises(() => m.set_object(py.OSError, py.tuple([2, 'gone'])), 'FileNotFoundError', '[Errno 2] gone');
    });
    it('a class made by NewException matches itself and its bases', () => {
      const E = m.new_exception('mod.Matched', py.KeyError, undefined);
      expect(m.matches(E, 'x', E)).to.equal(true);
      expect(m.matches(E, 'x', py.LookupError)).to.equal(true);
      expect(m.matches(py.KeyError, 'x', E)).to.equal(false);
    });
    it('Err_Occurred and Err_Clear', () => {
      expect(m.occurred_and_clear().toJs()).to.deep.equal([0, 1, 0]);
    });
  });
});
