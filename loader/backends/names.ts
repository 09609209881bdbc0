/** Backend names that matrix.json and --backend accept. Kept free of imports so that the
 *  runner can validate a config without loading any backend. */
export const BASE_BACKENDS = ['reference', 'cpython'] as const;
export type BaseBackend = (typeof BASE_BACKENDS)[number];
/** Layers that wrap a base backend: `debug:cpython`, `trace:reference`. */
export const LAYERS = ['debug', 'trace'] as const;
export const BACKEND_NAMES: readonly string[] = [...BASE_BACKENDS, ...LAYERS.flatMap((l) => BASE_BACKENDS.map((b) => `${l}:${b}`))];

/** The layer and base backend a name stands for; null when it is not a known backend. */
export function parseBackendName(name: string): { layer: (typeof LAYERS)[number] | null; base: BaseBackend } | null {
  const [first, second] = name.split(':');
  if (second === undefined) return (BASE_BACKENDS as readonly string[]).includes(first) ? { layer: null, base: first as BaseBackend } : null;
  if (!(LAYERS as readonly string[]).includes(first) || !(BASE_BACKENDS as readonly string[]).includes(second)) return null;
  return { layer: first as (typeof LAYERS)[number], base: second as BaseBackend };
}
