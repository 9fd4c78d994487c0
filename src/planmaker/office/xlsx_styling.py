"""Styling many cells of a workbook quickly, with openpyxl's results.

openpyxl hashes every style object a cell is given, to find it in the workbook's
lists, and ``merge_cells`` gives each cell on a range's edges the top-left
cell's borders the same way: together about a tenth of a build.  The forms here
use a few combinations of the same style objects many times, and restyle many
of the ranges they merge.
"""

from __future__ import annotations

import copy
from itertools import islice

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange


class CellStyles:
    """Each combination of style objects is set on a cell once per workbook; the cells after it get a
    copy of the indexes that set.  Keyed by the objects' ids: the objects are kept alive here, so an id
    is never reused for another while the workbook is written."""

    def __init__(self) -> None:
        self._kept: dict[tuple[int, ...], tuple[tuple[object, ...], StyleArray]] = {}

    def apply(self, cell, font: Font, align: Alignment, border: Border | None, fill: PatternFill | None,
              protection: Protection) -> StyleArray:
        """Style ``cell`` (a ``None`` border or fill leaves the cell's own) and return the style set."""
        key = tuple(map(id, (font, align, border, fill, protection)))
        if key not in self._kept:
            # in openpyxl's order of first use, so that the workbook's style lists come out the same
            cell.font = font
            if border is not None:
                cell.border = border
            if fill is not None:
                cell.fill = fill
            cell.protection, cell.alignment = protection, align
            self._kept[key] = ((font, align, border, fill, protection), copy.copy(cell._style))
        else:
            cell._style = copy.copy(self._kept[key][1])
        return self._kept[key][1]


def merge_unbordered(ws, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """``ws.merge_cells`` for a range whose edges need no borders from its top-left cell: the caller
    styles every cell of the range itself, or the top-left cell has no border.  openpyxl's own merge
    would give each edge cell the top-left cell's border, which then is none or is overwritten."""
    merged = MergedCellRange(ws, CellRange(min_row=first_row, min_col=first_col, max_row=last_row,
                                           max_col=last_col).coord)
    ws.merged_cells.add(merged)
    for row, col in islice(merged.cells, 1, None):
        ws._cells[row, col] = MergedCell(ws, row, col)
