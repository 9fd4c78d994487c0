"""Where a workbook's pages break, decided here and written into it.

A merged cell that a page break cuts prints its text once, centred on the whole
merge: a group's name lands on the break, over the next page's repeated header,
and the rows on the new page stand beside an empty cell.  So the pages are laid
out here as LibreOffice and Excel lay them out at the sheet's print scale (every
row has its height: xlsx_print gives wrapped rows theirs), the breaks are
written as manual row breaks, and each vertical merge a break cuts becomes one
merge a page, its text repeated beside the rows on the new page.  A group's
name is never cut to fewer rows than it needs: the break moves up to the
group's first row, or the group's last row on the new page grows.  The notes
and sign-off lines under the table never begin a page: they go over with its
last row.

Excel prints a sheet's body between the top and bottom margins, as here;
LibreOffice fits a little more on a page, so the breaks written here come
first and both print the same pages.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from planmaker.office import xlsx_print

DEFAULT_ROW_PT = 15.0  # openpyxl's sheetFormatPr defaultRowHeight
DEFAULT_WIDTH = 8.43  # a column's width when the sheet sets none (Excel's default)


@dataclass(frozen=True)
class Merge:
    column: int
    first: int
    last: int
    need: float  # the height its text needs, in points


def break_pages(ws, last_body_row: int, last_row: int) -> list[int]:
    """Write the sheet's page breaks (the last row of each page but the last) and split
    the vertical merges they cut; the rows after ``last_body_row`` up to ``last_row``
    (notes, sign-off lines) stay on the page of the table's last row.  Returns the breaks."""
    titles = _title_rows(ws)
    merges = _vertical_merges(ws, max(titles, default=0))
    breaks = _paginate(ws, titles, last_row, last_body_row, merges)
    for merge in merges:
        _split(ws, merge, [b for b in breaks if merge.first <= b < merge.last])
    for row in breaks:
        ws.row_breaks.append(Break(id=row))
    return breaks


def _title_rows(ws) -> range:
    if not ws.print_title_rows:
        return range(0)
    first, last = (int(part.strip("$")) for part in ws.print_title_rows.split(":"))
    return range(first, last + 1)


def _height(ws, row: int) -> float:
    return ws.row_dimensions[row].height or DEFAULT_ROW_PT


def _width(ws, column: int) -> float:
    return ws.column_dimensions[get_column_letter(column)].width or DEFAULT_WIDTH


def _capacity(ws) -> float:
    """The body's height on a page, in the sheet's own points (before the print scale)."""
    landscape = ws.page_setup.orientation == "landscape"
    page_w, page_h = xlsx_print.PAGE_IN[landscape]
    margins = ws.page_margins
    printable_w = (page_w - margins.left - margins.right) * 96
    scale = min(1.0, printable_w / sum(xlsx_print.column_px(_width(ws, c)) for c in range(1, ws.max_column + 1)))
    return (page_h - margins.top - margins.bottom) * 72 / scale


def _vertical_merges(ws, below: int) -> list[Merge]:
    found = []
    for merged in ws.merged_cells.ranges:
        if merged.max_row > merged.min_row and merged.min_col == merged.max_col and merged.min_row > below:
            cell = ws.cell(merged.min_row, merged.min_col)
            width = sum(_width(ws, c) for c in range(merged.min_col, merged.max_col + 1))
            need = xlsx_print.row_height([(cell.value, width)], cell.font.sz or 12, minimum=0) if cell.value else 0
            found.append(Merge(merged.min_col, merged.min_row, merged.max_row, need))
    return sorted(found, key=lambda m: (m.first, m.column))


def _paginate(ws, titles: range, last_row: int, last_body_row: int, merges: list[Merge]) -> list[int]:
    capacity = _capacity(ws)
    repeated = sum(_height(ws, r) for r in titles)
    breaks: list[int] = []
    top = (max(titles) + 1) if titles else 1  # the first row that may begin a page
    start, used, row = 1, 0.0, 1
    while row <= last_row:
        if used + _height(ws, row) <= capacity or row <= max(top, start):
            used += _height(ws, row)
            row += 1
            continue
        first = _page_start(row, start, top, last_body_row, merges, ws)
        breaks.append(first - 1)
        for merge in merges:  # the part of a cut group on the new page is tall enough for its name
            if merge.first < first <= merge.last:
                _grow(ws, merge.last, merge.need - sum(_height(ws, r) for r in range(first, merge.last + 1)))
        start, used, row = first, repeated, first
    return breaks


def _page_start(row: int, start: int, top: int, last_body_row: int, merges: list[Merge], ws) -> int:
    """The row that begins the next page, when ``row`` no longer fits on the one begun at ``start``."""
    first = last_body_row if row > last_body_row else row
    moved = True
    while moved:  # a group's part above the break must hold its name, else the group goes over (and so
        moved = False  # may the group around it, an item's merge within a group's)
        for merge in merges:
            if merge.first < first <= merge.last and sum(_height(ws, r) for r in range(merge.first, first)) < merge.need:
                first, moved = merge.first, True
    return first if first > start and first >= top else row


def _grow(ws, row: int, deficit: float) -> None:
    if deficit > 0:
        ws.row_dimensions[row].height = round(_height(ws, row) + deficit, 1)


def _split(ws, merge: Merge, cuts: list[int]) -> None:
    """One merge a page, each with the text and style of the first."""
    if not cuts:
        return
    column = get_column_letter(merge.column)
    ws.unmerge_cells(f"{column}{merge.first}:{column}{merge.last}")
    head = ws.cell(merge.first, merge.column)
    edges = [merge.first, *(cut + 1 for cut in cuts), merge.last + 1]
    for first, end in zip(edges, edges[1:]):
        for r in range(first, end):
            cell = ws.cell(r, merge.column)
            cell._style = copy.copy(head._style)
        ws.cell(first, merge.column).value = head.value
        if end - 1 > first:
            ws.merge_cells(f"{column}{first}:{column}{end - 1}")
