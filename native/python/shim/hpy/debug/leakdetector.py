"""hpy.debug.leakdetector as hpy-matrix provides it (conftests import LeakDetector from here)."""
from hpy_matrix.debug.leakdetector import HPyDebugError, HPyLeakError, LeakDetector  # noqa: F401
