"""An `hpy` package that is hpy-matrix: on PYTHONPATH in the Python processes of a pytest cell
(and every Python they start), so that `hpy.universal`, `hpy.debug` and `hpy.trace` are
hpy-matrix's whether or not HPy is installed, and stub loaders written by HPy's build tools
(`from hpy.universal import _load_bootstrap`) load binaries with hpy-matrix's context. The rest of
an installed HPy (hpy.devel, which builds extensions) stays reachable: its folders follow ours in
this package's path. On an interpreter other than CPython, for which the drop-in is not built
(PyPy and GraalPy ship an HPy of their own), the package is that interpreter's HPy alone."""
import os
import sys


def _installed_hpy_folders():
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        folder = os.path.join(entry or os.getcwd(), "hpy")
        # HPy installs `hpy` as a namespace package: a folder without __init__.py.
        if os.path.abspath(folder) != here and os.path.isdir(folder):
            yield folder


if sys.implementation.name == "cpython":
    from hpy_matrix import universal

    sys.modules[__name__ + ".universal"] = universal
    __path__.extend(_installed_hpy_folders())
else:
    __path__[:] = list(_installed_hpy_folders())
