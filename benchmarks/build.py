"""Builds of every bundled example, this checkout against another revision of planmaker, in the same run.

    python benchmarks/build.py                      # against main's first parent (HEAD~1), 5 rounds each way
    python benchmarks/build.py --baseline 929905f --rounds 7

The baseline's ``src/`` is taken from git (``git archive``) into a temporary folder; each round is a
fresh Python process that imports one of the two, builds one example to warm up (imports, the
national table, compiled templates), then times every example built in full (``build`` with every
document kind). The two ways alternate round by round, so that a noisy machine weighs on both alike.
Medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROUND = """
import json, sys, tempfile, time
from pathlib import Path
from planmaker.commands.build import build
from planmaker.inputs.catalog import Catalog
plans = sorted(Path(sys.argv[1]).glob("*/plan.yaml"))
catalog = Catalog()
with tempfile.TemporaryDirectory() as scratch:
    build(plans[0], Path(scratch) / "warm", catalog)
    began = time.perf_counter()
    for i, plan in enumerate(plans):
        build(plan, Path(scratch) / str(i), catalog)
    print(json.dumps({"seconds": time.perf_counter() - began, "builds": len(plans)}))
"""


def baseline_src(revision: str, into: Path) -> Path:
    """The baseline's ``src/`` and bundled data unpacked into ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src", "templates",
                              "profiles"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def one_round(src: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", ROUND, str(ROOT / "examples")], capture_output=True, text=True,
                          env={"PYTHONPATH": str(src), "PATH": ""}, cwd=src)
    if done.returncode:
        sys.exit(f"{src}: {done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="HEAD~1", help="the git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"this": [], "baseline": []}
    with tempfile.TemporaryDirectory() as scratch:
        sources = {"this": ROOT / "src", "baseline": baseline_src(args.baseline, Path(scratch))}
        for i in range(args.rounds):
            for way in ("baseline", "this") if i % 2 == 0 else ("this", "baseline"):
                result = one_round(sources[way])
                times[way].append(result["seconds"])
    builds = result["builds"]
    this, baseline = statistics.median(times["this"]), statistics.median(times["baseline"])
    print(f"{builds} examples a round, every document kind, {args.rounds} rounds each way")
    print(f"baseline {args.baseline}: median {baseline:.2f} s ({baseline / builds * 1000:.0f} ms a build)")
    print(f"this checkout:      median {this:.2f} s ({this / builds * 1000:.0f} ms a build)")
    print(f"ratio baseline / this: {baseline / this:.2f}")


if __name__ == "__main__":
    main()
