// Context functions of the reference backend: capsules, context variables, Leave/Reenter, eval, debug aids.
import type { ApiTable, ReferenceContext } from './context.js';

export function runtimeApi(_c: ReferenceContext): ApiTable {
  return {};
}
