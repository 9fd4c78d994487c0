"""kill -9 during a merge (issue 24) leaves the clerk's file as it was or as merged, never half, and
the next build finishes the job: the same merged file, no temporary file, no journal.

The child process writes the rebuilt bundle into the folder the way build does (writing.output with
merging on); it says when the merge begins and takes a moment over the merge and over putting the
merged file in place, so that the kills land inside both."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_merge import BUNDLE, builds, edit, fresh  # noqa: F401 -- the module's fixture is shared

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")]

CHILD = r"""
import os, sys, time
from pathlib import Path
from planmaker.base.files import Artifact
from planmaker.writing import merging
from planmaker.writing.output import write_outputs
import datetime as dt

out, theirs, slow = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "slow"
if slow:
    real_merge, real_replace = merging.Merger._merge, os.replace
    def merge(self, *args):
        print("MERGING", flush=True)
        time.sleep(0.2)
        return real_merge(self, *args)
    def replace(source, target):
        if str(target).endswith(".docx"):
            time.sleep(0.2)
        real_replace(source, target)
    merging.Merger._merge = merge
    os.replace = replace
artifact = Artifact(sys.argv[4], "bundle", theirs.read_bytes())
write_outputs(out, [artifact], {"generator": "test"}, partial=True,
              merge=merging.MergeSettings("track", dt.datetime(2021, 9, 30)))
print("DONE", flush=True)
"""
DELAYS = [0.0, 0.2, 0.4, 0.6, 0.9, 1.5]


def child(out: Path, theirs: Path, slow: bool) -> subprocess.Popen:
    src = str(Path(__file__).resolve().parent.parent / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(out), str(theirs), "slow" if slow else "fast", BUNDLE],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_kill_during_a_merge_leaves_the_clerks_file_whole(builds, tmp_path):  # noqa: F811
    root, _ = builds
    theirs = root / "second" / BUNDLE
    reference = fresh(builds, tmp_path / "reference")
    edit(reference / BUNDLE)
    edited = (reference / BUNDLE).read_bytes()
    done = child(reference, theirs, slow=False)
    assert done.communicate(timeout=120)[0].strip() == "DONE"
    merged = digest(reference / BUNDLE)
    assert merged != hashlib.sha256(edited).hexdigest()
    outcomes = []
    for number, delay in enumerate(DELAYS):
        out = fresh(builds, tmp_path / str(number))
        (out / BUNDLE).write_bytes(edited)
        process = child(out, theirs, slow=True)
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "MERGING", process.communicate()[1]
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = digest(out / BUNDLE)
        assert now in (hashlib.sha256(edited).hexdigest(), merged), delay  # as it was, or as merged
        outcomes.append("merged" if now == merged else "as it was")
        again = child(out, theirs, slow=False)
        assert again.communicate(timeout=120)[0].strip() == "DONE"
        assert digest(out / BUNDLE) == merged
        assert not [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".planmaker-journal")]
        assert not list(out.glob("*新生成*"))
        shutil.rmtree(out)
    assert "merged" in outcomes and "as it was" in outcomes, outcomes
