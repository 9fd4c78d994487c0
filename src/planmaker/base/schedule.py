"""Dates that move together: a plan file may give a date absolutely or relative
to another, and moving one moves everything that depends on it.

    start: 2021-08
    signed: start.first + 19 days
    stage_report: self-check.end.last - 5 working days
    phases:
      self-check: {start: deploy.end + 1 month, end: self-check.start + 1 month}

A reference names a date of the plan (``start``) or a phase's ``P.start`` /
``P.end``; ``.first`` / ``.last`` take the first or last day of a date known
only to the month.  Day arithmetic on such a date must say which day it means,
rather than have planmaker guess.  Working days follow China's official
calendar with its adjusted days (调休), from the chinese-calendar package.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, KeysView
from dataclasses import dataclass
from functools import cache

from planmaker.base.dates import PlanDate

_UNITS = {
    "day": "days", "days": "days", "天": "days", "日": "days",
    "working day": "workdays", "working days": "workdays", "workday": "workdays", "workdays": "workdays",
    "工作日": "workdays", "个工作日": "workdays",
    "week": "weeks", "weeks": "weeks", "周": "weeks",
    "month": "months", "months": "months", "个月": "months", "月": "months",
}
_REF = r"[A-Za-z_][A-Za-z0-9_\-]*(?:\.(?:start|end))?(?:\.(?:first|last))?"
_TERM = re.compile(rf"^\s*(?P<ref>{_REF}|\d{{4}}-\d{{1,2}}(?:-\d{{1,2}})?)\s*")
_STEP = re.compile(r"^(?P<sign>[+-])\s+(?P<count>\d{1,4})\s*(?P<unit>working days?|workdays?|days?|weeks?|months?"
                   r"|个工作日|工作日|个月|天|日|周|月)\s*")


class ScheduleError(ValueError):
    """A date expression that cannot be evaluated; the message is for the user."""


@dataclass(frozen=True)
class DateExpr:
    """A date written relative to another, kept as the user wrote it."""

    text: str
    ref: str
    steps: tuple[tuple[int, str], ...]  # (signed count, unit)

    @classmethod
    def parse(cls, text: str) -> DateExpr:
        match = _TERM.match(text)
        if not match:
            raise ValueError(f"无法识别的日期写法 “{text}”：应为日期（2021-08-20）、"
                             "另一个日期的名称（start、deploy.end），或再加减时间（start.first + 19 days）")
        ref, rest, steps = match.group("ref"), text[match.end():], []
        while rest:
            step = _STEP.match(rest)
            if not step:
                raise ValueError(f"日期写法 “{text}” 中 “{rest.strip()}” 无法识别：加减号两边要有空格，"
                                 "单位为 days、working days、weeks、months（或 天、工作日、周、个月）")
            count = int(step.group("count")) * (1 if step.group("sign") == "+" else -1)
            steps.append((count, _UNITS[step.group("unit")]))
            rest = rest[step.end():]
        return cls(text, ref, tuple(steps))

    def __str__(self) -> str:
        return self.text


def parse_date_spec(value: object) -> PlanDate | DateExpr | None:
    """A plan file's date: absolute (PlanDate), relative (DateExpr) or unset."""
    if value is None or isinstance(value, (PlanDate, DateExpr)):
        return value
    try:
        return PlanDate.parse(value)
    except ValueError as error:
        if isinstance(value, str) and re.search(r"[A-Za-z_]", value):
            return DateExpr.parse(value)
        raise error


# ------------------------------------------------------------------ calendar

@cache
def _official(day: dt.date) -> bool | None:
    """Whether China's calendar makes ``day`` a working day; None for an uncovered year."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def calendar_covers(year: int) -> bool:
    return _official(dt.date(year, 6, 1)) is not None


def is_workday(day: dt.date) -> bool:
    official = _official(day)
    return official if official is not None else day.weekday() < 5


def holiday_name(day: dt.date) -> str | None:
    import chinese_calendar

    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return _HOLIDAY_NAMES.get(str(name)) if on_holiday and name else None


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def add_workdays(day: dt.date, count: int) -> dt.date:
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += dt.timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def previous_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


# ------------------------------------------------------------------ evaluation

def _add_months(date: PlanDate, months: int) -> PlanDate:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    if date.day is None:
        return PlanDate(year, month + 1)
    last = PlanDate(year, month + 1).last_day.day
    return PlanDate(year, month + 1, min(date.day, last))


def _day(date: dt.date) -> PlanDate:
    return PlanDate(date.year, date.month, date.day)


def apply_steps(base: PlanDate, steps: Iterable[tuple[int, str]], ref: str) -> PlanDate:
    value = base
    for count, unit in steps:
        if unit == "months":
            value = _add_months(value, count)
            continue
        if value.day is None:
            raise ScheduleError(f"“{ref}” 只精确到月，按天计算前请写 {ref}.first（当月第一天）或 {ref}.last（当月最后一天）")
        if unit == "days":
            value = _day(value.first_day + dt.timedelta(days=count))
        elif unit == "weeks":
            value = _day(value.first_day + dt.timedelta(weeks=count))
        else:
            value = _day(add_workdays(value.first_day, count))
    return value


# Office files (zip) cannot date anything before 1980 or after 2107; a plan
# for the next century is a typo.
FIRST_YEAR, LAST_YEAR = 1980, 2099


class Schedule:
    """Evaluates every date of a plan, each once, in dependency order."""

    def __init__(self, specs: dict[str, object]):
        # keys: "start", "stage_report", "deploy.start", "deploy.end", …
        self.specs = specs
        self.values: dict[str, PlanDate | None] = {}
        self._visiting: list[str] = []

    def names(self) -> KeysView[str]:
        return self.specs.keys()

    def value(self, name: str) -> PlanDate | None:
        if name in self.values:
            return self.values[name]
        if name in self._visiting:
            cycle = " → ".join(self._visiting[self._visiting.index(name):] + [name])
            raise ScheduleError(f"日期互相引用，形成循环：{cycle}")
        spec = self.specs[name]
        self._visiting.append(name)
        result: PlanDate | None
        try:
            result = self._evaluate(spec) if isinstance(spec, DateExpr) else spec  # type: ignore[assignment]
        except ScheduleError:
            raise
        except (ValueError, OverflowError):  # + 9999999 days: past any calendar
            raise ScheduleError(f"日期 “{spec}” 推算出的日期超出可用范围（{FIRST_YEAR}—{LAST_YEAR} 年）") from None
        finally:
            self._visiting.pop()
        if result is not None and not FIRST_YEAR <= result.year <= LAST_YEAR:
            raise ScheduleError(f"日期 “{spec}” 为 {result.year} 年，超出可用范围（{FIRST_YEAR}—{LAST_YEAR} 年）："
                                "文件中的日期须能写入 Office 文档，也须有法定节假日安排可查")
        self.values[name] = result
        return result

    def _evaluate(self, expr: DateExpr) -> PlanDate | None:
        ref, pick = expr.ref, None
        base: PlanDate | None
        if ref.endswith((".first", ".last")):
            ref, pick = ref.rsplit(".", 1)
        if re.fullmatch(r"\d{4}-\d{1,2}(?:-\d{1,2})?", ref):
            base = PlanDate.parse(ref)
        elif ref in self.specs:
            base = self.value(ref)
        else:
            import difflib
            close = difflib.get_close_matches(ref, list(self.specs), n=1, cutoff=0.5)
            hint = f"，是否想写 “{close[0]}”？" if close else ""
            raise ScheduleError(f"引用了不存在的日期 “{ref}”{hint}")
        if base is None:
            return None  # depends on a date not set yet: stays blank too
        if pick == "first":
            base = _day(base.first_day)
        elif pick == "last":
            base = _day(base.last_day)
        return apply_steps(base, expr.steps, expr.ref)


# ------------------------------------------------------------------ recurring reports

_PERIOD_MONTHS = {"month": 1, "quarter": 3}


def period_ends(first: dt.date, last: dt.date, every: str) -> list[dt.date]:
    """The last days of the months or quarters that end within [first, last]."""
    step = _PERIOD_MONTHS[every]
    ends: list[dt.date] = []
    year, month = first.year, first.month
    # the period containing ``first`` ends at the next multiple of ``step`` months
    month = ((month - 1) // step + 1) * step
    while True:
        end = PlanDate(year + (month - 1) // 12, (month - 1) % 12 + 1).last_day
        if end > last:
            return ends
        if end >= first:
            ends.append(end)
        month += step


def period_label(end: dt.date, every: str) -> str:
    if every == "quarter":
        return f"{end.year}年第{'一二三四'[(end.month - 1) // 3]}季度"
    return f"{end.year}年{end.month}月"


def parse_steps(text: str) -> tuple[tuple[int, str], ...]:
    """“+ 10 days - 2 working days” as steps; ValueError with a message for the user."""
    return DateExpr.parse("x " + text.strip()).steps
