"""Responsible units, in every form the plans write them: （责任单位：…）,
牵头单位/配合单位, （县卫健局负责）, （县卫健局牵头，县医保局参与）, and a
task table (序号、重点任务、牵头部门、配合部门) inside the document or as its annex."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planmaker.importer.jurisdiction import ROLE_FORMS, Speaker

_PATTERNS = [
    re.compile(r"[（(]\s*责任单位[:：](?P<lead>[^）)]+)[）)]"),
    re.compile(r"牵头(?:单位|部门)[:：](?P<lead>[^；;。）)\n]+?)(?:[；;，,。）)]|$)(?:\s*配合(?:单位|部门)[:：](?P<coop>[^；;。）)\n]+))?"),
    re.compile(r"[（(](?P<lead>[^（）()]{2,60}?)牵头[，,、]?(?P<coop>[^（）()]{0,60}?)(?:参与|配合|协助)?[）)]"),
    re.compile(r"[（(](?P<lead>[^（）()：:]{2,60}?)(?:按职责分工|按职责)?负责[）)]"),
]
_OFFICE = re.compile(r"(?:责任|牵头)科室[:：]")


@dataclass
class Units:
    lead: list[str] = field(default_factory=list)
    cooperate: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    written: str = ""


def split_names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"[、，,；;和及/\n]|等$", text) if n.strip() and n.strip() != "等"]


def role_of(name: str, speaker: Speaker) -> str | None:
    """The role a department name stands for, if it is the issuer's own department."""
    name = re.sub(r"等.*$", "", name.strip())
    for role, (full, short) in speaker.departments.items():
        if name in (full, short):
            return role
    for role, forms in ROLE_FORMS.items():
        for form in forms:
            if name == speaker.prefix + form or (speaker.name and name == speaker.name + form):
                return role
    return None


def units_in(text: str, speaker: Speaker) -> Units:
    found = Units()
    office = _OFFICE.search(text)
    if office:
        # a hospital's offices are its roles; a bureau's own offices (医政医管股) are no department of the area
        if speaker.prefix == "院":
            names = split_names(re.split(r"[）)\n]", text[office.end():], maxsplit=1)[0])
            _place(names, found.lead, found, speaker)
            found.lead = list(dict.fromkeys(found.lead))
        return found
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            found.written = m.group(0)
            _place(split_names(m.group("lead")), found.lead, found, speaker)
            coop = m.groupdict().get("coop") or ""
            _place(split_names(coop), found.cooperate, found, speaker)
        if found.written:
            break
    if pattern is _PATTERNS[0] and found.lead:
        found.cooperate, found.lead = found.lead[1:], found.lead[:1]
    found.cooperate = [r for r in dict.fromkeys(found.cooperate) if r not in found.lead]
    found.lead = list(dict.fromkeys(found.lead))
    return found


def _place(names: list[str], into: list[str], found: Units, speaker: Speaker) -> None:
    for name in names:
        role = role_of(name, speaker)
        if role:
            into.append(role)
        else:
            found.unknown.append(name)


_HEADER = re.compile(r"序号")


def task_table(rows: list[tuple[str, ...]]) -> list[tuple[str, str, str]] | None:
    """(task, lead, cooperate) per row of a table whose header has 重点任务 and 牵头; None otherwise."""
    if not rows:
        return None
    header = [c.replace(" ", "") for c in rows[0]]
    if not any("任务" in c for c in header) or not any("牵头" in c or "责任" in c for c in header):
        return None
    task_col = next(i for i, c in enumerate(header) if "任务" in c)
    lead_col = next(i for i, c in enumerate(header) if "牵头" in c or "责任" in c)
    coop_col = next((i for i, c in enumerate(header) if "配合" in c), None)
    out = []
    for row in rows[1:]:
        cells = list(row) + [""] * len(header)
        out.append((cells[task_col], cells[lead_col], cells[coop_col] if coop_col is not None else ""))
    return out


def text_table_rows(lines: list[str]) -> list[tuple[str, ...]]:
    """A table pasted as text, one cell a line (tab-indented), rows starting at their number."""
    cells: list[str] = []
    for line in lines:
        if line.startswith("\t") or not cells:
            cells.append(line.strip())
        else:
            cells[-1] += "、" + line.strip()
    header_end = next((i for i, c in enumerate(cells) if re.fullmatch(r"\d+", c)), len(cells))
    rows = [tuple(c for c in cells[:header_end])]
    current: list[str] = []
    for cell in cells[header_end:]:
        if re.fullmatch(r"\d+", cell) and current:
            rows.append(tuple(current))
            current = []
        current.append(cell)
    if current:
        rows.append(tuple(current))
    return rows
