"""The self-inspection checklist and the rectification ledger as workbooks.

An institution fills them in Excel or LibreOffice: the listed problems are
locked, the cells to fill are unlocked and tinted, the answer and status columns
offer drop-down lists (是/否, 未整改/整改中/已整改销号).  The sheet is protected
without a password, to prevent accidents, not for security.  A very hidden sheet
``_planmaker`` records what the workbook is (key/value rows), so that filled
copies can be collected later without reading the layout.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from planmaker.office import xlsx_pages, xlsx_print
from planmaker.office.annex_forms import InstitutionLines, LedgerForm, ProblemRow, SelfcheckForm
from planmaker.office.docx_batch import FieldValue
from planmaker.office.ooxml import stable_zip
from planmaker.office.xlsx_styling import CellStyles, merge_unbordered

META_SHEET = "_planmaker"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNDERLINE = Border(bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: to be filled in
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)
_TITLE = Font(name=TITLE_FONT, size=16)
_BODY = Font(name=BODY_FONT, size=12)
_BOLD = Font(name=BODY_FONT, size=12, bold=True)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAPPED = {side: Alignment(wrap_text=True, vertical="center", horizontal=side) for side in ("left", "center")}
_PLAIN = Alignment(vertical="center", wrap_text=True)

SELFCHECK_HEADER = ("序号", "问题类别", "自查内容", "是否存在问题", "问题描述", "整改措施")
# Landscape A4 holds these at 100 %: the text prints at its own 12 pt, with room to write.
# A header prints on one line where a break would fall inside a word (是否存在问/题, 完成情况（销/号）).
SELFCHECK_WIDTHS = (5, 14, 47, 15, 28, 28)
LEDGER_HEADER = ("序号", "问题类别", "问题", "整改措施", "责任部门", "责任人", "整改时限", "完成情况（销号）")
LEDGER_WIDTHS = (5, 14, 35, 31, 14, 9, 12, 19)
SPARE_ROW_PT = 42  # a spare row of the ledger takes two handwritten lines
HEAD_ROW = 4  # title, two rows of institution header, then the column header


HEADER_FIELDS = ("name", "phone", "contact")  # the institution's values in the header rows
_WIDE = 8  # a longer value is set flush left, a shorter one centred


@dataclass(frozen=True)
class SheetHeader:
    """The header rows' values as the workbook writes them: stripped, None when
    blank, and (``wide``) which are long enough to be set flush left.  What
    depends on a value's length is decided here, on the real values, so that
    the prepared-workbook path (xlsx_batch) can lay the sheet out with markers."""

    name: str | None
    phone: str | None
    contact: str | None
    wide: tuple[bool, ...]  # per HEADER_FIELDS

    @classmethod
    def of(cls, lines: InstitutionLines) -> SheetHeader:
        name, phone, contact = (getattr(lines, key).strip() or None for key in HEADER_FIELDS)
        return cls(name=name, phone=phone, contact=contact,
                   wide=tuple(len(value or "") > _WIDE for value in (name, phone, contact)))

    def fields(self) -> dict[str, FieldValue]:
        """As the batch's fields: the values, and ``wide`` as the shape."""
        return {"name": self.name, "phone": self.phone, "contact": self.contact, "wide": self.wide}

    @classmethod
    def from_fields(cls, values: Mapping[str, FieldValue]) -> SheetHeader:
        name, phone, contact = (values[key] for key in HEADER_FIELDS)
        wide = values["wide"]
        assert all(v is None or isinstance(v, str) for v in (name, phone, contact)) and isinstance(wide, tuple)
        return cls(name=name if isinstance(name, str) else None, phone=phone if isinstance(phone, str) else None,
                   contact=contact if isinstance(contact, str) else None, wide=wide)


class _Sheet:
    def __init__(self, title: str, header: Sequence[str], widths: Sequence[float], fields: SheetHeader):
        wide = dict(zip(HEADER_FIELDS, fields.wide))
        row_values = {"name": fields.name, "phone": fields.phone, "contact": fields.contact}
        self.book = Workbook()
        self.ws = self.book.active
        self.ncols = len(header)
        ws = self.ws
        self._styles = CellStyles()
        self.put(1, 1, title, font=_TITLE, border=None, align=_CENTRED)
        merge_unbordered(ws, 1, 1, 1, self.ncols)
        ws.row_dimensions[1].height = 48
        # institution header: label, value across two columns, label, value to the end
        pairs = [(2, "单位名称", "name", "联系电话", "phone"), (3, "联系人", "contact", "填报日期", None)]
        middle = 4  # the second label's column
        for row, label1, key1, label2, key2 in pairs:
            self.put(row, 1, label1, border=None)
            merge_unbordered(ws, row, 1, row, 2)
            self.field(row, 3, row_values[key1], wide[key1])
            self.put(row, middle, label2, border=None)
            self.field(row, middle + 1, row_values[key2] if key2 else None, wide[key2] if key2 else False)
            if self.ncols > middle + 1:
                ws.merge_cells(start_row=row, start_column=middle + 1, end_row=row, end_column=self.ncols)
        for col, text in enumerate(header, start=1):
            self.put(HEAD_ROW, col, text, font=_BOLD)
        ws.row_dimensions[HEAD_ROW].height = xlsx_print.row_height(list(zip(header, widths)))
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = f"A{HEAD_ROW + 1}"
        ws.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW}"

    def put(self, row, col, value, font=None, border=_BORDER, fill=None, protection=_LOCKED, align=None):
        cell = self.ws.cell(row=row, column=col, value=value if value != "" else None)
        if isinstance(value, str) and value:
            cell.data_type = "s"  # text that starts with “=” stays text, never a formula
        align = align or _WRAPPED["left" if isinstance(value, str) and len(value) > 8 else "center"]
        self._styles.apply(cell, font or _BODY, align, border, fill, protection)
        return cell

    def field(self, row, col, value, wide: bool):
        """An institution's value: printed, never looked at (it may be a marker)."""
        cell = self.put(row, col, None, fill=_INPUT_FILL, protection=_UNLOCKED, border=_UNDERLINE,
                        align=_WRAPPED["left" if wide else "center"])
        cell.value = value
        if value is not None:
            cell.data_type = "s"  # text that starts with “=” stays text, never a formula
        return cell

    def input(self, row, col):
        return self.put(row, col, "", fill=_INPUT_FILL, protection=_UNLOCKED)

    def choice(self, column: int, first: int, last: int, choices, prompt: str) -> None:
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="请从列表中选择",
                                    error=f"只能填写：{'、'.join(choices)}", promptTitle=prompt,
                                    prompt=f"请选择：{'、'.join(choices)}", showInputMessage=True)
        letter = get_column_letter(column)
        validation.add(f"{letter}{first}:{letter}{last}")
        self.ws.add_data_validation(validation)

    def merge_groups(self, column: int, groups: list[tuple[int, int]]) -> None:
        for first, last in groups:
            if last > first:
                self.ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)

    def footer(self, row: int, lines) -> int:
        width = sum(self.ws.column_dimensions[get_column_letter(c)].width for c in range(1, self.ncols + 1))
        for line in lines:
            if line:
                self.put(row, 1, line, border=None, align=_PLAIN)
                merge_unbordered(self.ws, row, 1, row, self.ncols)
                self.ws.row_dimensions[row].height = xlsx_print.row_height([(line, width)])
                row += 1
        return row

    def finish(self, last_body_row: int, last_row: int, meta: Mapping[str, str], author: str, title: str,
               when: dt.datetime, landscape: bool) -> bytes:
        ws = self.ws
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        xlsx_print.print_setup(ws, self.ncols, last_row, f"{HEAD_ROW}:{HEAD_ROW}", landscape)
        xlsx_pages.break_pages(ws, last_body_row, last_row)
        hidden = self.book.create_sheet(META_SHEET)
        for key, value in meta.items():
            hidden.append([key, value])
            hidden.cell(row=hidden.max_row, column=2).data_type = "s"
        hidden.sheet_state = "veryHidden"
        hidden.protection.sheet = True
        props = self.book.properties
        props.creator = props.lastModifiedBy = author
        props.title = title
        props.created = props.modified = when
        buffer = io.BytesIO()
        self.book.save(buffer)
        return stable_zip(buffer.getvalue(), when)


def _listed(sheet: _Sheet, row: int, r: ProblemRow, item_width: float) -> None:
    """A listed problem's group (empty under its group's first row: merge_groups joins them) and its
    text, wrapped, the row as tall as the text."""
    sheet.put(row, 2, "" if r.group == "〃" else r.group)
    sheet.put(row, 3, r.item, align=_WRAPPED["left"])
    sheet.ws.row_dimensions[row].height = xlsx_print.row_height([(r.item, item_width)], 12)


def _group_spans(rows: Sequence[ProblemRow], first_row: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for offset, r in enumerate(rows):
        number = first_row + offset
        if r.group == "〃" and spans:
            spans[-1] = (spans[-1][0], number)
        else:
            spans.append((number, number))
    return spans


def selfcheck_workbook(title: str, form: SelfcheckForm, header: SheetHeader, answers: Sequence[str],
                       meta: Mapping[str, str], author: str, when: dt.datetime) -> bytes:
    """``form`` is kinds.selfcheck's, ``header`` its institution lines (or the batch's markers)."""
    sheet = _Sheet(title, SELFCHECK_HEADER, SELFCHECK_WIDTHS, header)
    sheet.ws.title = "自查表"
    rows = form.rows
    first = HEAD_ROW + 1
    for offset, r in enumerate(rows):
        row = first + offset
        sheet.put(row, 1, int(r.number))
        _listed(sheet, row, r, SELFCHECK_WIDTHS[2])
        for col in (4, 5, 6):
            sheet.input(row, col)
    last = first + len(rows) - 1
    sheet.merge_groups(2, _group_spans(rows, first))
    if rows:
        sheet.choice(4, first, last, answers, "是否存在问题")
    end = sheet.footer(last + 2, [form.note, *form.signatures])
    return sheet.finish(last, max(last, end - 1), {"format": "planmaker-selfcheck/1", **meta}, author, title, when,
                        landscape=True)


def ledger_workbook(title: str, form: LedgerForm, header: SheetHeader, statuses: Sequence[str],
                    meta: Mapping[str, str], author: str, when: dt.datetime) -> bytes:
    """``form`` is kinds.ledger's: listed problems, then spare rows to write in."""
    sheet = _Sheet(title, LEDGER_HEADER, LEDGER_WIDTHS, header)
    sheet.ws.title = "整改台账"
    rows = form.rows
    first = HEAD_ROW + 1
    for offset, r in enumerate(rows):
        row = first + offset
        sheet.put(row, 1, int(r.number))
        if r.item:
            _listed(sheet, row, r, LEDGER_WIDTHS[2])
        else:  # a spare row: the institution writes a problem the list does not have
            sheet.ws.row_dimensions[row].height = SPARE_ROW_PT
            sheet.input(row, 2)
            sheet.input(row, 3)
        for col in range(4, 9):
            sheet.input(row, col)
    last = first + len(rows) - 1
    listed = [r for r in rows if r.item]
    sheet.merge_groups(2, _group_spans(listed, first))
    if rows:
        sheet.choice(8, first, last, statuses, "完成情况")
    end = sheet.footer(last + 2, [f"完成情况填写：{form.statuses}。", form.note, *form.signatures])
    return sheet.finish(last, max(last, end - 1), {"format": "planmaker-ledger/1", **meta}, author, title, when,
                        landscape=True)
