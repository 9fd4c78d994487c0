"""Every case of the hostile corpus (hostile_cases.py, over 450): no traceback,
no hang, the right exit code with a Chinese message, and no file changed that
the command should not touch (only its output folder may change, and not even
that when it says it wrote nothing)."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from hostile_cases import CASES
from planmaker.cli import main

pytestmark = pytest.mark.slow  # some 500 cases, a few minutes in all

LIMIT_SECONDS = 60  # the slowest case takes a few seconds on a loaded machine


def snapshot(folder: Path, skip: list[Path]) -> dict[str, object]:
    """Every file and link under ``folder`` but those under ``skip``: its content (or, past 50 MB, size)."""
    found: dict[str, object] = {}
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in files + [d for d in dirs if (here / d).is_symlink()]:
            path = here / name
            if path in skip:
                continue
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif not stat.S_ISREG(path.lstat().st_mode):  # a named pipe: never opened, it would block
                found[key] = ("special", stat.S_IFMT(path.lstat().st_mode))
            elif path.stat().st_size > 50 * 1024 * 1024:
                found[key] = ("size", path.stat().st_size, path.stat().st_mtime_ns)
            else:
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_the_corpus_is_large_and_its_names_unique():
    assert len(CASES) >= 450
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a template that ran code would leave its MARKER here
    monkeypatch.delenv("PLANMAKER_DEBUG", raising=False)
    args = case.make(tmp_path)
    if case.patch is not None:
        case.patch(monkeypatch, tmp_path)
    writable = [tmp_path / w for w in case.writes]
    before = snapshot(tmp_path, writable)
    outputs_before = {w: snapshot(w, []) if w.is_dir() else None for w in writable}
    began = time.monotonic()
    result = CliRunner().invoke(main, args)
    took = time.monotonic() - began
    failure = result.exception if not isinstance(result.exception, SystemExit) else None
    assert failure is None, "".join(traceback.format_exception(failure))
    output = result.output
    assert "Traceback" not in output and "意外的问题" not in output, output
    assert result.exit_code in case.exits, output
    assert case.says in output, output
    if result.exit_code:
        assert re.search("错误|警告|用法|问题", output), output
    assert took < LIMIT_SECONDS
    assert snapshot(tmp_path, writable) == before, "a file the command should not touch changed"
    assert not (tmp_path / "MARKER").exists(), "a template ran code"
    if "未写入任何文件" in output:
        for folder, was in outputs_before.items():
            now = snapshot(folder, []) if folder.is_dir() else None
            assert now == was, f"{folder} changed although nothing was written"
