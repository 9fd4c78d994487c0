"""The dated wording a campaign takes for its plan's date (``wording.*``) and the documents it cites
(``cite``).

A campaign writes ``{{ wording.congress }}精神``, ``{{ wording.law('医师法') }}`` or
``{{ wording.body('国家卫生健康委') }}``; which words come out depends on the plan's date and
on the data of ``profiles/_dated.yaml`` (inputs/dated.py), never on the campaign's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from planmaker.base.dates import PlanDate
from planmaker.inputs import dated
from planmaker.inputs.models import ParentDocument
from planmaker.inputs.validation import did_you_mean

BLANK_TITLE = "《____》"
# A plan whose only date is its year: a day within it, so that the choice does not depend on
# the order of a year's events in the data alone.
MID_YEAR = (7, 1)


def reference_window(dates: dict[str, PlanDate | None], year: str) -> tuple[dt.date, dt.date] | None:
    """The days the plan may speak from: its signing date, else its start, else its year."""
    for name in ("signed", "start"):
        value = dates.get(name)
        if value is not None:
            return value.first_day, value.last_day
    if year.isdigit():
        return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    return None


def reference_day(window: tuple[dt.date, dt.date] | None) -> dt.date | None:
    if window is None:
        return None
    first, last = window
    if first.year == last.year and (first.month, first.day) == (1, 1) and (last.month, last.day) == (12, 31):
        return dt.date(first.year, *MID_YEAR)
    return first


class WordingView:
    """``wording`` in a campaign's templates."""

    def __init__(self, day: dt.date | None, data: dated.DatedFile | None = None):
        self.day = day
        self._data = data or dated.load_dated()

    @property
    def congress(self) -> str:
        """党的二十大和二十届二中、三中全会 (the campaign adds 精神)."""
        return dated.congress_phrase(self._data, self.day)

    @property
    def education(self) -> str:
        """The education campaign the plan still speaks of, or "" (a campaign writes it in an {% if %})."""
        found = dated.education_at(self._data, self.day)
        return (found.quoted or found.name) if found else ""

    @property
    def education_results(self) -> str:
        """“不忘初心、牢记使命”主题教育漠视侵害群众利益问题专项整治成果: what a plan consolidates, or ""."""
        found = dated.education_at(self._data, self.day)
        return f"{found.quoted or found.name}{found.results}成果" if found else ""

    def law(self, key: str, short: bool = False) -> str:
        """《中华人民共和国医师法》, or the law of its line in force on the plan's date; "" before any was."""
        if self._data.law(key) is None:
            raise ValueError(f"wording.law 的法规 “{key}” 不在 profiles/_dated.yaml 中"
                             f"{did_you_mean(key, [law.key for law in self._data.laws])}")
        found = dated.law_at(self._data, key, self.day)
        if found is None:
            return ""
        return f"《{found.short if short else found.title}》"

    def laws(self, *keys: str, short: bool = False, sep: str = "") -> str:
        """Several laws, those in force on the plan's date, each in 《》."""
        return sep.join(filter(None, (self.law(key, short) for key in keys)))

    def body(self, key: str, short: bool = True) -> str:
        if self._data.body(key) is None:
            raise ValueError(f"wording.body 的机构 “{key}” 不在 profiles/_dated.yaml 中"
                             f"{did_you_mean(key, [body.key for body in self._data.bodies])}")
        found = dated.body_at(self._data, key, self.day)
        if found is None:
            return ""
        return found.short if short else found.name


@dataclass
class Citations:
    """``cite('key')``: a document the campaign cites, as the plan file gives it, else a visible blank."""

    documents: Mapping[str, ParentDocument]  # the plan file's documents
    declared: dict[str, str]  # the campaign's: key → what the document is

    def __call__(self, key: str) -> str:
        if key not in self.declared:
            raise ValueError(f"cite 的文件 “{key}” 未在专项模板的 documents 中说明{did_you_mean(key, list(self.declared))}")
        given = self.documents.get(key)
        if given is None:
            return BLANK_TITLE
        return f"《{given.title}》" + (f"（{given.number}）" if given.number else "")
