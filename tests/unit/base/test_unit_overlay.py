"""base.inputfile.Overlay: files not written yet, laid over a folder and read before the disk."""

import os
from pathlib import Path

import pytest

from planmaker.base.errors import InputError
from planmaker.base.inputfile import DISK, Overlay


def test_a_file_laid_over_is_read_from_memory_and_the_rest_from_the_disk(tmp_path):
    (tmp_path / "beside.yaml").write_text("a: 1\n", encoding="utf-8")
    out = tmp_path / "out"
    overlay = Overlay(out, {"plan.yaml": "profile: x\n", "sub/stats-1.yaml": b"id: f1\n"})
    assert overlay.read_bytes(out / "plan.yaml") == b"profile: x\n"
    assert overlay.read_bytes(out / "sub" / "stats-1.yaml") == b"id: f1\n"
    assert overlay.read_bytes(out / ".." / "beside.yaml") == b"a: 1\n"  # through a folder not made yet
    assert overlay.is_file(out / "plan.yaml") and overlay.is_file(out / ".." / "beside.yaml")
    assert overlay.is_dir(out) and overlay.is_dir(out / "sub") and not overlay.is_dir(out / "else")
    assert not overlay.is_file(out / "else.yaml") and not out.exists()
    with pytest.raises(InputError, match="文件不存在"):
        overlay.read_bytes(out / "else.yaml")


def test_files_inside_the_folder_are_named_as_the_folder_was_given(tmp_path, monkeypatch):
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "link")
    monkeypatch.chdir(tmp_path)
    overlay = Overlay(Path("link"), {"campaign.yaml": "name: x\n"})
    assert overlay.real(tmp_path / "real" / "campaign.yaml") == Path("link/campaign.yaml")
    assert overlay.real("link/./campaign.yaml") == Path("link/campaign.yaml")
    assert overlay.real(tmp_path / "link") == Path("link")
    assert overlay.real("elsewhere.yaml") == tmp_path / "elsewhere.yaml"
    assert DISK.real("link/campaign.yaml") == tmp_path / "real" / "campaign.yaml"


def test_a_link_where_a_file_will_be_written_is_not_followed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "old.yaml").write_text("old: 1\n", encoding="utf-8")
    os.symlink(tmp_path / "old.yaml", out / "plan.yaml")
    overlay = Overlay(out, {"plan.yaml": "new: 1\n"})
    assert overlay.read_bytes(out / "plan.yaml") == b"new: 1\n" and overlay.real(out / "plan.yaml") == out / "plan.yaml"


def test_a_file_in_memory_is_held_to_the_cap_of_one_on_the_disk(tmp_path):
    overlay = Overlay(tmp_path, {"plan.yaml": "x" * 2048})
    with pytest.raises(InputError, match="文件过大"):
        overlay.read_bytes(tmp_path / "plan.yaml", cap=1024)
