"""What `check` says of a campaign's wording beyond its jurisdiction words: phrases that belong to
a date (inputs/dated.py), citations a campaign would make up, and one place's proper nouns.

In a bundled campaign, which serves every place and every year, each is an error; in a user's own
campaign, a warning. A phrase used outside its dates is found in the plan as composed, so that a
plan parameter or a literal word is caught as surely as the campaign's text.
"""

from __future__ import annotations

import re
from typing import Any

from planmaker.base.dates import format_day
from planmaker.base.errors import Problem
from planmaker.inputs import dated
from planmaker.inputs.lint import local_findings
from planmaker.inputs.validation import locate
from planmaker.plan.document import Document
from planmaker.plan.resolve import Resolved
from planmaker.plan.wording import reference_window

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TITLE = re.compile(r"《([^《》]*)》")
_EXPRESSION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)
# What a title may be built from: the plan file's own documents, the plan's own title and year,
# the plan's own jurisdiction's name (its own annexes), the dated wording and cite().
_OWN = re.compile(r"^(parent_document\b|params\.|title\b|year\b|j\.name\b|j\.short_name\b|wording\.|cite\()")
# a place left blank inside a title: 《关于印发__省……的通知》 is another province's title with its name taken out
_BLANK_PLACE = re.compile(r"(?:_{2,}|[×XＸ]{1,3})[省市县区州盟旗]")


def text_problems(text: str, where: tuple[Any, int | None, str | None], bundled: bool) -> list[Problem]:
    """One string of a campaign: dated phrases written as words, titles made up, local nouns.
    ``where``: (file, line, field) of the string."""
    severity = "error" if bundled else "warning"
    file, line, field = where
    found = []
    literal = _JINJA.sub("\u3000", text)
    seen = set()
    for phrase, form in dated.finder().find(literal):
        if phrase.label in seen or not phrase.expires:
            continue
        seen.add(phrase.label)
        if bundled:
            found.append(Problem(f"专项模板中直接写了随日期而变的用语“{form}”（{phrase.span()}适用）："
                                 f"应写成 {phrase.variable}，由方案日期决定用词", file, line, field, "error"))
    for title in _TITLE.findall(text):
        made = [e for e in _EXPRESSION.findall(title) if not _OWN.match(e)]
        if made or _BLANK_PLACE.search(_JINJA.sub("", title)):
            what = f"用变量 {made[0]} 拼出" if made else "留空地名后照抄"
            found.append(Problem(f"专项模板引用的文件标题《{title}》是{what}的：别处并没有这样标题的文件。"
                                 "应在专项模板 documents 中说明所引文件，正文写 {{ cite('名称') }}，"
                                 "由方案文件 documents 给出真实标题和文号", file, line, field, severity))
    for term in local_findings(text):
        found.append(Problem(f"专项模板中写了只属于{term.where}的专有名词“{term.word}”：{term.why}"
                             "（profiles/_local_terms.yaml）；应写成随辖区而变的用语，或由方案文件的参数给出",
                             file, line, field, severity))
    return found


def plan_problems(resolved: Resolved, document: Document, bundled: bool) -> list[Problem]:
    """Dated phrases outside the plan's dates, and cited documents the plan file does not give."""
    found = []
    window = reference_window(resolved.dates, resolved.year)
    if window is not None:
        first, last = window
        text = "\n".join(document.text_lines())
        for phrase, form in dated.outside(text, first, last):
            file, line = _where(resolved, form)
            # the plan file's own words are the clerk's to weigh; a bundled campaign's are never right
            own = file == resolved.plan_file or not bundled
            advice = "请核实并改写方案文件中的这段文字" if file == resolved.plan_file else f"专项模板应写成 {phrase.variable}"
            found.append(Problem(
                f"方案中的“{form}”只适用于{phrase.span()}，与方案日期（{_window_text(first, last)}）不符：{advice}",
                file, line, None, "warning" if own else "error"))
    given = resolved.plan.documents
    for key, what in resolved.campaign.model.documents.items():
        if key not in given:
            found.append(Problem(
                f"专项模板引用了“{what}”，方案文件未给出，文中印作《____》：请在方案文件 documents.{key} 中写出"
                "该文件的 title（和 number）", resolved.plan_file, locate(resolved.plan_raw, ("documents",)),
                "documents", "warning"))
    return found


def _window_text(first, last) -> str:
    return format_day(first) if first == last else f"{format_day(first)}—{format_day(last)}"


def _where(resolved: Resolved, form: str) -> tuple:
    """The plan file's or the campaign's line that writes the phrase, if one writes it literally."""
    for file in (resolved.plan_file, resolved.campaign.file):
        try:
            text = file.read_text(encoding="utf-8")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if form in line.replace("“", "").replace("”", "") and not line.lstrip().startswith("#"):
                return file, number
    return resolved.campaign.file, None
