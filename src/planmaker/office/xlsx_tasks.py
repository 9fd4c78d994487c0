"""The task-assignment table as a workbook, for clerks who track it in Excel."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from planmaker.office import xlsx_print
from planmaker.office.cell_text import cell_lines
from planmaker.office.ooxml import stable_zip

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# 序号, 重点任务, 牵头部门, 配合部门: one portrait page wide at 12 pt;
# with 完成时限 the table is set landscape, the task column wider.
WIDTHS = (5, 52, 17, 19)
DEADLINE_WIDTHS = (5, 70, 18, 20, 16)
SIZE_PT = 12


def tasks_workbook(title: str, tasks, author: str, when: dt.datetime) -> bytes:
    with_deadline = any(t.deadline for t in tasks)
    header = ["序号", "重点任务", "牵头部门", "配合部门"] + (["完成时限"] if with_deadline else [])
    book = Workbook()
    sheet = book.active
    sheet.title = "任务分工"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A1"].font = Font(name="方正小标宋简体", size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 48
    sheet.append(header)
    widths = DEADLINE_WIDTHS if with_deadline else WIDTHS

    def names(departments, column: int) -> str:
        # one name a line, a long one broken where its words meet (as in the .docx)
        return "\n".join(cell_lines(list(departments), xlsx_print.width_mm(widths[column]), SIZE_PT))

    for number, task in enumerate(tasks, start=1):
        row = [number, task.heading + task.body, names(task.lead, 2), names(task.cooperate, 3)]
        sheet.append(row + ([task.deadline] if with_deadline else []))
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with “=” is still text, never a formula
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.border = _BORDER
            cell.font = Font(name="仿宋_GB2312", size=SIZE_PT, bold=cell.row == 2)
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="left" if cell.column == 2 and cell.row > 2 else "center")
    xlsx_print.set_widths(sheet, widths)
    for row in sheet.iter_rows(min_row=2):
        sheet.row_dimensions[row[0].row].height = xlsx_print.row_height(
            [(cell.value, width) for cell, width in zip(row, widths) if isinstance(cell.value, str)], SIZE_PT)
    xlsx_print.print_setup(sheet, len(header), sheet.max_row, "2:2", landscape=with_deadline)
    sheet.freeze_panes = "A3"
    book.properties.creator = author
    book.properties.lastModifiedBy = author
    book.properties.title = title
    book.properties.created = when
    book.properties.modified = when
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue(), when)
