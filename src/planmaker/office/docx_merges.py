"""The rows of a short merged cell go over to a new page together.

A checklist item with sub-items (32.移送司法机关: 医师, 护士, 其他人员) is a cell merged over
their rows.  LibreOffice breaks a page between any two rows, and the next page then
starts with a lone “护士” row, its item on the page before.  Keep-with-next cannot hold
rows together in LibreOffice; a row that cannot split can.  So the rows of such a merge
become one row: the cells to the left of the merge (the group's name, merged over many
rows) stay in the outer table, and one cell spanning the rest holds the merge's rows as a
table of the same columns, without rules of its own on its edges (the outer cell draws
them).  Only merges short enough to go over whole (a quarter of the type area) are kept.
"""

from __future__ import annotations

import copy

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from planmaker.office.docx_grid import (
    cell_at,
    continues_merge,
    grid_cells,
    row_height_twips,
    type_height,
    without_outer_rules,
)

KEEP_SHARE = 0.25  # of the type area's height: the tallest merge kept on one page


def keep_short_merges_whole(document) -> None:
    height = type_height(document)
    for table in document.element.body.findall(qn("w:tbl")):
        rows = [r for r in table.findall(qn("w:tr")) if _plain(r)]
        at = 0
        while at < len(rows):
            found = _short_merge(rows, at, height)
            if found is None:
                at += 1
                continue
            column, end = found
            rows[at].addprevious(_kept_row(table, rows[at:end], column))
            for row in rows[at:end]:
                table.remove(row)
            at = end


def _plain(row) -> bool:
    """A body row of cells: not a header row, not a row holding a table already."""
    return row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None and row.find(f"{qn('w:tc')}/{qn('w:tbl')}") is None


def _short_merge(rows: list, at: int, height: int) -> tuple[int, int] | None:
    """(grid column, end row) of the leftmost merge (past the first column) that starts in row
    ``at``, spans more than one row and is short enough to keep whole."""
    for column, tc in grid_cells(rows[at]):
        merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        if column == 0 or merge is None or merge.get(qn("w:val")) != "restart":
            continue
        end = at + 1
        while end < len(rows) and continues_merge(cell_at(rows[end], column)):
            end += 1
        # the cells left of the merge go on from the row above (the group's name), but for the first row's
        rows_ok = all(_starts_at(row, column) for row in rows[at:end]) and all(
            continues_merge(tc) for row in rows[at + 1:end] for start, tc in grid_cells(row) if start < column)
        if end - at > 1 and rows_ok and sum(row_height_twips(r) for r in rows[at:end]) <= KEEP_SHARE * height:
            return column, end
    return None


def _starts_at(row, column: int) -> bool:
    """No cell of the row spans across the merge's left edge."""
    return any(start == column for start, _ in grid_cells(row))


def _kept_row(table, rows: list, column: int):
    cells = [list(grid_cells(row)) for row in rows]  # before any cell moves
    grid = [int(c.get(qn("w:w"))) for c in table.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    kept = OxmlElement("w:tr")
    tr_pr = copy.deepcopy(rows[0].find(qn("w:trPr"))) if rows[0].find(qn("w:trPr")) is not None else None
    if tr_pr is None:
        tr_pr = OxmlElement("w:trPr")
    for old in tr_pr.findall(qn("w:trHeight")):
        tr_pr.remove(old)
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))
    kept.append(tr_pr)
    for start, tc in cells[0]:
        if start < column:
            kept.append(tc)  # the group's cell, still merged with the rows above and below
    cell = OxmlElement("w:tc")
    tc_pr = OxmlElement("w:tcPr")
    width = OxmlElement("w:tcW")
    width.set(qn("w:w"), str(sum(grid[column:])))
    width.set(qn("w:type"), "dxa")
    tc_pr.append(width)
    if len(grid) - column > 1:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(len(grid) - column))
        tc_pr.append(span)
    margins = OxmlElement("w:tcMar")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tc_pr.append(margins)
    cell.append(tc_pr)
    cell.append(_inner_table(table, rows, cells, column, grid))
    cell.append(OxmlElement("w:p"))  # a cell ends with a paragraph; this one holds no text
    _collapse(cell[-1])
    kept.append(cell)
    return kept


def _inner_table(table, rows: list, cells: list, column: int, grid: list[int]):
    inner = OxmlElement("w:tbl")
    tbl_pr = copy.deepcopy(table.find(qn("w:tblPr")))
    for tag in ("w:tblInd", "w:jc", "w:tblW"):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    without_outer_rules(tbl_pr, ("top", "left", "bottom", "right"))
    inner.append(tbl_pr)
    inner_grid = OxmlElement("w:tblGrid")
    for twips in grid[column:]:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(twips))
        inner_grid.append(col)
    inner.append(inner_grid)
    for row, row_cells in zip(rows, cells):
        copied = OxmlElement("w:tr")
        if row.find(qn("w:trPr")) is not None:
            copied.append(copy.deepcopy(row.find(qn("w:trPr"))))
        for start, tc in row_cells:
            if start >= column:
                copied.append(tc)
        inner.append(copied)
    return inner


def _collapse(paragraph) -> None:
    """The paragraph after the inner table as low as it can be: 1 pt exactly, off the page's line grid."""
    p_pr = OxmlElement("w:pPr")
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.append(snap)
    spacing = OxmlElement("w:spacing")
    for key, value in (("w:before", "0"), ("w:after", "0"), ("w:line", "20"), ("w:lineRule", "exact")):
        spacing.set(qn(key), value)
    p_pr.append(spacing)
    r_pr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    r_pr.append(size)
    p_pr.append(r_pr)
    paragraph.append(p_pr)
