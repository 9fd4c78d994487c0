"""Statistics forms of any number of value columns, within what each layout prints legibly:
the .docx table's header spans them, its grid keeps the label columns' widths and shares
the rest among them, and collect sums the filled .xlsx forms of any width."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from docx.oxml.ns import qn
from docx.shared import Mm

from conftest import ROOT, files_of_kind, run_cli, write_plan
from planmaker.office import gbt9704 as gb
from planmaker.office.stats_layout import read_metadata
from planmaker.plan.annexes import TEMPLATE_COLUMNS

BUNDLED = ROOT / "templates" / "campaigns" / "medical-abuses-2020"
PLAN = """\
profile: guangxi
campaign: medical-abuses-2020
dates:
  start: 2020-09
  end: 2020-12
  report: 2020-12-05
"""
NAMES = ["二级以上公立医疗机构", "其他类型公立医疗机构", "二级以上社会办医疗机构", "其他社会办医疗机构", "村卫生室",
         "个体诊所", "民营体检机构", "医学检验实验室"]


def campaign_with(tmp_path: Path, simple: int, full: int) -> tuple[Path, Path]:
    """The bundled campaign, its form one (stats-simple.docx) and form two (stats.docx) with
    ``simple`` and ``full`` value columns; (the plan, the campaigns folder)."""
    campaigns = tmp_path / "campaigns"
    folder = campaigns / "medical-abuses-2020"
    shutil.copytree(BUNDLED, folder)
    for number, count in ((1, simple), (2, full)):
        path = folder / f"stats-{number}.yaml"
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec["columns"] = NAMES[:count]
        spec.pop("rules", None)  # they name the bundled columns (check refuses rules naming columns a form lacks)
        path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return write_plan(tmp_path / "plan", PLAN), campaigns


def build(tmp_path: Path, simple: int, full: int) -> tuple[Path, Path, Path]:
    plan, campaigns = campaign_with(tmp_path, simple, full)
    out = tmp_path / "out"
    result = run_cli("build", plan, "--campaigns", campaigns, "-o", out, "--only", "stats")
    assert result.exit_code == 0, result.output
    return plan, campaigns, out


def _span(tc) -> int:
    span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(span.get(qn("w:val"))) if span is not None else 1


def _rows(table) -> list:
    """Every row, the last ones too (they stand in a table of their own, kept with the sign-off lines)."""
    rows = table._tbl.findall(qn("w:tr"))
    inner = rows[-1].find(f"{qn('w:tc')}/{qn('w:tbl')}")
    return rows[:-1] + inner.findall(qn("w:tr")) if inner is not None else rows


def check_table(path: Path, template: str, count: int) -> None:
    """The header spans the value columns; every row fills the grid; the grid is the layout's."""
    table = docx.Document(str(path)).tables[0]
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
    labels = gb.STATS_LABEL_COLUMNS_MM[template]
    unit = [gb.STATS_UNIT_COLUMN_MM[template]] if template == "stats.docx" else []
    assert len(grid) == len(labels) + count + len(unit)
    assert grid[:len(labels)] == [Mm(w).twips for w in labels]
    assert grid[len(grid) - len(unit):] == [Mm(w).twips for w in unit]
    assert abs(sum(grid) - Mm(gb.STATS_TABLE_MM[template]).twips) <= count   # rounding, a twip a column
    rows = _rows(table)
    for row in rows:
        cells = row.findall(qn("w:tc"))
        assert sum(_span(tc) for tc in cells) == len(grid)
        column = 0
        for tc in cells:
            width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            assert int(width.get(qn("w:w"))) == sum(grid[column:column + _span(tc)])
            column += _span(tc)
    texts = [["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in row.findall(qn("w:tc"))] for row in rows]
    if template == "stats.docx":
        header = rows[0].findall(qn("w:tc"))
        assert texts[0][2] == "数量" and _span(header[2]) == count
        assert texts[1][2:2 + count] == NAMES[:count]
    else:
        assert texts[0][1:] == NAMES[:count]


@pytest.mark.slow
@pytest.mark.parametrize("simple, full", [(1, 3), (3, 6), (2, 7)])
def test_forms_of_any_width_are_laid_out(tmp_path, simple, full):
    _, _, out = build(tmp_path, simple, full)
    documents = sorted(p for p in files_of_kind(out, "stats") if p.suffix == ".docx")
    check_table(documents[0], "stats-simple.docx", simple)
    check_table(documents[1], "stats.docx", full)


def test_the_layouts_hold_as_many_columns_as_print_legibly():
    for template, most in TEMPLATE_COLUMNS.items():
        assert most == gb.max_stats_columns(template)
        assert gb.stats_columns_mm(template, most)[len(gb.STATS_LABEL_COLUMNS_MM[template])] >= gb.MIN_VALUE_COLUMN_MM
    assert sum(gb.stats_columns_mm("stats.docx", 4)) == 234 and gb.stats_columns_mm("stats.docx", 4)[3] == 26
    assert gb.stats_columns_mm("stats-simple.docx", 2) == [36, 68, 26, 26]


def test_too_many_columns_are_refused_with_file_line_and_field(tmp_path):
    plan, campaigns = campaign_with(tmp_path, 4, 8)
    result = run_cli("check", plan, "--campaigns", campaigns)
    assert result.exit_code != 0
    folder = campaigns / "medical-abuses-2020"

    def line(number: int) -> int:
        text = (folder / f"stats-{number}.yaml").read_text(encoding="utf-8")
        return text.splitlines().index(next(x for x in text.splitlines() if x.startswith("columns:"))) + 1

    assert (f"stats-1.yaml，第{line(1)}行，字段 columns：模板 stats-simple.docx 可容纳 1 至 3 个数值列，"
            "columns 却有 4 个，请改用 stats.docx") in result.output
    assert (f"stats-2.yaml，第{line(2)}行，字段 columns：模板 stats.docx 可容纳 1 至 7 个数值列，"
            "columns 却有 8 个，请拆成两张表或减少数值列") in result.output


def _fill(data: bytes, unit: str, seed: int) -> tuple[bytes, dict[str, int]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    meta, cells = read_metadata(book)
    sheet = book[meta["sheet"]]
    values = {}
    for n, cell in enumerate(c for c in cells if c.kind == "input"):
        values[cell.ref] = (n * seed) % 9 + 1
        sheet[cell.ref] = values[cell.ref]
    sheet["B2"] = unit
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), values


@pytest.mark.slow
@pytest.mark.parametrize("simple, full", [(1, 3), (3, 6)])
def test_forms_of_any_width_are_collected(tmp_path, simple, full):
    plan, campaigns, out = build(tmp_path, simple, full)
    books = sorted(p for p in files_of_kind(out, "stats") if p.suffix == ".xlsx")
    inbox = tmp_path / "收到"
    inbox.mkdir()
    want: list[dict[str, Decimal]] = [{}, {}]
    for seed, city in enumerate(["柳州市", "南宁市"], start=2):
        for number, book in enumerate(books):
            data, values = _fill(book.read_bytes(), city, seed)
            (inbox / f"{city}-{book.name}").write_bytes(data)
            for ref, value in values.items():
                want[number][ref] = want[number].get(ref, Decimal(0)) + value
    summed = tmp_path / "汇总"
    result = run_cli("collect", inbox, "--plan", plan, "--campaigns", campaigns, "-o", summed)
    assert result.exit_code in (0, 1), result.output        # 1: the other cities have not reported yet
    for number, (template, count) in enumerate((("stats-simple.docx", simple), ("stats.docx", full))):
        total = openpyxl.load_workbook(next(summed.glob(f"附件{number + 3}-*（汇总）.xlsx")))
        meta, cells = read_metadata(total)
        sheet = total[meta["sheet"]]
        inputs = [c for c in cells if c.kind == "input"]
        assert {c.column for c in inputs} == set(range(count))
        for cell in inputs:
            assert Decimal(str(sheet[cell.ref].value)) == want[number][cell.ref], cell
        document = next(summed.glob(f"附件{number + 3}-*（汇总）.docx"))
        check_table(document, template, count)
        first = inputs[0].line_id
        figures = {c.column: want[number][c.ref] for c in inputs if c.line_id == first}
        row = docx.Document(str(document)).tables[0].rows[2 if template == "stats.docx" else 1]
        start = 3 if template == "stats.docx" else 2
        assert [c.text for c in row.cells[start:start + count]] == [str(figures[k]) for k in range(count)]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="needs LibreOffice and poppler-utils")
def test_forms_of_any_width_print_whole(tmp_path):
    """The narrowest and the widest forms each layout takes, printed: no character lost, the
    header repeated on every page, the workbook within the page (tests/pagecheck.py)."""
    import pagecheck

    sources = []
    for simple, full in ((1, 3), (3, 7)):
        _, _, out = build(tmp_path / f"{simple}-{full}", simple, full)
        sources += sorted(files_of_kind(out, "stats"))
    pdfs = pagecheck.convert(sources, tmp_path / "printed")
    found = {f"{source.parent.parent.name}/{source.name}": pagecheck.faults(source, pdf)
             for source, pdf in pdfs.items()}
    assert found == {name: [] for name in found}
