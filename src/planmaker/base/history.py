"""Dates that record the past rather than set the plan's schedule: the day a law took effect
(2021年5月1日起施行), the day a document was issued or a meeting held, the date of a statistic
(截至2023年底).  They are facts: a plan keeps them as written, whatever its year."""

from __future__ import annotations

import re

_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?(?P<tail>底|末|初)?")
# what a past date is followed by: 起施行, 颁布, 印发的《, 召开的……会议
_PAST_AFTER = re.compile(r"^(?:起|开始)?(?:正式)?(?:施行|颁布|公布|发布|修订|修正|印发|召开|举行|通过|出台|起执行)")
_PAST_BEFORE = re.compile(r"(?:截至|截止|截止到|截至到)$")


def historical_dates(text: str, year: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each date in ``text`` that records the past.  With the plan's ``year``, a
    whole date of an earlier year is past too, unless it is a deadline (……前) or starts a span."""
    found = []
    for m in _DATE.finditer(text):
        after = text[m.end():m.end() + 8]
        before = text[max(0, m.start() - 4):m.start()]
        if _PAST_AFTER.match(after) or _PAST_BEFORE.search(before) or _earlier(m, after, before, year):
            found.append((m.start(), m.end()))
    return found


def _earlier(m: re.Match[str], after: str, before: str, year: int | None) -> bool:
    """A whole date of a year before the plan's, neither a deadline (……前) nor a span's end."""
    return bool(year and int(m.group("year")) < year and "月" in m.group(0)
                and not re.match(r"^\s*(?:前|[—－\-–~～至到])", after) and not re.search(r"[自从于至到—－\-–~～]$", before))
