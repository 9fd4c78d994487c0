"""Dates in the text become named dates of the plan file.

Each date is written back with the filter that reproduces it (2021年8月20日 →
``{{ dates.x | date }}``, 8月底 → ``{{ dates.x | month(false) }}底``), so that
moving a date in plan.yaml moves the text.  A blank (20__年__月__日) becomes a
named date left unset, which renders as the same blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planmaker.base.dates import PlanDate, format_span

_Y = r"(?P<{0}y>\d{{4}}|20__|20XX|XX)\s*年"
_M = r"(?P<{0}m>\d{{1,2}}|__|XX)\s*月"
_D = r"(?P<{0}d>\d{{1,2}}|__|XX)\s*[日号]"
_SEP = r"\s*(?P<sep>—|－|-|–|~|～|至|到|一)\s*"


def _part(tag: str, year_optional: bool) -> str:
    year = f"(?:{_Y.format(tag)})" + ("?" if year_optional else "")
    return f"{year}{_M.format(tag)}(?:{_D.format(tag)})?"


RANGE = re.compile(_part("a", False) + _SEP + _part("b", True))
SINGLE = re.compile(r"(?<![\d第每个本上下当])" + _part("a", True) + r"(?P<tail>底|末)?")
YEAR_ONLY = re.compile(r"(?P<ay>\d{4}|20__)\s*年(?P<tail>底|末)?(?![\d_X]*\s*月|版|度)")


@dataclass
class DateMention:
    year: str | None
    month: str | None
    day: str | None

    @property
    def blank(self) -> bool:
        return any(v is not None and not v.isdigit() for v in (self.year, self.month, self.day)) \
            or (self.year is None and self.month is not None and not self.month.isdigit())

    def value(self, default_year: int | None) -> PlanDate | None:
        if self.blank:
            return None
        year = int(self.year) if self.year else default_year
        if year is None:
            return None
        try:
            return PlanDate(year, int(self.month or 12), int(self.day) if self.day else None) \
                if 1 <= int(self.month or 12) <= 12 else None
        except ValueError:
            return None

    def filter(self) -> str:
        if self.month is None:
            return "year"
        if self.day is not None:
            return "date" if self.year else "date(year=False)"
        return "month" if self.year else "month(year=False)"


def mention(match: re.Match, tag: str) -> DateMention:
    return DateMention(match.group(f"{tag}y") if f"{tag}y" in match.re.groupindex else None,
                       match.group(f"{tag}m") if f"{tag}m" in match.re.groupindex else None,
                       match.group(f"{tag}d") if f"{tag}d" in match.re.groupindex else None)


@dataclass
class DateBook:
    """The plan's named dates, collected while the text is converted."""

    year: int | None
    values: dict[str, PlanDate | None] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    phases: dict[str, dict[str, PlanDate | None]] = field(default_factory=dict)
    _by_value: dict[tuple, str] = field(default_factory=dict)

    def name_for(self, m: DateMention, label: str, preferred: str | None = None) -> tuple[str, PlanDate | None]:
        value = m.value(self.year)
        key = (value.iso(), m.filter()) if value else None
        if preferred:
            self.values[preferred] = value
            if key:
                self._by_value.setdefault(key, preferred)
            return preferred, value
        if key and key in self._by_value:
            return self._by_value[key], value
        name = f"date{len([n for n in self.values if n.startswith('date')]) + 1}"
        self.values[name] = value
        self.labels[name] = label
        if key:
            self._by_value[key] = name
        return name, value

    def expression(self, m: DateMention, ref: str) -> str:
        if m.year and m.year.isdigit() and m.blank and m.month is not None:
            # a known year with the month left open (2023年XX月): the year stays, the rest is the named date
            year = "{{ year }}年" if self.year == int(m.year) else f"{m.year}年"
            return year + self.expression(DateMention(None, m.month, m.day), ref)
        return "{{ " + ref + " | " + m.filter() + " }}"

    def range_expression(self, a: DateMention, b: DateMention, sep: str, refs: tuple[str, str],
                         values: tuple) -> str:
        """A range, through ``span`` when span writes it exactly as the document did."""
        start, end = values
        if start and end and a.year:
            original = _written(a) + sep + _written(b)
            for kwargs in ("", ", repeat_year=True", ", compact=True"):
                options = {"repeat_year": "repeat_year" in kwargs, "compact": "compact" in kwargs}
                if format_span(start, end, sep=sep, **options) == original:
                    extra = (f"sep='{sep}'" if sep != "—" else "") + kwargs
                    extra = extra.lstrip(", ")
                    return "{{ " + f"{refs[0]} | span({refs[1]}{', ' + extra if extra else ''})" + " }}"
        return self.expression(a, refs[0]) + sep + self.expression(b, refs[1])


def _written(m: DateMention) -> str:
    text = f"{m.year}年" if m.year else ""
    text += f"{int(m.month)}月" if m.month else ""
    return text + (f"{int(m.day)}日" if m.day else "")


def guess_year(text: str) -> int | None:
    years = re.findall(r"(?<!\d)(20\d\d)\s*年", text)
    if not years:
        return None
    counts = {y: years.count(y) for y in years}
    return int(max(counts, key=lambda y: (counts[y], -years.index(y))))


_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}


def arabic_date(text: str) -> str:
    """二〇二一年八月二十日 → 2021年8月20日 (older documents sign in Chinese numerals); other text unchanged."""
    m = re.fullmatch(r"\s*([〇○Ｏ零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                     r"\s*([一二三四五六七八九十]{1,3})\s*日\s*", text)
    if not m:
        return text
    year = "".join(_CN_DIGITS[c] for c in m.group(1))
    return f"{year}年{_small(m.group(2))}月{_small(m.group(3))}日"


def _small(numeral: str) -> int:
    """一 … 三十一."""
    if "十" not in numeral:
        return int(_CN_DIGITS[numeral])
    tens, _, units = numeral.partition("十")
    return (int(_CN_DIGITS[tens]) if tens else 1) * 10 + (int(_CN_DIGITS[units]) if units else 0)
