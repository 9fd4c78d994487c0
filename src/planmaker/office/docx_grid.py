"""A table's columns set after rendering: docxtpl's column loops ({%tc for %})
leave its grid spread evenly, which no form with label columns wants."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm


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
