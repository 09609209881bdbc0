// The debug and trace layers' C API (native/debug/hdbg.h) through koffi. The same functions are
// exported by the cpython host library, which has them built in, and by the layers library
// the reference backend loads.
import koffi, { type LibraryHandle } from 'koffi';
import { buildLayersLibrary } from './build.js';
import type { Pointer } from '../native-memory.js';

export interface LayersApi {
  debugNew(inner: Pointer): Pointer;
  debugFree(d: Pointer): void;
  debugBaseCtx(d: Pointer): Pointer;
  setStackLimit(d: Pointer, frames: number): void;
  newGeneration(d: Pointer): number;
  enter(d: Pointer, name: string): Pointer;
  leave(d: Pointer, ctx: Pointer): void;
  wrapArg(d: Pointer, h: number): number;
  releaseArg(d: Pointer, h: number): void;
  takeResult(d: Pointer, h: number): number;
  takeOwned(d: Pointer, h: number, fn: string): number;
  checkStatus(d: Pointer, status: number): void;
  findingCount(d: Pointer): number;
  clearFindings(d: Pointer): void;
  checkLeaks(d: Pointer, gen: number): number;
  findingsJson(d: Pointer, from: number): Pointer;
  freeString(s: Pointer): void;
  traceNew(inner: Pointer): Pointer;
  traceFree(t: Pointer): void;
  traceCtx(t: Pointer): Pointer;
  traceReset(t: Pointer): void;
  traceCountsJson(t: Pointer): Pointer;
}

const bound = new WeakMap<LibraryHandle, LayersApi>();

/** The layers' functions in `lib` (declared once per library). */
export function layersApi(lib: LibraryHandle): LayersApi {
  let api = bound.get(lib);
  if (api) return api;
  const f = (proto: string) => lib.func(proto);
  api = {
    debugNew: f('void *hdbg_new(void *inner)'),
    debugFree: f('void hdbg_free(void *d)'),
    debugBaseCtx: f('void *hdbg_base_ctx(void *d)'),
    setStackLimit: f('void hdbg_set_stack_limit(void *d, int frames)'),
    newGeneration: f('int64_t hdbg_new_generation(void *d)'),
    enter: f('void *hdbg_enter(void *d, const char *name)'),
    leave: f('void hdbg_leave(void *d, void *ctx)'),
    wrapArg: f('intptr_t hdbg_wrap_arg(void *d, intptr_t h)'),
    releaseArg: f('void hdbg_release_arg(void *d, intptr_t h)'),
    takeResult: f('intptr_t hdbg_take_result(void *d, intptr_t h)'),
    takeOwned: f('intptr_t hdbg_take_owned(void *d, intptr_t h, const char *fn)'),
    checkStatus: f('void hdbg_check_status(void *d, int64_t status)'),
    findingCount: f('size_t hdbg_finding_count(void *d)'),
    clearFindings: f('void hdbg_clear_findings(void *d)'),
    checkLeaks: f('size_t hdbg_check_leaks(void *d, int64_t gen)'),
    findingsJson: f('void *hdbg_findings_json(void *d, size_t from)'),
    freeString: f('void hdbg_free_string(void *s)'),
    traceNew: f('void *htr_new(void *inner)'),
    traceFree: f('void htr_free(void *t)'),
    traceCtx: f('void *htr_ctx(void *t)'),
    traceReset: f('void htr_reset(void *t)'),
    traceCountsJson: f('void *htr_counts_json(void *t)'),
  } as unknown as LayersApi;
  bound.set(lib, api);
  return api;
}

/** A string the layers allocated, decoded and freed. */
export function takeString(api: LayersApi, s: Pointer): string {
  if (!s) return '';
  try {
    return koffi.decode(s, 'char', -1) as string;
  } finally {
    api.freeString(s);
  }
}

let layersLib: LibraryHandle | undefined;
/** The layers library on its own (for backends whose context is not in C), built once. */
export function layersLibrary(): LibraryHandle {
  return (layersLib ??= koffi.load(buildLayersLibrary()));
}

