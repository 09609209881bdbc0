/* build.ts puts this directory on the include path so that `#include <Python.h>` in an extension
   fails at once with a clear reason instead of linking CPython symbols into a universal binary. */
#error "a universal HPy binary must not include Python.h: use the HPy API (hpy.h) only"
