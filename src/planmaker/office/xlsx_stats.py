"""A statistics form as a workbook, for a clerk to fill in with Excel or LibreOffice.

The sheet looks like the seed's table (附件3/附件4 of seed 003).  Only the cells
to be filled are unlocked; 合计 lines are formulas.  Where each cell is, and the
hidden metadata that lets ``collect`` read the figures back, is stats_layout's
business."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import math
from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from planmaker.inputs.models import StatsSpec
from planmaker.office import xlsx_pages
from planmaker.office.ooxml import stable_zip
from planmaker.office.stats_layout import (
    AUTHOR,
    BODY_FONT,
    BODY_PT,
    CELL_MAP_HEADER,
    DEFINED_NAME,
    FORMAT,
    HEAD_ROW,
    INFO_ROW,
    META_SHEET,
    SIDE_MARGIN_IN,
    TITLE_FONT,
    TITLE_PT,
    TITLE_ROW,
    Label,
    Layout,
    sheet_title,
    sum_formula,
    text_units,
)
from planmaker.office.xlsx_styling import CellStyles, merge_unbordered

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNDERLINE = Border(bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: to be filled in
_SUM_FILL = PatternFill("solid", fgColor="F2F2F2")  # light grey: computed
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)


def stats_workbook(spec: StatsSpec, title: str, jurisdiction: str, period: str,
                   meta: dict[str, str], when: dt.datetime, values: Mapping[str, object] | None = None,
                   info_lines: int | None = None, status: str | None = None) -> bytes:
    """The form as .xlsx bytes, identical for identical arguments.

    ``values`` fills input cells by reference (``{"D7": 3}``): a summed form
    is the same form, filled in, ready to be collected one level up.
    ``info_lines``: the lines the 填报单位 row takes, measured by the caller
    (:func:`info_measure`) so that the unit's name may be a marker (xlsx_batch).
    ``status``: how complete a summed form is, on a line of its own below 填报单位."""
    layout = Layout(spec)
    reserved = {"format", "form_id", "sheet"} & set(meta)
    if reserved:
        raise ValueError(f"meta 不能使用保留键：{'、'.join(sorted(reserved))}")
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    when = when.replace(microsecond=0)
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(spec, title)
    _Form(layout, sheet, values or {}, info_lines, status).write(title, jurisdiction, period)

    book.defined_names[DEFINED_NAME] = DefinedName(DEFINED_NAME, attr_text=_quote(spec.id))
    _write_meta(book.create_sheet(META_SHEET), layout,
                [("format", FORMAT), ("form_id", spec.id), ("sheet", sheet.title), *meta.items()])
    book.active = 0

    props = book.properties
    props.title = title
    props.creator = AUTHOR
    props.lastModifiedBy = AUTHOR
    props.created = when
    props.modified = when
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue(), when)


# ---------------------------------------------------------------- the form sheet

class _Form:
    def __init__(self, layout: Layout, sheet, values: Mapping[str, object] | None = None,
                 info_lines: int | None = None, status: str | None = None):
        self.layout, self.spec, self.sheet = layout, layout.spec, sheet
        self.values = values or {}
        self.info_lines = info_lines
        self.status = status
        self.widths = layout.widths
        self.landscape = layout.landscape
        self.heights: dict[int, float] = {}
        self._styles = CellStyles()

    def write(self, title: str, jurisdiction: str, period: str) -> None:
        lay, ws = self.layout, self.sheet
        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        self._banner(title, jurisdiction, period)
        self._header()
        self._body()
        self._footer()
        for number, height in sorted(self.heights.items()):
            ws.row_dimensions[number].height = round(height, 1)
        self._print_setup()
        xlsx_pages.break_pages(ws, lay.last_data, lay.last_row)
        # Protection keeps a clerk from overwriting labels and formulas by
        # accident; it is not security (no password, and xlsx protection is
        # trivially removed).  Column widths and row heights stay adjustable.
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.freeze_panes = f"A{lay.first_data}"

    # --------------------------------------------------------- sizes

    def _span_width(self, first: int, last: int) -> float:
        return sum(self.widths[c] for c in range(first, last + 1))

    def _need(self, first_row: int, last_row: int, text: str, width: float,
              size: float = BODY_PT, minimum: float = 20.0, lines: int | None = None) -> None:
        """Make rows first..last tall enough for text wrapped in width (merged
        cells are not auto-fitted by Excel or LibreOffice, so we estimate)."""
        lines = _lines(text, width, size) if lines is None else lines
        needed = max(minimum, lines * size * 1.35 + 6)
        rows = range(first_row, last_row + 1)
        have = sum(self.heights.get(r, minimum) for r in rows)
        for r in rows:
            self.heights[r] = self.heights.get(r, minimum)
        if have < needed:
            extra = (needed - have) / len(rows)
            for r in rows:
                self.heights[r] += extra

    # --------------------------------------------------------- parts

    def _put(self, row: int, col: int, value, *, last_row: int | None = None, last_col: int | None = None,
             font: Font | None = None, align: Alignment | None = None, border: Border | None = _BORDER,
             fill: PatternFill | None = None, protection: Protection = _LOCKED):
        ws = self.sheet
        last_row, last_col = last_row or row, last_col or col
        if (last_row, last_col) != (row, col):
            merge_unbordered(ws, row, col, last_row, last_col)  # every cell of it is styled below
        cell = ws.cell(row=row, column=col)
        if value is not None:  # a number or a formula; labels go through _text
            cell.value = value
        style = self._styles.apply(cell, font or _BODY_FONT, align or _align("center"), border, fill, protection)
        for r in range(row, last_row + 1):
            for c in range(col, last_col + 1):
                if (r, c) != (row, col):
                    ws.cell(row=r, column=c)._style = copy.copy(style)
        return cell

    def _text(self, row: int, col: int, text: str, **kwargs):
        """A label: always a string, even if it starts with “=”."""
        cell = self._put(row, col, None, **kwargs)
        cell.value = text
        cell.data_type = "s"
        return cell

    def _banner(self, title: str, jurisdiction: str, period: str) -> None:
        lay = self.layout
        total = self._span_width(1, lay.ncols)
        self._text(TITLE_ROW, 1, title, last_col=lay.ncols, border=None,
                   font=Font(name=TITLE_FONT, size=TITLE_PT, bold=True), align=_align("center"))
        self._need(TITLE_ROW, TITLE_ROW, title, total, TITLE_PT, minimum=32)
        # ``info_lines`` given: an institution's own form, its name (maybe a marker) not looked at.
        if self.info_lines is not None or jurisdiction:
            info = info_text(jurisdiction, period) + (f"\n{self.status}" if self.status else "")
            self._text(INFO_ROW, 1, info, last_col=lay.ncols, border=None, align=_align("left"))
            self._need(INFO_ROW, INFO_ROW, info, total, minimum=24, lines=self.info_lines)
            return
        # A blank form: the reporting unit writes its name in the tinted cell
        # (UNIT_CELL, read back by collect), the period is set.
        self._text(INFO_ROW, 1, "填报单位：", border=None, align=_align("right"))
        unit_last = max(2, lay.label_cols[-1])
        self._put(INFO_ROW, 2, None, last_col=unit_last, border=_UNDERLINE, fill=_INPUT_FILL,
                  protection=_UNLOCKED, align=_align("left"))
        info = f"统计时段：{period}"
        room = self._span_width(unit_last + 1, max(lay.ncols, unit_last + 1))
        if _lines(info, room) > 1:
            # beside a form of one value column: the dates on lines of their own, whole
            info = f"统计时段：\n{period}"
        self._text(INFO_ROW, unit_last + 1, info, last_col=max(lay.ncols, unit_last + 1), border=None,
                   align=_align("left"))
        self.heights[INFO_ROW] = 24.0
        self._need(INFO_ROW, INFO_ROW, info, room)

    def _header(self) -> None:
        for r in range(HEAD_ROW, HEAD_ROW + self.layout.head_rows):
            self.heights[r] = 24.0
        for label in self.layout.header_labels():
            self._label(label)

    def _label(self, label: Label) -> None:
        """A text the layout places, styled as its part of the form, its rows made tall enough for it."""
        style, minimum = _LABEL_STYLES[label.part]
        self._text(label.row, label.col, label.text, last_row=label.last_row, last_col=label.last_col, **style)
        if minimum:
            self._need(label.row, label.last_row, label.text, self._span_width(label.col, label.last_col),
                       minimum=minimum)

    def _body(self) -> None:
        lay = self.layout
        whole = _validation("whole", "请填写不小于0的整数")
        decimal = _validation("decimal", "请填写不小于0的数（可含小数）")
        for label in lay.group_labels():
            self._label(label)
        for row in lay.rows:
            for label in lay.line_labels(row):
                self._label(label)
            number_format = "0.00" if row.decimals else "0"
            for col in lay.value_cols:
                letter = get_column_letter(col)
                if lay.is_sum(row):
                    cell = self._put(row.number, col, sum_formula(letter, row.sums), fill=_SUM_FILL,
                                     font=_BOLD_FONT)
                else:
                    cell = self._put(row.number, col, self.values.get(f"{letter}{row.number}"),
                                     fill=_INPUT_FILL, protection=_UNLOCKED)
                    (decimal if row.decimals else whole).add(cell.coordinate)
                cell.number_format = number_format
            if (unit := lay.unit_label(row)) is not None:
                self._label(unit)
        for validation in (whole, decimal):
            if validation.sqref.ranges:
                self.sheet.add_data_validation(validation)
        self._rules()

    def _rules(self) -> None:
        """Each check of the form's rules as conditional formatting: the cell a broken
        rule is reported on turns red as the clerk types, before the form is sent."""
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles.differential import DifferentialStyle  # noqa: F401  (FormulaRule builds one)

        from planmaker.inputs.stats_rules import SHEET_OPS, expand, formula, rows

        lay, spec = self.layout, self.spec
        cells = lay.cells()
        texts = {key: text for key, (_, text) in rows(spec).items()}
        for check in expand(spec, {(c.line_id, c.column): c.ref for c in cells}, texts):
            if not check.at:
                continue
            test = f"NOT({formula(check.left)}{SHEET_OPS[check.rule.op]}{formula(check.right)})"
            soft = check.rule.severity == "soft"
            self.sheet.conditional_formatting.add(check.at, FormulaRule(
                formula=[test], stopIfTrue=False,
                fill=PatternFill(bgColor="FFEB9C" if soft else "FFC7CE"),
                font=Font(color="9C5700" if soft else "9C0006", bold=True)))

    def _footer(self) -> None:
        for label, (_, row, _, input_col) in zip(self.layout.footer_labels(), self.layout.footer_cells):
            self._label(label)
            self._put(row, input_col, None, border=_UNDERLINE, fill=_INPUT_FILL, protection=_UNLOCKED,
                      align=_align("left"))
            self.heights[row] = max(self.heights.get(row, 0), 26.0)

    def _print_setup(self) -> None:
        lay, ws = self.layout, self.sheet
        setup = ws.page_setup
        setup.paperSize = ws.PAPERSIZE_A4
        setup.orientation = "landscape" if self.landscape else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        if ws.sheet_properties.pageSetUpPr is None:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties()
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins = PageMargins(left=SIDE_MARGIN_IN, right=SIDE_MARGIN_IN, top=0.7, bottom=0.7, header=0.3, footer=0.3)
        ws.print_options.horizontalCentered = True
        ws.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW + lay.head_rows - 1}"
        ws.print_area = f"A1:{get_column_letter(lay.ncols)}{lay.last_row}"
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.oddFooter.center.size = 9


def _write_meta(ws, layout: Layout, pairs: list[tuple[str, str]]) -> None:
    for key, value in pairs:
        ws.append([None, None])
        for col, text in ((1, key), (2, value)):
            cell = ws.cell(row=ws.max_row, column=col)
            cell.value = str(text)
            cell.data_type = "s"  # a value starting with “=” stays text
    ws.append([])
    ws.append(list(CELL_MAP_HEADER))
    for cell in layout.cells():
        ws.append([cell.line_id, cell.column, cell.ref, cell.kind, cell.decimals])
        ws.cell(row=ws.max_row, column=1).data_type = "s"
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 36
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


# ---------------------------------------------------------------- helpers

def info_text(unit: str, period: str) -> str:
    return f"填报单位：{unit}{' ' * 8}统计时段：{period}"


def info_measure(spec: StatsSpec):
    """unit, period → the lines the 填报单位 row takes, the form's width measured once."""
    form = _Form(Layout(spec), None)
    total = form._span_width(1, form.layout.ncols)
    return lambda unit, period: _lines(info_text(unit, period), total)


@functools.cache
def _align(horizontal: str) -> Alignment:
    indent = 1 if horizontal in ("left", "right") else 0
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=True, indent=indent)


_BODY_FONT = Font(name=BODY_FONT, size=BODY_PT)
_BOLD_FONT = Font(name=BODY_FONT, size=BODY_PT, bold=True)
_BOLD = {"font": _BOLD_FONT}
# each part of the form: how its text looks, and the least height its rows take for it (0: not measured)
_LABEL_STYLES: dict[str, tuple[dict, float]] = {
    "head": (_BOLD, 24.0), "value_head": (_BOLD, 0), "column": (_BOLD, 24.0), "unit_head": (_BOLD, 0),
    "group": ({"align": _align("center")}, 20.0),
    "item": ({"align": _align("left")}, 20.0),
    "sub": ({"align": _align("left")}, 20.0),
    "unit": ({}, 0), "footer": ({"border": None, "align": _align("right")}, 0),
}


def _validation(kind: str, message: str) -> DataValidation:
    return DataValidation(type=kind, operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                          showErrorMessage=True, errorStyle="stop", errorTitle="填写有误", error=message)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _lines(text: str, width: float, size: float = BODY_PT) -> int:
    usable = max(1.0, width - 1.0)
    return sum(max(1, math.ceil(text_units(part, size) * 1.05 / usable)) for part in text.split("\n"))
