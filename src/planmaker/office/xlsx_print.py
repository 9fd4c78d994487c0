"""Workbooks on paper: A4, one page wide, text at its own size, rows tall enough.

A spreadsheet prints at whatever scale makes its columns fit when fit-to-width
is on, and that scale is how small the text comes out; so the columns are
sized here to fit the printable width at 100 %, landscape where they need it,
and fit-to-width only guards against a clerk's widening.  Rows of wrapped text
get a height from their line count: neither Excel nor LibreOffice grows a row
whose height was never computed, and the lines would print over each other.
"""

from __future__ import annotations

import math

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from planmaker.office.gbt9704 import text_width

MARGIN_IN = 0.5  # left and right; top and bottom a little more, for binding and the page number
# A column width unit is one digit of the default 11 pt font, 7 px at 96 dpi,
# plus 5 px of padding a column.
_PX_PER_UNIT, _PX_PADDING = 7, 5
PAGE_IN = {False: (8.27, 11.69), True: (11.69, 8.27)}  # A4 (width, height), upright and turned
PRINTABLE_PX = {landscape: (size[0] - 2 * MARGIN_IN) * 96 for landscape, size in PAGE_IN.items()}
LINE_FACTOR = 1.3  # a wrapped line's height, in font sizes
MIN_ROW_PT = 20


def column_px(width: float) -> float:
    """A column's width at 100 %, in pixels at 96 dpi."""
    return width * _PX_PER_UNIT + _PX_PADDING


def units_within(px: float, columns: int) -> float:
    """The width units ``columns`` columns share within ``px`` pixels at 100 % (column_px undone)."""
    return (px - columns * _PX_PADDING) / _PX_PER_UNIT


def fits(widths, landscape: bool) -> bool:
    """Do columns of these widths fit the printable width at 100 %?"""
    return sum(column_px(w) for w in widths) <= PRINTABLE_PX[landscape]


def width_mm(width: float) -> float:
    """A column's width on paper at 100 %, in millimetres."""
    return column_px(width) * 25.4 / 96


def chars_per_line(width: float, size_pt: float) -> int:
    """How many CJK characters of ``size_pt`` a column of ``width`` units holds on a line."""
    inner_px = width * _PX_PER_UNIT + _PX_PADDING - 6  # the cell's own inner margins
    return max(1, math.floor(inner_px / (size_pt * 96 / 72)))


def line_count(text: str, width: float, size_pt: float) -> int:
    per_line = chars_per_line(width, size_pt)
    return sum(max(1, math.ceil(text_width(part) / per_line)) for part in str(text).split("\n"))


def row_height(cells, size_pt: float = 12, minimum: float = MIN_ROW_PT) -> float:
    """The height (pt) of a row whose cells are (text, column width) pairs, wrapped."""
    lines = max((line_count(text, width, size_pt) for text, width in cells if text), default=1)
    return max(minimum, round(lines * size_pt * LINE_FACTOR + 6, 1))


def set_widths(ws, widths) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def print_setup(ws, ncols: int, last_row: int, title_rows: str, landscape: bool) -> None:
    """A4, one page wide (fit-to-width switched on), header rows on every page."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=MARGIN_IN, right=MARGIN_IN, top=0.8, bottom=0.8, header=0.3, footer=0.4)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(ncols)}{last_row}"
