/** Backend names that matrix.json and --backend accept. Kept free of imports so that the
 *  runner can validate a config without loading any backend. */
export const BASE_BACKENDS = ['reference', 'cpython'] as const;
export type BaseBackend = (typeof BASE_BACKENDS)[number];
/** Layers that wrap a base backend: `debug:cpython`, `trace:reference`. */
export const LAYERS = ['debug', 'trace'] as const;
export type Layer = (typeof LAYERS)[number];
/** Every backend there is one of; `python:<interpreter>` names one per interpreter besides these. */
export const BACKEND_NAMES: readonly string[] = [...BASE_BACKENDS, ...LAYERS.flatMap((l) => BASE_BACKENDS.map((b) => `${l}:${b}`))];
/** Another Python with its own HPy: `python:pypy3`, `python:/opt/graalpy/bin/graalpy`. */
export const PYTHON_PREFIX = 'python:';

/** The known backends as messages list them. */
export const KNOWN_BACKENDS = `${BACKEND_NAMES.join(', ')}, python:<interpreter> (also under debug: or trace:)`;

/** The message for a name that is no backend. */
export function unknownBackend(name: string): string {
  return `unknown backend '${name}' (known: ${KNOWN_BACKENDS})`;
}

export type ParsedBackend =
  | { layer: Layer | null; base: BaseBackend }
  /** `interpreter`: a command looked up on PATH, or a path when it holds a slash. */
  | { layer: Layer | null; base: 'python'; interpreter: string };

/** The layer and base backend a name stands for; null when it is not a known backend. */
export function parseBackendName(name: string): ParsedBackend | null {
  const colon = name.indexOf(':');
  const first = colon === -1 ? name : name.slice(0, colon);
  const layer = colon !== -1 && (LAYERS as readonly string[]).includes(first) ? (first as Layer) : null;
  const base = layer ? name.slice(colon + 1) : name;
  if ((BASE_BACKENDS as readonly string[]).includes(base)) return { layer, base: base as BaseBackend };
  if (base.startsWith(PYTHON_PREFIX)) {
    const interpreter = base.slice(PYTHON_PREFIX.length);
    // Anything a file name can be, but not nothing, nor text that only looks like one.
    if (interpreter.trim() === interpreter && interpreter !== '' && !/[\0-\x1f]/.test(interpreter)) {
      return { layer, base: 'python', interpreter };
    }
  }
  return null;
}
