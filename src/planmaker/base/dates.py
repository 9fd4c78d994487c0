"""Dates as the plans write them.

A plan may know a date only to the month ("2021年8月"), to the day, or not yet
at all; the last renders as the blanks of the template seeds (``20__年__月__日``)
rather than as an invented date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

_PATTERNS = [
    re.compile(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{1,2}))?\s*$"),
    re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?\s*$"),
]


@total_ordering
@dataclass(frozen=True)
class PlanDate:
    """A calendar date known to the day, or only to the month (``day is None``)."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PlanDate:
        if isinstance(value, PlanDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, str):
            for pattern in _PATTERNS:
                match = pattern.match(value)
                if match:
                    year, month, day = match.groups()
                    return cls._checked(int(year), int(month), int(day) if day else None, value)
        raise ValueError(f"无法识别的日期 “{value}”，请写成 2021-08-20 或 2021-08（只知道月份时）")

    @classmethod
    def _checked(cls, year: int, month: int, day: int | None, original: str) -> PlanDate:
        try:
            dt.date(year, month, day or 1)
        except ValueError:
            raise ValueError(f"日期 “{original}” 不存在") from None
        return cls(year, month, day)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day:
            return dt.date(self.year, self.month, self.day)
        next_month = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return next_month - dt.timedelta(days=1)

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day or 0)

    def __lt__(self, other: PlanDate) -> bool:
        return self._key() < other._key()

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")

    def __str__(self) -> str:
        return format_date(self)


BLANK_YEAR = "20__年"
BLANK_MONTH = "__月"
BLANK_DAY = "__日"


def format_date(value: PlanDate | None) -> str:
    """2021年8月20日; 2021年8月 when only the month is known; blanks when unset."""
    if value is None:
        return BLANK_YEAR + BLANK_MONTH + BLANK_DAY
    text = f"{value.year}年{value.month}月"
    return text + (f"{value.day}日" if value.day else "")


def format_day(day: dt.date) -> str:
    """A calendar day as format_date writes it: 2021年8月20日."""
    return format_date(PlanDate(day.year, day.month, day.day))


def format_month(value: PlanDate | None) -> str:
    if value is None:
        return BLANK_YEAR + BLANK_MONTH
    return f"{value.year}年{value.month}月"


def format_span(start: PlanDate | None, end: PlanDate | None, sep: str = "—",
                repeat_year: bool = False, compact: bool = False) -> str:
    """A period as the seeds write it.

    ``2021年8月`` (one month), ``2021年9月—10月`` (same year),
    ``2021年12月—2022年3月`` (across years).  ``repeat_year`` writes the year on
    both sides even within one year (``2021年10月—2021年12月``); ``compact``
    drops the first 月 within one year (``2020年9-10月``).  Days are kept when
    the plan knows them.
    """
    if start is None or end is None:
        left = format_date(start) if start and start.day else format_month(start)
        right = format_date(end) if end and end.day else format_month(end)
        return f"{left}{sep}{right}"
    with_days = bool(start.day or end.day)
    if start == end or (not with_days and (start.year, start.month) == (end.year, end.month)):
        return format_date(start) if with_days else format_month(start)
    left = format_date(start) if with_days else format_month(start)
    if start.year != end.year or repeat_year:
        right = format_date(end) if with_days else format_month(end)
    elif with_days and start.month == end.month:
        right = f"{end.day}日"
    else:
        right = f"{end.month}月" + (f"{end.day}日" if with_days and end.day else "")
        if compact and not with_days:
            left = left[:-1]
    return f"{left}{sep}{right}"
