// Context functions of the reference backend: types from HPyType_Spec, HPy_New, payloads and fields.
import type { ApiTable, ReferenceContext } from './context.js';

export function typesApi(_c: ReferenceContext): ApiTable {
  return {};
}
