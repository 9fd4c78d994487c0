"""A campaign with every per-institution kind, built from two bundled ones; shared by the
county test (tests/test_county_300.py) and the batch and collect benchmarks.

Plain module, no pytest: the benchmarks import it with tests/ on their path."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = "abuses-problems"


def problem_campaign(folder: Path, plan: str | None = None) -> Path:
    """medical-abuses-2020 with the problem list of clinical-conduct: checklist, statistics
    form 1, self-check and ledger, every one per institution, in ``folder``/abuses-problems;
    with ``plan``, that text as ``folder``/plan.yaml.  Made once: a second call keeps what is there."""
    source = ROOT / "templates" / "campaigns"
    target = folder / CAMPAIGN
    if not target.exists():
        shutil.copytree(source / "medical-abuses-2020", target)
        for name in ("problems.yaml", "selfcheck.yaml", "ledger.yaml"):
            shutil.copy(source / "clinical-conduct" / name, target / name)
        head = (target / "campaign.yaml").read_text(encoding="utf-8").split("\nannexes:", 1)[0]
        annexes = "".join(f"  - kind: {kind}\n    source: {name}.yaml\n"
                          for kind, name in (("checklist", "checklist"), ("stats", "stats-1"),
                                             ("selfcheck", "selfcheck"), ("ledger", "ledger")))
        (target / "campaign.yaml").write_text(f"{head}\nproblems: problems.yaml\n\nannexes:\n{annexes}",
                                              encoding="utf-8")
    if plan is not None:
        (folder / "plan.yaml").write_text(plan, encoding="utf-8")
    return folder
