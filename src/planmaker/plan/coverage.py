"""Coverage milestones as numbers of institutions.

Plans set targets as shares of the area's institutions ("8月份完成机构总数的
40%", "医院全覆盖，其他类型医疗机构覆盖50%以上").  A clerk acts on a number of
institutions, so each target is turned into a count from the institution list
(the profile's or the ``--institutions`` file's).  Without a list the count is
a blank (``__家``), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planmaker.base.dates import PlanDate
from planmaker.inputs.models import Institution, Milestone

if TYPE_CHECKING:
    from planmaker.inputs.institution_terms import Vocabulary
    from planmaker.plan.resolve import Resolved

BLANK = "__"


def required(total: int, percent: int) -> int:
    """Institutions needed to reach ``percent`` of ``total``, rounded up.

    Rounded up because the targets are minimums ("完成40%", "覆盖50%以上"):
    rounding down would let an area meet the milestone while covering less than
    the share the plan demands (40% of 37 is 14.8; 14 institutions are 37.8%).
    Integer arithmetic, so that 100% of any list is the whole list exactly.
    """
    return -(-total * percent // 100)


@dataclass(frozen=True)
class MilestoneView:
    """What a template sees: ``{{ m.percent }}%（{{ m.n }}家）``, ``{{ m.date | month }}``."""

    id: str
    percent: int
    date: PlanDate | None
    groups: tuple[str, ...]
    total: int | None  # institutions in scope; None without an institution list
    count: int | None
    label: str

    @property
    def n(self) -> str:
        return BLANK if self.count is None else str(self.count)

    @property
    def total_text(self) -> str:
        return BLANK if self.total is None else str(self.total)

    def describe(self) -> str:
        """“完成40%（15家）”, for calendars and check results."""
        return f"{self.label or '完成'}{self.percent}%（{self.n}家）"


def institution_group(institution: Institution, vocabulary: Vocabulary) -> str | None:
    """The category group (hospital, primary, …) of an institution, None when its category is unknown."""
    name = vocabulary.category(institution.category) if institution.category else None
    if not name:
        # Lists kept in a profile may leave the category out; the name often tells ("××人民医院").
        name = vocabulary.category(institution.name)
    for term in vocabulary.categories:
        if term.name == name:
            return term.group
    return None


def milestone_views(milestones: list[Milestone], overrides: dict[str, int], dates: dict[str, PlanDate | None],
                    institutions: list[Institution] | None) -> dict[str, MilestoneView]:
    groups_of: list[str | None] = []
    if institutions and any(m.groups for m in milestones):
        from planmaker.inputs.institution_terms import load_vocabulary
        vocabulary = load_vocabulary()
        groups_of = [institution_group(i, vocabulary) for i in institutions]
    views = {}
    for milestone in milestones:
        percent = overrides.get(milestone.id, milestone.percent)
        total = count = None
        if institutions:
            if milestone.groups:
                total = sum(1 for g in groups_of if g in milestone.groups)
            else:
                total = len(institutions)
            count = required(total, percent)
        views[milestone.id] = MilestoneView(milestone.id, percent, dates.get(milestone.id), tuple(milestone.groups),
                                            total, count, milestone.label)
    return views


def resolved_milestones(resolved: Resolved) -> dict[str, MilestoneView]:
    model = resolved.campaign.model
    return milestone_views(list(model.milestones), dict(resolved.plan.milestones), resolved.milestone_dates,
                           resolved.institutions)
