"""Compiled templates kept per sandbox against compiling every text each time (planmaker before
2026-12-07), over the work of a cascade or the web page: many plans built in one process.

    python benchmarks/templates.py            # 6 units × every bundled campaign, 3 rounds each way
    python benchmarks/templates.py --units 12 --rounds 5

Each round builds every bundled campaign for the same units (plan, tasks, checklist, statistics
form, self-check, ledger), alternating the two ways so that a noisy machine weighs on both alike.
The baseline is the same code with ``Sandbox.from_string`` replaced by Jinja's own, which compiles
the text on every call. Medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import test_national_sample as sample  # noqa: E402 -- the plans of every campaign for any unit
from planmaker.commands.build import build  # noqa: E402
from planmaker.plan.sandbox import Sandbox  # noqa: E402

ONLY = ("plan", "tasks", "checklist", "stats", "selfcheck", "ledger")


@contextlib.contextmanager
def compiling_every_time():
    kept = Sandbox.from_string
    Sandbox.from_string = SandboxedEnvironment.from_string  # type: ignore[method-assign]
    try:
        yield
    finally:
        Sandbox.from_string = kept  # type: ignore[method-assign]


def one_round(units: list[str], root: Path) -> float:
    began = time.perf_counter()
    for code in units:
        for campaign_id in sorted(sample.CATALOG.campaign_ids()):
            folder = root / code / campaign_id
            folder.mkdir(parents=True)
            model = sample.CATALOG.load_campaign(campaign_id).model
            hospital = "party_office" in {r for t in model.tasks for r in t.lead + t.cooperate}
            profile = sample.hospital_profile(folder, code) if hospital else code
            plan = folder / "plan.yaml"
            plan.write_text(sample.yaml.safe_dump(sample.plan_for(campaign_id, profile), allow_unicode=True),
                            encoding="utf-8")
            build(plan, folder / "out", sample.CATALOG, only=ONLY)
    took = time.perf_counter() - began
    shutil.rmtree(root)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    units = sample.CODES[:: max(1, len(sample.CODES) // args.units)][: args.units]
    builds = args.units * len(sample.CATALOG.campaign_ids())
    times: dict[str, list[float]] = {"kept": [], "baseline": []}
    with tempfile.TemporaryDirectory() as scratch:
        one_round(units[:1], Path(scratch) / "warm")  # imports, the national table, the campaigns' files
        for i in range(args.rounds):
            for way in ("baseline", "kept") if i % 2 == 0 else ("kept", "baseline"):
                with compiling_every_time() if way == "baseline" else contextlib.nullcontext():
                    times[way].append(one_round(units, Path(scratch) / f"{way}-{i}"))
    kept, baseline = statistics.median(times["kept"]), statistics.median(times["baseline"])
    print(f"{builds} builds a round, {args.rounds} rounds each way")
    print(f"compiling every text each time (baseline): median {baseline:.2f} s ({baseline / builds * 1000:.0f} ms a build)")
    print(f"compiled templates kept per sandbox:        median {kept:.2f} s ({kept / builds * 1000:.0f} ms a build)")
    print(f"ratio baseline / kept: {baseline / kept:.2f}")


if __name__ == "__main__":
    main()
