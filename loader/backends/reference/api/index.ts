// The reference context's function table: what each context function does, gathered from the
// files of each area. A member that no table names is refused as not implemented.
import type { ApiTable, ReferenceContext } from '../hpy/context.js';
import { containersApi } from './containers.js';
import { coreApi } from './core.js';
import { errorsApi } from './errors.js';
import { objectsApi } from './objects.js';
import { runtimeApi } from './runtime.js';
import { textApi } from './text.js';
import { typesApi } from './types.js';

export function referenceApi(c: ReferenceContext): ApiTable {
  return {
    ...coreApi(c), ...containersApi(c), ...objectsApi(c), ...textApi(c), ...errorsApi(c), ...runtimeApi(c), ...typesApi(c),
  };
}
