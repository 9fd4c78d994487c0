"""A build killed at any moment (SIGKILL) is completed by the next one, and two
builds into one folder at once cannot both write.

A 2,000-institution checklist batch (workers=1, a real child process) is
killed three times, each after a random number of files in its third of the
writing (watched in the folder, so that the moment does not depend on the
machine's speed); after each kill a rebuild exits 0 and leaves the folder
byte-identical to a clean build: no "（新生成）" copy, no temporary file, no
journal or lock, and a manifest that matches every file.

So that every killed build is writing when it dies, it builds a second list
(the same institutions at other addresses: every document differs), over an
empty folder the first time and over a complete build after that, which is
where stale files and spurious "edited" came from."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import planmaker
from conftest import EXAMPLES, manifest, run_cli
from test_batch import institutions_csv

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")]

PLAN = EXAMPLES / "guangxi-2020" / "plan.yaml"
COUNT = 2_000
KILLS = 3
SRC = str(Path(planmaker.__file__).resolve().parent.parent)


def command(out: Path, institutions: Path) -> list[str]:
    return [sys.executable, "-c", "from planmaker.cli import main; main()", "build", str(PLAN), "-o", str(out),
            "--only", "checklist", "--institutions", str(institutions), "--workers", "1"]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}


def run(out: Path, institutions: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command(out, institutions), env=environment(), capture_output=True, text=True,
                          timeout=600)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones included, but for the kept bases of merging) and its sha256."""
    result = {}
    for root, _, files in os.walk(folder):
        if Path(root).name == ".planmaker-base":
            continue
        for name in files:
            path = Path(root, name)
            result[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def assert_clean(out: Path, expected: dict[str, str]) -> None:
    found = snapshot(out)
    strays = sorted(set(found) - set(expected))
    missing = sorted(set(expected) - set(found))
    assert not strays and not missing, (strays[:5], missing[:5])
    assert found == expected, [p for p in found if found[p] != expected[p]][:5]
    assert not any("新生成" in p or p.endswith(".tmp") or ".planmaker" in p for p in found)
    listed = {entry["path"]: entry["sha256"] for entry in manifest(out)["files"]}
    assert listed == {p: d for p, d in found.items() if p != "manifest.json"}


def scratch(tmp_path_factory) -> Path:
    """Where the builds go: a RAM disk when there is room on one (each build is some 450 MB),
    which makes the rounds faster; else the temporary folder."""
    import tempfile

    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and shutil.disk_usage(shm).free > 6 * 1024 ** 3:
            folder = Path(tempfile.mkdtemp(prefix="planmaker-kill-", dir=shm))
            return folder
    except OSError:
        pass
    return tmp_path_factory.mktemp("kill")


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A clean build and its files."""
    base = scratch(tmp_path_factory)
    yield from _clean(base)
    if str(base).startswith("/dev/shm/"):
        shutil.rmtree(base, ignore_errors=True)


def _clean(base: Path):
    institutions = institutions_csv(base / "机构名单.csv", COUNT)
    out = base / "clean"
    result = run(out, institutions)
    assert result.returncode == 0, result.stderr
    expected = snapshot(out)
    shutil.rmtree(out)  # its checksums are all the comparisons need
    yield base, institutions, expected


def inodes(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` and its inode (a file written again, atomically, has a new one)."""
    found, todo = {}, [folder]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                todo.append(Path(entry.path))
            else:
                found[entry.path] = entry.inode()
    return found


def kill_when_written(process: subprocess.Popen, out: Path, files: int) -> int:
    """SIGKILL ``process`` once it has written ``files`` files under ``out``, however long its start
    and its rendering take on the machine of the day; the files written by then."""
    before = inodes(out)
    written = 0
    while process.poll() is None:
        written = sum(1 for path, inode in inodes(out).items() if before.get(path) != inode)
        if written >= files:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait()
    return written


def test_sigkill_at_random_moments_then_rebuild_is_clean(clean):
    base, institutions, expected = clean
    other = base / "机构名单-改.csv"
    other.write_text(institutions.read_text(encoding="utf-8").replace("某路", "某街"), encoding="utf-8")
    seed = int(os.environ.get("PLANMAKER_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    out = base / "killed"
    # one kill in each third of the writing, counted in files written
    targets = [int(COUNT * (0.05 + 0.9 * (k + rng.random()) / KILLS)) for k in range(KILLS)]
    changed_when_killed = []
    for target in targets:
        process = subprocess.Popen(command(out, other), env=environment(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when_written(process, out, target)
        found = snapshot(out) if out.exists() else {}
        changed_when_killed.append(sum(1 for p, d in found.items() if expected.get(p) != d))
        rebuilt = run(out, institutions)
        assert rebuilt.returncode == 0, (seed, target, rebuilt.stderr)
        assert "新生成" not in rebuilt.stdout and "修改过" not in rebuilt.stdout, (seed, target)
        assert_clean(out, expected)
    print(f"seed {seed}; killed after {targets} files written; "
          f"files differing from a clean build then {changed_when_killed}")
    # The kills fell while files were being written, not only before or after.
    assert all(0 < n < COUNT for n in changed_when_killed), (seed, changed_when_killed)


def test_two_builds_at_once_one_refused_the_other_clean(clean):
    base, institutions, expected = clean
    import planmaker.commands.build  # noqa: F401 -- warm: the refusal must come while the first build writes

    out = base / "together"
    first = subprocess.Popen(command(out, institutions), env=environment(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    lock = out / ".planmaker.lock"
    deadline = time.monotonic() + 300
    while not lock.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lock.exists(), "the first build should hold the folder while it writes"
    second = run_cli("build", PLAN, "-o", out, "--only", "checklist", "--institutions", institutions,
                     "--workers", "1")
    assert second.exit_code == 2
    assert str(out) in second.output and "正在由另一次生成" in second.output
    assert first.poll() is None, "the refusal came while the first build was still writing"
    _, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stderr
    assert_clean(out, expected)
