"""A build killed at any moment (SIGKILL) is completed by the next one, and two
builds into one folder at once cannot both write.

A 10,000-institution checklist batch (workers=1, a real child process) is
killed at random moments; after each kill a rebuild exits 0 and leaves the
folder byte-identical to a clean build: no "（新生成）" copy, no temporary file,
no journal or lock, and a manifest that matches every file.

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
COUNT = 2_000  # enough that the kills fall while files are written (asserted below)
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
    """A clean build, its files and how long it took."""
    base = scratch(tmp_path_factory)
    yield from _clean(base)
    if str(base).startswith("/dev/shm/"):
        shutil.rmtree(base, ignore_errors=True)


def _clean(base: Path):
    institutions = institutions_csv(base / "机构名单.csv", COUNT)
    out = base / "clean"
    began = time.monotonic()
    process = subprocess.Popen(command(out, institutions), env=environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    # when the first file appeared (the interpreter's start and the rendering come before) and when the
    # manifest did (it is written last; the process then cleans up and ends)
    writing = written = None
    while process.poll() is None:
        if writing is None and out.exists() and any(out.iterdir()):
            writing = time.monotonic() - began
        if written is None and (out / "manifest.json").exists():
            written = time.monotonic() - began
        time.sleep(0.01)
    took = time.monotonic() - began
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    expected = snapshot(out)
    shutil.rmtree(out)  # its checksums are all the comparisons need
    yield base, institutions, expected, (writing or 0.0, written or took)


def test_sigkill_at_random_moments_then_rebuild_is_clean(clean):
    base, institutions, expected, (writing, written) = clean
    other = base / "机构名单-改.csv"
    other.write_text(institutions.read_text(encoding="utf-8").replace("某路", "某街"), encoding="utf-8")
    seed = int(os.environ.get("PLANMAKER_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    out = base / "killed"
    # one moment in each third of the time the clean build spent writing: the kills spread over the
    # writing however long the interpreter's start and the rendering take on the machine of the day
    moments = [writing + (written - writing) * (k + rng.random()) / KILLS for k in range(KILLS)]
    changed_when_killed = []
    for moment in moments:
        process = subprocess.Popen(command(out, other), env=environment(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = snapshot(out) if out.exists() else {}
        changed_when_killed.append(sum(1 for p, d in found.items() if expected.get(p) != d))
        rebuilt = run(out, institutions)
        assert rebuilt.returncode == 0, (seed, moment, rebuilt.stderr)
        assert "新生成" not in rebuilt.stdout and "修改过" not in rebuilt.stdout, (seed, moment)
        assert_clean(out, expected)
    print(f"seed {seed}; killed at {[round(m, 1) for m in moments]} s; "
          f"files differing from a clean build then {changed_when_killed}")
    # The kills fell while files were being written, not only before or after.
    assert sum(0 < n < COUNT for n in changed_when_killed) >= 2, (seed, changed_when_killed)


def test_two_builds_at_once_one_refused_the_other_clean(clean):
    base, institutions, expected, _ = clean
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
