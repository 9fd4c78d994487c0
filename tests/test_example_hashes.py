"""Same input, same bytes, across changes of the code: every file of every
bundled example matches the recorded table (scripts/example_hashes.py).

A change that means to alter the documents refreshes the table with
``python scripts/example_hashes.py --write`` in the same commit."""

import json
import sys

import pytest

from conftest import IN_CI, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from example_hashes import TABLE, hashes_of

pytestmark = pytest.mark.xdist_group("examples")  # the page test prints the same builds (conftest.example_builds)


@pytest.mark.slow
def test_every_example_file_is_byte_identical_to_the_recorded_table(example_builds):
    from test_constraints import differing

    moved = differing()  # the table is the promise for the versions of constraints.txt
    if moved and not IN_CI:
        pytest.skip("文件库版本与 constraints.txt 不同，逐字节比较无意义：" + "；".join(moved))
    assert not moved, moved
    recorded = json.loads(TABLE.read_text(encoding="utf-8"))
    built = hashes_of(example_builds)
    assert sorted(built) == sorted(recorded)
    for build, files in recorded.items():
        changed = sorted(path for path in set(files) | set(built[build]) if files.get(path) != built[build].get(path))
        assert not changed, f"{build}: {changed}"
