"""Every kind of document planmaker makes, in the order their files are made
and listed in the manifest.  Adding a kind: a module in this package with a
``Kind`` subclass, and its line below."""

from __future__ import annotations

from collections.abc import Iterable

from planmaker.base.errors import InputError
from planmaker.inputs.annex_kinds import CATALOGUE
from planmaker.kinds.base import AnnexKind, Kind
from planmaker.kinds.bundle import BundleKind
from planmaker.kinds.calendar import CalendarKind
from planmaker.kinds.checklist import ChecklistKind
from planmaker.kinds.ledger import LedgerKind
from planmaker.kinds.pdf import PdfKind
from planmaker.kinds.plan import PlanKind
from planmaker.kinds.preview import PreviewKind
from planmaker.kinds.selfcheck import SelfcheckKind
from planmaker.kinds.stats import StatsKind
from planmaker.kinds.tasks import TasksKind

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add ``kind``; one that lays out annexes must have its entry in the catalogue of annex kinds,
    which is what campaign.yaml may name."""
    if isinstance(kind, AnnexKind) and (CATALOGUE.get(kind.key) is not kind.info or kind.key != kind.info.key):
        raise ValueError(f"annex kind {kind.key!r} is not in planmaker.inputs.annex_kinds.CATALOGUE")
    KINDS[kind.key] = kind
    return kind


register(PlanKind())
register(PreviewKind())
register(TasksKind())
register(ChecklistKind())
register(SelfcheckKind())
register(LedgerKind())
register(StatsKind())
register(CalendarKind())
register(BundleKind())
register(PdfKind())


def default_keys() -> list[str]:
    """The kinds a build makes unless told otherwise, which --only chooses from."""
    return [key for key, kind in KINDS.items() if kind.default]


def chosen(only: Iterable[str] | None, also: Iterable[str] = ()) -> list[Kind]:
    """The kinds to build, in registry order: ``only`` (else every default
    kind) and ``also`` (kinds asked for by an option of their own)."""
    wanted = set(only) if only else set(default_keys())
    wanted |= set(also)
    return [kind for key, kind in KINDS.items() if key in wanted]


def parse_only(text: str | None) -> list[str] | None:
    if not text:
        return None
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in default_keys()]
    if unknown:
        raise InputError.single(f"未知的文件类别 “{'、'.join(unknown)}”（可选：{'、'.join(default_keys())}）",
                                field="--only")
    return keys


def help_text() -> str:
    """The --only help, from the registry: each kind and what it makes."""
    return "；".join(f"{key}：{KINDS[key].summary}" for key in default_keys())
