"""A table cell's margins, and where text breaks inside a cell: a department's name (市人力资源/社会保障局, never 市卫生健康/委)
and a column header (二级以上/公立/医疗机构, never 二级以上公立医/疗机构), at the places its words meet."""

from __future__ import annotations

import math

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from planmaker.office.gbt9704 import (
    CELL_MARGINS_MM,
    CELL_TOP_BOTTOM_MM,
    TABLE_PT,
    balance_title,
    side_margins,
    text_width,
)

# where a department's name may break: before the words names are made of
_NAME_BREAK_BEFORE = ("卫生", "社会", "人力", "市场", "监督", "监管", "管理", "医疗", "医保", "中医",
                      "保障", "发展", "改革", "财政", "公安", "宣传", "纪委", "监委", "纪检", "监察", "药品",
                      "委员会", "办公室", "部门", "科室", "各", "等")
_NAME_BREAK_AFTER = ("、", "和", "及", "局", "委", "部", "办", "院", "科", "）")
# the last character of a place's name (自治区, 柳州市, 融安县, 兴安盟 …), before its department's
_PLACE_ENDS = "省区市县州盟旗"

def cell_lines(names: list[str], width_mm: float, size_pt: float = TABLE_PT) -> list[str]:
    """Names in a table cell, one a line; a name too long for the cell is broken
    where its words meet (市人力资源/社会保障局), never inside one (市卫生健康/委)."""
    inner = width_mm - CELL_MARGINS_MM
    found = []
    for name in names:
        found.extend(_place_then_department(name, size_pt, inner)
                     or balance_title(name, size_pt, inner, _NAME_BREAK_BEFORE, _NAME_BREAK_AFTER))
    return found


def _place_then_department(name: str, size_pt: float, inner_mm: float) -> list[str] | None:
    """A department's full name with the department on a line of its own, after its place
    (广西壮族自治区/医疗保障局): a balanced break would fall inside the place (广西壮族自治/区医疗保障局)."""
    capacity = math.floor(Mm(inner_mm).pt / size_pt)
    if text_width(name) <= capacity:
        return None
    breaks = [i for i in range(2, len(name) - 1)
              if name[i - 1] in _PLACE_ENDS and name[i:].startswith(_NAME_BREAK_BEFORE)]
    if not breaks:
        return None
    place, department = name[:breaks[-1]], name[breaks[-1]:]  # the last place: 石家庄市长安区/卫生健康局
    return [line for part in (place, department)
            for line in balance_title(part, size_pt, inner_mm, _NAME_BREAK_BEFORE, _NAME_BREAK_AFTER)]


# the words a statistics form's column headers are made of, longest first where one holds another
_HEADER_WORDS = ("医疗机构", "社会办", "二级以上", "三级", "二级", "一级", "以上", "公立", "民营", "其他", "类型",
                 "机构", "医院", "诊所", "卫生", "合计", "小计", "数量", "人数", "人员", "金额", "万元", "情况")


def header_lines(text: str, width_mm: float, size_pt: float = TABLE_PT) -> list[str]:
    """A column header too long for its cell, broken between its words (二级以上/公立/医疗机构), never
    inside one (二级以上公立医/疗机构): the words from a vocabulary, else two characters each; a word
    wider than the cell is cut into pieces of two characters (二级/以上), each line a break of its own."""
    capacity = max(2, math.floor(Mm(width_mm - CELL_MARGINS_MM).pt / size_pt))
    if text_width(text) <= capacity or "\n" in text:
        return [text]
    words, rest = [], text
    while rest:
        word = next((w for w in _HEADER_WORDS if rest.startswith(w)), None)
        if word is None:
            word = rest[:2] if len(rest) != 3 or capacity < 3 else rest  # a lone last character stays with its pair
        rest = rest[len(word):]
        words += [word[i:i + 2] for i in range(0, len(word), 2)] if text_width(word) > capacity else [word]
    found = [""]
    for word in words:
        if found[-1] and text_width(found[-1] + word) > capacity:
            found.append("")
        found[-1] += word
    return found


def cell_margins():
    """A table's w:tblCellMar: the default 0.19 cm beside the text, CELL_TOP_BOTTOM_MM above and below."""
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", Mm(CELL_TOP_BOTTOM_MM).twips), ("left", 108), ("bottom", Mm(CELL_TOP_BOTTOM_MM).twips),
                        ("right", 108)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    return margins


def no_margins(tag: str):
    """A cell-margin element with all four sides 0."""
    margins = side_margins(tag, 0)
    for side in ("top", "bottom"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.insert(0 if side == "top" else 2, edge)
    return margins
