"""Wording that belongs to a date, read from ``profiles/_dated.yaml``.

A plan speaks of its own time: the Party congress and plenary sessions it implements, the
education campaign under way, the laws in force and the names of bodies all change with the
date. They are facts with a source, kept as data; campaigns take them through ``wording.*``
(plan/wording.py), and ``check`` finds those written outside their dates (:func:`outside`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import TypeVar

from pydantic import Field, model_validator

from planmaker.base import resources
from planmaker.base.dates import format_day
from planmaker.base.errors import InputError, Problem
from planmaker.inputs.models import NonEmpty, Strict
from planmaker.inputs.validation import bundled_model

DATED_FILE = "_dated.yaml"
DAY = dt.timedelta(days=1)
# A plenum's number (二中全会 …); the first, which elects the leadership, is not cited.
_NUMBERS = "一二三四五六七八九"


class _Sourced(Strict):
    source: str = ""
    inferred: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _has_source(self) -> _Sourced:
        if not self.source and not self.inferred:
            raise ValueError("每一条须写 source（公开记录），找不到记录的写 inferred: true 并在 note 中说明")
        return self


class Plenum(_Sourced):
    number: str = Field(pattern=f"^[{_NUMBERS}]$")
    opened: dt.date
    closed: dt.date


class Congress(_Sourced):
    name: NonEmpty  # 十九大
    term: NonEmpty  # 十九届
    opened: dt.date
    plenums: list[Plenum] = []


class Education(_Sourced):
    name: NonEmpty
    quoted: str | None = None  # the way documents print it: “不忘初心、牢记使命”主题教育
    start: dt.date
    until: dt.date
    cited_until: dt.date
    cited_note: str = ""
    results: str = ""  # what plans consolidated: 漠视侵害群众利益问题专项整治 (…成果)


class Law(_Sourced):
    key: NonEmpty
    title: NonEmpty
    short: NonEmpty
    effective: dt.date
    repealed: dt.date | None = None
    successor: str | None = None
    aliases: list[NonEmpty] = []


class Body(_Sourced):
    key: NonEmpty
    name: NonEmpty
    short: NonEmpty
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None
    successor: str | None = None
    aliases: list[NonEmpty] = []


class DatedFile(Strict):
    # the earliest plan the data speaks for: a law or a name that holds from then on may be written as words
    speaks_from: dt.date
    congresses: list[Congress] = Field(min_length=1)
    education: list[Education] = []
    laws: list[Law] = []
    bodies: list[Body] = []

    def law(self, key: str) -> Law | None:
        return next((law for law in self.laws if law.key == key), None)

    def body(self, key: str) -> Body | None:
        return next((body for body in self.bodies if body.key == key), None)


@dataclass(frozen=True)
class Phrase:
    """One dated phrase as ``check`` looks for it: its written forms and the days it may be used."""

    label: str
    forms: tuple[str, ...]
    first: dt.date | None
    last: dt.date | None  # inclusive; None: still in use
    variable: str  # what a campaign writes instead
    source: str
    inferred: bool = False
    # whether a campaign must not write it as words: it has an end, or it is of a series that
    # moves on (congresses, education campaigns); a law or a name in force is safe as written
    expires: bool = True

    def valid_on(self, first: dt.date, last: dt.date) -> bool:
        """Whether some day of [first, last] lies within the phrase's dates."""
        return (self.first is None or last >= self.first) and (self.last is None or first <= self.last)

    def span(self) -> str:
        start = format_day(self.first) if self.first else "此前"
        end = format_day(self.last) if self.last else "至今"
        return f"{start}—{end}"


@functools.cache
def load_dated() -> DatedFile:
    path = resources.profiles_dir() / DATED_FILE
    data = bundled_model(DatedFile, DATED_FILE)
    problems = []
    for kind, items in (("laws", data.laws), ("bodies", data.bodies)):
        keys = {item.key for item in items}
        for item in items:
            if item.successor and item.successor not in keys:
                problems.append(Problem(f"{item.key} 的 successor “{item.successor}” 不在 {kind} 中", path, None, kind))
    if problems:
        raise InputError(problems)
    return data


# ------------------------------------------------------------------ choosing by date

def congress_phrase(data: DatedFile, day: dt.date | None) -> str:
    """党的二十大和二十届二中、三中全会 on ``day``; blanks where the plan has no date."""
    if day is None:
        return "党的__大和__届__全会"
    current = [c for c in data.congresses if c.opened <= day]
    if not current:
        return "党的__大和__届__全会"
    congress = current[-1]
    held = [p.number + "中" for p in congress.plenums if p.closed <= day and p.number != "一"]
    if not held:
        return f"党的{congress.name}"
    return f"党的{congress.name}和{congress.term}{'、'.join(held)}全会"


def education_at(data: DatedFile, day: dt.date | None) -> Education | None:
    """The education campaign a plan of ``day`` still speaks of, if any."""
    if day is None:
        return None
    found = [e for e in data.education if e.start <= day <= e.cited_until]
    return found[-1] if found else None


Chained = TypeVar("Chained", "Law", "Body")


def _chain(items: list[Chained], key: str) -> list[Chained]:
    """An item and those it replaced or was replaced by, oldest first."""
    by_key = {item.key: item for item in items}
    if key not in by_key:
        return []
    first = by_key[key]
    while True:
        before = next((i for i in items if i.successor == first.key), None)
        if before is None:
            break
        first = before
    chain = [first]
    while chain[-1].successor and chain[-1].successor in by_key and len(chain) < len(items):
        chain.append(by_key[chain[-1].successor])
    return chain


def law_at(data: DatedFile, key: str, day: dt.date | None) -> Law | None:
    """The law of ``key``'s line in force on ``day`` (the newest when the plan has no date)."""
    chain = _chain(data.laws, key)
    if day is None:
        return chain[-1] if chain else None
    for law in reversed(chain):
        if law.effective <= day and (law.repealed is None or day < law.repealed):
            return law
    return None


def body_at(data: DatedFile, key: str, day: dt.date | None) -> Body | None:
    chain = _chain(data.bodies, key)
    if day is None:
        return chain[-1] if chain else None
    for body in reversed(chain):
        if body.from_ <= day and (body.until is None or day < body.until):
            return body
    return chain[0] if chain and day < chain[0].from_ else None


# ------------------------------------------------------------------ finding phrases

def phrases(data: DatedFile) -> list[Phrase]:
    found: list[Phrase] = []
    since = data.speaks_from
    for i, congress in enumerate(data.congresses):
        nxt = data.congresses[i + 1].opened - DAY if i + 1 < len(data.congresses) else None
        found.append(Phrase(f"党的{congress.name}", (congress.name, congress.term), congress.opened, nxt,
                            "{{ wording.congress }}", congress.source or congress.note, congress.inferred))
        for plenum in congress.plenums:
            found.append(Phrase(f"{congress.term}{plenum.number}中全会", (f"{congress.term}{plenum.number}中全会",),
                                plenum.closed, nxt, "{{ wording.congress }}", plenum.source or plenum.note,
                                plenum.inferred))
    for e in data.education:
        forms = (e.name,) + ((e.quoted,) if e.quoted else ())
        found.append(Phrase(e.name, forms, e.start, e.cited_until, "{{ wording.education }}",
                            "；".join(filter(None, (e.source, e.note, e.cited_note))), e.inferred))
    for law in data.laws:
        forms = tuple(dict.fromkeys((law.title, law.short, *law.aliases)))
        found.append(Phrase(f"《{law.title}》", forms, law.effective, law.repealed - DAY if law.repealed else None,
                            f"{{{{ wording.law('{law.key}') }}}}", law.source or law.note, law.inferred,
                            law.repealed is not None or law.effective > since))
    for body in data.bodies:
        forms = tuple(dict.fromkeys((body.name, body.short, *body.aliases)))
        found.append(Phrase(body.name, forms, body.from_, body.until - DAY if body.until else None,
                            f"{{{{ wording.body('{body.key}') }}}}", body.source or body.note, body.inferred,
                            body.until is not None or body.from_ > since))
    return found


@dataclass(frozen=True)
class Finder:
    """Every form of every phrase in one pattern, the longest first, so that 医师法 is not
    found inside 执业医师法; and the enumerations of plenums (十九届二中、三中全会)."""

    pattern: re.Pattern[str]
    by_form: dict[str, Phrase]
    plenums: re.Pattern[str]

    def find(self, text: str) -> list[tuple[Phrase, str]]:
        text = text.replace("“", "").replace("”", "").replace('"', "")
        found = [(self.by_form[m.group(0)], m.group(0)) for m in self.pattern.finditer(text)]
        for m in self.plenums.finditer(text):
            for number in re.findall(f"[{_NUMBERS}]", m.group("numbers")):
                form = f"{m.group('term')}{number}中全会"
                if form in self.by_form:
                    found.append((self.by_form[form], form))
        return found


@functools.cache
def finder() -> Finder:
    table = phrases(load_dated())
    # the quoted form is matched with its quotes taken off, like the text
    by_form = {form.replace("“", "").replace("”", ""): phrase for phrase in table for form in phrase.forms}
    terms = sorted({c.term for c in load_dated().congresses}, key=len, reverse=True)
    return Finder(re.compile("|".join(map(re.escape, sorted(by_form, key=len, reverse=True)))), by_form,
                  re.compile(f"(?P<term>{'|'.join(map(re.escape, terms))})"
                             f"(?P<numbers>(?:[{_NUMBERS}]中[、，和及与]?){{2,}})全会"))


def outside(text: str, first: dt.date, last: dt.date) -> list[tuple[Phrase, str]]:
    """The dated phrases in ``text`` that no day of [first, last] allows, each once."""
    seen, result = set(), []
    for phrase, form in finder().find(text):
        if not phrase.valid_on(first, last) and phrase.label not in seen:
            seen.add(phrase.label)
            result.append((phrase, form))
    return result
