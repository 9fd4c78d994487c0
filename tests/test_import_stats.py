"""planmaker import (issue 13): statistics-form annexes become the campaign's stats-N.yaml, which
build lays out and collect sums, from pasted text (seed 003) and from Word tables alike."""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import ROOT, docx_text, files_of_kind, run_cli
from planmaker.inputs.models import StatsSpec
from planmaker.office.stats_layout import read_metadata
from seed_plans import plans
from test_import import WRITTEN_PLAN, import_file

BUNDLED = ROOT / "templates" / "campaigns" / "medical-abuses-2020"


def fold(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def shape(spec: StatsSpec):
    """What a form is made of, ids and layout choices aside."""
    def entry(x):
        return fold(x.text), x.unit, x.decimals, [entry(s) for s in x.subs]

    return ([fold(h) for h in spec.label_header], fold(spec.value_header), [fold(c) for c in spec.columns],
            spec.show_unit, [(fold(g.name), [entry(line) for line in g.lines]) for g in spec.groups])


def load(path: Path) -> StatsSpec:
    return StatsSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def seed003(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("seed003")
    source = folder / "003.txt"
    source.write_text(plans()["003"], encoding="utf-8")
    result = run_cli("import", source, "-o", folder / "imported")
    assert result.exit_code == 0, result.output
    return import_file(source, folder / "imported", "--force"), result.output


@pytest.mark.slow
def test_seed_003_forms_are_the_bundled_forms(seed003):
    folder, output = seed003
    for number in (1, 2):
        ours, bundled = load(folder / f"stats-{number}.yaml"), load(BUNDLED / f"stats-{number}.yaml")
        assert shape(ours) == shape(bundled)
        assert ours.columns == bundled.columns   # the headers' lines as the seed breaks them (二级以上/公立医疗/机构)
        # the region's name made the jurisdiction's: the seed writes the short name (广西), the bundled
        # campaign the full one (its titles name every place in full, as 仙桃市's must)
        assert ours.title.replace("j.short_name", "j.name") == bundled.title
        assert ours.landscape == bundled.landscape and ours.template == bundled.template
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert campaign["annexes"][2:] == [{"kind": "stats", "source": "stats-1.yaml"},
                                       {"kind": "stats", "source": "stats-2.yaml"}]
    assert not list(folder.glob("附件*（原文）.txt"))
    assert "附件“广西医疗卫生领域突出问题专项整治行动工作量化统计表一”：统计表，4 组 15 行（stats-1.yaml）" in output
    assert "附件“广西医疗卫生领域突出问题专项整治行动工作量化统计表二”：统计表，3 组 41 行（stats-2.yaml）" in output
    assert re.search(r"第\d+行 统计表的“合计”行：要自动求和", output)   # said, not guessed


@pytest.mark.slow
def test_imported_forms_are_built_and_collected(seed003, tmp_path):
    folder, _ = seed003
    out = tmp_path / "out"
    result = run_cli("build", folder / "plan.yaml", "-o", out, "--only", "stats")
    assert result.exit_code == 0, result.output
    documents = sorted(p for p in files_of_kind(out, "stats") if p.suffix == ".docx")
    books = sorted(p for p in files_of_kind(out, "stats") if p.suffix == ".xlsx")
    assert [p.name[:3] for p in documents] == ["附件3", "附件4"] and len(books) == 2
    for number, document, book in zip((1, 2), documents, books):
        spec = load(folder / f"stats-{number}.yaml")
        texts = [x.text for g in spec.groups for line in g.lines for x in [line, *line.subs]]
        # the last row sits in a table of its own with the sign-off lines (docx_render): read it all
        text = docx_text(document)
        assert all(t in text for t in texts), [t for t in texts if t not in text]
        sheet_cells = {str(c.value) for row in openpyxl.load_workbook(book).active.iter_rows() for c in row if c.value}
        assert set(texts) <= sheet_cells
    # two cities fill the blank form in; the region's collect sums them
    inbox = tmp_path / "收到"
    inbox.mkdir()
    want: dict[str, Decimal] = {}
    for k, city in enumerate(["柳州市", "南宁市"], start=1):
        for book in books:
            data, values = _fill(book.read_bytes(), city, k)
            (inbox / f"{city}-{book.name}").write_bytes(data)
            if book == books[1]:
                for ref, value in values.items():
                    want[ref] = want.get(ref, Decimal(0)) + Decimal(str(value))
    summed = tmp_path / "汇总"
    result = run_cli("collect", inbox, "--plan", folder / "plan.yaml", "-o", summed)
    assert result.exit_code in (0, 1), result.output        # 1: the other cities have not reported yet
    assert "柳州市" in result.output and "南宁市" in result.output
    total = openpyxl.load_workbook(next(summed.glob("附件4-*（汇总）.xlsx")))
    meta, cells = read_metadata(total)
    assert set(meta["collected_units"].split("、")) == {"柳州市", "南宁市"}
    sheet = total[meta["sheet"]]
    for cell in cells:
        if cell.kind == "input":
            assert Decimal(str(sheet[cell.ref].value)) == want[cell.ref], cell


def _fill(data: bytes, unit: str, seed: int) -> tuple[bytes, dict[str, object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    meta, cells = read_metadata(book)
    sheet = book[meta["sheet"]]
    values: dict[str, object] = {}
    for n, cell in enumerate(c for c in cells if c.kind == "input"):
        values[cell.ref] = round((n * seed % 7) + 0.25, 2) if cell.decimals else (n + seed) % 5
        sheet[cell.ref] = values[cell.ref]
    sheet["B2"] = unit
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), values


# ---------------------------------------------------------------- a form of its own, in Word

def _word_plan(path: Path, rows: list[list[str]], merges: list[tuple[int, int, int, int]], after: list[str]) -> Path:
    import docx

    document = docx.Document()
    for line in WRITTEN_PLAN.strip().splitlines():
        document.add_paragraph(line)
    document.add_paragraph("附件1")
    document.add_paragraph("荥经县医疗机构收费检查情况统计表")
    document.add_paragraph("填报单位：              2024年  月  日")
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                grid.cell(r, c).text = value
    for r1, c1, r2, c2 in merges:
        grid.cell(r1, c1).merge(grid.cell(r2, c2))
    for line in after:
        document.add_paragraph(line)
    document.save(path)
    return path


# 类别 | 项目 (two columns, the item over both where it has no sub-line) | 数量 over four columns | 单位
FORM_ROWS = [
    ["类别", "项目", "", "数量", "", "", "", "单位"],
    ["", "", "", "县直医院", "乡镇卫生院", "村卫生室", "民营\n机构", ""],   # a header broken by Shift+Enter
    ["检查情况", "检查机构数", "", "", "", "", "", "家"],
    ["", "抽查病历", "", "", "", "", "", "份"],
    ["", "发现问题", "分解收费", "", "", "", "", "起"],
    ["", "", "重复收费", "", "", "", "", "起"],
    ["", "", "", "", "", "", "", ""],                       # an empty row: no figures, no label
    ["处理情况", "退还费用", "", "", "", "", "", "万元"],
    ["", "", "", "", "", "", "", "人"],                     # a unit with no label: said, with its place
    ["", "约谈负责人", "", "", "", "", "", "人"],
]
FORM_MERGES = [(0, 1, 0, 2), (0, 3, 0, 6), (0, 7, 1, 7), (0, 0, 1, 0), (2, 1, 2, 2), (3, 1, 3, 2),
               (2, 0, 5, 0), (4, 1, 5, 1), (7, 0, 9, 0), (7, 1, 7, 2), (9, 1, 9, 2)]


def test_word_statistics_table_becomes_a_form(tmp_path):
    source = _word_plan(tmp_path / "方案.docx", FORM_ROWS, FORM_MERGES,
                        ["填表人：        审核人：        联系电话：", "注：退还费用保留两位小数。"])
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    folder = import_file(source, tmp_path / "imported", "--force")
    spec = load(folder / "stats-1.yaml")
    assert spec.title == "{{ j.name }}医疗机构收费检查情况统计表"
    assert spec.label_header == ["类别", "项目"] and spec.value_header == "数量"
    assert spec.columns == ["县直医院", "乡镇卫生院", "村卫生室", "民营\n机构"] and spec.show_unit and spec.landscape
    assert [(g.name, [(x.text, x.unit, [(s.text, s.unit) for s in x.subs]) for x in g.lines]) for g in spec.groups] == [
        ("检查情况", [("检查机构数", "家", []), ("抽查病历", "份", []),
                      ("发现问题", None, [("分解收费", "起"), ("重复收费", "起")])]),
        ("处理情况", [("退还费用", "万元", []), ("约谈负责人", "人", [])]),
    ]
    assert spec.groups[1].lines[0].decimals
    assert spec.footer == ["填表人：", "审核人：", "联系电话："]
    assert "统计表，2 组 6 行（stats-1.yaml）" in result.output
    assert re.search(r"第\d+行 统计表中一行没有项目文字（人），未收入", result.output)
    assert re.search(r"第\d+行 统计表之后的“注：退还费用保留两位小数。”未收入统计表", result.output)
    out = tmp_path / "out"
    assert run_cli("build", folder / "plan.yaml", "-o", out, "--only", "stats").exit_code == 0
    assert len(files_of_kind(out, "stats")) == 2


def test_a_three_column_form_becomes_a_portrait_form(tmp_path):
    """Three value columns, no unit, no sub-lines: the portrait layout takes them."""
    rows = [["类别", "项目", "应检查", "已检查", "发现问题"],
            ["检查情况", "医院", "", "", ""],
            ["", "卫生院", "", "", ""],
            ["", "诊所", "", "", ""]]
    source = _word_plan(tmp_path / "方案.docx", rows, [(1, 0, 3, 0)], [])
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    folder = import_file(source, tmp_path / "imported", "--force")
    spec = load(folder / "stats-1.yaml")
    assert spec.columns == ["应检查", "已检查", "发现问题"] and not spec.show_unit
    assert spec.template == "stats-simple.docx" and not spec.landscape
    assert [(g.name, [x.text for x in g.lines]) for g in spec.groups] == [("检查情况", ["医院", "卫生院", "诊所"])]
    assert not list(folder.glob("附件*（原文）.txt"))
    out = tmp_path / "out"
    assert run_cli("build", folder / "plan.yaml", "-o", out, "--only", "stats").exit_code == 0
    assert len(files_of_kind(out, "stats")) == 2


def test_a_five_column_form_with_units_turns_the_page(tmp_path):
    """Five value columns and a unit: stats.docx, landscape."""
    rows = [["类别", "项目", "县直医院", "乡镇卫生院", "村卫生室", "民营医院", "诊所", "单位"],
            ["检查情况", "检查机构数", "", "", "", "", "", "家"],
            ["", "发现问题", "", "", "", "", "", "起"],
            ["处理情况", "约谈负责人", "", "", "", "", "", "人"]]
    source = _word_plan(tmp_path / "方案.docx", rows, [(1, 0, 2, 0)], [])
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    folder = import_file(source, tmp_path / "imported", "--force")
    spec = load(folder / "stats-1.yaml")
    assert spec.columns == ["县直医院", "乡镇卫生院", "村卫生室", "民营医院", "诊所"] and spec.show_unit
    assert spec.template == "stats.docx" and spec.landscape
    assert [x.unit for g in spec.groups for x in g.lines] == ["家", "起", "人"]
    out = tmp_path / "out"
    assert run_cli("build", folder / "plan.yaml", "-o", out, "--only", "stats").exit_code == 0


def test_a_form_no_layout_fits_is_kept_as_its_text(tmp_path):
    """Eight value columns: more than any bundled layout prints legibly, so the annex stays as written, and says why."""
    rows = [["类别", "项目", *[f"第{k}类" for k in range(1, 9)]],
            ["检查情况", "医院", *[""] * 8],
            ["", "卫生院", *[""] * 8],
            ["", "诊所", *[""] * 8]]
    source = _word_plan(tmp_path / "方案.docx", rows, [(1, 0, 3, 0)], [])
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    assert "是统计表，但有 8 个数值列，现有版式至多 7 列，原文另存为 附件1（原文）.txt" in result.output
    assert (tmp_path / "imported" / "附件1（原文）.txt").is_file()
    assert not (tmp_path / "imported" / "stats-1.yaml").exists()


def test_a_numbered_list_to_fill_in_is_no_form(tmp_path):
    """序号 | 问题 | 整改措施 | 完成时限, the last cells empty: a ledger, not a form's groups."""
    rows = [["序号", "问题", "整改措施", "完成时限"]] + [[str(k), f"问题{k}", "", ""] for k in range(1, 5)]
    source = _word_plan(tmp_path / "方案.docx", rows, [], [])
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    assert "不是任务分工表、检查表或统计表，原文另存为 附件1（原文）.txt" in result.output
    assert not (tmp_path / "imported" / "stats-1.yaml").exists()


def test_cells_that_cannot_be_placed_are_said_with_their_lines(tmp_path):
    """Pasted as text (a cell a tab-indented line, rows apart): a line before any group, a sub-line
    with no item above it, and a unit with no label are reported, each with its line."""
    def row(*cells):
        return "\n".join("\t" + c for c in cells) + "\n\n"

    form = ("附件1\n\n荥经县收费检查情况统计表\n\n"
            + row("类别", "项目", "", "数量", "单位")
            + row("", "", "", "县直", "乡镇", "村", "民营", "")
            + row("", "无组之行", "　", "　", "　", "　", "起")                # line 7: no group yet
            + row("检查情况", "检查机构数", "　", "　", "　", "　", "家")
            + row("", "", "孤立子项", "　", "　", "　", "　", "起")          # no item with sub-lines above
            + row("", "发现问题", "分解收费", "　", "　", "　", "　", "起")
            + row("", "", "重复收费", "　", "　", "　", "　", "起")
            + row("", "", "　", "　", "　", "　", "人"))                   # a unit, no label
    source = tmp_path / "方案.txt"
    source.write_text(WRITTEN_PLAN + "\n" + form, encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    lines = source.read_text(encoding="utf-8").splitlines()
    where = {text: k for k, text in enumerate(lines, start=1)}
    assert f"第{where[chr(9) + '无组之行']}行 统计表的“无组之行”不知属于哪一组（分组一栏为空），未收入" in result.output
    assert f"第{where[chr(9) + '孤立子项']}行 统计表的子项“孤立子项”之前没有可归属的项目，未收入" in result.output
    assert re.search(r"第\d+行 统计表中一行没有项目文字（人），未收入", result.output)
    spec = load(tmp_path / "imported" / "stats-1.yaml")
    assert [(x.text, [s.text for s in x.subs]) for x in spec.groups[0].lines] == \
        [("检查机构数", []), ("发现问题", ["分解收费", "重复收费"])]
    assert spec.columns == ["县直", "乡镇", "村", "民营"]
