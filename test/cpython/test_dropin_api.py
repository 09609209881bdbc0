"""The context members of the cpython backend, driven from plain python3 through the drop-in
module `hpy_matrix.universal`: each suite's extension is loaded and its functions are checked
against what the suite's *.test.ts expects (CPython 3.11's values and messages).

    python3 test/cpython/test_dropin_api.py BUILD_DIR [NAME_FILTER]

BUILD_DIR holds the package `hpy_matrix/` with the built `universal` extension module, and the
suites' universal binaries `basic.hpy0.so`, `objects.hpy0.so`, `strings.hpy0.so`,
`errors.hpy0.so` and `capsules.hpy0.so`. A C compiler ($CC, default cc) builds a small probe
extension that hands out the context's address, so that the remaining members can be called
directly through ctypes. NAME_FILTER runs only the tests whose name contains it. Plain asserts,
no pytest; exit status 1 on failure.
"""
import contextlib
import contextvars
import ctypes
import gc
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings

SSIZE_MAX = 2**63 - 1
SSIZE_MIN = -(2**63)
BAD_ARG = 'bad argument type for built-in operation'
TESTS = []
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test(fn):
    TESTS.append(fn)
    return fn


def load(name):
    path = os.path.join(BUILD_DIR, name + '.hpy0.so')
    assert os.path.exists(path), f'{path} is missing: build suites/{name}/{name}.c into BUILD_DIR'
    spec = importlib.util.spec_from_file_location(name, path)
    return universal.load(name, path, spec)


def raises(f, exc_type, message=None):
    """Calls f(), which must raise exc_type (by name when a str); message is the str() of the
    exception, or a compiled regex that must match it."""
    try:
        f()
    except BaseException as e:  # noqa: B036 - the test decides what is expected
        name = exc_type if isinstance(exc_type, str) else exc_type.__name__
        assert type(e).__name__ == name, f'expected {name}, got {type(e).__name__}: {e}'
        if isinstance(message, re.Pattern):
            assert message.search(str(e)), f'{str(e)!r} does not match {message.pattern!r}'
        elif message is not None:
            assert str(e) == message, f'expected message {message!r}, got {str(e)!r}'
        return e
    raise AssertionError(f'expected {exc_type}, nothing raised')


# --- basic ---------------------------------------------------------------------------------------

@test
def basic_module():
    m = mods['basic']
    assert m.__doc__ == "The basic suite's extension."
    assert m.__name__ == 'basic'
    assert m.answer == 42
    assert repr(m.add) == '<built-in function add>'
    a = m.next_count()
    assert m.next_count() == a + 1


@test
def basic_signatures():
    m = mods['basic']
    assert m.get_none() is None
    # CPython names a function with its module ("basic.get_none()"), the reference backend not.
    raises(lambda: m.get_none(1), TypeError, re.compile(r'^(basic\.)?get_none\(\) takes no arguments \(1 given\)$'))
    assert m.negate(0) is True and m.negate('x') is False
    raises(lambda: m.negate(), TypeError, re.compile(r'^(basic\.)?negate\(\) takes exactly one argument \(0 given\)$'))
    assert m.add(1, 2) == 3
    raises(lambda: m.add(1), TypeError, 'add() takes exactly 2 arguments')
    raises(lambda: m.add(1, 2, x=1), TypeError, re.compile(r'^(basic\.)?add\(\) takes no keyword arguments$'))
    assert m.describe_call(1, 'a') == ((1, 'a'), None)
    assert m.describe_call(1, x=2, y=3) == ((1,), ('x', 'y'))
    assert m.keyword_value(0, other=1, key='found') == 'found'


@test
def basic_numbers():
    m = mods['basic']
    assert m.add(2**70, 1) == 2**70 + 1
    assert m.double_it(-21) == -42
    assert m.int64_roundtrip(-(2**63)) == -(2**63)
    assert m.int64_roundtrip(2**63 - 1) == 2**63 - 1
    raises(lambda: m.int64_roundtrip(2**63), OverflowError)
    raises(lambda: m.int64_roundtrip(1.5), TypeError)
    assert m.half(3) == 1.5 and m.double_it(2.25) == 4.5
    raises(lambda: m.half('x'), TypeError)
    assert m.negate(True) is False and m.negate([]) is True


@test
def basic_text_and_containers():
    m = mods['basic']
    assert m.greet('Zoë') == 'Hello, Zoë!'
    assert m.utf8_size('héllo€') == 9
    raises(lambda: m.utf8_size(1), TypeError)
    assert m.make_bytes() == b'a\x00b'
    assert m.bytes_size(b'\x01\x02\x03') == 3
    raises(lambda: m.bytes_size('abc'), TypeError, 'expected bytes')
    assert m.squares(5) == [0, 1, 4, 9, 16]
    assert repr(m.make_dict()) == "{'one': 1, 'two': 2}"
    assert m.getitem([10, 20, 30], -1) == 30
    assert m.getitem({1: 'int'}, True) == 'int'


@test
def basic_errors():
    m = mods['basic']
    raises(lambda: m.raise_value_error('boom'), ValueError, 'boom')
    raises(lambda: m.getitem({'a': 1}, 'b'), KeyError, "'b'")
    raises(lambda: m.getitem([1], 5), IndexError, 'list index out of range')
    raises(lambda: m.add(1, 'x'), TypeError, "unsupported operand type(s) for +: 'int' and 'str'")
    raises(lambda: m.call_with(m.raise_value_error, 'inner'), ValueError, 'inner')
    assert m.call_with(m.add, 3, 4) == 7
    assert m.call_with(lambda a, b: a * b, 6, 7) == 42
    assert m.forget_error(lambda: 1) is False
    assert m.forget_error(lambda: m.raise_value_error('swallowed')) is True


@test
def basic_runtime_helpers():
    m = mods['basic']
    assert m.parse_args(1) == (1, 10, 'x')
    assert m.parse_args(1, 2, name='n') == (1, 2, 'n')
    assert m.parse_args(b=3, a=4) == (4, 3, 'x')
    raises(lambda: m.parse_args(), TypeError, 'parse_args() no value for required argument')
    raises(lambda: m.parse_args('no'), TypeError)
    assert repr(m.build_value()) == "{'int': 7, 'list': [0.5, 'text'], 'tuple': ()}"
    assert m.format(7, 'é') == "n=007, obj='é'"
    raises(lambda: m.format(1), TypeError, 'format() takes 2 arguments (1 given)')


# --- objects -------------------------------------------------------------------------------------

@test
def objects_iteration():
    n = mods['after09']
    assert n.iter_collect([1, 2, 3]) == [1, 2, 3]
    assert n.iter_collect('hé😀') == ['h', 'é', '😀']
    assert n.iter_collect(b'\x00\xff') == [0, 255]
    assert n.iter_collect({'k': 1, 'j': 2}) == ['k', 'j']
    assert n.iter_collect([]) == []
    it = n.get_iter([7])
    assert n.iter_next(it) == (True, 7)
    assert n.iter_next(it) == (False, None)
    assert n.iter_next(it) == (False, None)
    it = n.get_iter([1, 2])
    assert n.get_iter(it) is it
    assert next(it) == 1 and n.iter_collect(it) == [2]
    lst = [1]
    it = n.get_iter(lst)
    assert n.iter_next(it) == (True, 1)
    lst.append(2)
    assert n.iter_next(it) == (True, 2)
    raises(lambda: n.get_iter(5), TypeError, "'int' object is not iterable")
    raises(lambda: n.get_iter(None), TypeError, "'NoneType' object is not iterable")
    raises(lambda: n.iter_collect(1.5), TypeError, "'float' object is not iterable")
    raises(lambda: n.iter_next([1]), TypeError, "'list' object is not an iterator")
    assert n.iter_check(n.get_iter([1])) and n.iter_check(iter({}))
    assert not n.iter_check([1]) and not n.iter_check('ab') and not n.iter_check(3)


@test
def objects_iteration_stop_iteration_is_exhaustion():
    n = mods['after09']

    class Stops:
        def __iter__(self):
            return self

        def __next__(self):
            raise StopIteration('done')
    assert n.iter_next(Stops()) == (False, None)


@test
def objects_slices():
    m = mods['objects']
    n = mods['after09']
    s = n.slice_new(1, 10, 2)
    assert type(s) is slice and (s.start, s.stop, s.step) == (1, 10, 2)
    assert repr(n.slice_new_nulls()) == 'slice(None, None, None)'
    assert repr(n.slice_new('a', [1], None)) == "slice('a', [1], None)"
    assert m.slice_unpack(slice(None)) == (0, SSIZE_MAX, 1)
    assert m.slice_unpack(slice(1, 2, 3)) == (1, 2, 3)
    assert m.slice_unpack(slice(None, None, -1)) == (SSIZE_MAX, SSIZE_MIN, -1)
    assert m.slice_unpack(slice(10**30, -(10**30), 10**30)) == (SSIZE_MAX, SSIZE_MIN, SSIZE_MAX)
    assert m.slice_unpack(slice(0, 1, -(10**30))) == (0, 1, -SSIZE_MAX)
    assert m.slice_unpack(slice(False, True)) == (0, 1, 1)
    raises(lambda: m.slice_unpack(slice(0, 1, 0)), ValueError, 'slice step cannot be zero')
    bad = 'slice indices must be integers or None or have an __index__ method'
    raises(lambda: m.slice_unpack(slice('a')), TypeError, bad)
    raises(lambda: m.slice_unpack(slice(1.5)), TypeError, bad)
    raises(lambda: m.slice_unpack(5), SystemError)
    assert m.slice_indices(slice(None, None, -1), 5) == (4, -1, -1, 5)
    assert m.slice_indices(slice(1, 100, 2), 6) == (1, 6, 2, 3)


@test
def objects_item_protocol():
    m = mods['objects']
    assert m.getitem('abcdef', slice(None, None, -2)) == 'fdb'
    assert m.getitem(b'abcd', slice(1, 3)) == b'bc'
    assert m.setitem([0, 1, 2, 3, 4, 5], slice(1, 3), [9]) == [0, 9, 3, 4, 5]
    raises(lambda: m.setitem([0, 1, 2, 3, 4, 5], slice(None, None, 2), [1]), ValueError,
           'attempt to assign sequence of size 1 to extended slice of size 3')
    lst = [0, 1, 2, 3]
    assert m.setitem(lst, slice(None, None, -1), lst) == [3, 2, 1, 0]
    raises(lambda: m.setitem([1, 2], slice(0, 1), 5), TypeError, 'can only assign an iterable')
    assert m.delitem([0, 1, 2, 3, 4, 5], slice(None, None, 2)) == [1, 3, 5]
    raises(lambda: m.getitem([1], 'x'), TypeError, 'list indices must be integers or slices, not str')
    raises(lambda: m.getitem('abc', 'x'), TypeError, "string indices must be integers, not 'str'")
    raises(lambda: m.getitem([1], 2**70), IndexError, "cannot fit 'int' into an index-sized integer")
    raises(lambda: m.setitem([1], 3, 0), IndexError, 'list assignment index out of range')


@test
def objects_get_set_del_slice():
    n = mods['after09']
    assert n.get_slice([1, 2, 3, 4], -3, -1) == [2, 3]
    assert n.get_slice('abcdef', 2, 100) == 'cdef'
    assert n.get_slice((1, 2, 3), 1, 2) == (2,)
    assert n.get_slice(b'\x01\x02\x03', 0, 2) == b'\x01\x02'
    assert n.get_slice([1, 2, 3], 2, 1) == []
    raises(lambda: n.get_slice(5, 0, 1), TypeError, "'int' object is unsliceable")
    raises(lambda: n.get_slice({}, 0, 1), TypeError, "unhashable type: 'slice'")
    assert n.set_slice([1, 2, 3, 4], 1, 3, ['a', 'b', 'c']) == [1, 'a', 'b', 'c', 4]
    assert n.set_slice([1, 2, 3, 4], 1, 3, None) == [1, 4]
    assert n.set_slice([1, 2], -1, 100, [9]) == [1, 9]
    raises(lambda: n.set_slice((1, 2), 0, 1, [1]), TypeError, "'tuple' object doesn't support slice assignment")
    raises(lambda: n.set_slice(5, 0, 1, [1]), TypeError, "'int' object doesn't support slice assignment")
    raises(lambda: n.set_slice([1, 2], 0, 1, 5), TypeError, 'can only assign an iterable')
    assert n.del_slice([0, 1, 2, 3], 1, 3) == [0, 3]
    assert n.del_slice([0, 1, 2, 3], -1, 10) == [0, 1, 2]
    raises(lambda: n.del_slice((1, 2), 0, 1), TypeError, "'tuple' object doesn't support slice deletion")
    raises(lambda: n.del_slice('ab', 0, 1), TypeError, "'str' object doesn't support slice deletion")


@test
def objects_list_insert_ascii_bytes():
    m = mods['objects']
    n = mods['after09']
    assert n.list_insert([1, 2, 3], 1, 'x') == [1, 'x', 2, 3]
    assert n.list_insert([1, 2, 3], -1, 'x') == [1, 2, 'x', 3]
    assert n.list_insert([1, 2, 3], 100, 'x') == [1, 2, 3, 'x']
    assert n.list_insert([1, 2, 3], -100, 'x') == ['x', 1, 2, 3]
    raises(lambda: n.list_insert((1,), 0, 1), SystemError)
    raises(lambda: n.list_insert_null([1]), SystemError)
    assert m.ascii('é😀ሴ') == "'\\xe9\\U0001f600\\u1234'"
    assert m.ascii(42) == '42'
    assert m.bytes_is_same(b'\x01\x02') is True
    assert m.bytes([1, 2]) == b'\x01\x02' and m.bytes(iter([65])) == b'A' and m.bytes({1: 2}) == b'\x01'
    raises(lambda: m.bytes(5), TypeError, "cannot convert 'int' object to bytes")
    raises(lambda: m.bytes('x'), TypeError, "cannot convert 'str' object to bytes")
    raises(lambda: m.bytes([1, 'a']), TypeError, "'str' object cannot be interpreted as an integer")
    raises(lambda: m.bytes([1, 300]), ValueError, 'bytes must be in range(0, 256)')


@test
def objects_null_handles():
    for fn in ['GetIter', 'Iter_Next', 'GetSlice', 'SetSlice', 'DelSlice', 'List_Insert']:
        raises(lambda: mods['after09'].with_null(fn), SystemError)
    for fn in ['Slice_Unpack', 'ASCII', 'Bytes']:
        raises(lambda: mods['objects'].with_null(fn), SystemError)


# --- strings -------------------------------------------------------------------------------------

@test
def strings_wide_chars():
    m = mods['strings']
    assert m.wchar_size() == 4
    assert m.from_wide([0x61, 0xe9, 0x20ac, 0x1f600], 4) == 'aé€😀'
    assert m.from_wide([0x61, 0x62, 0x63], 2) == 'ab'
    assert m.from_wide([0x61, 0, 0x62], 3) == 'a\0b'
    assert m.from_wide([0x61, 0x1f600, 0x62], -1) == 'a😀b'
    assert m.from_wide([], -1) == ''
    s = m.from_wide([0x61, 0xd800], -1)
    assert len(s) == 2 and m.read_char(s, 1) == 0xd800
    raises(lambda: m.from_wide([0x61, 0x110000], 2), ValueError, 'character U+110000 is not in range [U+0000; U+10ffff]')
    raises(lambda: m.from_wide([0xffffffff], 1), ValueError, 'character U+ffffffff is not in range [U+0000; U+10ffff]')
    assert m.from_wide_null(0) == ''
    raises(lambda: m.from_wide_null(3), SystemError)


@test
def strings_fs_encoding():
    m = mods['strings']
    assert m.decode_fs(b'a\xffb\xc3\xa9') == 'a\udcffbé'
    assert m.decode_fs(b'a\0b') == 'a'
    assert m.decode_fs_size(b'a\xffb\xc3\xa9', 2) == 'a\udcff'
    assert m.decode_fs_size(b'a\0b', 3) == 'a\0b'
    assert m.decode_fs_size(b'a', 0) == ''
    raises(lambda: m.decode_fs_size(b'ab', -1), SystemError, 'Negative size passed to PyUnicode_New')
    assert m.encode_fs('a\udcffé') == b'a\xff\xc3\xa9'
    assert m.encode_fs('a\0b') == b'a\0b'
    raises(lambda: m.encode_fs('a\ud800'), UnicodeEncodeError,
           "'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not allowed")
    raw = b'/\x80\xfeA\xe2\x82'
    assert m.encode_fs(m.decode_fs_size(raw, len(raw))) == raw
    raises(lambda: m.encode_fs(5), TypeError, BAD_ARG)
    raises(lambda: m.encode_fs(b'\x01'), TypeError, BAD_ARG)


@test
def strings_from_encoded_object():
    m = mods['strings']
    assert m.from_encoded(b'abc', None, None) == 'abc'
    assert m.from_encoded(b'\xc3\xa9\xe2\x82\xac', None, None) == 'é€'
    for enc in ['latin-1', 'ISO-8859-1', 'L1', 'latin']:
        assert m.from_encoded(b'\xe9', enc, None) == 'é'
    raises(lambda: m.from_encoded(b'\xff', None, None), UnicodeDecodeError,
           "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte")
    raises(lambda: m.from_encoded(b'\xe2\x82x', None, None), UnicodeDecodeError,
           "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte")
    data = b'a\xe2\x82x\xffz'
    assert m.from_encoded(data, 'utf-8', 'replace') == 'a\ufffdx\ufffdz'
    assert m.from_encoded(data, 'utf_8', 'ignore') == 'axz'
    assert m.from_encoded(data, 'utf8', 'surrogateescape') == 'a\udce2\udc82x\udcffz'
    assert m.from_encoded(data, 'utf8', 'backslashreplace') == 'a\\xe2\\x82x\\xffz'
    raises(lambda: m.from_encoded(b'\xff', 'ascii', None), UnicodeDecodeError,
           "'ascii' codec can't decode byte 0xff in position 0: ordinal not in range(128)")
    raises(lambda: m.from_encoded(b'x', 'nope', None), LookupError, 'unknown encoding: nope')
    raises(lambda: m.from_encoded(b'\xff', 'utf-8', 'nope'), LookupError, "unknown error handler name 'nope'")
    assert m.from_encoded(b'a', 'utf-8', 'nope') == 'a'
    assert m.from_encoded(b'', 'nope', None) == ''
    raises(lambda: m.from_encoded('str', None, None), TypeError, 'decoding str is not supported')
    raises(lambda: m.from_encoded(5, None, None), TypeError, 'decoding to str: need a bytes-like object, int found')


@test
def strings_substring_and_read_char():
    m = mods['strings']
    assert m.substring('abcdef', 1, 3) == 'bc'
    assert m.substring('a😀b', 1, 2) == '😀'
    assert m.substring('abcdef', 0, 100) == 'abcdef'
    assert m.substring('abcdef', 4, 2) == '' and m.substring('abcdef', 10, 20) == ''
    raises(lambda: m.substring('abcdef', -1, 3), IndexError, 'string index out of range')
    raises(lambda: m.substring('abcdef', 1, -1), IndexError, 'string index out of range')
    raises(lambda: m.substring(5, 0, 1), TypeError)
    assert m.read_char('a😀b', 1) == 0x1f600
    raises(lambda: m.read_char('abc', 3), IndexError, 'string index out of range')
    raises(lambda: m.read_char('abc', -1), IndexError, 'string index out of range')
    raises(lambda: m.read_char(5, 0), TypeError, BAD_ARG)


@test
def strings_utf8_ascii_latin1():
    m = mods['strings']
    assert m.as_utf8_and_size('héllo€') == (b'h\xc3\xa9llo\xe2\x82\xac', 9, 1)
    assert m.as_utf8_and_size('') == (b'', 0, 1)
    assert m.as_utf8_and_size('a\0b') == (b'a\0b', 3, 1)
    assert m.as_utf8_no_size('😀') == b'\xf0\x9f\x98\x80'
    assert m.as_utf8_stable('stable') is True
    raises(lambda: m.as_utf8_and_size('\ud800'), UnicodeEncodeError,
           "'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed")
    raises(lambda: m.as_utf8_string('ab\udc80'), UnicodeEncodeError,
           "'utf-8' codec can't encode character '\\udc80' in position 2: surrogates not allowed")
    assert m.as_utf8_string('é') == b'\xc3\xa9'
    assert m.from_string(b'z\xc3\xab') == 'zë' and m.from_string(b'') == ''
    raises(lambda: m.as_utf8_and_size(5), TypeError, BAD_ARG)
    raises(lambda: m.as_utf8_no_size(b'\x01'), TypeError, BAD_ARG)
    raises(lambda: m.as_utf8_string(5), TypeError, BAD_ARG)
    assert m.unicode_check('x') is True and m.unicode_check(b'x') is False
    assert m.as_ascii('abc') == b'abc' and m.as_latin1('aéÿ') == 'aéÿ'.encode('latin-1')
    raises(lambda: m.as_ascii('aéé'), UnicodeEncodeError,
           "'ascii' codec can't encode characters in position 1-2: ordinal not in range(128)")
    raises(lambda: m.as_latin1('€'), UnicodeEncodeError,
           "'latin-1' codec can't encode character '\\u20ac' in position 0: ordinal not in range(256)")
    raises(lambda: m.as_ascii(5), TypeError, BAD_ARG)
    raises(lambda: m.as_latin1(None), TypeError, BAD_ARG)
    assert m.decode_ascii(b'abc', None) == 'abc'
    raises(lambda: m.decode_ascii(b'a\xff\xfeb', None), UnicodeDecodeError,
           "'ascii' codec can't decode byte 0xff in position 1: ordinal not in range(128)")
    assert m.decode_ascii(b'a\xff\xfeb', 'replace') == 'a\ufffd\ufffdb'
    assert m.decode_ascii(b'a\xff\xfeb', 'surrogateescape') == 'a\udcff\udcfeb'
    raises(lambda: m.decode_ascii(b'a\xff', 'bogus'), LookupError, "unknown error handler name 'bogus'")
    assert m.decode_ascii(b'ab', 'bogus') == 'ab'
    assert m.decode_latin1(b'a\xff\xfeb', None) == 'aÿþb'
    assert m.decode_latin1(b'a\xff', 'bogus') == 'aÿ'
    assert m.decode_latin1(b'\0\x80', None) == '\0\x80'


# --- errors --------------------------------------------------------------------------------------

@test
def errors_errno():
    m = mods['errors']
    raises(lambda: m.set_errno_filename(OSError, 2, b'x'), FileNotFoundError, "[Errno 2] No such file or directory: 'x'")
    raises(lambda: m.set_errno_filename(OSError, 13, b'/root/f'), PermissionError, "[Errno 13] Permission denied: '/root/f'")
    for errno, name in [(1, 'PermissionError'), (3, 'ProcessLookupError'), (11, 'BlockingIOError'),
                        (32, 'BrokenPipeError'), (110, 'TimeoutError'), (5, 'OSError')]:
        raises(lambda: m.set_errno(OSError, errno), name)
    raises(lambda: m.set_errno_filename(OSError, 2, None), FileNotFoundError, '[Errno 2] No such file or directory')
    raises(lambda: m.set_errno(OSError, 9999), OSError, '[Errno 9999] Unknown error 9999')
    raises(lambda: m.set_errno(OSError, 0), OSError, '[Errno 0] Error')
    raises(lambda: m.set_errno_filename(OSError, 2, b'a\xff'), FileNotFoundError,
           "[Errno 2] No such file or directory: 'a\\udcff'")
    raises(lambda: m.set_errno_objects(OSError, 13, 'a', 'b'), PermissionError, "[Errno 13] Permission denied: 'a' -> 'b'")
    raises(lambda: m.set_errno_objects(OSError, 2, b'raw', None), FileNotFoundError, "[Errno 2] No such file or directory: b'raw'")
    raises(lambda: m.set_errno_objects(OSError, 2, None, 'b'), FileNotFoundError, '[Errno 2] No such file or directory')
    raises(lambda: m.set_errno_filename_object(OSError, 2, 'obj'), FileNotFoundError,
           "[Errno 2] No such file or directory: 'obj'")
    raises(lambda: m.set_errno_filename(FileExistsError, 2, b'x'), FileExistsError, "[Errno 2] No such file or directory: 'x'")
    raises(lambda: m.set_errno_filename(ValueError, 17, b'x'), ValueError, "(17, 'File exists', 'x')")
    raises(lambda: m.set_errno(RuntimeError, 2), RuntimeError, "(2, 'No such file or directory')")
    raises(lambda: m.open_missing(b'/nonexistent/hpy-matrix/file'), FileNotFoundError,
           "[Errno 2] No such file or directory: '/nonexistent/hpy-matrix/file'")


@test
def errors_new_exception():
    m = mods['errors']
    E = m.new_exception('mod.Err', None, None)
    assert repr(E) == "<class 'mod.Err'>" and E.__module__ == 'mod' and E.__doc__ is None
    assert issubclass(E, Exception) and not issubclass(E, ValueError)
    assert repr(m.new_exception('a.b.C', None, None)) == "<class 'a.b.C'>"
    E = m.new_exception('mod.Err', ValueError, None)
    assert repr(E('hi')) == "Err('hi')"
    raises(lambda: m.set_object(E, 'boom'), 'Err', 'boom')
    B = m.new_exception('mod.Both', (ValueError, KeyError), None)
    assert issubclass(B, LookupError) and m.matches(B, 'x', KeyError) is True
    d = {'x': 1}
    W = m.new_exception('mod.WithDict', ValueError, d)
    assert W.x == 1 and d['__module__'] == 'mod'
    assert repr(m.new_exception('mod.Err', None, {'__module__': 'zz'})) == "<class 'zz.Err'>"
    D = m.new_exception_doc('mod.Doc', 'the doc', ValueError, None)
    assert D.__doc__ == 'the doc' and issubclass(D, ValueError)
    assert m.new_exception_doc('mod.NoDoc', None, None, None).__doc__ is None
    raises(lambda: m.new_exception('Err', None, None), SystemError, 'PyErr_NewException: name must be module.class')
    raises(lambda: m.new_exception_doc('Err', 'doc', None, None), SystemError, 'PyErr_NewException: name must be module.class')
    raises(lambda: m.new_exception('mod.Err', 5, None), TypeError)
    raises(lambda: m.new_exception('mod.Err', None, 5), SystemError)


@test
def errors_warn_ex():
    m = mods['errors']
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter('always')
        assert m.warn(UserWarning, 'first', 1) == 0
        m.warn(None, 'hello', 1)
        assert [(w.category, str(w.message)) for w in shown] == [(UserWarning, 'first'), (RuntimeWarning, 'hello')]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        raises(lambda: m.warn(UserWarning, 'boom', 1), UserWarning, 'boom')
        raises(lambda: m.warn(5, 'x', 1), TypeError, "'int' object is not callable")
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter('ignore')
        assert m.warn(UserWarning, 'quiet', 1) == 0
        assert shown == []


@test
def errors_write_unraisable():
    m = mods['errors']
    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append((type(u.exc_value).__name__, str(u.exc_value), u.object))
    try:
        assert m.write_unraisable(ValueError, 'lost', 'the object') is False
        assert m.write_unraisable(KeyError, 'k', None) is False
        assert m.write_unraisable_no_error() is False
        assert seen == [('ValueError', 'lost', 'the object'), ('KeyError', "'k'", None)]
    finally:
        sys.unraisablehook = old


@test
def errors_matching():
    m = mods['errors']
    assert m.matches(KeyError, 'k', LookupError) is True
    assert m.matches(KeyError, 'k', ValueError) is False
    assert m.matches(KeyError, 'k', (ValueError, Exception)) is True
    assert m.matches(KeyboardInterrupt, 'k', Exception) is False
    assert m.matches(KeyboardInterrupt, 'k', BaseException) is True
    assert m.matches_nothing_pending(Exception) is False
    assert m.matches(FileNotFoundError, 'x', OSError) is True
    raises(lambda: m.set_object(OSError, (2, 'gone')), FileNotFoundError, '[Errno 2] gone')
    assert m.occurred_and_clear() == (0, 1, 0)
    assert m.import_module('sys') is sys
    raises(lambda: m.import_module('no_such_module_hpy'), ModuleNotFoundError, "No module named 'no_such_module_hpy'")


# --- capsules, context variables, leave/reenter, dump, eval -----------------------------------

NONE, PAYLOAD, OTHER = 0, 1, 2


@test
def capsules_objects():
    m = mods['capsules']
    cap = m.capsule_new(42, 'my.cap', NONE)
    assert m.get_value(cap, 'my.cap') == 42 and type(cap).__name__ == 'PyCapsule'
    assert re.fullmatch(r'<capsule object "my\.cap" at 0x[0-9a-f]+>', repr(cap))
    assert re.fullmatch(r'<capsule object NULL at 0x[0-9a-f]+>', repr(m.capsule_new(1, None, NONE)))
    incorrect = 'PyCapsule_GetPointer called with incorrect name'
    raises(lambda: m.get_value(cap, 'a.c'), ValueError, incorrect)
    raises(lambda: m.get_value(cap, None), ValueError, incorrect)
    anon = m.capsule_new(8, None, NONE)
    assert m.get_value(anon, None) == 8
    assert m.get_name(cap) == 'my.cap' and m.get_name(anon) is None
    assert m.get_context(cap) == 0
    m.set_context(cap, 77)
    assert m.get_context(cap) == 77
    m.set_name(cap, 'new')
    assert m.get_name(cap) == 'new' and m.get_value(cap, 'new') == 42
    m.set_value(cap, 9)
    assert m.get_value(cap, 'new') == 9
    raises(lambda: m.set_value(cap, None), ValueError, 'PyCapsule_SetPointer called with null pointer')
    assert m.is_valid(cap, 'new') == 1 and m.is_valid(cap, 'w') == 0 and m.is_valid(cap, None) == 0
    assert m.is_valid(5, 'v') == 0 and m.is_valid(anon, None) == 1
    raises(lambda: m.capsule_new_null_pointer(), ValueError, 'PyCapsule_New called with null pointer')
    raises(lambda: m.capsule_new_bad_destructor(), ValueError, 'Invalid HPyCapsule destructor')
    raises(lambda: m.get_destructor(cap), ValueError, 'Invalid operation: get HPyCapsule_key_Destructor')
    invalid = '{} called with invalid PyCapsule object'.format
    raises(lambda: m.get_value(5, 'x'), ValueError, invalid('PyCapsule_GetPointer'))
    raises(lambda: m.get_name('x'), ValueError, invalid('PyCapsule_GetName'))
    raises(lambda: m.get_context([]), ValueError, invalid('PyCapsule_GetContext'))
    raises(lambda: m.set_context(5, 1), ValueError, invalid('PyCapsule_SetContext'))
    raises(lambda: m.set_name(5, 'x'), ValueError, invalid('PyCapsule_SetName'))
    raises(lambda: m.set_value(5, 1), ValueError, invalid('PyCapsule_SetPointer'))
    raises(lambda: m.set_destructor(5, NONE), ValueError, invalid('PyCapsule_SetDestructor'))


def destructor_log(m):
    calls, name, value, context, other = m.destructor_log()
    return {'calls': calls, 'name': name, 'value': value, 'context': context, 'other': other}


@test
def capsules_destructors():
    m = mods['capsules']
    before = destructor_log(m)
    cap = m.capsule_new(1234, 'dying.capsule', PAYLOAD)
    m.set_context(cap, 99)
    assert destructor_log(m)['calls'] == before['calls']
    del cap
    after = destructor_log(m)
    assert after['calls'] == before['calls'] + 1
    assert (after['name'], after['value'], after['context']) == ('dying.capsule', 1234, 99)
    cap = m.capsule_new(1, 'replaced', PAYLOAD)
    m.set_destructor(cap, OTHER)
    del cap
    assert destructor_log(m)['other'] == after['other'] + 1
    cap = m.capsule_new(1, 'removed', PAYLOAD)
    m.set_destructor(cap, NONE)
    del cap
    cap = m.capsule_new(21, 'added', NONE)
    m.set_destructor(cap, PAYLOAD)
    del cap
    final = destructor_log(m)
    assert final['calls'] == after['calls'] + 1 and final['value'] == 21


@test
def capsules_context_variables():
    m = mods['capsules']
    v = m.cv_new('x', m.missing)
    assert type(v) is contextvars.ContextVar and v.name == 'x'
    assert m.cv_get(v, m.missing) == (0, 0, None)
    assert m.cv_get(v, 5) == (0, 1, 5)
    w = m.cv_new('z', 7)
    assert m.cv_get(w, m.missing) == (0, 1, 7) and m.cv_get(w, 8) == (0, 1, 8)
    t = m.cv_set(w, 4)
    assert t.var is w and t.old_value is contextvars.Token.MISSING
    assert m.cv_get(w, 8) == (0, 1, 4)
    w.reset(t)
    assert w.get() == 7
    n = m.cv_new('n', None)
    assert m.cv_get(n, m.missing) == (0, 1, None)
    py_token = v.set(3)
    assert m.cv_get(v, m.missing) == (0, 1, 3) and py_token.var is v
    raises(lambda: m.cv_get(5, m.missing), TypeError, 'an instance of ContextVar was expected')
    raises(lambda: m.cv_set('x', 1), TypeError, 'an instance of ContextVar was expected')


@test
def capsules_leave_reenter_dump_eval():
    m = mods['capsules']
    assert m.sum_without_python(100) == 5050 and m.sum_without_python(0) == 0
    with open(os.devnull, 'w') as null, redirect_c_stderr(null):
        assert m.dump(42) is False
        assert m.dump(m.capsule_new(1, 'dumped', NONE)) is False
        assert m.dump_keeps_error('x') is True
    assert m.eval_expr('1 + 2') == 3
    raises(lambda: m.eval_expr('1 +'), SyntaxError)
    raises(lambda: m.eval_null_code(), TypeError)


# --- the context called directly ------------------------------------------------------------
# A one-function probe extension gives the context's address; each function member is then
# called through ctypes (PYFUNCTYPE: the GIL is kept, and a pending exception is raised after
# the call). A handle is the object's address: id(obj) passes a borrowed one, take() adopts one
# that a member returned.

PROBE_C = r"""
#include <stdint.h>
#include "hpy.h"
HPyDef_METH(ctx_address, "ctx_address", HPyFunc_NOARGS)
static HPy ctx_address_impl(HPyContext *ctx, HPy self)
{
    (void)self;
    return HPyLong_FromSize_t(ctx, (size_t)(uintptr_t)ctx);
}
static HPyDef *defines[] = { &ctx_address, NULL };
static HPyModuleDef def = { .defines = defines };
HPy_MODINIT(probe, def)
"""

# The types engineer's members and those that cannot be called with made-up arguments.
NOT_SWEPT = {'Type_FromSpec', 'Type_GenericNew', 'New', 'Type_GetBuiltinShape', 'Type_GetName', 'Type_IsSubtype',
             'SetCallFunction', 'Field_Store', 'Field_Load', 'CallRealFunctionFromTrampoline', 'FatalError',
             'LeavePythonExecution', 'ReenterPythonExecution'}

C_TYPES = {
    'HPy': ctypes.c_ssize_t, 'HPyListBuilder': ctypes.c_ssize_t, 'HPyTupleBuilder': ctypes.c_ssize_t,
    'HPyTracker': ctypes.c_ssize_t, 'HPyThreadState': ctypes.c_ssize_t, 'HPyField': ctypes.c_ssize_t,
    'HPyGlobal': ctypes.c_ssize_t, 'int': ctypes.c_int, 'int32_t': ctypes.c_int32, '_HPyCapsule_key': ctypes.c_int,
    'HPy_SourceKind': ctypes.c_int, 'HPyFunc_Signature': ctypes.c_int, 'HPyType_BuiltinShape': ctypes.c_int,
    'uint32_t': ctypes.c_uint32, 'HPy_UCS4': ctypes.c_uint32, 'int64_t': ctypes.c_int64,
    'HPy_ssize_t': ctypes.c_ssize_t, 'HPy_hash_t': ctypes.c_ssize_t, 'uint64_t': ctypes.c_uint64,
    'size_t': ctypes.c_size_t, 'double': ctypes.c_double, 'bool': ctypes.c_bool, 'const char *': ctypes.c_char_p,
    'void': None,
}


class Ctx:
    def __init__(self, address):
        with open(os.path.join(REPO, 'native', 'abi', 'abi-0.9.json')) as f:
            abi = json.load(f)
        self.address = address
        self.members = {}
        for m in abi['ctx'] + abi['ctx_after_0_9']['appended']:
            slot = ctypes.c_void_p.from_address(address + m['offset']).value
            if m['kind'] == 'handle':
                setattr(self, m['name'], slot)
            elif m['kind'] == 'func':
                types = [C_TYPES.get(t['type'], ctypes.c_void_p) for t in m['params'][1:]]
                proto = ctypes.PYFUNCTYPE(C_TYPES.get(m['ret'], ctypes.c_void_p), ctypes.c_void_p, *types)
                self.members[m['name'][4:]] = (m, proto(slot))

    def __getattr__(self, name):
        if name not in self.members:
            raise AttributeError(name)
        fn = self.members[name][1]
        return lambda *args: fn(self.address, *args)

    def take(self, h):
        """The object of a handle returned by a member; the handle is closed."""
        assert h, 'a NULL handle without an exception'
        obj = ctypes.cast(ctypes.c_void_p(h), ctypes.py_object).value
        self.Close(h)
        return obj


KEEP = []


def h(obj):
    """A borrowed handle to obj, which is kept alive until the test ends."""
    KEEP.append(obj)
    return id(obj)


def handles(*objs):
    """An array of borrowed handles: the caller keeps the objects alive."""
    return (ctypes.c_ssize_t * len(objs))(*map(id, objs))


@test
def direct_handles_and_refcounts():
    c = ctx
    x = object()
    before = sys.getrefcount(x)
    assert c.Dup(id(x)) == id(x) and sys.getrefcount(x) == before + 1
    c.Close(id(x))
    assert sys.getrefcount(x) == before
    assert c.Dup(0) == 0
    c.Close(0)
    t = c.take(c.Tuple_FromArray(handles(x, x), 2))
    assert t == (x, x) and sys.getrefcount(x) == before + 2
    del t
    assert sys.getrefcount(x) == before
    assert c.take(c.FromPyObject(id(x))) is x and sys.getrefcount(x) == before
    assert c.take(c.AsPyObject(id(x))) is x and sys.getrefcount(x) == before
    assert c.h_None == h(None) and c.h_TypeError == h(TypeError) and c.h_Builtins == h(__import__('builtins').__dict__)
    assert c.Is(id(x), id(x)) == 1 and c.Is(id(x), h(None)) == 0


@test
def direct_long_conversions():
    c = ctx
    assert c.take(c.Long_FromInt32_t(-5)) == -5 and c.take(c.Long_FromUInt32_t(2**32 - 1)) == 2**32 - 1
    assert c.take(c.Long_FromInt64_t(-(2**63))) == -(2**63) and c.take(c.Long_FromUInt64_t(2**64 - 1)) == 2**64 - 1
    assert c.take(c.Long_FromSize_t(2**64 - 1)) == 2**64 - 1 and c.take(c.Long_FromSsize_t(-1)) == -1
    for v in [-(2**31), 2**31 - 1]:
        assert c.Long_AsInt32_t(h(v)) == v
    for v in [2**31, -(2**31) - 1]:
        raises(lambda: c.Long_AsInt32_t(h(v)), OverflowError, 'Python int too large to convert to C int32_t')
    assert c.Long_AsUInt32_t(h(2**32 - 1)) == 2**32 - 1
    raises(lambda: c.Long_AsUInt32_t(h(2**32)), OverflowError, 'Python int too large to convert to C uint32_t')
    raises(lambda: c.Long_AsUInt32_t(h(-1)), OverflowError)
    raises(lambda: c.Long_AsUInt32_t(h('x')), TypeError)
    assert c.Long_AsUInt32_tMask(h(2**32 + 7)) == 7 and c.Long_AsUInt32_tMask(h(-1)) == 2**32 - 1
    assert c.Long_AsUInt64_tMask(h(2**64 + 7)) == 7 and c.Long_AsUInt64_tMask(h(-1)) == 2**64 - 1
    assert c.Long_AsInt64_t(h(-(2**63))) == -(2**63)
    raises(lambda: c.Long_AsInt64_t(h(2**63)), OverflowError)
    assert c.Long_AsUInt64_t(h(2**64 - 1)) == 2**64 - 1
    raises(lambda: c.Long_AsUInt64_t(h(2**64)), OverflowError)
    raises(lambda: c.Long_AsUInt64_t(h(-1)), OverflowError)
    assert c.Long_AsSize_t(h(2**64 - 1)) == 2**64 - 1
    raises(lambda: c.Long_AsSize_t(h(-1)), OverflowError)
    assert c.Long_AsSsize_t(h(-(2**63))) == -(2**63)
    raises(lambda: c.Long_AsSsize_t(h(2**63)), OverflowError)
    raises(lambda: c.Long_AsSsize_t(h(1.5)), TypeError)
    assert c.Long_AsVoidPtr(h(0x1000)) == 0x1000
    assert c.Long_AsDouble(h(2**53)) == 2.0**53
    raises(lambda: c.Long_AsDouble(h(1.5)), TypeError)
    raises(lambda: c.Long_AsDouble(h(10**400)), OverflowError)
    assert c.take(c.Float_FromDouble(0.25)) == 0.25 and c.Float_AsDouble(h(3)) == 3.0
    assert c.take(c.Bool_FromBool(True)) is True and c.take(c.Bool_FromBool(False)) is False


@test
def direct_numbers():
    c = ctx
    a, b = 7, 2
    binary = {'Add': 9, 'Subtract': 5, 'Multiply': 14, 'FloorDivide': 3, 'TrueDivide': 3.5, 'Remainder': 1,
              'Divmod': (3, 1), 'Lshift': 28, 'Rshift': 1, 'And': 2, 'Xor': 5, 'Or': 7}
    for name, expected in binary.items():
        assert c.take(getattr(c, name)(h(a), h(b))) == expected, name
        if name != 'Divmod':
            assert c.take(getattr(c, 'InPlace' + name)(h(a), h(b))) == expected, name
    assert c.take(c.Power(h(a), h(b), c.h_None)) == 49 and c.take(c.Power(h(a), h(b), h(5))) == 4
    assert c.take(c.Power(h(a), h(b), 0)) == 49
    assert c.take(c.InPlacePower(h(a), h(b), c.h_None)) == 49
    lst = [1]
    assert c.take(c.InPlaceAdd(h(lst), h([2]))) is lst and lst == [1, 2]
    assert c.take(c.InPlaceMultiply(h(lst), h(2))) is lst and lst == [1, 2, 1, 2]

    class M:
        def __matmul__(self, other):
            return 'mm'

        def __imatmul__(self, other):
            return 'imm'
    assert c.take(c.MatrixMultiply(h(M()), h(1))) == 'mm' and c.take(c.InPlaceMatrixMultiply(h(M()), h(1))) == 'imm'
    assert c.take(c.Negative(h(a))) == -7 and c.take(c.Positive(h(-a))) == -7
    assert c.take(c.Absolute(h(-a))) == 7 and c.take(c.Invert(h(a))) == -8
    assert c.take(c.Index(h(True))) == 1 and c.take(c.Long(h(2.9))) == 2 and c.take(c.Long(h('12'))) == 12
    assert c.take(c.Float(h('1.5'))) == 1.5
    raises(lambda: c.Index(h(1.5)), TypeError, "'float' object cannot be interpreted as an integer")
    raises(lambda: c.TrueDivide(h(1), h(0)), ZeroDivisionError, 'division by zero')
    raises(lambda: c.Add(h(1), h('x')), TypeError, "unsupported operand type(s) for +: 'int' and 'str'")
    assert c.Number_Check(h(1.5)) == 1 and c.Number_Check(h('1')) == 0 and c.Number_Check(0) == 0


@test
def direct_objects():
    c = ctx

    class A:
        pass
    o = A()
    assert c.SetAttr_s(h(o), b'x', h(5)) == 0 and o.x == 5
    assert c.take(c.GetAttr_s(h(o), b'x')) == 5 and c.take(c.GetAttr(h(o), h('x'))) == 5
    assert c.HasAttr(h(o), h('x')) == 1 and c.HasAttr_s(h(o), b'nope') == 0
    assert c.SetAttr(h(o), h('x'), 0) == 0 and not hasattr(o, 'x')
    raises(lambda: c.GetAttr_s(h(o), b'x'), AttributeError, "'A' object has no attribute 'x'")
    raises(lambda: c.GetAttr(h(o), h(5)), TypeError, "attribute name must be string, not 'int'")
    d = {}
    assert c.SetItem_s(h(d), b'k', h(1)) == 0 and c.SetItem(h(d), h(2), h(3)) == 0
    lst = [0, 1, 2]
    assert c.SetItem_i(h(lst), 1, h('one')) == 0 and lst == [0, 'one', 2]
    assert c.take(c.GetItem_s(h(d), b'k')) == 1 and c.take(c.GetItem_i(h(lst), -1)) == 2
    assert c.DelItem_s(h(d), b'k') == 0 and c.DelItem(h(d), h(2)) == 0 and d == {}
    assert c.DelItem_i(h(lst), 0) == 0 and lst == ['one', 2]
    raises(lambda: c.DelItem_s(h(d), b'k'), KeyError, "'k'")
    raises(lambda: c.SetItem(h(d), h(1), 0), SystemError)
    assert c.Contains(h(lst), h(2)) == 1 and c.Contains(h('abc'), h('bc')) == 1 and c.Contains(h(d), h(1)) == 0
    raises(lambda: c.Contains(h(5), h(1)), TypeError, "argument of type 'int' is not iterable")
    assert c.Length(h(lst)) == 2
    raises(lambda: c.Length(h(5)), TypeError, "object of type 'int' has no len()")
    assert c.IsTrue(h([])) == 0 and c.IsTrue(h('x')) == 1
    assert c.take(c.Type(h(o))) is A
    assert c.TypeCheck(h(True), h(int)) == 1 and c.TypeCheck(h(1), h(str)) == 0
    raises(lambda: c.TypeCheck(h(1), h(5)), TypeError, 'HPy_TypeCheck arg 2 must be a type')
    assert c.take(c.Repr(h('a'))) == "'a'" and c.take(c.Str(h(1.0))) == '1.0' and c.take(c.ASCII(h('é'))) == "'\\xe9'"
    assert c.take(c.Bytes(h(bytearray(b'ab')))) == b'ab'
    assert c.take(c.RichCompare(h(1), h(2), 0)) is True and c.RichCompareBool(h(1), h(1.0), 2) == 1
    nan = float('nan')
    assert c.RichCompareBool(h(nan), h(nan), 2) == 1 and c.take(c.RichCompare(h(nan), h(nan), 2)) is False
    raises(lambda: c.RichCompare(h(1), h('x'), 0), TypeError, "'<' not supported between instances of 'int' and 'str'")
    assert c.Hash(h(-1)) == -2 and c.Hash(h('abc')) == hash('abc')
    raises(lambda: c.Hash(h([])), TypeError, "unhashable type: 'list'")


@test
def direct_calls():
    c = ctx

    def f(*args, **kwargs):
        return args, kwargs
    assert c.take(c.Call(h(f), handles(1, 2), 2, 0)) == ((1, 2), {})
    assert c.take(c.Call(h(f), handles(1, 2, 3), 1, h(('a', 'b')))) == ((1,), {'a': 2, 'b': 3})
    assert c.take(c.Call(h(f), None, 0, 0)) == ((), {})
    raises(lambda: c.Call(h(f), handles(1), 1, h(['a'])), TypeError,
           "HPy_Call arg 'kwnames' must be a tuple object or HPy_NULL")
    raises(lambda: c.Call(h(5), None, 0, 0), TypeError, "'int' object is not callable")
    raises(lambda: c.Call(h(f), None, 1, 0), SystemError)
    raises(lambda: c.Call(h(f), handles(1, 2), 1, h(('a', 'b'))), SystemError)
    assert c.take(c.CallMethod(h('upper'), handles('ab'), 1, 0)) == 'AB'
    assert c.take(c.CallMethod(h('split'), handles('a-b-c', '-', 1), 2, h(('maxsplit',)))) == ['a', 'b-c']
    raises(lambda: c.CallMethod(h('nope'), handles('ab'), 1, 0), AttributeError, "'str' object has no attribute 'nope'")
    raises(lambda: c.CallMethod(h('upper'), None, 0, 0), TypeError, 'HPy_CallMethod requires the receiver as args[0]')
    raises(lambda: c.CallMethod(h('upper'), handles('a'), 1, h(5)), TypeError,
           "HPy_CallMethod arg 'kwnames' must be a tuple object or HPy_NULL")
    assert c.take(c.CallTupleDict(h(f), h((1,)), h({'k': 2}))) == ((1,), {'k': 2})
    assert c.take(c.CallTupleDict(h(f), 0, h({'k': 2}))) == ((), {'k': 2})
    assert c.take(c.CallTupleDict(h(f), h((1,)), 0)) == ((1,), {})
    assert c.take(c.CallTupleDict(h(f), 0, 0)) == ((), {})
    raises(lambda: c.CallTupleDict(h(f), h([1]), 0), TypeError, 'HPy_CallTupleDict requires args to be a tuple or null handle')
    raises(lambda: c.CallTupleDict(h(f), 0, h([])), TypeError, 'HPy_CallTupleDict requires kw to be a dict or null handle')
    assert c.Callable_Check(h(f)) == 1 and c.Callable_Check(h(1)) == 0 and c.Callable_Check(0) == 0


@test
def direct_containers():
    c = ctx
    assert c.take(c.List_New(3)) == [None, None, None]
    raises(lambda: c.List_New(-1), SystemError)
    lst = []
    assert c.List_Append(h(lst), h(1)) == 0 and lst == [1]
    raises(lambda: c.List_Append(h(()), h(1)), SystemError)
    assert c.List_Check(h(lst)) == 1 and c.List_Check(h(())) == 0 and c.Tuple_Check(h(())) == 1
    d = {'a': 1, 'b': 2}
    assert c.Dict_Check(h(d)) == 1 and c.Dict_Check(h([])) == 0 and c.take(c.Dict_New()) == {}
    assert c.take(c.Dict_Keys(h(d))) == ['a', 'b']
    copy = c.take(c.Dict_Copy(h(d)))
    assert copy == d and copy is not d
    raises(lambda: c.Dict_Keys(h([])), SystemError)
    raises(lambda: c.Dict_Copy(h([])), SystemError)
    assert c.take(c.Tuple_FromArray(None, 0)) == ()
    raises(lambda: c.Tuple_FromArray((ctypes.c_ssize_t * 2)(h(1), 0), 2), SystemError)
    assert c.take(c.Slice_New(h(1), 0, h(-1))) == slice(1, None, -1)


@test
def direct_builders_and_trackers():
    c = ctx
    x = object()
    before = sys.getrefcount(x)
    b = c.ListBuilder_New(3)
    c.ListBuilder_Set(b, 0, id(x))
    c.ListBuilder_Set(b, 2, h('z'))
    c.ListBuilder_Set(b, 7, h('ignored'))
    assert c.take(c.ListBuilder_Build(b)) == [x, None, 'z'] and sys.getrefcount(x) == before
    b = c.TupleBuilder_New(2)
    c.TupleBuilder_Set(b, 0, id(x))
    c.TupleBuilder_Set(b, 0, h(1))
    c.TupleBuilder_Set(b, 1, id(x))
    assert c.take(c.TupleBuilder_Build(b)) == (1, x) and sys.getrefcount(x) == before
    b = c.TupleBuilder_New(1)
    c.TupleBuilder_Set(b, 0, id(x))
    c.TupleBuilder_Cancel(b)
    b = c.ListBuilder_New(1)
    c.ListBuilder_Set(b, 0, id(x))
    c.ListBuilder_Cancel(b)
    assert sys.getrefcount(x) == before
    assert c.take(c.TupleBuilder_Build(c.TupleBuilder_New(0))) == ()
    raises(lambda: c.ListBuilder_New(-1), SystemError)
    raises(lambda: c.ListBuilder_Build(0), SystemError, 'HPyListBuilder_Build called with a builder whose creation failed')
    raises(lambda: c.TupleBuilder_Build(0), SystemError, 'HPyTupleBuilder_Build called with a builder whose creation failed')
    for size in [0, 1, 3]:
        t = c.Tracker_New(size)
        for _ in range(20):
            assert c.Tracker_Add(t, c.Dup(id(x))) == 0
        assert sys.getrefcount(x) == before + 20
        c.Tracker_Close(t)
        assert sys.getrefcount(x) == before
    t = c.Tracker_New(0)
    c.Tracker_Add(t, c.Dup(id(x)))
    c.Tracker_ForgetAll(t)
    c.Tracker_Close(t)
    assert sys.getrefcount(x) == before + 1
    c.Close(id(x))
    raises(lambda: c.Tracker_New(-1), SystemError)
    raises(lambda: c.Tracker_Add(0, c.Dup(id(x))), SystemError, 'HPyTracker_Add called with a NULL tracker')
    assert sys.getrefcount(x) == before


@test
def direct_globals_import_compile_eval():
    c = ctx
    g = ctypes.c_ssize_t(0)
    raises(lambda: c.Global_Load(0), SystemError, 'HPyGlobal_Load on a global that was never stored')
    x = object()
    before = sys.getrefcount(x)
    c.Global_Store(ctypes.byref(g), id(x))
    assert sys.getrefcount(x) == before + 1 and c.take(c.Global_Load(g.value)) is x
    c.Global_Store(ctypes.byref(g), 0)
    assert sys.getrefcount(x) == before and c.take(c.Global_Load(g.value)) is None
    assert c.take(c.Import_ImportModule(b'os.path')) is os.path
    ns = {}
    code = c.take(c.Compile_s(b'x = 6 * 7', b'<file>', 1))
    assert c.take(c.EvalCode(h(code), h(ns), 0)) is None and ns['x'] == 42
    assert c.take(c.EvalCode(h(c.take(c.Compile_s(b'x + 1', b'<expr>', 0))), h(ns), h({}))) == 43
    single = c.take(c.Compile_s(b'y = 1', b'<single>', 2))
    assert single.co_filename == '<single>'
    raises(lambda: c.Compile_s(b'x = ', b'<bad>', 1), SyntaxError)
    raises(lambda: c.Compile_s(b'1', b'<bad>', 7), SystemError, 'HPy_Compile_s: invalid source kind 7')
    raises(lambda: c.EvalCode(h(code), h([]), 0), TypeError, 'HPy_EvalCode() globals must be a dict, not list')
    raises(lambda: c.EvalCode(h(code), h(ns), h(5)), TypeError, 'locals must be a mapping or None, not int')


@test
def direct_errors():
    c = ctx
    raises(lambda: c.Err_SetString(c.h_KeyError, b'k'), KeyError, "'k'")
    raises(lambda: c.Err_SetObject(c.h_ValueError, 0), ValueError, '')
    raises(lambda: c.Err_NoMemory(), MemoryError)
    raises(lambda: c.Err_SetString(h(5), b'x'), SystemError, '_PyErr_SetObject: exception 5 is not a BaseException subclass')
    raises(lambda: c.Err_SetString(0, b'x'), SystemError, 'NULL handle passed to an HPy function')
    assert c.Err_Occurred() == 0 and c.Err_ExceptionMatches(c.h_Exception) == 0
    c.Err_Clear()
    raises(lambda: c.Err_WarnEx(0, None, 1), SystemError, 'NULL pointer passed to an HPy function')


def fatal_in_child(f):
    """Runs f in a forked child, which must abort; returns what it wrote to the C stderr."""
    r, w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 2)
        f()
        os._exit(0)
    os.close(w)
    out = b''
    while chunk := os.read(r, 65536):
        out += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT, f'child status {status}: {out!r}'
    return out.decode(errors='replace')


@test
def direct_fatal_errors():
    out = fatal_in_child(lambda: ctx.FatalError(b'boom from HPy'))
    assert out.startswith('Fatal Python error: boom from HPy\n'), out
    out = fatal_in_child(lambda: ctx.ReenterPythonExecution(0))
    assert 'HPy_ReenterPythonExecution called with a NULL thread state' in out, out


@test
def direct_null_sweep():
    """Every member called with all-zero arguments (NULL handles and pointers): no crash, and a
    handle, builder or tracker it returns is released."""
    c = ctx
    release = {'HPy': c.Close, 'HPyListBuilder': c.ListBuilder_Cancel, 'HPyTupleBuilder': c.TupleBuilder_Cancel,
               'HPyTracker': c.Tracker_Close}
    with open(os.devnull, 'w') as null, redirect_c_stderr(null):
        for name, (m, fn) in c.members.items():
            if name in NOT_SWEPT:
                continue
            try:
                r = fn(c.address, *[None if C_TYPES.get(p['type'], ctypes.c_void_p) in (ctypes.c_char_p, ctypes.c_void_p)
                                     else 0 for p in m['params'][1:]])
            except Exception:
                continue
            if r and m['ret'] in release:
                release[m['ret']](r)

@contextlib.contextmanager
def redirect_c_stderr(f):
    """_HPy_Dump writes to the C stderr (fd 2), which sys.stderr redirection does not catch."""
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(f.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def probe_context():
    """Builds the probe into a temporary directory (with $CC, default cc) and returns the
    address of the context it was given."""
    tmp = tempfile.mkdtemp(prefix='hpy-matrix-probe-')
    try:
        source, binary = os.path.join(tmp, 'probe.c'), os.path.join(tmp, 'probe.hpy0.so')
        with open(source, 'w') as f:
            f.write(PROBE_C)
        subprocess.run([os.environ.get('CC', 'cc'), '-shared', '-fPIC', '-O1', '-I', os.path.join(REPO, 'native', 'include'),
                        source, '-o', binary], check=True)
        spec = importlib.util.spec_from_file_location('probe', binary)
        return universal.load('probe', binary, spec).ctx_address()
    finally:
        shutil.rmtree(tmp)


def main():
    global BUILD_DIR, universal, mods, ctx
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    BUILD_DIR = os.path.abspath(sys.argv[1])
    sys.path.insert(0, BUILD_DIR)
    from hpy_matrix import universal as u
    universal = u
    mods = {name: load(name) for name in ['basic', 'objects', 'after09', 'strings', 'errors', 'capsules']}
    ctx = Ctx(probe_context())
    selected = [t for t in TESTS if len(sys.argv) < 3 or sys.argv[2] in t.__name__]
    failed = 0
    for t in selected:
        try:
            t()
            KEEP.clear()
            gc.collect()
            print(f'ok   {t.__name__}')
        except Exception:
            failed += 1
            print(f'FAIL {t.__name__}')
            traceback.print_exc()
    print(f'{len(selected) - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
