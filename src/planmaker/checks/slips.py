"""`check` reads the plan as it will be printed, for the slips a rule can find: a span of dates
that ends before it starts (2025年8月—2024年11月), a year of two digits (20年12月底前), a
duration with its measure word lost (为期一的), and the jurisdiction's name run into a
department's (县市场凤凰负责).  An imported campaign is where they come from."""

from __future__ import annotations

import re

from planmaker.base.errors import Problem
from planmaker.plan.document import Document
from planmaker.plan.resolve import Resolved

_SPAN = re.compile(r"(?<!\d)(?P<ay>\d{4})\s*年\s*(?P<am>\d{1,2})\s*月(?:\s*(?P<ad>\d{1,2})\s*日)?\s*(?:—|－|-|–|~|～|至|到|一)"
                   r"\s*(?:(?P<by>\d{4})\s*年)?\s*(?P<bm>\d{1,2})\s*月(?:\s*(?P<bd>\d{1,2})\s*日)?")
_TWO_DIGIT_YEAR = re.compile(r"(?<![\d_X０-９])\d{2}\s*年\s*\d{1,2}\s*月")
_NO_MEASURE = re.compile(r"为期[一二三四五六七八九十两半\d]*(?=[的，。；])")
_DEPARTMENT_START = "市场|卫生|卫健|医疗|医保|监管|公安|财政|民政|司法|人社|人力|发改|发展|中医|宣传|网信"


def text_problems(document: Document, resolved: Resolved) -> list[Problem]:
    """Each slip with the paragraph it is in (the plan's text, as printed)."""
    problems = []
    name = resolved.jurisdiction.short_name
    glued = re.compile(rf"(?:[省市县区州盟旗](?:{_DEPARTMENT_START}))(?={re.escape(name)})") if len(name) >= 2 else None
    for number, line in enumerate(document.text_lines(), start=1):
        found = [f"“{m.group(0)}”的结束早于开始" for m in _SPAN.finditer(line) if _backwards(m)]
        found += [f"“{m.group(0)}”的年份只有两位" for m in _TWO_DIGIT_YEAR.finditer(line)]
        found += [f"“{line[m.start():m.end() + 1]}”缺少数字或量词（如“为期一个月的”）" for m in _NO_MEASURE.finditer(line)]
        if glued:
            found += [f"“{line[m.start():m.end() + len(name)]}”：辖区名称嵌在部门名称中" for m in glued.finditer(line)]
        for what in found:
            problems.append(Problem(f"方案正文第{number}段：{what}（{_excerpt(line)}）", resolved.plan_file))
    return problems


def _backwards(m: re.Match) -> bool:
    start = (int(m.group("ay")), int(m.group("am")), int(m.group("ad") or 1))
    end = (int(m.group("by") or m.group("ay")), int(m.group("bm")), int(m.group("bd") or 31))
    return end < start


def _excerpt(line: str) -> str:
    return line if len(line) <= 40 else line[:40] + "……"
