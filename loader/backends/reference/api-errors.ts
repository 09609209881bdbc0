// Context functions of the reference backend: errno errors, new exception types, warnings, unraisable.
import type { ApiTable, ReferenceContext } from './context.js';

export function errorsApi(_c: ReferenceContext): ApiTable {
  return {};
}
