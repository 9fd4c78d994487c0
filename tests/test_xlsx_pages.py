"""A workbook's pages break where planmaker writes the breaks, and a group cut by a break
keeps its name on every page it reaches (office/xlsx_pages.py), checked in LibreOffice's print."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest
from openpyxl.styles import Alignment, Border, Side

import pagecheck
from planmaker.office import xlsx_pages, xlsx_print

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GROUP_ROWS = 12
ROWS = 63
LAST_BODY = 2 + ROWS  # a title row, the header row, then the body


def group_name(k: int) -> str:
    # the third group's name is long: a narrow cell needs many rows' height for it
    return "分组" + "甲乙丙丁" * (4 if k == 2 else 1) + f"{k}"


def workbook(path, landscape: bool = False):
    book = openpyxl.Workbook()
    ws = book.active
    xlsx_print.set_widths(ws, [8, 40, 12])
    ws.cell(1, 1, "标题")
    for col, text in enumerate(("分组", "内容", "填写"), start=1):
        ws.cell(2, col, text).border = BOX
    for i in range(ROWS):
        row = 3 + i
        ws.cell(row, 2, f"第{i + 1}行").border = BOX
        ws.cell(row, 3).border = BOX
        ws.row_dimensions[row].height = (20, 34, 27, 45)[i % 4]
        if i % GROUP_ROWS == 0:
            cell = ws.cell(row, 1, group_name(i // GROUP_ROWS))
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.border = BOX
            ws.merge_cells(start_row=row, start_column=1, end_row=min(row + GROUP_ROWS - 1, LAST_BODY), end_column=1)
    ws.cell(LAST_BODY + 2, 1, "填表人：")
    xlsx_print.print_setup(ws, 3, LAST_BODY + 2, "2:2", landscape)
    breaks = xlsx_pages.break_pages(ws, LAST_BODY, LAST_BODY + 2)
    book.save(path)
    return breaks, ws


def test_breaks_fall_within_the_page_and_cut_merges_become_one_a_page(tmp_path):
    breaks, ws = workbook(tmp_path / "a.xlsx")
    assert len(breaks) >= 2 and breaks == sorted(breaks)
    capacity = (11.69 - ws.page_margins.top - ws.page_margins.bottom) * 72
    tops = [1] + [b + 1 for b in breaks]
    for k, (top, end) in enumerate(zip(tops, [*tops[1:], LAST_BODY + 3])):
        height = sum(ws.row_dimensions[r].height or 15 for r in range(top, end)) + (20 if k else 0)
        assert height <= capacity + (15 if k else 0), (k, height)  # the header row repeats: 15 pt
    for merged in ws.merged_cells.ranges:
        assert not any(merged.min_row <= b < merged.max_row for b in breaks), merged
    for b in breaks:
        if 3 <= b + 1 <= LAST_BODY:
            assert ws.cell(b + 1, 1).value, f"row {b + 1} begins a page beside an empty group cell"
    assert breaks[-1] < LAST_BODY  # the sign-off line goes over with the table's last row


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="needs LibreOffice and poppler-utils")
@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_libreoffice_prints_the_pages_planmaker_laid_out(tmp_path, landscape):
    source = tmp_path / "a.xlsx"
    breaks, _ = workbook(source, landscape)
    pdf = pagecheck.convert([source], tmp_path / "printed")[source]
    pages = pagecheck.read_pages(pdf)
    assert len(pages) == len(breaks) + 1
    tops = [b + 1 for b in breaks]
    for number, page in enumerate(pages):
        text = page.text()
        rows = [i for i in range(1, ROWS + 1) if f"第{i}行" in text.replace(f"第{i}0行", "")]
        # LibreOffice began each page where the break says, not earlier
        if number:
            assert min(rows) + 2 == tops[number - 1], (number, rows[:3], tops)
        names = re.sub(r"第\d+行", "", text)  # the group column's text, its wrapped lines joined
        for k in {(i - 1) // GROUP_ROWS for i in rows}:
            assert group_name(k) in names, (number + 1, group_name(k))
    assert "填表人" in pages[-1].text() and f"第{ROWS}行" in pages[-1].text()
    assert not pagecheck.workbook_print_faults(source, pages)
