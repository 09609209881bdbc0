// The Python stub loader of a universal binary: `<module>.py` beside `<module>.hpy0.so`, so that
// `import <module>` loads the binary with the running Python's hpy.universal, as the stubs that
// HPy's build tools write do (same entry point, `_load_bootstrap`, and the HPY variable for the mode).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { moduleNameFromOutput } from './extension.js';

export function stubSource(moduleName: string, binaryName: string): string {
  return `# Loads ${binaryName}, the HPy universal binary beside this file, with hpy.universal.
# Written by hpy-matrix build --stub. The mode comes from the HPY environment variable
# (universal, debug or trace).


def _load():
    import os
    import sys
    from hpy.universal import _load_bootstrap

    binary = os.path.join(os.path.dirname(os.path.abspath(__file__)), ${JSON.stringify(binaryName)})
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
