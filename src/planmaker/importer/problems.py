"""A part that lists the problems to correct, group by group (“（一）医疗骗保方面。重点整治以下七个方面
问题：1、……2、……”), becomes the campaign's problem list: the plan lists it, and the self-inspection
checklist and the rectification ledger can be made from it (编写指南第六节)."""

from __future__ import annotations

import re

from planmaker.base.numbering import chinese_number
from planmaker.importer.outline import Section
from planmaker.importer.wording import Wording

PROBLEMS_FILE = "problems.yaml"
_NUMBERED = re.compile(r"^\d{1,2}\s*[、.．]\s*")


def problem_groups(section: Section, w: Wording) -> list[dict] | None:
    """The groups of a part headed “……问题” whose points are each a list of numbered problems; None otherwise."""
    if "问题" not in section.heading or not section.items:
        return None
    groups = []
    for item in section.items:
        paras = list(item.body)
        intro = paras.pop(0) if paras and item.runin and not _NUMBERED.match(paras[0].text) else None
        if len(paras) < 2 or not all(_NUMBERED.match(p.text) for p in paras):
            return None
        group: dict = {"name": w.convert(item.heading.rstrip("。.；;"), item.para.line)}
        if intro is not None:
            group["intro"] = _counted(w.convert(intro.text, intro.line), len(paras))
        group["items"] = [w.convert(_NUMBERED.sub("", p.text, count=1), p.line) for p in paras]
        groups.append(group)
    return groups


def _counted(intro: str, count: int) -> str:
    """“以下七个方面问题”: the number follows the list, so that adding a problem changes it."""
    return intro.replace(f"{chinese_number(count)}个", "{{ group.items | length | cn }}个", 1) if count < 100 else intro
