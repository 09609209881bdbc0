# Tests of {{module}}, written by `hpy-matrix init --pytest --extension`: `hpy-matrix run` runs
# them with pytest on the cpython backends of matrix.json (universal and debug mode), each in a
# process of its own. `import {{module}}` goes through {{module}}.py, the stub loader beside this
# file, which loads the binary with hpy.universal. They check what holds for any module; add
# tests of what {{module}} does.
import pytest

import {{module}}

# The functions of its module definition, as `hpy-matrix report` read them from the binary.
FUNCTIONS = {{functions}}


def test_is_the_module():
    assert {{module}}.__name__ == "{{module}}"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_has_the_function(name):
    assert callable(getattr({{module}}, name))
