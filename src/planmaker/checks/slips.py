"""`check` reads the plan as it will be printed, for the slips a rule can find: a span of dates
that ends before it starts (2025年8月—2024年11月), a year of two digits (20年12月底前), a
duration with its measure word lost (为期一的), the jurisdiction's name run into a
department's (县市场凤凰负责), and a signature of another place's body (the issuer of an imported
plan left in a plan file made for another place).  An imported campaign is where they come from."""

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
    return problems + _foreign_issuer(resolved)


# the place an issuer's name begins with (绵阳市卫生健康委员会 → 绵阳市), or a body of the centre
_ISSUER_PLACE = re.compile(r"^(?:中共)?(?P<place>[\u4e00-\u9fff][^\W\d_卫医局委会办厅部和与及]{1,9}?(?:壮族自治区|回族自治区|维吾尔自治区|自治区|自治州|自治县"
                           r"|特别行政区|地区|省|市|县|区|州|盟|旗))(?!长|委员|直)|^(?P<centre>国家|国务院|中共中央|中央)")


def _foreign_issuer(resolved: Resolved) -> list[Problem]:
    """A plan file's issuer that names another place than its jurisdiction (or a national body in a
    place's plan): the original's signature, kept when an imported plan file was given another profile."""
    plan, j = resolved.plan, resolved.jurisdiction
    if not plan.issuer:
        return []
    m = _ISSUER_PLACE.match(plan.issuer.strip())
    names = {j.name, j.short_name, j.full_name or ""} | {a.name for a in j.ancestors()}
    if m is None or (m.group("centre") and j.level == "national") or any(n and n in plan.issuer for n in names):
        return []
    number = f"、number（{plan.number}）" if plan.number else ""
    return [Problem(f"落款“{plan.issuer}”不是{j.name}的机关：plan.yaml 的 issuer{number}像是原方案的；"
                    f"为{j.name}制定方案时删去，落款即用辖区配置的发文机关", resolved.plan_file, field="issuer",
                    severity="warning")]


def _backwards(m: re.Match) -> bool:
    start = (int(m.group("ay")), int(m.group("am")), int(m.group("ad") or 1))
    end = (int(m.group("by") or m.group("ay")), int(m.group("bm")), int(m.group("bd") or 31))
    return end < start


def _excerpt(line: str) -> str:
    return line if len(line) <= 40 else line[:40] + "……"
