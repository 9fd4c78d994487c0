"""Each template bomb (template_bombs.py) ends within 10 s and under 500 MB,
with exit 2 and a Chinese message naming the file, in `check` and in `build`;
`build` writes nothing.  All run in one child process, whose peak memory is
measured; each case is then asserted on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import planmaker
from template_bombs import ALLOCATING, BOMBS, cases

SRC = str(Path(planmaker.__file__).resolve().parent.parent)
HERE = Path(__file__).resolve().parent
LIMIT_SECONDS = 10
LIMIT_MB = 500
CASES = [(name, command) for name, _, _ in cases() for command in ("check", "build")]

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("template_bombs")]  # its fixtures built once


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, str(HERE), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(HERE / "template_bombs.py"), str(folder)], env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(done.stdout)
    data["folder"] = folder
    return data


def test_all_bombs_together_stay_under_500_mb(outcome):
    assert outcome["max_rss_kb"] / 1024 < LIMIT_MB


@pytest.mark.parametrize("name, command", CASES, ids=[f"{n}-{c}" for n, c in CASES])
def test_bomb_ends_fast_with_exit_2_and_a_chinese_message(outcome, name, command):
    result = outcome["results"][f"{name} {command}"]
    assert result["exception"] is None, result
    assert result["seconds"] < LIMIT_SECONDS, result
    assert result["exit"] == 2, result["output"]
    output = result["output"]
    assert "Traceback" not in output
    file = "campaign.yaml" if name.startswith("campaign") else "own-checklist.docx"
    assert f"{file}" in output and "错误：" in output, output
    if command == "build":
        assert "未写入任何文件" in output
        assert not (outcome["folder"] / name / "out").exists()


@pytest.fixture(scope="module")
def rendered():
    """Every bomb rendered by the bare sandbox, with the budget of campaign text and of a .docx,
    in a child capped at 500 MB of address space (seconds: of CPU, the machine may be shared)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, str(HERE), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(HERE / "template_bombs.py"), "--sandbox", str(LIMIT_MB)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", sorted(n + where for n in {**BOMBS, **ALLOCATING} for where in ("", "@docx")))
def test_bomb_is_refused_before_it_allocates(rendered, name):
    """Under a 500 MB cap a bomb that allocated first would end in MemoryError: each is refused
    by the budget, in Chinese (过大, 过长, 过多), within 10 s (1 / 0 is an ordinary template error)."""
    result = rendered[name]
    assert result["seconds"] < LIMIT_SECONDS, result
    name = name.removesuffix("@docx")
    if name == "divide":
        assert result["ended"].startswith("ZeroDivisionError"), result
    elif name == "macro-recursion":  # Jinja's own depth guard; plan/templating.py words it
        assert result["ended"].startswith(("refused: 模板", "RecursionError")), result
    else:
        assert result["ended"].startswith("refused: ") and "过" in result["ended"], result
