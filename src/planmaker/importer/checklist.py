"""An inspection checklist annex (工作检查表: 项目、检查内容、检查结果、备注) read into the
campaign's checklist.yaml: numbered items in groups, each with its answer cell (有□ 无□,
抽查 人，违法违规 人 …), sub-items, notes, and the signature lines under the table.

The table comes as Word rows or, pasted as text, one cell a tab-indented line; both are read
as one stream of cells.  The header above the table (机构名称、类别□……) is the layout's own."""

from __future__ import annotations

import re

from planmaker.importer.paragraphs import Para
from planmaker.importer.wording import Wording

CHECKLIST_FILE = "checklist.yaml"
_HEADER = ["项目", "检查内容", "检查结果", "备注"]
_NUMBERED = re.compile(r"^(\d{1,3})\s*[.．、]\s*(?P<text>.+)$", re.S)
_ANSWER = re.compile(r"□|\s{2,}人|万元")
_SIGNATURE = re.compile(r"^(?:陪同)?检查(?:人|时间|日期)|^被检查单位|^负责人")


def cells_of(rows: list[Para]) -> tuple[list[str], list[str]]:
    """(cells in reading order, the text lines after the table)."""
    cells: list[str] = []
    after: list[str] = []
    for row in rows:
        if row.cells:
            cells.extend(c for c in row.cells if c.strip())
        elif row.indented:
            cells.append(row.text)
        elif cells and not after and not re.match(r"^注[:：]|^" + _SIGNATURE.pattern.lstrip("^"), row.text):
            cells[-1] += "\n" + row.text      # a cell's second line (抽查   人，/违法违规   人)
        elif cells:
            after.append(row.text)
    return cells, after


def checklist(title: str, rows: list[Para], w: Wording, line: int) -> dict | None:
    cells, after = cells_of(rows)
    squashed = [re.sub(r"\s+", "", c) for c in cells]
    start = next((i for i in range(len(squashed) - 3) if squashed[i:i + 4] == _HEADER), None)
    if start is None:
        return None
    answers: dict[str, str] = {}
    groups: list[dict] = []
    item: dict | None = None
    stream = cells[start + 4:]
    for k, cell in enumerate(stream):
        following = stream[k + 1] if k + 1 < len(stream) else ""
        item = _take(cell, following, item, groups, answers, w, line)
    if not groups or not any(g["items"] for g in groups):
        return None
    for entry in (e for g in groups for i in g["items"] for e in [i, *i.get("subs", [])]):
        if "answer" not in entry:              # the layout's default answer is 有□ 无□
            answers.setdefault("有□ 无□", "yesno")
    spec: dict = {"title": title, "answers": {v: k for k, v in answers.items()}, "columns": list(_HEADER),
                  "groups": [g for g in groups if g["items"]]}
    notes = [t for t in after if t.startswith("注")]
    signatures = [s for t in after if not t.startswith("注") for s in re.split(r"\s{4,}", t.strip()) if s]
    if notes:
        spec["note"] = w.convert(notes[0], line)
    if signatures:
        spec["signatures"] = signatures
    return spec


def _take(cell: str, following: str, item, groups: list[dict], answers: dict[str, str], w: Wording, line: int):
    """One cell of the stream; returns the item now being filled."""
    numbered = _NUMBERED.match(cell)
    if numbered:
        if not groups:
            groups.append({"name": "检查内容", "items": []})
        item = {"text": w.convert(numbered.group("text").strip(), line)}
        groups[-1]["items"].append(item)
        return item
    if _ANSWER.search(cell):
        answer = _answer_id(cell, answers)
        target = item["subs"][-1] if item and item.get("subs") else item
        if target is not None:
            target["answer"] = answer
        return item
    if item is not None and ("answer" not in item or item.get("subs")) and _ANSWER.search(following):
        item["answer"] = None                 # an item of sub-items answers through them
        item.setdefault("subs", []).append({"text": w.convert(cell.strip(), line)})
        return item
    if item is not None and re.search(r"[。，；,;]", cell) and not item.get("note"):
        item["note"] = w.convert(cell.strip(), line)
        return item
    name = w.convert(cell.strip(), line)
    if not groups or groups[-1]["name"] != name:   # a merged 项目 cell repeated on a new page is the same group
        groups.append({"name": name, "items": []})
    return None


def _answer_id(cell: str, answers: dict[str, str]) -> str:
    text = "\n".join(part.strip() for part in cell.split("\n"))
    if text not in answers:
        answers[text] = _answer_name(text, set(answers.values()))
    return answers[text]


def _answer_name(text: str, taken: set[str]) -> str:
    """A readable id for an answer cell: yesno, sample (抽查 人), fine (罚款), persons (人) …"""
    squashed = re.sub(r"\s+", "", text)
    for name, pattern in (("yesno", r"^有□无□$"), ("sample", "抽查"), ("fine", "罚款|万元"), ("persons", "人")):
        if re.search(pattern, squashed) and name not in taken:
            return name
    return f"answer{len(taken) + 1}"
