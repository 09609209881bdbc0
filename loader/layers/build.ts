// Building the layers library (native/debug on its own, for backends whose context is not in
// C), apart from loading it: the matrix runner builds it once before the cells that load it.
import path from 'node:path';
import { filesUnder } from '../build/cache.js';
import { buildNative, NativeBuildError } from '../build/native-library.js';
import { packageRoot } from '../package-root.js';

/** The layers library's file, compiled unless this exact build is cached. */
export function buildLayersLibrary(): string {
  const native = path.join(packageRoot(), 'native');
  const dirs = [path.join(native, 'debug'), path.join(native, 'include')];
  try {
    return buildNative({
      kind: 'layers',
      inputs: dirs,
      sources: filesUnder(dirs[0]!).filter((f) => f.endsWith('.c')),
      args: dirs.map((d) => `-I${d}`),
      output: 'libhpymatrix-layers.so',
    }).library;
  } catch (e) {
    if (e instanceof NativeBuildError) throw new Error(`the debug and trace layers are built with a C compiler: ${e.message}`);
    throw e;
  }
}
