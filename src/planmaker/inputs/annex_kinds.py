"""The kinds of annex a campaign may list (``annexes: - kind: …``), each said once, here.

Validation (``inputs.catalog``), loading (``plan.annexes``), the document kinds (``kinds.registry``,
one ``AnnexKind`` per entry, which tests/test_kinds.py holds to this list), ``collect`` and ``check``
(``checks.campaign``: an annex a campaign's text asks for) all read this catalogue; nothing else
branches on an annex kind's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from planmaker.inputs.models import ChecklistSpec, SelfcheckSpec, StatsSpec, Strict

# The model of an annex's data file; None for a kind without one (the task table).
SpecT = TypeVar("SpecT", bound="Strict | None", covariant=True)


@dataclass(frozen=True)
class AnnexKindInfo(Generic[SpecT]):
    """One kind of annex.  Typed by its data file's model, so that code holding the entry
    (``plan.annexes.annexes_of``) gets annexes whose ``spec`` is that model."""

    key: str  # as campaign.yaml writes it
    name: str  # as a clerk calls it
    layout: str  # its .docx layout in templates/annexes
    asked_as: str  # the word of a campaign's text that asks for it (send the 统计表): check wants it shipped
    spec: type[SpecT] | None = None  # the model of its data file (``source:``)
    source_required: bool = False  # the data file must be given
    from_problems: bool = False  # presents the campaign's problem list
    own_layout: bool = False  # may bring its own .docx layout in the campaign's folder
    implied_by_tasks: bool = False  # added first to any campaign with tasks that does not list it
    collected: bool = False  # filled copies come back up and are summed by collect


TASKS: AnnexKindInfo[None] = AnnexKindInfo("tasks", "任务分工表", "tasks.docx", "任务分工表", implied_by_tasks=True)
CHECKLIST = AnnexKindInfo("checklist", "工作检查表", "checklist.docx", "检查表", ChecklistSpec, source_required=True,
                          own_layout=True)
STATS = AnnexKindInfo("stats", "量化统计表", "stats.docx", "统计表", StatsSpec, source_required=True, collected=True)
SELFCHECK = AnnexKindInfo("selfcheck", "自查表", "selfcheck.docx", "自查表", SelfcheckSpec, from_problems=True)
LEDGER = AnnexKindInfo("ledger", "整改台账", "ledger.docx", "整改台账", SelfcheckSpec, from_problems=True)

CATALOGUE: dict[str, AnnexKindInfo[Strict | None]] = {k.key: k for k in (TASKS, CHECKLIST, STATS, SELFCHECK, LEDGER)}
# The kinds whose entries say ``collected``, with the model collect reads them by (tests/unit/inputs holds
# the two to each other).
COLLECTED: tuple[AnnexKindInfo[StatsSpec], ...] = (STATS,)


def annex_kind(key: str) -> AnnexKindInfo[Strict | None]:
    """The catalogue's entry; every annex loaded has passed inputs.catalog's check of its kind."""
    return CATALOGUE[key]


def choices() -> str:
    return "、".join(f"{k.key}（{k.name}）" for k in CATALOGUE.values())
