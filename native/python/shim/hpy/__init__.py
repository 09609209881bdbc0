"""An `hpy` package that is hpy-matrix: on PYTHONPATH in the Python processes of a pytest cell
(and every Python they start), so that `hpy.universal`, `hpy.debug` and `hpy.trace` are
hpy-matrix's whether or not HPy is installed, and stub loaders written by HPy's build tools
(`from hpy.universal import _load_bootstrap`) load binaries with hpy-matrix's context."""
import sys

from hpy_matrix import universal

sys.modules[__name__ + ".universal"] = universal
