"""writing.output on its own: a file is replaced whole or not at all."""

import os

from planmaker.writing.output import atomic_write


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "方案.docx"
    target.write_bytes(b"old")
    atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"new" * 1000
    assert os.listdir(tmp_path) == ["方案.docx"]
