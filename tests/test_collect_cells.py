"""collect reads only what a number cell may hold (issue 27): a date typed into a count
cell, a formula whose cached value it does not compute, metadata pointing at a hidden
sheet, full-width or underscored digits, a number too large for any sum: each is reported
with its cell and not summed, and the rest of the collection goes on.  The folders: an
output folder that holds the inbox, and a subfolder that cannot be listed."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import run_cli, write_plan
from planmaker.collect.run import _forms
from planmaker.inputs.catalog import Catalog
from planmaker.kinds.making import document_time
from planmaker.kinds.stats import stats_xlsx
from planmaker.plan.resolve import resolve

DATES = "dates: {start: 2020-09, end: 2020-12, report: 2020-11-27}\n"


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    """柳州市's plan, and a filled form 1 of 柳北区 and of 融安县 (bytes), with figures that keep its rule."""
    work = tmp_path_factory.mktemp("plans")
    made = {}
    for county in ("liubei", "rongan"):
        plan = write_plan(work / county, f"profile: {county}\ncampaign: medical-abuses-2020\n{DATES}")
        resolved = resolve(plan, Catalog())
        form = _forms(resolved)[0]
        book = openpyxl.load_workbook(io.BytesIO(stats_xlsx(resolved, form.annex, document_time(resolved))))
        sheet = book[book.sheetnames[0]]
        for cell in form.cells:
            sheet[cell.ref] = 5 if cell.column == 0 else 2
        made[county] = save(book)
    return write_plan(work / "liuzhou", f"profile: liuzhou\ncampaign: medical-abuses-2020\n{DATES}"), made


def save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def patched(data: bytes, ref: str, inner: str) -> bytes:
    """The workbook with cell ``ref`` of its form sheet holding ``inner`` (raw XML: <f>, <v>)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text, count = re.subn(rf'<c r="{ref}"([^>]*?)(?:/>|>.*?</c>)',
                                      lambda m: f'<c r="{ref}"{m.group(1)}>{inner}</c>', part.decode())
                assert count == 1
                part = text.encode()
            out.writestr(info, part)
    return target.getvalue()


def collect(tmp_path: Path, plan: Path, files: dict[str, bytes], out: Path | None = None):
    inbox = tmp_path / "收件"
    inbox.mkdir(exist_ok=True)
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    out = out or tmp_path / "汇总"
    result = run_cli("collect", inbox, "--plan", plan, "-o", out, "--workers", "1")
    return result, (out / "汇总报告.txt").read_text(encoding="utf-8")


def summed_c4(out: Path):
    [path] = out.glob("*统计表一（汇总）.xlsx")
    return openpyxl.load_workbook(path)["统计表一"]["C4"].value


def test_a_date_typed_into_a_count_cell_is_not_a_number(tmp_path, forms):
    plan, books = forms
    book = openpyxl.load_workbook(io.BytesIO(books["rongan"]))
    book[book.sheetnames[0]]["C4"] = dt.date(2021, 1, 17)  # stored as the day number 44213 in a date format
    result, report = collect(tmp_path, plan, {"liubei.xlsx": books["liubei"], "rongan.xlsx": save(book)})
    assert "rongan.xlsx［统计表一!C4］" in report and "日期 2021-01-17" in report
    assert summed_c4(tmp_path / "汇总") == 5  # 柳北's only


@pytest.mark.parametrize("inner, said", [
    ("<f>1+1</f><v>999</v>", "公式 “=1+1” 的结果应为 2，表中保存的却是 999"),
    ("<v>１２３</v>", "#无法识别的数字 １２３"),
    ("<v>1_000</v>", "#无法识别的数字 1_000"),
    ("<v>1E+999999999</v>", "#无法识别的数字 1E+999999999"),
])
def test_what_a_number_cell_cannot_hold_is_reported_with_the_cell(tmp_path, forms, inner, said):
    plan, books = forms
    data = patched(books["rongan"], "C4", inner)
    result, report = collect(tmp_path, plan, {"liubei.xlsx": books["liubei"], "rongan.xlsx": data})
    assert result.exit_code == 1 and "意外" not in result.output
    assert "rongan.xlsx［统计表一!C4］" in report and said in report, report
    assert summed_c4(tmp_path / "汇总") == 5


def test_a_formula_whose_cache_agrees_is_summed(tmp_path, forms):
    plan, books = forms
    data = patched(books["rongan"], "C4", "<f>2+3</f><v>5</v>")
    result, report = collect(tmp_path, plan, {"liubei.xlsx": books["liubei"], "rongan.xlsx": data})
    assert "rongan.xlsx［" not in report
    assert summed_c4(tmp_path / "汇总") == 10


def test_metadata_pointing_at_a_hidden_sheet_is_refused(tmp_path, forms):
    plan, books = forms
    book = openpyxl.load_workbook(io.BytesIO(books["rongan"]))
    book.create_sheet("给人看的表", 0)
    book["统计表一"].sheet_state = "hidden"
    result, report = collect(tmp_path, plan, {"liubei.xlsx": books["liubei"], "rongan.xlsx": save(book)})
    assert "rongan.xlsx：元数据指向的工作表 “统计表一” 是隐藏的" in report
    assert summed_c4(tmp_path / "汇总") == 5


def test_an_output_folder_holding_the_inbox_reads_the_inbox(tmp_path, forms):
    plan, books = forms
    out = tmp_path / "汇总"
    inbox = out / "收件"
    inbox.mkdir(parents=True)
    (inbox / "liubei.xlsx").write_bytes(books["liubei"])
    result = run_cli("collect", inbox, "--plan", plan, "-o", out, "--workers", "1")
    report = (out / "汇总报告.txt").read_text(encoding="utf-8")
    assert "读取文件 1 个；计入汇总 1 个" in report and summed_c4(out) == 5, result.output


def test_an_unreadable_subfolder_is_reported(tmp_path, forms, monkeypatch):
    plan, books = forms
    inbox = tmp_path / "收件"
    (inbox / "融安").mkdir(parents=True)
    (inbox / "融安" / "rongan.xlsx").write_bytes(books["rongan"])
    (inbox / "liubei.xlsx").write_bytes(books["liubei"])
    scandir = os.scandir

    def refused(path):  # as root every folder is readable: the refusal is played
        if str(path).endswith("融安"):
            raise PermissionError(13, "权限不够", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refused)
    out = tmp_path / "汇总"
    result = run_cli("collect", inbox, "--plan", plan, "-o", out, "--workers", "1")
    report = (out / "汇总报告.txt").read_text(encoding="utf-8")
    assert result.exit_code == 1
    assert "无法读取的文件夹（1）" in report and f"{inbox / '融安'}：无法打开此文件夹（权限不够）" in report
