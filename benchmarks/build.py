"""Builds of every bundled example, this checkout against another revision of planmaker, in the same run.

    python benchmarks/build.py                      # against main's first parent (HEAD~1), 5 rounds each way
    python benchmarks/build.py --baseline 929905f --rounds 7
    python benchmarks/build.py --catalog-per-build   # as commands and the web page's requests build

The baseline's ``src/`` is taken from git (``git archive``) into a temporary folder; each round is a
fresh Python process that imports one of the two, builds one example to warm up (imports, the
national table, compiled templates), then times every example built in full (``build`` with every
document kind), with one catalog for the round (as cascade builds) or, with ``--catalog-per-build``,
a new one for each build (as each command in a process, and each request of the web page, builds). The two ways alternate round by round, so that a noisy machine weighs on both alike.
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
shared = Catalog()
with tempfile.TemporaryDirectory() as scratch:
    build(plans[0], Path(scratch) / "warm", shared)
    began = time.perf_counter()
    for i, plan in enumerate(plans):
        build(plan, Path(scratch) / str(i), Catalog() if sys.argv[2] == "fresh" else shared)
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


def one_round(src: Path, fresh: bool) -> dict:
    done = subprocess.run([sys.executable, "-c", ROUND, str(ROOT / "examples"), "fresh" if fresh else "shared"],
                          capture_output=True, text=True,
                          env={"PYTHONPATH": str(src), "PATH": ""}, cwd=src)
    if done.returncode:
        sys.exit(f"{src}: {done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="HEAD~1", help="the git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--catalog-per-build", action="store_true", help="a new catalog for each build")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"this": [], "baseline": []}
    with tempfile.TemporaryDirectory() as scratch:
        sources = {"this": ROOT / "src", "baseline": baseline_src(args.baseline, Path(scratch))}
        for i in range(args.rounds):
            for way in ("baseline", "this") if i % 2 == 0 else ("this", "baseline"):
                result = one_round(sources[way], args.catalog_per_build)
                times[way].append(result["seconds"])
    builds = result["builds"]
    this, baseline = statistics.median(times["this"]), statistics.median(times["baseline"])
    catalogs = "a catalog per build" if args.catalog_per_build else "one catalog a round"
    print(f"{builds} examples a round, every document kind, {catalogs}, {args.rounds} rounds each way")
    print(f"baseline {args.baseline}: median {baseline:.2f} s ({baseline / builds * 1000:.0f} ms a build)")
    print(f"this checkout:      median {this:.2f} s ({this / builds * 1000:.0f} ms a build)")
    print(f"ratio baseline / this: {baseline / this:.2f}")


if __name__ == "__main__":
    main()
