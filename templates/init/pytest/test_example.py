# Tests of the example extension, written by `hpy-matrix init --pytest`: `hpy-matrix run` runs
# them with pytest on the cpython backends of matrix.json (universal and debug mode), each in a
# process of its own. `import example` goes through example.py, the stub loader beside the
# binary in build/. After changing example.c, build it again:
#
#   npx hpy-matrix build {{source}} -o {{binary}} --stub
import pytest

import example


def test_add():
    assert example.add(40, 2) == 42


def test_add_works_on_any_python_objects():
    assert example.add("hp", "y") == "hpy"


def test_add_refuses_one_argument():
    with pytest.raises(TypeError):
        example.add(1)
