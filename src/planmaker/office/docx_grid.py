"""A table's columns set after rendering: docxtpl's column loops ({%tc for %})
leave its grid spread evenly, which no form with label columns wants."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from planmaker.office import gbt9704 as gb


def grid_cells(row) -> Iterator[tuple[int, Any]]:
    """(grid column, tc element) for each cell of a table row, spans accounted."""
    column = 0
    for tc in row.findall(qn("w:tc")):
        yield column, tc
        column += _span(tc)


def set_table_grid(table, widths_mm: Sequence[float]) -> None:
    """The table's grid becomes these widths (mm), and every cell's width the
    sum of the grid columns it spans, so that Word, WPS and LibreOffice (each
    trusting one or the other) lay it out alike."""
    twips = [Mm(width).twips for width in widths_mm]
    grid = table.find(qn("w:tblGrid"))
    for column in grid.findall(qn("w:gridCol")):
        grid.remove(column)
    for width in twips:
        column = OxmlElement("w:gridCol")
        column.set(qn("w:w"), str(width))
        grid.append(column)
    for row in table.findall(qn("w:tr")):
        for start, tc in grid_cells(row):
            _set_cell_width(tc, sum(twips[start:start + _span(tc)]))


def _span(tc) -> int:
    span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(span.get(qn("w:val"))) if span is not None else 1


def _set_cell_width(tc, twips: int) -> None:
    tc_pr = tc.get_or_add_tcPr()
    width = tc_pr.find(qn("w:tcW"))
    if width is None:
        width = OxmlElement("w:tcW")
    # schema order: tcW first (after cnfStyle); docxtpl's {% colspan %} puts gridSpan before it
    style = tc_pr.find(qn("w:cnfStyle"))
    if style is not None:
        style.addnext(width)
    else:
        tc_pr.insert(0, width)
    width.set(qn("w:type"), "dxa")  # in this order, as python-docx writes it
    width.set(qn("w:w"), str(twips))


def row_height_twips(row) -> float:
    tallest = 0.0
    for tc in row.findall(qn("w:tc")):
        width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
        inner_pt = max(1.0, (int(width.get(qn("w:w"))) if width is not None else 1440) / 20 - 11)
        lines = 0
        for paragraph in tc.iter(qn("w:p")):
            size = paragraph.find(f".//{qn('w:sz')}")
            size_pt = int(size.get(qn("w:val"))) / 2 if size is not None else gb.TABLE_PT
            per_line = max(1, int(inner_pt // size_pt))
            text = "".join((e.text or "") if e.tag == qn("w:t") else "\n"  # a w:br starts a line
                           for e in paragraph.iter(qn("w:t"), qn("w:br")))
            lines += sum(max(1, -(-int(gb.text_width(part)) // per_line)) for part in text.split("\n"))
        tallest = max(tallest, lines * size_pt * 1.3 * 20 if lines else 0)
    return tallest


def cell_at(row, column: int):
    return next((tc for at, tc in grid_cells(row) if at == column), None)


def continues_merge(tc) -> bool:
    merge = None if tc is None else tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return merge is not None and merge.get(qn("w:val")) != "restart"


def type_height(document) -> int:
    """The type area's height in twips, from the body's last section."""
    sect = document.element.body.find(qn("w:sectPr"))
    size = sect.find(qn("w:pgSz"))
    margins = sect.find(qn("w:pgMar"))
    return int(size.get(qn("w:h"))) - int(margins.get(qn("w:top"))) - int(margins.get(qn("w:bottom")))


def without_outer_rules(tbl_pr, sides=("top",)) -> None:
    """A table inside another's cell draws none of the rules on these sides: the outer table's rules
    stand there, and drawn twice, a little apart, they print as one thicker line."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "nil")
            borders.append(edge)
    for later in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"):
        if tbl_pr.find(qn(later)) is not None:
            tbl_pr.find(qn(later)).addprevious(borders)
            return
    tbl_pr.append(borders)
