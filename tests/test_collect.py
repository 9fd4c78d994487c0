"""`planmaker collect`: the counties' filled statistics forms summed for 柳州市, and
every fault reported with file, sheet and cell (never summed silently).

Forms are filled as a clerk would: with openpyxl (formulas not recalculated: no
cached values) and with LibreOffice (headless round-trip: LibreOffice's own cached
values, sheet states and boolean cells)."""

from __future__ import annotations

import functools
import io
import random
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import EXAMPLES, convert, manifest, run_cli, session_folder, write_plan
from planmaker.collect.run import REPORT_FILE, _forms
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.divisions import national
from planmaker.kinds.making import document_time
from planmaker.kinds.stats import stats_xlsx
from planmaker.office import xlsx_read as xr
from planmaker.office.stats_layout import META_SHEET, read_metadata
from planmaker.plan.resolve import resolve
from stats_fill import consistent

# the counties' filled forms are made once (functools.cache), on one worker
pytestmark = pytest.mark.xdist_group("collect")
COUNTIES = ["chengzhong", "liubei", "liucheng", "liujiang", "liunan", "luzhai", "rongan", "rongshui",
            "sanjiang", "yufeng"]
PLAN = """\
profile: {profile}
campaign: medical-abuses-2020
dates:
  start: {start}
  end: {end}
  report: {report}
"""


@functools.cache
def plans_dir() -> Path:
    """The plan files the helpers below write, in a folder pytest owns and clears."""
    return session_folder("collect-plans")


def plan_for(profile: str, start: str = "2020-09", end: str = "2020-12", report: str = "2020-11-27") -> Path:
    return write_plan(plans_dir() / f"{profile}-{start}", PLAN.format(profile=profile, start=start, end=end,
                                                                        report=report))


@functools.cache
def blank(profile: str, form: str, start: str = "2020-09", end: str = "2020-12") -> bytes:
    """The blank form a plan for this profile builds (as `planmaker build` writes it)."""
    resolved = resolve(plan_for(profile, start, end), Catalog())
    for f in _forms(resolved):
        if f.form_id == form:
            return stats_xlsx(resolved, f.annex, document_time(resolved))
    raise KeyError(form)


def values_for(profile: str, form: str) -> dict[str, object]:
    """Deterministic figures per county: whole numbers, and 万元 with two decimals."""
    return dict(_values_for(profile, form))


@functools.cache
def _values_for(profile: str, form: str) -> dict[str, object]:
    book = openpyxl.load_workbook(io.BytesIO(blank(profile, form)))
    _, cells = read_metadata(book)
    rng = random.Random(f"{profile}/{form}")
    values = {c.ref: (round(rng.randint(0, 900) / 100, 2) if c.decimals else rng.randint(0, 9))
              for c in cells if c.kind == "input"}
    [checks] = [f.checks for f in _forms(resolve(plan_for(profile), Catalog())) if f.form_id == form]
    return consistent(checks, values, set(values))


def fill(data: bytes, values: dict[str, object], *, unprotect: bool = False, meta: dict[str, str] | None = None) -> bytes:
    """Fill input cells with openpyxl (as a script or a careless clerk would)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    found, _ = read_metadata(book)
    sheet = book[found["sheet"]]
    if unprotect:
        sheet.protection.sheet = False
    for ref, value in values.items():
        sheet[ref] = value
    if meta:
        hidden = book[META_SHEET]
        for row in hidden.iter_rows(min_col=1, max_col=2):
            if row[0].value in meta:
                row[1].value = meta[row[0].value]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filled(profile: str, form: str, **changes) -> bytes:
    if not changes:
        return _filled(profile, form)
    return fill(blank(profile, form), {**values_for(profile, form), **changes})


@functools.cache
def _filled(profile: str, form: str) -> bytes:
    return fill(blank(profile, form), values_for(profile, form))


def put(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def all_counties(folder: Path, skip: tuple[str, ...] = ()) -> Path:
    for county in COUNTIES:
        for form in ("form1", "form2"):
            if f"{county}-{form}" not in skip:
                put(folder, f"{county}-{form}.xlsx", filled(county, form))
    return folder


def expected_sum(form: str, counties=COUNTIES) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for county in counties:
        for ref, value in values_for(county, form).items():
            total[ref] = total.get(ref, Decimal(0)) + Decimal(str(value))
    return total


@pytest.fixture(scope="module")
def liuzhou_plan() -> Path:
    return plan_for("liuzhou", report="2020-12-04")


def run_collect(*inputs, plan: Path, out: Path):
    return run_cli("collect", *inputs, "--plan", plan, "-o", out)


def summed_book(out: Path, number: str):
    path = next(out.glob(f"附件*统计表{number}（汇总）.xlsx"))
    return openpyxl.load_workbook(path)


def report(out: Path) -> str:
    return (out / REPORT_FILE).read_text(encoding="utf-8")


# ---------------------------------------------------------------- a clean collection

@pytest.mark.slow
def test_clean_collection_sums_every_county(tmp_path, liuzhou_plan):
    inbox = all_counties(tmp_path / "收到")
    out = tmp_path / "汇总"
    result = run_collect(inbox, plan=liuzhou_plan, out=out)
    assert result.exit_code == 0, result.output
    assert "结论：全部下级均已报送，未发现问题，汇总完整。" in result.output
    text = report(out)
    assert text in result.output  # the terminal shows the report file
    for county in ("城中区", "融安县", "三江侗族自治县", "鱼峰区"):
        assert text.count(county) == 2  # once per form in the list of included files
    assert str(inbox / "rongan-form2.xlsx") in text

    for number, form in (("一", "form1"), ("二", "form2")):
        book = summed_book(out, number)
        meta, cells = read_metadata(book)
        assert meta["jurisdiction"] == "柳州市" and meta["jurisdiction_id"] == "liuzhou"
        assert meta["form_id"] == form and meta["complete"] == "yes" and meta["collected_files"] == "10"
        assert meta["collected_units"].split("、")[0] == "城中区"
        sheet = book[meta["sheet"]]
        assert sheet["A2"].value.startswith("填报单位：柳州市")
        want = expected_sum(form)
        for cell in cells:
            if cell.kind == "input":
                assert Decimal(str(sheet[cell.ref].value)) == want[cell.ref], cell
            else:
                assert str(sheet[cell.ref].value).startswith("=SUM(")  # the form's own 合计 formulas
        assert sheet.protection.sheet  # the same protected form, ready for the next level

    entries = manifest(out)
    assert entries["command"] == "collect" and entries["complete"] is True
    sources = [e for e in entries["files"] if e["path"].endswith(".xlsx")][1]["sources"]
    assert len(sources) == 10 and all(s.endswith("form2.xlsx") for s in sources)


def test_summed_docx_carries_the_numbers(tmp_path, liuzhou_plan):
    out = tmp_path / "汇总"
    assert run_collect(all_counties(tmp_path / "in"), plan=liuzhou_plan, out=out).exit_code == 0
    document = docx.Document(str(next(out.glob("附件4-*统计表二（汇总）.docx"))))
    table = document.tables[0]
    want = expected_sum("form2")
    first = [c.text for c in table.rows[2].cells]
    assert first[1].startswith("医师出租") and first[3:7] == [str(int(want[f"{c}5"])) for c in "DEFG"]
    # the last rows stand in a table of their own, kept with the sign-off lines, and an item's rows
    # in one of their own beside the group's cell, kept on one page
    rows = []
    for row in list(table.rows)[:-1] + list(table.rows[-1].cells[0].tables[0].rows):
        cells = row.cells
        if cells[-1].tables:
            left = [c.text for c in cells if not c.tables]
            rows += [left + [c.text for c in inner.cells] for inner in cells[-1].tables[0].rows]
        else:
            rows.append([c.text for c in cells])
    penalized = next(r for r in rows if r[2] == "行政处罚")  # 合计 row, computed
    parts = [r for r in rows if r[1] in ("吊销执业证书", "暂停执业")]
    assert parts and int(penalized[3]) == sum(int(r[3]) for r in parts)
    fines = next(r for r in rows if r[1] == "罚款总额度")
    assert Decimal(fines[3]) == want["D36"].normalize()
    assert "柳州市" in "".join(p.text for p in document.paragraphs)


def test_the_summed_form_is_collected_one_level_up(tmp_path, liuzhou_plan):
    city = tmp_path / "柳州汇总"
    assert run_collect(all_counties(tmp_path / "in"), plan=liuzhou_plan, out=city).exit_code == 0
    region = tmp_path / "广西汇总"
    result = run_collect(city, plan=EXAMPLES / "guangxi-2020" / "plan.yaml", out=region)
    # 广西's cities are every prefecture-level unit of the national table: only 柳州市 has reported
    assert result.exit_code == 1, result.output
    others = [d.name for d in national().children("450000") if d.name != "柳州市"]
    assert len(others) == 13 and all(name in report(region) for name in others)
    meta, cells = read_metadata(summed_book(region, "二"))
    assert meta["jurisdiction"] == "广西壮族自治区" and meta["collected_units"] == "柳州市"
    sheet = summed_book(region, "二")["统计表二"]
    want = expected_sum("form2")
    assert all(Decimal(str(sheet[c.ref].value)) == want[c.ref] for c in cells if c.kind == "input")
    # the .docx and report beside the city's forms are not forms: skipped and listed, not errors
    assert "已跳过的非表格文件" in report(region) and REPORT_FILE in report(region)


@pytest.mark.slow
def test_same_input_same_bytes(tmp_path, liuzhou_plan):
    inbox = all_counties(tmp_path / "in")
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert run_collect(inbox, plan=liuzhou_plan, out=out).exit_code == 0
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


# ---------------------------------------------------------------- faults

def test_missing_county_is_reported(tmp_path, liuzhou_plan):
    inbox = all_counties(tmp_path / "in", skip=("sanjiang-form2", "rongan-form1", "rongan-form2"))
    out = tmp_path / "out"
    result = run_collect(inbox, plan=liuzhou_plan, out=out)
    assert result.exit_code == 1
    text = report(out)
    assert "一、未报送的下级单位（3）" in text
    assert "统计表一：融安县" in text and "统计表二：融安县、三江侗族自治县" in text
    assert "结论：有问题，汇总不完整" in text
    meta, cells = read_metadata(summed_book(out, "二"))
    assert meta["complete"] == "no" and meta["collected_files"] == "8"
    sheet = summed_book(out, "二")["统计表二"]
    want = expected_sum("form2", [c for c in COUNTIES if c not in ("rongan", "sanjiang")])
    assert all(Decimal(str(sheet[c.ref].value)) == want[c.ref] for c in cells if c.kind == "input")


def test_bad_cells_are_reported_with_file_sheet_and_cell(tmp_path, liuzhou_plan):
    inbox = all_counties(tmp_path / "in", skip=("rongan-form2", "luzhai-form1"))
    put(inbox, "rongan-form2.xlsx", filled("rongan", "form2", D5="abc", E5="12", F5=-1, G5=1.5, D6=True,
                                           E6="=1/0", D36=1.25))
    put(inbox, "luzhai-form1.xlsx", filled("luzhai", "form1", C4=2.5))
    out = tmp_path / "out"
    result = run_collect(inbox, plan=liuzhou_plan, out=out)
    assert result.exit_code == 1
    text = report(out)
    rongan = str(inbox / "rongan-form2.xlsx")
    assert f"{rongan}［统计表二!D5］：医师出租、出借、转让《医师执业证书》（挂证）／二级以上公立医疗机构：" \
           "不是数字，而是文字 “abc”" in text
    assert f"{rongan}［统计表二!E5］" in text and "文字 “12”" in text  # a number typed as text is not guessed
    assert f"{rongan}［统计表二!F5］" in text and "-1 是负数" in text
    assert f"{rongan}［统计表二!G5］" in text and "1.5 不是整数" in text
    assert f"{rongan}［统计表二!D6］" in text and "逻辑值 TRUE" in text
    assert f"{rongan}［统计表二!E6］" in text and "没有计算结果" in text  # openpyxl wrote a formula, no value
    assert "统计表二!D36" not in text  # 万元 takes decimals
    assert f"{inbox / 'luzhai-form1.xlsx'}［统计表一!C4］" in text and "2.5 不是整数" in text
    assert "三、填写有误的单元格（7）" in text
    excluded = text[text.index("未计入汇总的下级报表"):text.index("计入汇总的文件")]
    assert "融安县" in excluded and "鹿寨县" in excluded
    # neither file is summed, and neither county counts as not having submitted
    assert "未报送的下级单位（0）" in text
    meta, cells = read_metadata(summed_book(out, "二"))
    assert "融安县" not in meta["collected_units"] and meta["collected_files"] == "9"
    sheet = summed_book(out, "二")["统计表二"]
    want = expected_sum("form2", [c for c in COUNTIES if c != "rongan"])
    assert all(Decimal(str(sheet[c.ref].value)) == want[c.ref] for c in cells if c.kind == "input")


def test_blank_cells_count_as_zero_but_an_empty_form_is_reported(tmp_path, liuzhou_plan):
    inbox = all_counties(tmp_path / "in", skip=("rongan-form1", "liubei-form1"))
    values = values_for("rongan", "form1")
    values.pop("C4"), values.pop("D4")
    put(inbox, "rongan-form1.xlsx", fill(blank("rongan", "form1"), values))
    put(inbox, "liubei-form1.xlsx", blank("liubei", "form1"))
    out = tmp_path / "out"
    assert run_collect(inbox, plan=liuzhou_plan, out=out).exit_code == 1
    text = report(out)
    assert "融安县　" in text and "（2 个空白单元格按 0 计）" in text
    assert f"{inbox / 'liubei-form1.xlsx'}［统计表一］：整张表没有填写任何数字" in text


def test_totals_that_disagree_with_their_parts(tmp_path, liuzhou_plan):
    inbox = all_counties(tmp_path / "in", skip=("rongan-form2", "liujiang-form2", "yufeng-form2"))
    values = values_for("rongan", "form2")
    # A clerk unprotected the sheet and typed over the 合计 cells.
    correct = sum(values[f"D{r}"] for r in (37, 38, 39, 40))
    put(inbox, "rongan-form2.xlsx", fill(blank("rongan", "form2"), {**values, "D44": correct + 1, "E44": None},
                                         unprotect=True))
    put(inbox, "liujiang-form2.xlsx", fill(blank("liujiang", "form2"),
                                           {**values_for("liujiang", "form2"), "D45": "=SUM(D46:D47)"}, unprotect=True))
    yufeng = values_for("yufeng", "form2")
    put(inbox, "yufeng-form2.xlsx", fill(blank("yufeng", "form2"),
                                         {**yufeng, "D44": sum(yufeng[f"D{r}"] for r in (37, 38, 39, 40))},
                                         unprotect=True))
    out = tmp_path / "out"
    assert run_collect(inbox, plan=liuzhou_plan, out=out).exit_code == 1
    text = report(out)
    rongan = str(inbox / "rongan-form2.xlsx")
    assert f"{rongan}［统计表二!D44］：合计·行政处罚／二级以上公立医疗机构：合计为 {correct + 1}，各分项之和为 {correct}" in text
    e_parts = sum(values[f"E{r}"] for r in (37, 38, 39, 40))
    if e_parts:
        assert f"{rongan}［统计表二!E44］" in text and "公式被删除" in text
    assert f"{inbox / 'liujiang-form2.xlsx'}［统计表二!D45］" in text and "合计公式被改为 “=SUM(D46:D47)”" in text
    assert "yufeng-form2" not in text.split("四、合计与分项不符")[1].split("五、")[0]  # a right number is a right total
    meta, _ = read_metadata(summed_book(out, "二"))
    assert meta["collected_files"] == "8" and "鱼峰区" in meta["collected_units"]


@pytest.mark.slow
def test_the_form_sent_down_is_filled_and_summed(tmp_path, liuzhou_plan):
    """The city's blank form goes to each county, which writes its name in 填报单位
    (full or short) and its figures; the city's collect sums them all."""
    names = {"chengzhong": "城中区", "rongan": "融安", "sanjiang": " 三江侗族自治县（盖章）"}
    inbox = tmp_path / "收到"
    for county in COUNTIES:
        for form in ("form1", "form2"):
            unit = names.get(county) or resolve(plan_for(county), Catalog()).jurisdiction.name
            put(inbox, f"{county}-{form}.xlsx", fill(blank("liuzhou", form), {**values_for(county, form), "B2": unit}))
    out = tmp_path / "汇总"
    result = run_collect(inbox, plan=liuzhou_plan, out=out)
    assert result.exit_code == 0, result.output
    meta, cells = read_metadata(summed_book(out, "二"))
    sheet = summed_book(out, "二")[meta["sheet"]]
    want = expected_sum("form2")
    assert all(Decimal(str(sheet[c.ref].value)) == want[c.ref] for c in cells if c.kind == "input")
    # a name that is not a county of the city's is refused, and so is a form nobody signed
    other = tmp_path / "其他"
    put(other, "错名.xlsx", fill(blank("liuzhou", "form1"), {**values_for("rongan", "form1"), "B2": "雨城区"}))
    result = run_collect(inbox, other, plan=liuzhou_plan, out=tmp_path / "汇总2")
    assert result.exit_code == 1 and "填报单位 “雨城区” 不是柳州市的下级单位" in result.output


def test_a_blank_form_leaves_the_reporting_unit_to_be_written(tmp_path):
    from planmaker.kinds.stats import reporting_unit
    book = openpyxl.load_workbook(io.BytesIO(blank("liuzhou", "form1")))
    meta, _ = read_metadata(book)
    sheet = book[meta["sheet"]]
    assert sheet["A2"].value == "填报单位：" and sheet["B2"].value is None
    assert sheet["B2"].protection.locked is False  # the one header cell the county writes in
    assert meta["jurisdiction_id"] == "" and meta["issuer_id"] == "liuzhou"
    city, province = (resolve(plan_for(p), Catalog()) for p in ("liuzhou", "guangxi"))
    assert reporting_unit(city, summed=False) == "_" * 12 + "县区"  # 各县区 → ____县区
    assert reporting_unit(province, summed=False) == "_" * 12 + "市"  # as the seed's “______市”
    assert reporting_unit(city, summed=True) == "柳州市"


@pytest.mark.slow
def test_files_that_do_not_belong(tmp_path, liuzhou_plan):
    inbox = all_counties(tmp_path / "in")
    other = tmp_path / "其他"
    plain = openpyxl.Workbook()
    plain.active["A1"] = 3
    buffer = io.BytesIO()
    plain.save(buffer)
    put(other, "普通表格.xlsx", buffer.getvalue())
    put(other, "坏文件.xlsx", b"PK\x03\x04 not really a zip")
    put(other, "旧格式.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    put(other, "另一专项.xlsx", filled("rongan", "form1") and fill(filled("rongan", "form1"), {},
                                                                   meta={"campaign": "unreasonable-exams"}))
    put(other, "另一张表.xlsx", fill(filled("rongan", "form1"), {}, meta={"form_id": "form9"}))
    put(other, "另一版本.xlsx", fill(filled("rongan", "form1"), {}, meta={"template_version": "0000"}))
    put(other, "另一时段.xlsx", fill(blank("rongan", "form1", "2021-01", "2021-04"), values_for("rongan", "form1")))
    put(other, "雨城区.xlsx", fill(blank("yucheng", "form1"), values_for("rongan", "form1")))
    put(other, "柳州市本级.xlsx", fill(blank("liuzhou", "form1"), values_for("rongan", "form1")))
    put(other, "说明.docx", b"not a form")
    out = tmp_path / "out"
    result = run_collect(inbox, other, plan=liuzhou_plan, out=out)
    assert result.exit_code == 1
    text = report(out)
    section = text.split("二、不是本次统计表的文件（9）")[1].split("三、")[0]
    expect = {
        "普通表格.xlsx": "不是 planmaker 生成的统计表",
        "坏文件.xlsx": "不是有效的 .xlsx 文件",
        "旧格式.xls": "另存为 .xlsx",
        "另一专项.xlsx": "属于另一专项 “unreasonable-exams”",
        "另一张表.xlsx": "是统计表 “form9”，本专项没有此表",
        "另一版本.xlsx": "由另一版本的专项模板生成",
        "另一时段.xlsx": "统计时段为 “2021-01/2021-04”，本级为 “2020-09/2020-12”",
        "雨城区.xlsx": "填报单位 “雨城区” 不是柳州市的下级单位",
        "柳州市本级.xlsx": "没有填写填报单位（统计表一!B2）",
    }
    for name, message in expect.items():
        line = next(line for line in section.splitlines() if f"{other / name}：" in line)
        assert message in line, line
    assert str(other / "说明.docx") in text.split("已跳过的非表格文件")[1]
    meta, _ = read_metadata(summed_book(out, "一"))
    assert meta["collected_files"] == "10"  # the ten counties, nothing else


def test_a_form_whose_rows_were_moved_is_not_summed(tmp_path, liuzhou_plan):
    """Numbers are found by position: a clerk who unprotects the sheet and inserts a row
    shifts every figure below it, so the file is refused rather than summed wrongly."""
    inbox = all_counties(tmp_path / "in", skip=("rongan-form2",))
    book = openpyxl.load_workbook(io.BytesIO(filled("rongan", "form2")))
    sheet = book["统计表二"]
    sheet.protection.sheet = False
    sheet.insert_rows(10)
    buffer = io.BytesIO()
    book.save(buffer)
    put(inbox, "rongan-form2.xlsx", buffer.getvalue())
    out = tmp_path / "out"
    assert run_collect(inbox, plan=liuzhou_plan, out=out).exit_code == 1
    text = report(out)
    line = next(line for line in text.splitlines() if "rongan-form2.xlsx" in line and "行列" in line)
    assert "统计表二!B10 应为 “违规开展禁止类技术”，实为 “”" in line and "无法按位置汇总" in line
    assert "统计表二：融安县" in text  # no usable form two from 融安县
    assert "融安县" not in read_metadata(summed_book(out, "二"))[0]["collected_units"]


def test_a_county_that_submitted_twice(tmp_path, liuzhou_plan):
    inbox = all_counties(tmp_path / "in")
    put(tmp_path / "in" / "重发", "融安县-统计表一.xlsx", filled("rongan", "form1"))  # same figures again
    put(tmp_path / "in" / "重发", "融安县-统计表二.xlsx", filled("rongan", "form2", D5=99))  # changed figures
    out = tmp_path / "out"
    assert run_collect(inbox, plan=liuzhou_plan, out=out).exit_code == 1
    text = report(out)
    section = text.split("五、重复报送（2）")[1].split("六、")[0]
    assert "融安县的柳州市医疗卫生领域突出问题专项整治行动工作量化统计表一报送了 2 份" in section
    assert "各份数字相同，只计入一份" in section
    assert "各份数字不同，均未计入汇总" in section
    assert str(inbox / "重发" / "融安县-统计表二.xlsx") in section and str(inbox / "rongan-form2.xlsx") in section
    assert "融安县" in read_metadata(summed_book(out, "一"))[0]["collected_units"]
    assert "融安县" not in read_metadata(summed_book(out, "二"))[0]["collected_units"]


# ---------------------------------------------------------------- LibreOffice

@pytest.fixture(scope="module")
def roundtripped(tmp_path_factory, libreoffice):
    """Forms filled with openpyxl, then opened and saved by LibreOffice (recalculated)."""
    binary = libreoffice
    work = tmp_path_factory.mktemp("lo")
    sources = [put(work / "openpyxl", f"{c}-{f}.xlsx", filled(c, f)) for c in COUNTIES for f in ("form1", "form2")
               if c != "rongan"]
    values = values_for("rongan", "form2")
    sources.append(put(work / "openpyxl", "rongan-form2.xlsx",
                       fill(blank("rongan", "form2"), {**values, "D5": "=2+3", "D44": 1000}, unprotect=True)))
    sources.append(put(work / "openpyxl", "rongan-form1.xlsx", filled("rongan", "form1", C5="七")))
    convert(binary, sources, work / "lo", fmt="xlsx")
    return work / "lo"


@pytest.mark.slow
def test_libreoffice_keeps_the_metadata(roundtripped):
    book = xr.Workbook((roundtripped / "liubei-form2.xlsx").read_bytes())
    assert dict(book.sheets)[META_SHEET] in ("hidden", "veryHidden")  # LibreOffice writes veryHidden as hidden
    meta = xr.read_key_values(book.cells(META_SHEET))
    # a blank form built by liubei's plan: filled by whoever writes in 填报单位, issued by liubei
    assert meta["issuer_id"] == "liubei" and meta["jurisdiction_id"] == "" and meta["form_id"] == "form2"
    cells = book.cells("统计表二")
    assert cells["D44"].formula == "SUM(D37:D40)" and cells["D44"].kind == "n"  # recalculated: value cached
    _, expected = read_metadata(openpyxl.load_workbook(roundtripped / "liubei-form2.xlsx"))
    assert len(expected) == 164


def test_libreoffice_filled_forms_are_collected(tmp_path, roundtripped, liuzhou_plan):
    out = tmp_path / "out"
    result = run_collect(roundtripped, plan=liuzhou_plan, out=out)
    assert result.exit_code == 1
    text = report(out)
    rongan2, rongan1 = roundtripped / "rongan-form2.xlsx", roundtripped / "rongan-form1.xlsx"
    correct = sum(values_for("rongan", "form2")[f"D{r}"] for r in (37, 38, 39, 40))
    assert f"{rongan2}［统计表二!D44］" in text and f"合计为 1000，各分项之和为 {correct}" in text
    assert "统计表二!D5" not in text  # =2+3 was calculated by LibreOffice: 5 is a number
    assert f"{rongan1}［统计表一!C5］" in text and "文字 “七”" in text
    assert "三、填写有误的单元格（1）" in text and "四、合计与分项不符（1）" in text
    for number, form in (("一", "form1"), ("二", "form2")):
        meta, cells = read_metadata(summed_book(out, number))
        assert meta["collected_files"] == "9"
        sheet = summed_book(out, number)[meta["sheet"]]
        want = expected_sum(form, [c for c in COUNTIES if c != "rongan"])
        assert all(Decimal(str(sheet[c.ref].value)) == want[c.ref] for c in cells if c.kind == "input")


def test_libreoffice_and_openpyxl_forms_mixed(tmp_path, roundtripped, liuzhou_plan):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for county in COUNTIES:
        for form in ("form1", "form2"):
            if county == "rongan":
                put(inbox, f"{county}-{form}.xlsx", filled(county, form))
            else:
                shutil.copy(roundtripped / f"{county}-{form}.xlsx", inbox / f"{county}-{form}.xlsx")
    out = tmp_path / "out"
    result = run_collect(inbox, plan=liuzhou_plan, out=out)
    assert result.exit_code == 0, result.output
    meta, cells = read_metadata(summed_book(out, "二"))
    sheet = summed_book(out, "二")["统计表二"]
    want = expected_sum("form2")
    assert all(Decimal(str(sheet[c.ref].value)) == want[c.ref] for c in cells if c.kind == "input")


# ---------------------------------------------------------------- command line

def test_bad_input_exits_2_and_writes_nothing(tmp_path, liuzhou_plan):
    out = tmp_path / "out"
    result = run_collect(tmp_path / "不存在", plan=liuzhou_plan, out=out)
    assert result.exit_code == 2 and "找不到" in result.output and not out.exists()
    result = run_collect(tmp_path, plan=tmp_path / "无此方案.yaml", out=out)
    assert result.exit_code == 2 and not out.exists()
    result = run_collect(tmp_path, plan=EXAMPLES / "liuzhou-2021" / "plan.yaml", out=out)
    assert result.exit_code == 2 and "没有统计表" in result.output and not out.exists()


def test_help_is_chinese():
    result = run_cli("collect", "--help")
    assert result.exit_code == 0
    assert "汇总下级报送的统计表" in result.output and "--plan" in result.output and "退出码" in result.output


@pytest.mark.parametrize("inside", [False, True], ids=["the-inbox", "inside-the-inbox"])
def test_an_output_folder_in_the_inbox_is_refused(tmp_path, liuzhou_plan, inside):
    """Issue 14: -o equal to the inbox read 0 files and wrote all-zero totals into it."""
    inbox = all_counties(tmp_path / "in")
    before = sorted(inbox.rglob("*"))
    result = run_collect(inbox, plan=liuzhou_plan, out=inbox / "汇总" if inside else inbox)
    assert result.exit_code == 2
    assert "收到的统计表所在的文件夹" in result.output and "未写入任何文件" in result.output
    assert sorted(inbox.rglob("*")) == before


# ---------------------------------------------------------------- the reader

@pytest.mark.slow
def test_reader_matches_openpyxl(roundtripped):
    path = roundtripped / "liubei-form2.xlsx"
    fast = xr.Workbook(path.read_bytes()).cells("统计表二")
    values = openpyxl.load_workbook(path, data_only=True)["统计表二"]
    formulas = openpyxl.load_workbook(path)["统计表二"]
    for row in values.iter_rows():
        for cell in row:
            raw = fast.get(cell.coordinate, xr.EMPTY)
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                assert raw.kind == "n" and float(raw.value) == cell.value
            elif isinstance(cell.value, str):
                assert raw.value == cell.value
            f = formulas[cell.coordinate].value
            if isinstance(f, str) and f.startswith("="):
                assert raw.formula == f[1:]


def test_reader_key_values_stop_at_the_first_empty_row(roundtripped):
    for path in (roundtripped / "liubei-form2.xlsx",):
        book = xr.Workbook(path.read_bytes())
        fast = book.key_values(META_SHEET)
        assert fast == xr.read_key_values(book.cells(META_SHEET))
        assert fast == read_metadata(openpyxl.load_workbook(path))[0]
    data = filled("liubei", "form1")
    assert xr.Workbook(data).key_values(META_SHEET) == read_metadata(openpyxl.load_workbook(io.BytesIO(data)))[0]


def test_reader_refuses_damaged_packages():
    with pytest.raises(xr.XlsxError):
        xr.Workbook(b"nonsense")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="r1" Type="x/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook/>')
    with pytest.raises(xr.XlsxError, match="DTD"):
        xr.Workbook(buffer.getvalue())
