"""The statistics forms as fillable workbooks: layout as in seed 003 (附件3, 附件4),
protection, validation, 合计 formulas, hidden metadata, determinism."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import re
import subprocess
import sys

import openpyxl
import pytest
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

from conftest import ROOT, seed_text
from planmaker.inputs.models import StatsSpec
from planmaker.inputs.validation import parse_model
from planmaker.inputs.yamlfile import load_file
from planmaker.office.stats_layout import META_SHEET, cell_map, read_metadata
from planmaker.office.xlsx_stats import stats_workbook

FORMS = ROOT / "templates" / "campaigns" / "medical-abuses-2020"
WHEN = dt.datetime(2020, 9, 1, 8, 30)
UNITS = {"起", "人", "个", "条", "万元"}


def load_spec(number: int) -> StatsSpec:
    path = FORMS / f"stats-{number}.yaml"
    return parse_model(StatsSpec, load_file(path), path)


def title_of(number: int) -> str:
    return f"柳州市医疗卫生领域突出问题专项整治行动工作量化统计表{'一二'[number - 1]}"


def meta_of(number: int) -> dict[str, str]:
    return {"campaign": "medical-abuses-2020", "form": f"form{number}", "jurisdiction": "柳州市",
            "jurisdiction_id": "liuzhou", "period": "2020-09/2020-12", "template_version": "test-1"}


def build(number: int) -> bytes:
    return stats_workbook(load_spec(number), title_of(number), "柳州市", "2020年9月-12月",
                          meta_of(number), WHEN)


@functools.cache
def opened(number: int):
    data = build(number)
    book = openpyxl.load_workbook(io.BytesIO(data))
    return number, load_spec(number), data, book, book.worksheets[0]


@pytest.fixture(params=[1, 2], ids=["form1", "form2"])
def form(request):
    return opened(request.param)


def merges(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def page_starts(sheet) -> set[int]:
    """The rows that begin a page after the first (the sheet's manual row breaks)."""
    return {brk.id + 1 for brk in sheet.row_breaks.brk}


def merged_per_page(sheet, column: str, first: int, last: int) -> list[str]:
    """A merge from ``first`` to ``last``, cut where pages begin: one merge a page (single rows unmerged)."""
    edges = [first, *sorted(r for r in page_starts(sheet) if first < r <= last), last + 1]
    return [f"{column}{a}:{column}{b - 1}" for a, b in zip(edges, edges[1:]) if b - 1 > a]


def seed_rows(start: str, end: str) -> list[list[str]]:
    """The seed's table between two markers: one list of cell texts per row
    (a cell starts with a tab; a line without one continues the cell)."""
    text = seed_text("003")
    section = text[text.rindex(start):]  # the annex, not the body's mention of it
    section = section[:section.index(end)]
    rows, cells = [], []
    for raw in section.split("\n"):
        if raw.startswith("\t"):
            cells.append(raw[1:].strip())
        elif raw.strip() and cells:
            cells[-1] += raw.strip()
        elif cells:
            rows.append(cells)
            cells = []
    if cells:
        rows.append(cells)
    return rows


def data_rows(spec: StatsSpec):
    """(first data row on the sheet, number of data rows) from the spec."""
    first = 5 if spec.value_header else 4
    count = sum(len(line.subs) or 1 for g in spec.groups for line in g.lines)
    return first, count


def texts_by_id(spec: StatsSpec) -> dict[str, str]:
    return {x.id: x.text for g in spec.groups for line in g.lines for x in [line, *line.subs]}


# ---------------------------------------------------------------- banner and header

def test_title_and_jurisdiction_row(form):
    number, spec, _, book, sheet = form
    assert sheet.title == f"统计表{'一二'[number - 1]}"
    assert sheet["A1"].value == title_of(number)
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 16 and sheet["A1"].alignment.horizontal == "center"
    assert sheet["A2"].value == "填报单位：柳州市        统计时段：2020年9月-12月"
    width = sheet.max_column
    assert {f"A1:{chr(64 + width)}1", f"A2:{chr(64 + width)}2"} <= merges(sheet)
    props = book.properties
    assert props.creator == props.lastModifiedBy == "planmaker"
    assert props.created == props.modified == WHEN  # not the clock: openpyxl stamps it on save


def test_form2_header_as_in_the_seed():
    _, spec, _, _, sheet = opened(2)
    top, second = seed_rows("工作量化统计表二", "发现、处理违法违规行为情况")[:2]
    assert top == ["项目", "检查内容", "数量", "单位"]
    assert [c for c in second if c] == [c.replace("\n", "") for c in spec.columns]
    # each column's header breaks where the seed's does (二级以上/公立医疗/机构), never inside a word
    assert all(f"\t{column}\n" in seed_text("003") for column in spec.columns) and "\n" in spec.columns[0]
    assert [sheet[c].value for c in ("A3", "B3", "D3", "H3")] == top
    assert [sheet.cell(row=4, column=c).value for c in range(4, 8)] == spec.columns
    assert all(sheet.cell(row=4, column=c).alignment.wrap_text for c in range(4, 8))
    assert {"A3:A4", "B3:C4", "D3:G3", "H3:H4"} <= merges(sheet)
    assert sheet.max_column == 8
    assert all(sheet.cell(row=r, column=c).font.b for r in (3, 4) for c in (1, 2, 4, 5, 6, 7, 8)
               if sheet.cell(row=r, column=c).value)


def test_form1_header_as_in_the_seed():
    _, spec, _, _, sheet = opened(1)
    header = seed_rows("工作量化统计表一", "二级以上公立医疗机构")[0]
    assert header == ["机构类型", "辖区内总数", "检查数量"]
    assert [sheet[c].value for c in ("A3", "C3", "D3")] == header
    assert "A3:B3" in merges(sheet)
    assert sheet.max_column == 4  # no sub column, no unit column
    assert "单位" not in [c.value for row in sheet.iter_rows() for c in row]


# ---------------------------------------------------------------- rows

def test_every_line_in_order_with_its_unit(form):
    number, spec, _, _, sheet = form
    first, count = data_rows(spec)
    sub_col = 3 if any(line.subs for g in spec.groups for line in g.lines) else None
    # a group's name, and an item's over its sub-items, stand beside their rows on every page they reach
    starts = page_starts(sheet)
    expected, row = [], first
    for group in spec.groups:
        group_first = row
        for line in group.lines:
            line_first = row
            for sub in line.subs or [None]:
                labels = []
                if row == group_first or row in starts:
                    labels.append(group.name)
                if row == line_first or (row in starts and sub):
                    labels.append(line.text)
                if sub:
                    labels.append(sub.text)
                unit = (sub or line).unit or spec.default_unit
                expected.append((labels, unit if spec.show_unit else None))
                row += 1
            if line.subs:
                assert set(merged_per_page(sheet, "B", line_first, row - 1)) <= merges(sheet)
            elif sub_col:
                assert f"B{line_first}:C{line_first}" in merges(sheet)
        assert set(merged_per_page(sheet, "A", group_first, row - 1)) <= merges(sheet)
    unit_col = sheet.max_column if spec.show_unit else None
    actual = []
    for r in range(first, first + count):
        labels = [sheet.cell(row=r, column=c).value for c in (1, 2, sub_col) if c]
        actual.append(([v for v in labels if v], sheet.cell(row=r, column=unit_col).value if unit_col else None))
    assert actual == expected
    assert sheet.cell(row=first + count, column=2).value is None  # nothing after the last line


def test_form2_rows_and_units_match_the_seed():
    _, spec, _, _, sheet = opened(2)
    seed = [row for row in seed_rows("工作量化统计表二", "填表人：") if row[-1] in UNITS]
    groups = {g.name for g in spec.groups}
    seed_units = [row[-1] for row in seed]
    assert len(seed_units) == 41
    first, count = data_rows(spec)
    assert count == 41
    assert [sheet.cell(row=r, column=8).value for r in range(first, first + count)] == seed_units
    # item and sub-item texts, row by row (the seed repeats a group name at a page break)
    seed_labels = [[c for c in row[:-1] if c and c not in groups] for row in seed]
    # the sheet repeats an item over its sub-items on a new page (as the seed its groups): not counted
    items = [sheet.cell(row=r, column=2).value for r in range(first, first + count)]
    repeats = {first + k for k, item in enumerate(items)
               if item and first + k in page_starts(sheet) and item in [i for i in items[:k] if i][-1:]}
    sheet_labels = [[v for v in (None if r in repeats else sheet.cell(row=r, column=2).value,
                                 sheet.cell(row=r, column=3).value) if v]
                    for r in range(first, first + count)]
    assert sheet_labels == seed_labels


def test_form1_rows_match_the_seed():
    _, spec, _, _, sheet = opened(1)
    seed = [c for row in seed_rows("工作量化统计表一", "附件4")[1:] for c in row if c]
    first, count = data_rows(spec)
    sheet_texts = [v for r in range(first, first + count) for v in
                   (sheet.cell(row=r, column=1).value, sheet.cell(row=r, column=2).value) if v]
    assert sheet_texts == seed


def test_footer_labels_with_input_cells(form):
    _, spec, _, _, sheet = form
    first, count = data_rows(spec)
    found = []
    for row in sheet.iter_rows(min_row=first + count):
        for cell in row:
            if cell.value in spec.footer:
                found.append(cell.value)
                assert cell.protection.locked
                after = sheet.cell(row=cell.row, column=cell.column + 1)
                assert after.value is None and not after.protection.locked
    assert found == spec.footer


# ---------------------------------------------------------------- protection and validation

def test_only_value_and_footer_cells_are_unlocked(form):
    _, spec, _, _, sheet = form
    assert sheet.protection.sheet and not sheet.protection.password
    assert not sheet.protection.formatColumns and not sheet.protection.formatRows  # widths may change
    inputs = {c.ref for c in cell_map(spec) if c.kind == "input"}
    footer = {sheet.cell(row=c.row, column=c.column + 1).coordinate
              for row in sheet.iter_rows() for c in row if c.value in spec.footer}
    unlocked = {c.coordinate for row in sheet.iter_rows(max_row=sheet.max_row + 2, max_col=sheet.max_column + 2)
                for c in row if not c.protection.locked}
    assert unlocked == inputs | footer
    assert len(inputs) == len(spec.columns) * data_rows(spec)[1] - len(
        [c for c in cell_map(spec) if c.kind == "sum"])


def test_input_cells_validate_non_negative_numbers(form):
    _, spec, _, _, sheet = form
    decimals = {x.id for g in spec.groups for line in g.lines for x in [line, *line.subs] if x.decimals}
    validations = sheet.data_validations.dataValidation
    for cell in cell_map(spec):
        if cell.kind != "input":
            continue
        (dv,) = [dv for dv in validations if cell.ref in dv.sqref]
        assert dv.type == ("decimal" if cell.line_id in decimals else "whole"), cell
        assert dv.operator == "greaterThanOrEqual" and dv.formula1 == "0" and dv.allow_blank
        assert dv.showErrorMessage and dv.errorStyle == "stop"
        assert "不小于0" in dv.error and dv.errorTitle
        assert cell.decimals == (cell.line_id in decimals)
    if decimals:
        (fines,) = [c for c in cell_map(spec) if c.line_id == "fines-total" and c.column == 0]
        assert "小数" in next(dv.error for dv in validations if fines.ref in dv.sqref)


def expand(args: str) -> list[str]:
    refs = []
    for part in args.split(","):
        min_col, min_row, max_col, max_row = range_boundaries(part)
        refs += [f"{openpyxl.utils.get_column_letter(c)}{r}"
                 for c in range(min_col, max_col + 1) for r in range(min_row, max_row + 1)]
    return refs


def test_totals_are_sums_of_exactly_their_lines(form):
    number, spec, _, _, sheet = form
    where = {(c.line_id, c.column): c.ref for c in cell_map(spec)}
    sums = {x.id: x.sum_of for g in spec.groups for line in g.lines for x in [line, *line.subs] if x.sum_of}
    if number == 1:
        assert not sums and not [c for c in cell_map(spec) if c.kind == "sum"]
        return
    assert set(sums) == {"persons-total-penalized", "persons-total-judicial"}
    texts = texts_by_id(spec)
    for line_id, parts in sums.items():
        for k in range(len(spec.columns)):
            cell = sheet[where[line_id, k]]
            match = re.fullmatch(r"=SUM\(([A-Z0-9:,]+)\)", cell.value)
            assert match, cell.value
            assert sorted(expand(match.group(1))) == sorted(where[p, k] for p in parts)
            assert cell.protection.locked and cell.font.b
            for ref in expand(match.group(1)):  # each summed cell sits on its line's row
                r = sheet[ref].row
                assert sheet.cell(row=r, column=3).value in {texts[p] for p in parts}
    # the 合计 rows sit under 合计 with their own texts
    total = sheet[where["persons-total-penalized", 0]].row
    assert sheet.cell(row=total, column=2).value == "合计"
    assert sheet.cell(row=total, column=3).value == "行政处罚"
    assert sheet.cell(row=total + 1, column=3).value == "移送司法机关"


# ---------------------------------------------------------------- metadata

def test_hidden_metadata(form):
    number, spec, _, book, sheet = form
    meta_sheet = book[META_SHEET]
    assert meta_sheet.sheet_state == "veryHidden" and meta_sheet.protection.sheet
    assert book.sheetnames == [sheet.title, META_SHEET] and book.active.title == sheet.title
    assert book.defined_names["planmaker_form"].attr_text == f'"{spec.id}"'
    meta, cells = read_metadata(book)
    assert meta == {"format": "planmaker-stats/1", "form_id": spec.id, "sheet": sheet.title, **meta_of(number)}
    assert cells == cell_map(spec)
    first, count = data_rows(spec)
    assert len(cells) == count * len(spec.columns)
    texts = texts_by_id(spec)
    header_row = first - 1
    for cell in cells:
        target = sheet[cell.ref]
        assert target.protection.locked == (cell.kind == "sum")
        if cell.kind == "sum":
            assert target.value.startswith("=SUM(")
        else:
            assert target.value is None
        col = column_index_from_string(coordinate_from_string(cell.ref)[0])
        assert sheet.cell(row=header_row, column=col).value == spec.columns[cell.column]
        has_subs = any(line.subs for g in spec.groups for line in g.lines)
        label = sheet.cell(row=target.row, column=3).value if has_subs else None
        label = label or sheet.cell(row=target.row, column=2).value
        assert label == texts[cell.line_id]
    # the raw rows a reader without planmaker would see
    raw = [tuple(r[:5]) for r in meta_sheet.iter_rows(values_only=True)]
    assert ("line_id", "column", "cell", "kind", "decimals") in raw


# ---------------------------------------------------------------- print and determinism

def test_print_setup(form):
    number, spec, _, _, sheet = form
    setup = sheet.page_setup
    assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert setup.orientation == ("landscape" if spec.landscape else "portrait")
    assert setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == ("3:4" if spec.value_header else "3:3")
    (area,) = sheet.print_area if isinstance(sheet.print_area, list) else [sheet.print_area]
    assert area.replace("$", "").replace(f"'{sheet.title}'!", "").startswith("A1:")


@pytest.mark.slow
def test_identical_bytes(form):
    number, _, data, _, _ = form
    assert build(number) == data
    script = ("import sys, hashlib; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]);"
              "import test_stats_xlsx as t; print(hashlib.sha256(t.build(int(sys.argv[3]))).hexdigest())")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script, str(ROOT / "src"), str(ROOT / "tests"), str(number)],
                             env=env, capture_output=True, text=True, check=True, cwd=ROOT / "tests")
        assert out.stdout.strip() == hashlib.sha256(data).hexdigest()


def test_sum_of_a_line_with_subs_adds_its_sub_lines_and_cycles_are_refused():
    raw = {"id": "tiny", "title": "测试统计表", "columns": ["甲", "乙"], "groups": [{"name": "组", "lines": [
        {"id": "a", "text": "甲项", "subs": [{"id": "a1", "text": "子一"}, {"id": "a2", "text": "子二"}]},
        {"id": "b", "text": "乙项", "decimals": True},
        {"id": "t", "text": "合计", "sum_of": ["a", "b"]}]}]}
    spec = StatsSpec.model_validate(raw)
    where = {(c.line_id, c.column): c for c in cell_map(spec)}
    total = where["t", 1]
    assert total.kind == "sum" and total.decimals  # a sum of decimals may have decimals
    book = openpyxl.load_workbook(io.BytesIO(stats_workbook(spec, "测试统计表", "柳州市", "2020年", {}, WHEN)))
    formula = book.worksheets[0][total.ref].value
    assert sorted(expand(formula[5:-1])) == sorted(where[k, 1].ref for k in ("a1", "a2", "b"))
    raw["groups"][0]["lines"][1]["sum_of"] = ["t"]
    with pytest.raises(ValueError, match="自身"):
        cell_map(StatsSpec.model_validate(raw))
    raw["groups"][0]["lines"][1]["sum_of"] = ["nowhere"]
    with pytest.raises(ValueError, match="nowhere"):
        cell_map(StatsSpec.model_validate(raw))
