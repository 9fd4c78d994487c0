"""Statistics that add up (issue 23): who fills which form, the forms' validation rules
(checked by collect, shown by the workbook as the clerk types), a summary that says in
itself whether it is complete, and a campaign that ships the forms its text asks for.

The planted-fault sets: 300 institutions of 融安县 each send their own form (one 合计
typed over, one decimal count, one soft-rule breach), and 柳州市's counties send form 1
(one 检查数量 over its 辖区内总数, one county missing): every fault is reported with its
cell, the hard ones are left out of the sums, the rest is summed exactly."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import run_cli, write_plan
from planmaker.collect.run import _forms
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.stats_rules import check_rules
from planmaker.kinds.making import document_time
from planmaker.kinds.stats import stats_xlsx
from planmaker.office.stats_layout import read_metadata
from planmaker.plan.resolve import resolve
from problem_campaign import problem_campaign

# the county's and the city's collections are made once, on one worker
pytestmark = pytest.mark.xdist_group("stats_rules")

ROOT = Path(__file__).resolve().parent.parent
COUNTIES = ["chengzhong", "liubei", "liucheng", "liujiang", "liunan", "luzhai", "rongan", "rongshui",
            "sanjiang", "yufeng"]
DATES = "dates: {start: 2020-09, end: 2020-12, report: 2020-11-27}\n"


def summed(out: Path, number: str = "") -> tuple[openpyxl.Workbook, Path]:
    [xlsx] = list(out.glob(f"*统计表{number}（汇总）.xlsx"))
    return openpyxl.load_workbook(xlsx), xlsx.with_suffix(".docx")


def problems(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "问题清单.csv").read_text(encoding="utf-8-sig"))))


# ---------------------------------------------------------------- 300 institutions of one county

N = 300
TYPED_TOTAL, DECIMAL, SOFT = 17, 42, 99  # the institutions whose forms carry a fault


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """融安县's plan, its list of 300 institutions, their forms (faults planted), and the collection."""
    from planmaker.office.stats_layout import cell_map
    from planmaker.office.xlsx_batch import prepare_workbooks
    from planmaker.office.xlsx_stats import info_measure
    from planmaker.plan.annexes import period_text

    work = tmp_path_factory.mktemp("county")
    campaigns = problem_campaign(work / "campaigns", f"profile: rongan\ncampaign: abuses-problems\n{DATES}")
    plan = campaigns / "plan.yaml"
    resolved = resolve(plan, Catalog(campaign_dirs=[campaigns]))
    [form] = _forms(resolved)
    annex, when = form.annex, document_time(resolved)
    inputs = [c for c in cell_map(annex.spec) if c.kind == "input"]
    measure, period = info_measure(annex.spec), period_text(resolved)

    def render(v):
        return stats_xlsx(resolved, annex, when, values={c.ref: v[c.ref] for c in inputs},
                          more={"institution": v["unit"]}, unit=v["unit"], info_lines=v["info_lines"])

    prepared = prepare_workbooks(render, ["unit", *(c.ref for c in inputs)])
    inbox, names = work / "收到", work / "机构名单.csv"
    inbox.mkdir()
    rows, sent = ["名称,类别"], {}
    for i in range(1, N + 1):
        name = f"融安县第{i}号医疗机构"
        rows.append(f"{name},诊所")
        # found 0–4 a line (column 1), corrected no more (column 2); money in the last line
        values: dict[str, object] = {}
        for c in inputs:
            values[c.ref] = (i + c.column + len(c.line_id)) % 5 if c.column == 0 else (i % 3) % (1 + values[
                next(d.ref for d in inputs if d.line_id == c.line_id and d.column == 0)])
        money = [c for c in inputs if c.decimals]
        for c in money:
            values[c.ref] = round((i % 7) * 0.25, 2)
        if i == DECIMAL:
            values[inputs[0].ref] = 1.5  # a decimal count
        if i == SOFT:
            values[money[-1].ref] = 12.5  # 追回金额 over 10 万元: a soft rule, summed and listed
            values[money[0].ref] = 12.5
        fields = {"unit": name, "info_lines": measure(name, period)}
        assert prepared.plain({**fields, **values})
        data = prepared.fill({**fields, **values})
        if i == TYPED_TOTAL:  # the 合计 typed over with a figure that is not the sum
            book = openpyxl.load_workbook(io.BytesIO(data))
            sheet = book[book.sheetnames[0]]
            total = next(ref for ref in form.sums)
            sheet[total] = 99
            buffer = io.BytesIO()
            book.save(buffer)
            data = buffer.getvalue()
        (inbox / f"{i:03d}.xlsx").write_bytes(data)
        sent[name] = values
    names.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = work / "汇总"
    result = run_cli("collect", inbox, "--plan", plan, "--campaigns", campaigns, "--institutions", names,
                     "--workers", "1", "-o", out)
    return {"result": result, "out": out, "form": form, "sent": sent, "inputs": inputs, "inbox": inbox,
            "plan": plan, "campaigns": campaigns}


def test_institution_faults_are_each_reported_with_their_cell(county):
    result, out, form = county["result"], county["out"], county["form"]
    assert result.exit_code == 1, result.output
    report = (out / "汇总报告.txt").read_text(encoding="utf-8")
    inbox = county["inbox"]
    total = next(iter(form.sums))
    first = county["inputs"][0].ref
    assert f"{inbox / f'{TYPED_TOTAL:03d}.xlsx'}［统计表!{total}］" in report and "合计为 99" in report
    assert f"{inbox / f'{DECIMAL:03d}.xlsx'}［统计表!{first}］" in report and "1.5 不是整数" in report
    assert f"{inbox / f'{SOFT:03d}.xlsx'}［统计表!" in report
    assert "不符合规则“一家机构追回金额超过10万元的请核实”" in report and "已计入汇总，请核实" in report
    listed = problems(out)
    kinds = {row["类别"] for row in listed}
    assert kinds == {"total", "cell", "soft"}
    assert all(row["位置"].startswith("统计表!") for row in listed)


def test_hard_faults_are_left_out_and_the_rest_summed_exactly(county):
    out, sent = county["out"], county["sent"]
    book, _ = summed(out)
    sheet = book[book.sheetnames[0]]
    left_out = {f"融安县第{i}号医疗机构" for i in (TYPED_TOTAL, DECIMAL)}
    for cell in county["inputs"]:
        want = sum((Decimal(str(v[cell.ref])) for name, v in sent.items() if name not in left_out), Decimal(0))
        assert Decimal(str(sheet[cell.ref].value)) == want, cell.ref
    meta, _ = read_metadata(book)
    assert meta["complete"] == "no" and meta["collected_institutions"] == str(N - 2)


def test_an_incomplete_summary_says_so_in_itself(county):
    book, docx_path = summed(county["out"])
    status = "应报 300 份、已报 300 份，其中 2 份有误未计入汇总"
    info = book[book.sheetnames[0]]["A2"].value
    assert status in info
    paragraphs = [p.text for p in docx.Document(docx_path).paragraphs]
    assert status in paragraphs


def test_the_workbook_checks_what_a_cell_can_alone_and_marks_broken_rules(county):
    resolved = resolve(county["plan"], Catalog(campaign_dirs=[county["campaigns"]]))
    [form] = _forms(resolved)
    book = openpyxl.load_workbook(io.BytesIO(stats_xlsx(resolved, form.annex, document_time(resolved))))
    sheet = book[book.sheetnames[0]]
    kinds = {v.type for v in sheet.data_validations.dataValidation}
    assert kinds == {"whole", "decimal"}
    formats = [(str(rng.sqref), rule.formula[0]) for rng in sheet.conditional_formatting for rule in rng.rules]
    # 已整改 ≤ 发现问题 on every line (the 合计 line too), the soft rule on one cell
    assert ("D4", "NOT(D4<=C4)") in formats and len(formats) == len(form.checks)


# ---------------------------------------------------------------- 柳州's counties, form 1

@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """Form 1 of a copy of medical-abuses-2020 (form 1 only), from 9 of 柳州市's 10 counties."""
    work = tmp_path_factory.mktemp("city")
    campaigns = work / "campaigns"
    target = campaigns / "form1-only"
    shutil.copytree(ROOT / "templates" / "campaigns" / "medical-abuses-2020", target)
    text = (target / "campaign.yaml").read_text(encoding="utf-8").split("\nannexes:", 1)[0]
    (target / "campaign.yaml").write_text(text + "\nannexes:\n  - kind: stats\n    source: stats-1.yaml\n",
                                          encoding="utf-8")
    catalog = Catalog(campaign_dirs=[campaigns])
    inbox, later, sent = work / "收到", work / "补报", {}
    inbox.mkdir()
    later.mkdir()
    for n, county in enumerate(COUNTIES):
        plan = write_plan(work / county, f"profile: {county}\ncampaign: form1-only\n{DATES}")
        resolved = resolve(plan, catalog)
        [form] = _forms(resolved)
        values = {}
        for cell in form.cells:
            values[cell.ref] = (n + cell.column + int(cell.ref[1:])) % 6 + (8 if cell.column == 0 else 0)
        blank = stats_xlsx(resolved, form.annex, document_time(resolved))
        if county in ("rongan", "sanjiang"):  # sent later: 融安 corrected, 三江 at last
            _fill(blank, values, later / f"{county}.xlsx")
        if county == "sanjiang":
            continue  # the missing form
        if county == "rongan":
            values = {**values, "C4": 4, "D4": 18}  # 检查数量 18 of 辖区内总数 4
        _fill(blank, values, inbox / f"{county}.xlsx")
        sent[county] = values
    plan = write_plan(work / "liuzhou", f"profile: liuzhou\ncampaign: form1-only\n{DATES}")
    out = work / "汇总"
    result = run_cli("collect", inbox, "--plan", plan, "--campaigns", campaigns, "-o", out)
    return {"result": result, "out": out, "sent": sent, "inbox": inbox, "later": later, "plan": plan,
            "campaigns": campaigns}


def _fill(blank: bytes, values: dict[str, int], path: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(blank))
    sheet = book[book.sheetnames[0]]
    for ref, value in values.items():
        sheet[ref] = value
    book.save(path)


@pytest.mark.slow
def test_inspected_over_total_is_refused_with_its_cell(city):
    assert city["result"].exit_code == 1
    report = (city["out"] / "汇总报告.txt").read_text(encoding="utf-8")
    assert (f"{city['inbox'] / 'rongan.xlsx'}［统计表一!D4］：不符合规则“检查数量不超过辖区内总数”（综合医院）："
            "左边为 18，右边为 4，请改正后重新报送") in report
    assert "统计表一：三江侗族自治县" in report
    assert {row["类别"] for row in problems(city["out"])} == {"rule", "missing"}


def test_county_totals_exact_without_the_refused_form_and_marked_incomplete(city):
    book, docx_path = summed(city["out"], "一")
    sheet = book[book.sheetnames[0]]
    for ref in city["sent"]["liubei"]:
        want = sum(v[ref] for county, v in city["sent"].items() if county != "rongan")
        assert sheet[ref].value == want, ref
    status = "应报 10 份、已报 9 份，其中 1 份有误未计入汇总，未报单位：三江侗族自治县"
    assert status in sheet["A2"].value
    assert status in [p.text for p in docx.Document(docx_path).paragraphs]


def test_a_complete_summary_says_all_are_in(tmp_path, city):
    inbox = tmp_path / "in"
    shutil.copytree(city["inbox"], inbox)
    shutil.copytree(city["later"], inbox, dirs_exist_ok=True)  # 融安 corrected, 三江 in
    out = tmp_path / "out"
    result = run_cli("collect", inbox, "--plan", city["plan"], "--campaigns", city["campaigns"], "-o", out)
    assert result.exit_code == 0, result.output
    book, docx_path = summed(out, "一")
    assert "应报 10 份，全部报齐" in book[book.sheetnames[0]]["A2"].value
    assert "应报 10 份，全部报齐" in [p.text for p in docx.Document(docx_path).paragraphs]


# ---------------------------------------------------------------- who fills which form

def test_a_clinic_receives_only_the_institutions_forms(tmp_path):
    names = tmp_path / "机构.csv"
    names.write_text("名称,类别\n张三诊所,诊所\n", encoding="utf-8")
    plan = write_plan(tmp_path / "plan", f"profile: rongan\ncampaign: medical-abuses-2020\n{DATES}")
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out, "--institutions", names, "--only", "stats,checklist",
                   "--workers", "1").exit_code == 0
    built = [p.relative_to(out) for p in out.rglob("*张三诊所*")]
    assert built and all("统计表" not in str(p) for p in built)  # the checklist, not 量化统计表一 or 二
    campaigns = problem_campaign(tmp_path / "campaigns", f"profile: rongan\ncampaign: abuses-problems\n{DATES}")
    own = tmp_path / "own"
    assert run_cli("build", campaigns / "plan.yaml", "-o", own, "--institutions", names, "--only", "stats",
                   "--campaigns", campaigns, "--workers", "1").exit_code == 0
    assert [p.name for p in own.rglob("*张三诊所*.xlsx")] == ["张三诊所.xlsx"]


def test_collect_refuses_an_institutions_copy_of_a_county_form(tmp_path):
    plan = write_plan(tmp_path / "plan", f"profile: liuzhou\ncampaign: medical-abuses-2020\n{DATES}")
    resolved = resolve(plan, Catalog())
    form = _forms(resolved)[0]
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(stats_xlsx(resolved, form.annex, document_time(resolved),
                                              more={"institution": "张三诊所"}, unit="张三诊所", info_lines=1))
    names = tmp_path / "n.csv"
    names.write_text("名称,类别\n张三诊所,诊所\n", encoding="utf-8")
    out = tmp_path / "out"
    run_cli("collect", inbox, "--plan", plan, "--institutions", names, "-o", out)
    assert "此表由各下级单位填报，不由机构填报" in (out / "汇总报告.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------- rules checked, proposed

def test_check_validates_the_rules_themselves(tmp_path):
    campaigns = tmp_path / "campaigns"
    target = campaigns / "bad-rules"
    shutil.copytree(ROOT / "templates" / "campaigns" / "medical-abuses-2020", target)
    spec = target / "stats-1.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "  - {left: 检查数, op: '<=', right: pub2-general}\n"
                    "  - {left: pub2-general, op: '<=', right: 辖区内总数}\n", encoding="utf-8")
    plan = write_plan(tmp_path / "plan", f"profile: liuzhou\ncampaign: bad-rules\n{DATES}")
    result = run_cli("check", plan, "--campaigns", campaigns)
    assert result.exit_code != 0
    assert "校验规则 2：“检查数” 既不是行的 id，也不是数值列" in result.output
    assert "校验规则 3：一条规则不能同时引用行和列" in result.output


def test_bundled_forms_carry_rules_that_check():
    for folder in sorted((ROOT / "templates" / "campaigns").glob("*/stats-*.yaml")):
        import yaml

        from planmaker.inputs.models import StatsSpec
        raw = yaml.safe_load(folder.read_text(encoding="utf-8"))
        raw["title"] = "x"
        spec = StatsSpec(**raw)
        assert spec.rules and not check_rules(spec), folder


def test_import_proposes_totals_and_no_more_than_the_total_column():
    from planmaker.importer.stats import _with_ids, proposed_rules

    assert proposed_rules(["辖区内总数", "检查\n数量"], {""}) == [
        {"left": "检查数量", "op": "<=", "right": "辖区内总数", "text": "检查数量不超过辖区内总数"}]
    assert proposed_rules(["辖区内总数", "罚款"], {"万元"}) == []
    group = {"name": "g", "lines": [{"text": "甲"}, {"text": "乙"}, {"text": "合计", "total": True}]}
    assert _with_ids(group, 1)["lines"][2] == {"id": "g1-3", "text": "合计", "sum_of": ["g1-1", "g1-2"]}


# ---------------------------------------------------------------- a campaign that asks for a form

@pytest.mark.slow
def test_medical_chaos_ships_the_forms_its_text_asks_for_and_new_leaves_no_target_blank(tmp_path):
    folder = tmp_path / "新方案"
    result = run_cli("new", "--profile", "rongan", "--campaign", "medical-chaos", "--start", "2024-07",
                     "--parent-title", "", "--no-contacts", "--no-build", "-o", folder)
    assert result.exit_code == 0, result.output
    checked = run_cli("check", folder / "plan.yaml")
    assert "没有这样的附件" not in checked.output  # 量化统计表一、二 are annexes now
    assert "晚于专项结束日期" not in checked.output  # the last quarter's report is due after the end
    assert "文中的月份将留空" not in checked.output  # every milestone has its month
    assert "文中的家数将留空（__家）" in checked.output  # the count needs a list of institutions: said
    out = tmp_path / "out"
    assert run_cli("build", folder / "plan.yaml", "-o", out, "--only", "plan,stats").exit_code == 0
    text = "".join(p.text for p in docx.Document(next(out.glob("*实施方案.docx"))).paragraphs)
    assert "__月份" not in text and "集中整治阶段（2024年8月—10月）" in text
    assert "8月份完成机构总数的40%" in text and "10月份完成机构总数的100%" in text
    assert sorted(p.name for p in out.glob("附件*统计表*.xlsx")) == [
        "附件2-融安县医疗乱象专项整治行动工作量化统计表一.xlsx", "附件3-融安县医疗乱象专项整治行动工作量化统计表二.xlsx"]


def test_check_flags_a_text_asking_for_an_annex_not_shipped(tmp_path):
    campaigns = tmp_path / "campaigns"
    target = campaigns / "no-forms"
    shutil.copytree(ROOT / "templates" / "campaigns" / "medical-chaos", target)
    text = (target / "campaign.yaml").read_text(encoding="utf-8").split("\nannexes:", 1)[0]
    (target / "campaign.yaml").write_text(text + "\nannexes:\n  - kind: tasks\n    title: 任务分工\n",
                                          encoding="utf-8")
    plan = write_plan(tmp_path / "plan", "profile: rongan\ncampaign: no-forms\n"
                                         "dates: {start: 2024-07, end: 2024-12}\n")
    result = run_cli("check", plan, "--campaigns", campaigns)
    assert "正文要求报送或参见“统计表”，但专项模板没有这样的附件（annexes）" in result.output
    assert "进度节点 first（40%）的日期未设置，文中的月份将留空（__月份）" in result.output
