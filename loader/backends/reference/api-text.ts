// Context functions of the reference backend: str encodings and decoders beyond UTF-8, substrings.
import type { ApiTable, ReferenceContext } from './context.js';

export function textApi(_c: ReferenceContext): ApiTable {
  return {};
}
