// Text inside HTML and XML reports. Test titles, error messages and compiler output come from
// user code, so every piece of text goes through here.

// Characters XML 1.0 cannot carry at all, not even as references (C0 controls other than tab,
// newline and carriage return, and the non-characters U+FFFE/U+FFFF). ANSI colour codes in
// captured output are the usual ones; they are shown as \xNN instead of making the file invalid.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Text safe as element content and as a double- or single-quoted attribute value. */
export function escapeMarkup(text: string): string {
  return text
    .replace(NOT_XML, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
