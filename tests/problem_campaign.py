"""A campaign with every per-institution kind, built from two bundled ones; shared by the
county test (tests/test_county_300.py) and the batch and collect benchmarks.

Plain module, no pytest: the benchmarks import it with tests/ on their path."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = "abuses-problems"


# The institutions' own statistics form of this test campaign (test data, not a bundled form):
# problems found and corrected by each institution, a 合计 row, a sum of money, and two rules.
INSTITUTION_FORM = """\
id: self-stats
title: "{{ j.short_name }}医疗机构自查自纠情况统计表"
filled_by: institution
label_header: [项目]
columns: [发现问题, 已整改]
show_unit: false
template: stats-simple.docx
groups:
  - name: 自查发现的问题
    lines:
      - {id: fraud, text: 医疗骗保}
      - {id: conduct, text: 诊疗行为}
      - {id: practice, text: 执业行为}
      - {id: charges, text: 价格收费}
      - {id: total, text: 合计, sum_of: [fraud, conduct, practice, charges]}
  - name: 退还或追回
    lines:
      - {id: refunds, text: 金额（万元）, decimals: true}
rules:
  - {left: 已整改, op: "<=", right: 发现问题, text: 已整改的不超过发现的}
  - {left: refunds@已整改, op: "<=", right: "10", severity: soft, text: 一家机构追回金额超过10万元的请核实}
"""


def problem_campaign(folder: Path, plan: str | None = None) -> Path:
    """medical-abuses-2020 with the problem list of clinical-conduct: checklist, the
    institutions' statistics form (INSTITUTION_FORM), self-check and ledger, every one per
    institution, in ``folder``/abuses-problems;
    with ``plan``, that text as ``folder``/plan.yaml.  Made once: a second call keeps what is there."""
    source = ROOT / "templates" / "campaigns"
    target = folder / CAMPAIGN
    if not target.exists():
        shutil.copytree(source / "medical-abuses-2020", target)
        for name in ("problems.yaml", "selfcheck.yaml", "ledger.yaml"):
            shutil.copy(source / "clinical-conduct" / name, target / name)
        (target / "stats-institution.yaml").write_text(INSTITUTION_FORM, encoding="utf-8")
        head = (target / "campaign.yaml").read_text(encoding="utf-8").split("\nannexes:", 1)[0]
        annexes = "".join(f"  - kind: {kind}\n    source: {name}.yaml\n"
                          for kind, name in (("checklist", "checklist"), ("stats", "stats-institution"),
                                             ("selfcheck", "selfcheck"), ("ledger", "ledger")))
        (target / "campaign.yaml").write_text(f"{head}\nproblems: problems.yaml\n\nannexes:\n{annexes}",
                                              encoding="utf-8")
    if plan is not None:
        (folder / "plan.yaml").write_text(plan, encoding="utf-8")
    return folder
