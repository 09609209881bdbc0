// The Python stub loader of a universal binary: `<module>.py` beside `<module>.hpy0.so`, so that
// `import <module>` loads the binary with the running Python's hpy.universal, as the stubs that
// HPy's build tools write do (same entry point, `_load_bootstrap`, and the HPY variable for the mode).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { moduleNameFromOutput } from './extension.js';

/** `binary`: the binary's path from the stub's folder, with `/` (`foo.hpy0.so`, `../build/foo.hpy0.so`). */
export function stubSource(moduleName: string, binary: string, writer = 'hpy-matrix build --stub'): string {
  const where = binary.includes('/') ? `${binary}, from this file's folder,` : `${binary}, the HPy universal binary beside this file,`;
  return `# Loads ${where} with hpy.universal.
# Written by ${writer}. The mode comes from the HPY environment variable
# (universal, debug or trace).


def _load():
    import os
    import sys
    from hpy.universal import _load_bootstrap

    here = os.path.dirname(os.path.abspath(__file__))
    binary = os.path.normpath(os.path.join(here, *${JSON.stringify(binary)}.split("/")))
    sys.modules[__name__] = _load_bootstrap(${JSON.stringify(moduleName)}, __name__, __package__, binary,
                                            __loader__, __spec__, os.environ)


_load()
`;
}

/** Writes the stub beside `binary` (a `<module>.hpy0.so`) and returns its path. */
export async function writeStub(binary: string): Promise<string> {
  const name = moduleNameFromOutput(binary);
  const file = path.join(path.dirname(binary), `${name}.py`);
  await writeFile(file, stubSource(name, path.basename(binary)));
  return file;
}
