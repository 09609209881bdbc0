// str through the HPy API: wide chars, the file system encoding, FromEncodedObject with its
// codecs and error handlers, substrings, ReadChar, UTF-8/ASCII/Latin-1 encoders and decoders.
// Expected values are CPython 3.11's on Linux (wchar_t is UTF-32, the FS encoding UTF-8 with
// surrogateescape).
import { expect } from 'chai';
import { loadExtension, py, type PyProxy, raises } from 'hpy-matrix/suite';

const bytes = (...b: number[]) => new Uint8Array(b);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const BAD_ARG = 'bad argument type for built-in operation';

describe('strings', () => {
  let m: PyProxy;
  before(async () => {
    m = await loadExtension('strings.c');
  });

  describe('Unicode_FromWideChar', () => {
    it('wchar_t is 4 bytes', () => {
      expect(m.wchar_size()).to.equal(4);
    });
    it('takes code points, astral ones included', () => {
      expect(m.from_wide([0x61, 0xe9, 0x20ac, 0x1f600], 4)).to.equal('aé€😀');
      expect(m.from_wide([0x61, 0x62, 0x63], 2)).to.equal('ab');
      expect(m.from_wide([0x61, 0, 0x62], 3)).to.equal('a\0b');
    });
    it('size -1 reads up to the NUL', () => {
      expect(m.from_wide([0x61, 0x1f600, 0x62], -1)).to.equal('a😀b');
      expect(m.from_wide([], -1)).to.equal('');
    });
    it('keeps a lone surrogate as a code point', () => {
      const s = m.from_wide([0x61, 0xd800], -1);
      expect(py.len(s)).to.equal(2);
      expect(m.read_char(s, 1)).to.equal(0xd800);
    });
    it('refuses values past U+10FFFF', () => {
      raises(() => m.from_wide([0x61, 0x110000], 2), 'ValueError', 'character U+110000 is not in range [U+0000; U+10ffff]');
      raises(() => m.from_wide([0xffffffff], 1), 'ValueError', 'character U+ffffffff is not in range [U+0000; U+10ffff]');
    });
    it('a NULL buffer is allowed with size 0 only', () => {
      expect(m.from_wide_null(0)).to.equal('');
      raises(() => m.from_wide_null(3), 'SystemError');
    });
  });

  describe('file system encoding', () => {
    it('DecodeFSDefault: UTF-8, undecodable bytes become surrogate escapes', () => {
      expect(m.decode_fs(bytes(0x61, 0xff, 0x62, 0xc3, 0xa9))).to.equal('a\udcffbé');
      expect(m.decode_fs(latin1('plain/path'))).to.equal('plain/path');
      expect(m.decode_fs(bytes(0x61, 0, 0x62))).to.equal('a');
    });
    it('DecodeFSDefaultAndSize reads exactly size bytes, NULs included', () => {
      expect(m.decode_fs_size(bytes(0x61, 0xff, 0x62, 0xc3, 0xa9), 2)).to.equal('a\udcff');
      expect(m.decode_fs_size(bytes(0x61, 0, 0x62), 3)).to.equal('a\0b');
      expect(m.decode_fs_size(bytes(0x61), 0)).to.equal('');
      raises(() => m.decode_fs_size(bytes(0x61, 0x62), -1), 'SystemError', 'Negative size passed to PyUnicode_New');
    });
    it('EncodeFSDefault: UTF-8, surrogate escapes back to bytes', () => {
      expect(m.encode_fs('a\udcffé').toJs()).to.deep.equal(bytes(0x61, 0xff, 0xc3, 0xa9));
      expect(m.encode_fs('a\0b').toJs()).to.deep.equal(bytes(0x61, 0, 0x62));
      expect(m.encode_fs('😀').toJs()).to.deep.equal(bytes(0xf0, 0x9f, 0x98, 0x80));
    });
    it('EncodeFSDefault refuses surrogates that are not escapes', () => {
      raises(() => m.encode_fs('a\ud800'), 'UnicodeEncodeError', "'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not allowed");
      raises(() => m.encode_fs('a\udc7f'), 'UnicodeEncodeError', "'utf-8' codec can't encode character '\\udc7f' in position 1: surrogates not allowed");
    });
    it('round trip of arbitrary bytes', () => {
      const raw = bytes(0x2f, 0x80, 0xfe, 0x41, 0xe2, 0x82);
      expect(m.encode_fs(m.decode_fs_size(raw, raw.length)).toJs()).to.deep.equal(raw);
    });
    it('EncodeFSDefault of a non-str raises TypeError', () => {
      raises(() => m.encode_fs(5), 'TypeError', BAD_ARG);
      raises(() => m.encode_fs(bytes(1)), 'TypeError', BAD_ARG);
    });
  });

  describe('Unicode_FromEncodedObject', () => {
    it('NULL encoding means UTF-8', () => {
      expect(m.from_encoded(latin1('abc'), undefined, undefined)).to.equal('abc');
      expect(m.from_encoded(bytes(0xc3, 0xa9, 0xe2, 0x82, 0xac), undefined, undefined)).to.equal('é€');
    });
    it('encoding names are normalised and aliased', () => {
      expect(m.from_encoded(bytes(0xe9), 'latin-1', undefined)).to.equal('é');
      expect(m.from_encoded(bytes(0xe9), 'ISO-8859-1', undefined)).to.equal('é');
      expect(m.from_encoded(bytes(0xe9), 'L1', undefined)).to.equal('é');
      expect(m.from_encoded(bytes(0xe9), 'latin', undefined)).to.equal('é');
      expect(m.from_encoded(bytes(0x61), ' utf-8 ', undefined)).to.equal('a');
      expect(m.from_encoded(bytes(0xc3, 0xa9), 'UTF8', undefined)).to.equal('é');
      expect(m.from_encoded(bytes(0x61), 'US-ASCII', undefined)).to.equal('a');
    });
    it('UTF-8 errors name the byte range and the reason', () => {
      raises(() => m.from_encoded(bytes(0xff), undefined, undefined), 'UnicodeDecodeError',
        "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte");
      raises(() => m.from_encoded(bytes(0xe2, 0x82, 0x78), undefined, undefined), 'UnicodeDecodeError',
        "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte");
      raises(() => m.from_encoded(bytes(0xe2, 0x82), undefined, undefined), 'UnicodeDecodeError',
        "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data");
      raises(() => m.from_encoded(bytes(0xf0, 0x90, 0x80), undefined, undefined), 'UnicodeDecodeError',
        "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data");
    });
    it('UTF-8 refuses surrogates, overlongs and values past U+10FFFF', () => {
      raises(() => m.from_encoded(bytes(0xed, 0xa0, 0x80), undefined, undefined), 'UnicodeDecodeError',
        "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte");
      raises(() => m.from_encoded(bytes(0xc0, 0x80), undefined, undefined), 'UnicodeDecodeError',
        "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte");
      raises(() => m.from_encoded(bytes(0xf4, 0x90, 0x80, 0x80), undefined, undefined), 'UnicodeDecodeError',
        "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte");
    });
    it('UnicodeDecodeError keeps encoding, object, start, end and reason', () => {
      const e = py.UnicodeDecodeError('utf-8', bytes(0x61, 0xe2, 0x82), 1, 3, 'unexpected end of data');
      expect([e.encoding, e.start, e.end, e.reason]).to.deep.equal(['utf-8', 1, 3, 'unexpected end of data']);
      expect(e.object.toJs()).to.deep.equal(bytes(0x61, 0xe2, 0x82));
      expect(py.str(e)).to.equal("'utf-8' codec can't decode bytes in position 1-2: unexpected end of data");
      expect(e.args.toJs()[0]).to.equal('utf-8');
    });
    it('error handlers: replace, ignore, surrogateescape, backslashreplace', () => {
      const data = bytes(0x61, 0xe2, 0x82, 0x78, 0xff, 0x7a);
      expect(m.from_encoded(data, 'utf-8', 'replace')).to.equal('a\ufffdx\ufffdz');
      expect(m.from_encoded(data, 'utf_8', 'ignore')).to.equal('axz');
      expect(m.from_encoded(data, 'utf8', 'surrogateescape')).to.equal('a\udce2\udc82x\udcffz');
      expect(m.from_encoded(data, 'utf8', 'backslashreplace')).to.equal('a\\xe2\\x82x\\xffz');
      expect(m.from_encoded(bytes(0xe2, 0x82), 'utf-8', 'replace')).to.equal('\ufffd');
    });
    it('ASCII and Latin-1', () => {
      raises(() => m.from_encoded(bytes(0xff), 'ascii', undefined), 'UnicodeDecodeError',
        "'ascii' codec can't decode byte 0xff in position 0: ordinal not in range(128)");
      expect(m.from_encoded(bytes(0xff), 'US-ASCII', 'replace')).to.equal('\ufffd');
      expect(m.from_encoded(bytes(0x61, 0xff, 0xfe), 'ascii', 'surrogateescape')).to.equal('a\udcff\udcfe');
      expect(m.from_encoded(bytes(0x61, 0xff), 'ascii', 'ignore')).to.equal('a');
      expect(m.from_encoded(bytes(0xff, 0x00), 'latin-1', 'strict')).to.equal('ÿ\0');
    });
    it('unknown encodings and error handlers raise LookupError', () => {
      raises(() => m.from_encoded(bytes(0x78), 'nope', undefined), 'LookupError', 'unknown encoding: nope');
      raises(() => m.from_encoded(bytes(0xff), 'utf-8', 'nope'), 'LookupError', "unknown error handler name 'nope'");
    });
    it('an unknown error handler is only looked up when an error happens', () => {
      expect(m.from_encoded(bytes(0x61), 'utf-8', 'nope')).to.equal('a');
    });
    it('empty input gives an empty str before the codec is looked up', () => {
      expect(m.from_encoded(bytes(), 'nope', undefined)).to.equal('');
    });
    it('only bytes-like objects are decoded', () => {
      raises(() => m.from_encoded('str', undefined, undefined), 'TypeError', 'decoding str is not supported');
      raises(() => m.from_encoded(5, undefined, undefined), 'TypeError', 'decoding to str: need a bytes-like object, int found');
      raises(() => m.from_encoded([1], undefined, undefined), 'TypeError', 'decoding to str: need a bytes-like object, list found');
    });
  });

  describe('Unicode_Substring', () => {
    it('takes code point indices', () => {
      expect(m.substring('abcdef', 1, 3)).to.equal('bc');
      expect(m.substring('a😀b', 1, 2)).to.equal('😀');
      expect(m.substring('a😀b', 2, 3)).to.equal('b');
    });
    it('clamps the end, and an empty range gives an empty str', () => {
      expect(m.substring('abcdef', 0, 100)).to.equal('abcdef');
      expect(m.substring('abcdef', 2, 100)).to.equal('cdef');
      expect(m.substring('abcdef', 4, 2)).to.equal('');
      expect(m.substring('abcdef', 10, 20)).to.equal('');
    });
    it('negative bounds raise IndexError', () => {
      raises(() => m.substring('abcdef', -1, 3), 'IndexError', 'string index out of range');
      raises(() => m.substring('abcdef', 1, -1), 'IndexError', 'string index out of range');
    });
  });

  describe('Unicode_ReadChar', () => {
    it('reads code points', () => {
      expect(m.read_char('abc', 0)).to.equal(0x61);
      expect(m.read_char('a😀b', 1)).to.equal(0x1f600);
      expect(m.read_char('a😀b', 2)).to.equal(0x62);
    });
    it('out of range and non-str', () => {
      raises(() => m.read_char('abc', 3), 'IndexError', 'string index out of range');
      raises(() => m.read_char('abc', -1), 'IndexError', 'string index out of range');
      raises(() => m.read_char(5, 0), 'TypeError', BAD_ARG);
    });
  });

  describe('UTF-8', () => {
    it('AsUTF8AndSize gives the bytes, their size and a NUL after them', () => {
      expect(m.as_utf8_and_size('héllo€').toJs()).to.deep.equal([bytes(0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0xe2, 0x82, 0xac), 9, 1]);
      expect(m.as_utf8_and_size('').toJs()).to.deep.equal([bytes(), 0, 1]);
      expect(m.as_utf8_and_size('a\0b').toJs()).to.deep.equal([bytes(0x61, 0, 0x62), 3, 1]);
    });
    it('AsUTF8AndSize accepts a NULL size pointer', () => {
      expect(m.as_utf8_no_size('😀').toJs()).to.deep.equal(bytes(0xf0, 0x9f, 0x98, 0x80));
    });
    it('AsUTF8AndSize returns the same buffer for the same object', () => {
      expect(m.as_utf8_stable('stable')).to.equal(true);
    });
    it('lone surrogates cannot be encoded', () => {
      raises(() => m.as_utf8_and_size('\ud800'), 'UnicodeEncodeError', "'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed");
      raises(() => m.as_utf8_string('ab\udc80'), 'UnicodeEncodeError', "'utf-8' codec can't encode character '\\udc80' in position 2: surrogates not allowed");
    });
    it('AsUTF8String', () => {
      expect(m.as_utf8_string('é').toJs()).to.deep.equal(bytes(0xc3, 0xa9));
    });
    it('FromString decodes UTF-8', () => {
      expect(m.from_string(bytes(0x7a, 0xc3, 0xab))).to.equal('zë');
      expect(m.from_string(bytes())).to.equal('');
    });
    it('non-str arguments raise TypeError', () => {
      raises(() => m.as_utf8_and_size(5), 'TypeError', BAD_ARG);
      raises(() => m.as_utf8_no_size(bytes(1)), 'TypeError', BAD_ARG);
      raises(() => m.as_utf8_string(5), 'TypeError', BAD_ARG);
    });
    it('Unicode_Check', () => {
      expect(m.unicode_check('x')).to.equal(true);
      expect(m.unicode_check(bytes(0x78))).to.equal(false);
    });
  });

  describe('ASCII and Latin-1', () => {
    it('AsASCIIString and AsLatin1String', () => {
      expect(m.as_ascii('abc').toJs()).to.deep.equal(latin1('abc'));
      expect(m.as_latin1('aéÿ').toJs()).to.deep.equal(latin1('aéÿ'));
    });
    it('encode errors report runs of unencodable characters', () => {
      raises(() => m.as_ascii('aéé'), 'UnicodeEncodeError', "'ascii' codec can't encode characters in position 1-2: ordinal not in range(128)");
      raises(() => m.as_ascii('aé'), 'UnicodeEncodeError', "'ascii' codec can't encode character '\\xe9' in position 1: ordinal not in range(128)");
      raises(() => m.as_ascii('a😀'), 'UnicodeEncodeError', "'ascii' codec can't encode character '\\U0001f600' in position 1: ordinal not in range(128)");
      raises(() => m.as_latin1('aሴሴxሴ'), 'UnicodeEncodeError', "'latin-1' codec can't encode characters in position 1-2: ordinal not in range(256)");
      raises(() => m.as_latin1('€'), 'UnicodeEncodeError', "'latin-1' codec can't encode character '\\u20ac' in position 0: ordinal not in range(256)");
    });
    it('non-str arguments raise TypeError', () => {
      raises(() => m.as_ascii(5), 'TypeError', BAD_ARG);
      raises(() => m.as_latin1(undefined), 'TypeError', BAD_ARG);
    });
    it('DecodeASCII with its errors argument', () => {
      expect(m.decode_ascii(latin1('abc'), undefined)).to.equal('abc');
      raises(() => m.decode_ascii(bytes(0x61, 0xff, 0xfe, 0x62), undefined), 'UnicodeDecodeError',
        "'ascii' codec can't decode byte 0xff in position 1: ordinal not in range(128)");
      expect(m.decode_ascii(bytes(0x61, 0xff, 0xfe, 0x62), 'replace')).to.equal('a\ufffd\ufffdb');
      expect(m.decode_ascii(bytes(0x61, 0xff, 0xfe, 0x62), 'surrogateescape')).to.equal('a\udcff\udcfeb');
      expect(m.decode_ascii(bytes(0x61, 0xff, 0x62), 'ignore')).to.equal('ab');
      raises(() => m.decode_ascii(bytes(0x61, 0xff), 'bogus'), 'LookupError', "unknown error handler name 'bogus'");
      expect(m.decode_ascii(latin1('ab'), 'bogus')).to.equal('ab');
    });
    it('DecodeLatin1 never fails', () => {
      expect(m.decode_latin1(bytes(0x61, 0xff, 0xfe, 0x62), undefined)).to.equal('aÿþb');
      expect(m.decode_latin1(bytes(0x61, 0xff), 'bogus')).to.equal('aÿ');
      expect(m.decode_latin1(bytes(0, 0x80), undefined)).to.equal('\0\x80');
    });
  });
});
