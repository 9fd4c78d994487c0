"""Start-up and a whole build, against the bare interpreter in the same run.

    python benchmarks/startup.py

Targets (issue 15): a full build of examples/guangxi-2020 (no institution
list) in under 1 s of the machine's time, or under 3× the floor any Python
program with these libraries pays: `python -c pass` plus importing the
libraries planmaker uses.  `planmaker --help` stays under 0.3 s (issue 5).

Machine time is CPU time (user + system) of the child process: a loaded
machine (other jobs on its two cores) stretches the wall-clock time, not the
CPU time, so that is what the targets hold.  Wall time is shown beside it.
Each figure is the median of several runs in a fresh process, after one run
to warm the caches.  The runs may write bytecode (PYTHONDONTWRITEBYTECODE is
dropped for them): an installed planmaker has its .pyc files, and compiling
fifty modules from source at every start would be measured otherwise.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from planmaker.cli import main; main()"]
LIBRARIES = "import click, jinja2, yaml, docx, docxtpl, docxcompose, openpyxl, pydantic, markdown, icalendar, chinese_calendar"


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], runs: int) -> tuple[float, float]:
    """Median (CPU seconds, wall seconds) of ``command`` in a fresh process."""
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    cpu, wall = [], []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        wall.append(time.perf_counter() - start)
        after = os.times()
        cpu.append(after.children_user - before.children_user + after.children_system - before.children_system)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    bare = timed([sys.executable, "-c", "pass"], 7)
    floor = timed([sys.executable, "-c", LIBRARIES], 5)
    helping = timed(CLI + ["--help"], 7)
    out = Path(tempfile.mkdtemp(prefix="planmaker-startup-"))
    try:
        building = timed(CLI + ["build", str(ROOT / "examples" / "guangxi-2020" / "plan.yaml"), "-o", str(out / "x"),
                                "--force"], 5)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"{'':34}{'CPU':>8}{'wall':>9}")
    print(f"{'python -c pass':34}{bare[0]:7.3f}s{bare[1]:8.3f}s")
    print(f"{'python -c import libraries':34}{floor[0]:7.3f}s{floor[1]:8.3f}s   (the floor)")
    print(f"{'planmaker --help':34}{helping[0]:7.3f}s{helping[1]:8.3f}s   target < 0.3 s CPU: "
          f"{'yes' if helping[0] < 0.3 else 'NO'}")
    ratio = building[0] / floor[0]
    print(f"{'planmaker build guangxi-2020':34}{building[0]:7.3f}s{building[1]:8.3f}s   "
          f"{ratio:.1f}x the floor; target < 1 s CPU or < 3x the floor: "
          f"{'yes' if building[0] < 1 or ratio < 3 else 'NO'}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
