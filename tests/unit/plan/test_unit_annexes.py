"""plan.annexes on its own: the plan's annexes read by kind, each typed by its kind's data model."""

from pathlib import Path

from planmaker.inputs import annex_kinds
from planmaker.inputs.models import AnnexRef, SelfcheckSpec, StatsSpec
from planmaker.plan.annexes import Annex, annexes_of, collected_annexes, is_of
from planmaker.plan.sources import Source

_STATS = StatsSpec(id="f1", title="统计表", columns=["数量"], groups=[{"name": "组", "lines": [{"text": "行"}]}])


def _annexes() -> list[Annex]:
    where = Source(Path("campaign.yaml"), None, ())
    return [Annex(1, AnnexRef(kind="tasks"), None, where), Annex(2, AnnexRef(kind="stats"), _STATS, where),
            Annex(3, AnnexRef(kind="ledger"), SelfcheckSpec(title="台账"), where)]


def test_annexes_of_a_kind_come_with_that_kind_s_spec():
    (stats,) = annexes_of(_annexes(), annex_kinds.STATS)
    assert stats.number == 2 and stats.spec.columns == ["数量"]
    (ledger,) = annexes_of(_annexes(), annex_kinds.LEDGER)
    assert ledger.spec.statuses == ["未整改", "整改中", "已整改销号"]
    assert annexes_of(_annexes(), annex_kinds.CHECKLIST) == []


def test_collect_reads_the_statistics_forms_only():
    assert [a.number for a in collected_annexes(_annexes())] == [2]
    assert is_of(_annexes()[0], annex_kinds.TASKS) and not is_of(_annexes()[0], annex_kinds.STATS)
