// The set-up a parent process does once for the children that run backends, kept apart from
// the backends themselves: the matrix runner's worker thread loads this and nothing of any
// backend (koffi, the reference object model).
import { buildLayersLibrary } from '../layers/build.js';
import { prepareCPython } from './cpython/host-build.js';
import { parseBackendName } from './names.js';
import { describeInterpreters } from './python/describe.js';

/** One step of set-up, for some of the backends. */
export interface Preparation {
  backends: string[];
  /**
   * Does it; returns the environment for the children running those backends. Throws what
   * creating one of them would throw.
   */
  run(): Record<string, string>;
}

/**
 * The set-up that every child running one of `names` would otherwise repeat, as steps that a
 * parent does once, the longest build first (so that on an empty cache the cells it holds back
 * are not the last ones left): finding Python and building the host for cpython, then the
 * layers library for a layer over reference.
 */
export function preparations(names: string[]): Preparation[] {
  const parsed = names.map((name) => ({ name, backend: parseBackendName(name) }));
  const steps: Preparation[] = [];
  const cpython = parsed.filter((p) => p.backend?.base === 'cpython').map((p) => p.name);
  if (cpython.length > 0) steps.push({ backends: cpython, run: prepareCPython });
  // Asked once for the run's report; the cells start their interpreters themselves.
  const external = parsed.flatMap((p) => (p.backend?.base === 'python' ? [{ name: p.name, interpreter: p.backend.interpreter }] : []));
  if (external.length > 0) {
    steps.push({ backends: external.map((e) => e.name), run: () => describeInterpreters(external.map((e) => e.interpreter)) });
  }
  const layered = parsed.filter((p) => p.backend?.base === 'reference' && p.backend.layer !== null).map((p) => p.name);
  if (layered.length > 0) {
    steps.push({
      backends: layered,
      run: () => {
        buildLayersLibrary();
        return {};
      },
    });
  }
  return steps;
}
