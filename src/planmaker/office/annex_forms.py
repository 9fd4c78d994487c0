"""What the annex layouts are filled from: one frozen dataclass per kind of annex.

kinds/ builds them; office/ reads them (the workbooks of xlsx_problems) and hands them to
docxtpl as a mapping at the last moment (``template_context``, called by
``docx_render.render_template``), so that the .docx templates read the same names as ever
(``{{ institution.name }}``, ``{% for row in rows %}``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass

from docxtpl import Listing

from planmaker.office.docx_batch import FieldValue


def _as_template_value(value: object) -> object:
    """Dataclasses become mappings, tuples of them lists of mappings; other values pass as they are.
    Shallow on purpose: a per-institution value may be a marker (docx_batch.Slot) that must not be copied."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _as_template_value(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_as_template_value(item) for item in value]
    return value


class TemplateData:
    """A context for a docxtpl template (mixed into the frozen dataclasses below)."""

    def template_context(self) -> dict[str, object]:
        found = _as_template_value(self)
        assert isinstance(found, dict)
        return found


def text_field(values: Mapping[str, FieldValue], key: str) -> str:
    """A per-institution text value (for the batch: a str, or its marker, which is one)."""
    value = values[key]
    if not isinstance(value, str):
        raise TypeError(f"{key}: text expected, got {type(value).__name__}")
    return value


@dataclass(frozen=True)
class InstitutionLines(TemplateData):
    """The institution lines at the head of a form, filled in or blank to write on."""

    name: str
    address: str
    contact: str
    phone: str

    def fields(self) -> dict[str, FieldValue]:
        return {"name": self.name, "address": self.address, "contact": self.contact, "phone": self.phone}

    @classmethod
    def from_fields(cls, values: Mapping[str, FieldValue]) -> InstitutionLines:
        return cls(*(text_field(values, key) for key in ("name", "address", "contact", "phone")))


@dataclass(frozen=True)
class InstitutionForm(TemplateData):
    """What every form an institution fills in has: its label and title, the institution's lines at the
    head, the note and the signature lines at the foot."""

    annex_label: str
    title: Listing
    institution: InstitutionLines
    note: str
    signatures: tuple[str, ...]


# ---------------------------------------------------------------- the problem list: 自查表, 整改台账

@dataclass(frozen=True)
class ProblemRow(TemplateData):
    number: str
    group: str  # the group's name on its first row, 〃 after (merged in the .docx)
    item: str  # empty on a ledger's spare row


@dataclass(frozen=True)
class SelfcheckRow(ProblemRow):
    answer: str  # 是□  否□


@dataclass(frozen=True)
class SelfcheckForm(InstitutionForm):
    rows: tuple[SelfcheckRow, ...]


@dataclass(frozen=True)
class LedgerForm(InstitutionForm):
    statuses: str  # the choices of 完成情况, as the footer lists them
    rows: tuple[ProblemRow, ...]  # the listed problems, then spare rows


# ---------------------------------------------------------------- 工作检查表

@dataclass(frozen=True)
class Box(TemplateData):
    name: str
    box: str  # ☑ or □


@dataclass(frozen=True)
class ChecklistRow(TemplateData):
    group: str
    item: str
    sub: str
    answer: Listing
    note: str


@dataclass(frozen=True)
class ChecklistForm(InstitutionForm):
    categories: tuple[Box, ...]
    grades: tuple[Box, ...]
    ownerships: tuple[Box, ...]
    columns: tuple[str, ...]
    rows: tuple[ChecklistRow, ...]


# ---------------------------------------------------------------- 量化统计表

@dataclass(frozen=True)
class StatsRow(TemplateData):
    group: str
    item: str
    sub: str
    cells: tuple[str, ...]  # blank, or a summed form's numbers
    unit: str
    id: str | None


@dataclass(frozen=True)
class StatsForm(TemplateData):
    annex_label: str
    title: Listing
    jurisdiction: str  # the 填报单位 line
    period: str
    label_header: tuple[str, ...]
    value_header: str
    columns: tuple[Listing, ...]
    rows: tuple[StatsRow, ...]
    footer: str


# ---------------------------------------------------------------- 任务分工表

@dataclass(frozen=True)
class TaskRow(TemplateData):
    number: str
    task: str
    lead: Listing
    cooperate: Listing
    deadline: str


@dataclass(frozen=True)
class TaskTable(TemplateData):
    annex_label: str
    title: Listing
    rows: tuple[TaskRow, ...]
