"""Start-up and a whole build, against the bare interpreter in the same run.

    python benchmarks/startup.py

Targets (issue 5): `planmaker --help` under 0.3 s; a full build of
examples/guangxi-2020 (no institution list) under 2 s.  Each is the median of
several runs in a fresh process; the baseline is `python -c pass`, the floor
any Python command pays on this machine.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from planmaker.cli import main; main()"]


def timed(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    baseline = timed([sys.executable, "-c", "pass"], 7)
    helping = timed(CLI + ["--help"], 7)
    out = Path(tempfile.mkdtemp(prefix="planmaker-startup-"))
    try:
        building = timed(CLI + ["build", str(ROOT / "examples" / "guangxi-2020" / "plan.yaml"), "-o", str(out / "x"),
                                "--force"], 3)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"python -c pass                    {baseline:6.3f} s (baseline)")
    print(f"planmaker --help                  {helping:6.3f} s  {helping / baseline:4.1f}x baseline  "
          f"target < 0.3 s: {'yes' if helping < 0.3 else 'NO'}")
    print(f"planmaker build guangxi-2020      {building:6.3f} s  {building / baseline:4.1f}x baseline  "
          f"target < 2 s: {'yes' if building < 2 else 'NO'}")


if __name__ == "__main__":
    main()
