// Context functions of the reference backend: iteration, slices, List_Insert, ASCII and Bytes.
import type { ApiTable, ReferenceContext } from './context.js';

export function objectsApi(_c: ReferenceContext): ApiTable {
  return {};
}
