"""hpy.debug.pytest as hpy-matrix provides it: the `hpy_debug` fixture, a LeakDetector around
the test that uses it."""
import pytest

from hpy_matrix.debug import LeakDetector


@pytest.fixture
def hpy_debug(request):
    with LeakDetector() as detector:
        yield detector
