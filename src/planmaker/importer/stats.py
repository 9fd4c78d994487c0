"""A statistics-form annex (量化统计表: 机构类型 | 辖区内总数 | 检查数量, or 项目 | 检查内容 | 数量 ×4 | 单位)
read into a stats-N.yaml of the campaign: the header gives the label and value columns, each row
below it a line in its group (a merged group cell left empty on the rows under it), sub-lines
where the row has one label more, and the unit where the form has a 单位 column.

A form is known by its shape, not its title: header rows, then rows whose last cells are empty
(a blank form) or figures (a filled one).  The table comes as Word rows or, pasted as text, as
tab-indented cells with a blank line between rows; a cell's text broken over lines (其他/社会办/
医疗机构) is one cell.  What cannot be placed is said with its line, never dropped."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from planmaker.importer.paragraphs import Para
from planmaker.inputs.models import StatsSpec
from planmaker.plan.annexes import TEMPLATE_COLUMNS

STATS_FILE = "stats-{}.yaml"
# the units the seeds' forms count in; a 单位 column may hold others, read from its place
UNITS = {"起", "条", "个", "人", "万元", "元", "千元", "家", "次", "人次", "例", "件", "户", "所", "名", "份", "台",
         "张", "项", "批", "处", "篇", "床", "%"}
_MONEY = {"万元", "元", "千元"}
_UNIT_HEADER = {"单位", "计量单位"}
_FOOTER = re.compile(r"填表人|联系电话|填表日期|审核人|负责人")
DEFAULT_FOOTER = StatsSpec.model_fields["footer"].default
# A form has two value columns at least: one blank column last (备注) is what many a list has
_MIN_COLUMNS = 2
_TOTAL = re.compile(r"^(?:合计|小计|总计)$")


@dataclass
class Row:
    line: int
    cells: list[str]
    broken: list[str] = field(default_factory=list)  # the cells with the source's line breaks kept


def _lines_kept(text: str) -> str:
    """A cell's lines, each cleaned, as the source broke them (a column header 二级以上/公立医疗/机构)."""
    return "\n".join(line for line in (_clean(part) for part in text.split("\n")) if line)


@dataclass
class Form:
    """A statistics form found in an annex: the spec (None when it could not be made), and what to tell."""
    spec: dict | None
    notes: list[tuple[int, str]] = field(default_factory=list)
    reason: str = ""        # why a form that is one could not be converted


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _clean(text: str) -> str:
    """A cell's text: a break Word or a page put inside a Chinese phrase is no space."""
    text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text.replace("\u3000", " "))
    return re.sub(r"\s+", " ", text).strip()


def _value(cell: str) -> bool:
    """A cell a form leaves to be filled: empty (or 　) on a blank form, a figure on a filled one,
    or struck out (/, —) where the figure does not apply."""
    return not cell.strip() or bool(re.fullmatch(r"[\d.,，\s\-/／—－]+", cell.strip()))


def table_rows(annex_rows: list[Para], lines: list[str], start: int, end: int) -> tuple[list[Row], list[Row]]:
    """(the table's rows, the text lines after it); from Word's rows when the annex has them,
    else from the received text's lines ``start``..``end`` (1-based, inclusive)."""
    if any(p.cells for p in annex_rows):
        rows, after = [], []
        for para in annex_rows:
            if para.cells:
                rows.append(Row(para.line, [_clean(c) for c in para.cells],
                                [_lines_kept(c) for c in para.cell_lines or para.cells]))
            elif rows:
                after.append(Row(para.line, [para.text]))
        return rows, after
    return _text_rows(lines, start, end)


def _text_rows(lines: list[str], start: int, end: int) -> tuple[list[Row], list[Row]]:
    rows: list[Row] = []
    after: list[Row] = []
    current: Row | None = None
    for number in range(start, min(end, len(lines)) + 1):
        raw = lines[number - 1]
        if raw.startswith("\t"):
            if current is None:
                current = Row(number, [])
                rows.append(current)
            if raw.strip() and not any(current.cells):
                current.line = number          # a row is told by its first words, not its empty merged cells
            current.cells.append(_clean(raw))
            current.broken.append(_clean(raw))
        elif not raw.strip():
            current = None                         # a blank line ends the row
        elif current is not None:
            current.cells[-1] = _clean(current.cells[-1] + raw)   # the cell's text goes on
            current.broken[-1] = _lines_kept(current.broken[-1] + "\n" + raw)
        elif rows:
            after.append(Row(number, [raw.strip()]))
    return rows, after


def _trail(cells: list[str]) -> int:
    """How many value cells end the row, a unit after them not counted."""
    cells = list(cells)
    if len(cells) >= 2 and cells[-1].strip() and _value(cells[-2]) and (cells[-1] in UNITS or len(cells[-1]) <= 4) \
            and not _value(cells[-1]):
        cells.pop()
    count = 0
    while cells and _value(cells.pop()):
        count += 1
    return count


@dataclass
class Header:
    label_header: list[str]
    columns: list[str]
    value_header: str | None
    show_unit: bool


def _header(rows: list[Row], width: int) -> Header | None:
    """The label and value columns from the header rows (one row, or 数量 over a row of columns)."""
    cleaned, broken = [], []
    show_unit = False
    for row in rows:
        cells, lines = list(row.cells), list(row.broken or row.cells)
        while cells and not cells[-1].strip():
            cells.pop()
        if cells and _squash(cells[-1]) in _UNIT_HEADER:
            show_unit = True
            cells.pop()
        cleaned.append(cells)
        broken.append(lines[:len(cells)])
    found = next((k for k in range(len(cleaned) - 1, -1, -1)
                  if len(cleaned[k]) >= width and all(c.strip() for c in cleaned[k][-width:])), None)
    if found is None:
        return None
    # a column's header keeps the lines the source broke it into: the form prints them so
    columns = broken[found][-width:]
    if found == 0:
        return Header([c for c in cleaned[0][:-width] if c], columns, None, show_unit)
    first = [c for c in cleaned[0] if c]
    if len(first) < 2:
        return None
    return Header(first[:-1], columns, first[-1], show_unit)


def _split(cells: list[str], width: int, show_unit: bool) -> tuple[list[str], str | None]:
    """A data row's (labels, unit): the value cells and the unit taken off its end."""
    cells = list(cells)
    unit = None
    if show_unit and len(cells) >= 2 and cells[-1].strip() and not _value(cells[-1]) and _value(cells[-2]) \
            and (len(cells) >= width + 2 or cells[-1] in UNITS):
        unit = cells.pop()
    for _ in range(width):
        if cells and _value(cells[-1]):
            cells.pop()
    return cells, unit


def stats_form(title: str, number: int, annex_rows: list[Para], lines: list[str], start: int, end: int) -> Form | None:
    """The ``number``th form of the campaign in an annex; None when the annex is no statistics form."""
    rows, after = table_rows(annex_rows, lines, start, end)
    trails = Counter(t for t in (_trail(r.cells) for r in rows) if t)
    if not trails:
        return None
    width = trails.most_common(1)[0][0]
    first = next((k for k, r in enumerate(rows) if _trail(r.cells) >= width and any(_split(r.cells, width, True)[0])),
                 None)
    # the title is a hint: a form called 统计表 may be short, any other table must look the part
    hinted = bool(re.search(r"统计|报表|汇总表|量化", title))
    if not first or len(rows) - first < (2 if hinted else 3):
        return None
    data = rows[first:]
    if sum(_trail(r.cells) >= width for r in data) * 3 < len(data) * 2:
        return None
    header = _header(rows[:first], width)
    if header is None:
        return None
    form = Form(None)
    groups = _groups(data, width, header, form.notes)
    if groups is None:
        form.reason = "只有一列项目，现有版式须有分组一列"
        return form if hinted else None
    if any(re.fullmatch(r"[\d.、]+", g["name"]) for g in groups):
        return None     # numbered rows (序号): a ledger or a list to fill in, not groups of a form
    form.reason = _unsupported(width, header, groups)
    if not groups and not form.reason:
        form.reason = "没有一行可以归入分组"
    if form.reason:
        return form
    spec: dict = {"id": f"form{number}", "title": title, "label_header": header.label_header}
    if header.value_header:
        spec["value_header"] = header.value_header
    spec["columns"] = header.columns
    if not header.show_unit:
        spec["show_unit"] = False
    if _simple(width, header, groups):
        spec["template"] = "stats-simple.docx"
    else:
        spec["landscape"] = True     # stats.docx: the figures and a unit beside three label columns turn the page
    spec["groups"] = groups
    units = {x.get("unit", "") for g in groups for line in g["lines"] for x in [line, *line.get("subs", [])]}
    rules = proposed_rules(header.columns, units)
    if rules:
        spec["rules"] = rules
        form.notes.append((data[0].line, "统计表：已提议校验规则 " + "；".join(r["text"] for r in rules) + "，请核对"))
    footer = _footer(after, form.notes)
    if footer and footer != DEFAULT_FOOTER:
        spec["footer"] = footer
    form.spec = spec
    return form


def _groups(data: list[Row], width: int, header: Header, notes: list[tuple[int, str]]) -> list[dict] | None:
    """The groups of lines; None when the form has one label column only (no group to put them in)."""
    split = [(r, *_split(r.cells, width, header.show_unit)) for r in data]
    depth = max(len(labels) for _, labels, _ in split)
    if depth < 2:
        return None
    groups: list[dict] = []
    for row, labels, unit in split:
        if not any(labels):
            if any(c.strip() for c in row.cells):
                notes.append((row.line, f"统计表中一行没有项目文字（{'、'.join(c for c in row.cells if c.strip())}），"
                                        "未收入，请核对"))
            continue
        if len(labels) > 3:
            notes.append((row.line, f"统计表中一行有 {len(labels)} 格项目文字（{'、'.join(labels)}），"
                                    "现有版式至多三格，未收入"))
            continue
        _place(row, labels, _entry_unit(row, unit, header, notes), groups, notes)
    for group in [g for g in groups if not g["lines"]]:
        notes.append((group["line"], f"统计表的分组“{group['name']}”下没有一行，未收入"))
    return [_with_ids(g, k) for k, g in enumerate((g for g in groups if g["lines"]), start=1)]


def _entry_unit(row: Row, unit: str | None, header: Header, notes: list[tuple[int, str]]) -> dict:
    if not header.show_unit:
        return {}
    if not unit:
        notes.append((row.line, "统计表中一行没有单位，生成时按“个”，请核对"))
        return {}
    return {"unit": unit, "decimals": True} if unit in _MONEY else {"unit": unit}


def _place(row: Row, labels: list[str], unit: dict, groups: list[dict], notes: list[tuple[int, str]]) -> None:
    """One row: [group, item] or [group, item, sub]; an empty cell is the merged cell above it."""
    if len(labels) == 1:
        # one cell across the label columns: a group's own row, or a line when a group is open
        group, item, sub = ("", labels[0], "") if groups else (labels[0], "", "")
        if groups:
            notes.append((row.line, f"统计表的“{item}”占满项目各栏，已作为“{groups[-1]['name']}”组的一行，请核对"))
    else:
        group, item, sub = (labels + [""])[:3]
    if group and (not groups or groups[-1]["name"] != group):   # a group repeated on a new page is the same
        groups.append({"name": group, "lines": [], "line": row.line})
    if not groups:
        notes.append((row.line, f"统计表的“{item or sub}”不知属于哪一组（分组一栏为空），未收入"))
        return
    lines = groups[-1]["lines"]
    if item:
        line: dict = {"text": item}
        if sub:
            line["subs"] = [{"text": sub, **unit}]
        else:
            line.update(unit)
        lines.append(line)
        if _TOTAL.match(item) and not sub and len(lines) > 1:
            line["total"] = True
            notes.append((row.line, f"统计表的“{item}”行：已设为本组其上各行之和（sum_of，生成的表中为公式），请核对"))
        elif _TOTAL.match(item):
            notes.append((row.line, f"统计表的“{item}”行：要自动求和，请在统计表数据文件中用 sum_of 写明合计哪些行"))
    elif sub and lines and lines[-1].get("subs"):
        lines[-1]["subs"].append({"text": sub, **unit})
    elif sub:
        notes.append((row.line, f"统计表的子项“{sub}”之前没有可归属的项目，未收入"))


def _with_ids(group: dict, g: int) -> dict:
    """Stable ids by place (g2-5, g2-5-1): collect matches the rows of the forms it sums by them."""
    lines: list[dict] = []
    since = 0  # the lines a 合计 adds up: those above it, back to the previous 合计
    for k, line in enumerate(group["lines"], start=1):
        entry = {"id": f"g{g}-{k}", **{key: v for key, v in line.items() if key != "total"}}
        if "subs" in line:
            entry["subs"] = [{"id": f"g{g}-{k}-{s}", **sub} for s, sub in enumerate(line["subs"], start=1)]
        if line.get("total"):
            entry["sum_of"] = [e["id"] for e in lines[since:]]
            since = len(lines) + 1
        lines.append(entry)
    return {"name": group["name"], "lines": lines}


def proposed_rules(columns: list[str], units: set[str]) -> list[dict]:
    """The obvious checks of a form's columns: each count no more than the one 总数 column
    (检查数量 ≤ 辖区内总数).  Nothing is proposed for sums of money."""
    names = [c.replace("\n", "") for c in columns]
    totals = [n for n in names if n.endswith(("总数", "总计"))]
    if len(totals) != 1 or units & _MONEY:
        return []
    return [{"left": n, "op": "<=", "right": totals[0], "text": f"{n}不超过{totals[0]}"}
            for n in names if n != totals[0]]


def _footer(after: list[Row], notes: list[tuple[int, str]]) -> list[str]:
    """The 填表人/联系电话 line under the table; any other text there is said, not dropped."""
    footer: list[str] = []
    for row in after:
        text = row.cells[0].strip()
        if _FOOTER.search(text):
            footer.extend(p for p in re.split(r"\s{2,}", text.replace("\u3000", "  ")) if p)
        else:
            notes.append((row.line, f"统计表之后的“{text[:30]}”未收入统计表，请核对"))
    return footer


def _simple(width: int, header: Header, groups: list[dict]) -> bool:
    """The portrait layout (stats-simple.docx) takes it: no unit, no sub-lines, few enough figures."""
    subs = any(line.get("subs") for g in groups for line in g["lines"])
    return not subs and not header.show_unit and width <= TEMPLATE_COLUMNS["stats-simple.docx"]


def _unsupported(width: int, header: Header, groups: list[dict]) -> str:
    subs = any(line.get("subs") for g in groups for line in g["lines"])
    most = max(TEMPLATE_COLUMNS.values())
    if width > most:
        return f"有 {width} 个数值列，现有版式至多 {most} 列"
    if width < _MIN_COLUMNS:
        return f"只有 {width} 个数值列，与留一栏空白的清单难以区分，未转换（可按原文自写统计表数据文件）"
    if len(header.label_header) > (3 if subs else 2):
        return f"项目表头有 {len(header.label_header)} 列，多于项目的层数"
    return ""
