"""planmaker import (issue 22, second round): run-in headings, numbered paragraphs of text, tables in a
PDF, a 转发 notice wrapping a 印发 notice, joint issuers, the 附件 list before the 落款, and what the
clerk is told to change before building for another place.  Documents written for these tests
(tests/received_docs.py); one LibreOffice conversion for the module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from docx import Document

from conftest import docx_text, files_of_kind, run_cli
from received_docs import DOCUMENTS, FORWARDED, as_docx, as_text

# the module's imports (one through LibreOffice) are made once, on one worker
pytestmark = pytest.mark.xdist_group("import_shapes")

UNTITLED = "{# 本条没有小标题：编号之后即正文 #}"


@pytest.fixture(scope="module")
def forwarded(tmp_path_factory, libreoffice) -> dict[str, Path]:
    """FORWARDED imported from .txt, .docx and a PDF LibreOffice made from the .docx."""
    binary = libreoffice
    from conftest import convert

    folder = tmp_path_factory.mktemp("forwarded")
    (folder / "fwd.txt").write_text(as_text(FORWARDED), encoding="utf-8")
    as_docx(FORWARDED, folder / "fwd.docx")
    convert(binary, [folder / "fwd.docx"], folder, "pdf")
    out = {}
    for fmt in ("txt", "docx", "pdf"):
        result = run_cli("import", folder / f"fwd.{fmt}", "-o", folder / fmt)
        assert result.exit_code == 0, (fmt, result.output)
        (folder / fmt / "report.txt").write_text(result.output, encoding="utf-8")
        out[fmt] = folder / fmt
    return out


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def build(plan: Path, out: Path) -> Path:
    result = run_cli("build", plan, "-o", out, "--only", "plan")
    assert result.exit_code == 0, result.output
    (document,) = files_of_kind(out, "plan")
    return document


def paragraph(document: Path, start: str):
    return next(p for p in Document(str(document)).paragraphs if p.text.startswith(start))


def font_of(run) -> str:
    fonts = run._r.rPr.rFonts if run._r.rPr is not None else None
    return fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "") if fonts is not None else ""


# ---------------------------------------------------------------- run-in headings, numbered paragraphs

def test_a_run_in_heading_drops_its_stop_and_is_printed_as_received(tmp_path):
    source = tmp_path / "方案.txt"
    source.write_text(as_text(DOCUMENTS["city-notice"]), encoding="utf-8")
    assert run_cli("import", source, "-o", tmp_path / "in").exit_code == 0
    campaign = load(tmp_path / "in" / "campaign.yaml")
    assert [r["title"] for r in campaign["requirements"]] == ["加强组织领导", "强化结果运用"]
    assert [t["title"] for t in campaign["tasks"]][0] == "分解收费和重复收费" and "task_title" not in campaign
    para = paragraph(build(tmp_path / "in" / "plan.yaml", tmp_path / "out"), "（一）加强组织领导")
    assert para.text == "（一）加强组织领导。市卫生健康委成立专项整治工作专班，各医疗机构主要负责人为第一责任人。"
    heading, body = para.runs[0], para.runs[1]
    assert heading.text == "（一）加强组织领导。" and "楷" in font_of(heading) and "楷" not in font_of(body)


@pytest.mark.slow
def test_a_numbered_paragraph_of_text_stays_text(forwarded, tmp_path):
    campaign = load(forwarded["txt"] / "campaign.yaml")
    first, second = campaign["requirements"]
    assert first["title"] == UNTITLED and first["text"].endswith("确保检查工作按时完成")
    assert second["title"] == "加强信息报送"
    para = paragraph(build(forwarded["txt"] / "plan.yaml", tmp_path / "out"), "（一）各县")
    assert para.text == "（一）各县（区）卫生健康局要会同医疗保障局加强组织领导，明确分管领导和具体责任人，制定检查计划，确保检查工作按时完成"
    assert para.runs[0].text == "（一）"   # the number alone in the heading's face, the text in the body's


def test_a_part_of_numbered_paragraphs_only_is_kept_as_paragraphs(tmp_path):
    text = as_text(FORWARDED).replace("（二）加强信息报送。各县（区）于", "（二）各县（区）要加强信息报送，于")
    (tmp_path / "方案.txt").write_text(text, encoding="utf-8")
    assert run_cli("import", tmp_path / "方案.txt", "-o", tmp_path / "in").exit_code == 0
    campaign = load(tmp_path / "in" / "campaign.yaml")
    part = campaign["sections"][2]
    assert "items" not in part and [p[:6] for p in part["paragraphs"]] == ["（一）{{ ", "（二）{{ "]
    assert "requirements" not in campaign
    built = docx_text(build(tmp_path / "in" / "plan.yaml", tmp_path / "out"))
    assert "（二）各县（区）要加强信息报送，于2024年11月30日前将统计表报市卫生健康委。" in built


# ---------------------------------------------------------------- notices, issuers, the 附件 list

def test_a_forwarding_notice_around_the_notice_around_the_plan(forwarded):
    for fmt, folder in forwarded.items():
        plan = load(folder / "plan.yaml")
        assert plan["profile"] == "yaan" and "number" not in plan, fmt
        assert plan["parent_document"]["number"] == "雅卫发〔2024〕18号", fmt
        assert plan["parent_document"]["title"].endswith("关于印发〈雅安市2024年医疗机构收费检查工作方案〉的通知"), fmt
        assert plan["issuer"] == "雅安市卫生健康委员会　雅安市医疗保障局" and plan["dates"]["signed"] == "2024-03-25", fmt
        campaign = (folder / "campaign.yaml").read_text(encoding="utf-8")
        assert "转发" not in campaign and "荥经" not in campaign and "附件：1" not in campaign, fmt
        report = (folder / "report.txt").read_text(encoding="utf-8")
        assert re.search(r"第\d行 转发通知《荥经县卫生健康局关于转发.*》（荥卫发〔2024〕5号）（第\d—\d行）不属方案正文，未导入；"
                         r"方案文件的 parent_document 为它所转发的通知", report), report
        assert re.search(r"印发通知（第\d+—\d+行）不属方案正文", report), report
        assert "转发通知的文字“各乡镇卫生院，县级各医疗机构：”" in report
    # the same plan file and campaign from each: the PDF's title runs the two bodies together, its 落款 does not
    for fmt in ("docx", "pdf"):
        assert load(forwarded[fmt] / "plan.yaml") == load(forwarded["txt"] / "plan.yaml"), fmt
        assert load(forwarded[fmt] / "campaign.yaml") == load(forwarded["txt"] / "campaign.yaml"), fmt
    parent = load(forwarded["pdf"] / "plan.yaml")["parent_document"]
    assert parent["issuer"] == "雅安市卫生健康委员会、雅安市医疗保障局" and parent["joint"] is True


@pytest.mark.slow
def test_tables_in_a_pdf_become_the_annexes_a_word_table_becomes(forwarded):
    """A task table cut by a page break and a statistics form, read from the PDF's rules."""
    kinds = {fmt: [a["kind"] for a in load(folder / "campaign.yaml")["annexes"]] for fmt, folder in forwarded.items()}
    assert kinds["pdf"] == kinds["docx"] == ["tasks", "stats"]
    assert load(forwarded["pdf"] / "stats-1.yaml") == load(forwarded["docx"] / "stats-1.yaml")
    tasks = {fmt: [(t["title"], t.get("lead"), t.get("cooperate")) for t in load(folder / "campaign.yaml")["tasks"]]
             for fmt, folder in forwarded.items()}
    assert tasks["pdf"] == tasks["docx"] == [("规范收费公示", ["health"], ["insurance"]),
                                             ("查处违规收费", ["insurance"], ["health"])]
    assert not list(forwarded["pdf"].glob("附件*（原文）.txt"))
    report = (forwarded["pdf"] / "report.txt").read_text(encoding="utf-8")
    assert "任务分工表，2 行" in report and "附件说明（由生成的附件列出）" in report
    # the running head and the page numbers (— 2 —) are gone
    campaign = (forwarded["pdf"] / "campaign.yaml").read_text(encoding="utf-8")
    assert "内部资料" not in campaign and not re.search(r"—\s*\d\s*—", campaign)


@pytest.mark.slow
def test_a_pdf_table_without_a_form_is_kept_as_its_cells(tmp_path, libreoffice):
    """national.pdf's forms are lists to fill in, no statistics form: their text keeps the cells apart.
    Without rules a PDF shows no cells: the annex is kept as its text, and the report says why."""
    binary = libreoffice
    from conftest import convert
    from planmaker.importer.converted import read_pdf

    as_docx(DOCUMENTS["national"], tmp_path / "national.docx")
    as_docx(DOCUMENTS["national"], tmp_path / "unruled.docx", ruled=False)
    convert(binary, [tmp_path / "national.docx", tmp_path / "unruled.docx"], tmp_path, "pdf")
    pdf = read_pdf(tmp_path / "national.pdf")
    assert pdf.tables[0][0] == ("序号", "项目县名\n称", "监测机构\n名称", "机构类型", "服务人口\n（万人）")
    result = run_cli("import", tmp_path / "national.pdf", "-o", tmp_path / "in")
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "in" / "附件1（原文）.txt").read_text(encoding="utf-8")
    assert "序号\t项目县名称\t监测机构名称\t机构类型\t服务人口（万人）" in raw
    assert "没有表格的框线" not in result.output
    assert read_pdf(tmp_path / "unruled.pdf").tables == []
    result = run_cli("import", tmp_path / "unruled.pdf", "-o", tmp_path / "unruled")
    assert result.exit_code == 0, result.output
    assert re.search(r"附件“监测点基本情况表[^”]*”在 PDF 中没有表格的框线，读不出单元格（不是任务分工表、检查表或统计表）",
                     result.output), result.output
    assert "序号项目县名" in (tmp_path / "unruled" / "附件1（原文）.txt").read_text(encoding="utf-8")   # as the page shows it


# ---------------------------------------------------------------- building for another place

def test_the_report_says_what_to_change_for_another_place(tmp_path):
    source = tmp_path / "方案.txt"
    source.write_text(as_text(DOCUMENTS["national"]), encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "in")
    assert result.exit_code == 0, result.output
    assert "删去 issuer: 国家卫生健康委办公厅（原方案的落款；不删则落款仍印原发文机关）" in result.output
    assert "在 parent_document 中写上这份方案的标题、文号和发文机关" in result.output
    text = (tmp_path / "in" / "plan.yaml").read_text(encoding="utf-8")
    assert "# 原方案的落款（国家卫生健康委办公厅）：为其他辖区制定方案时删去此行" in text
    # a clerk who changes only the profile is told by check that the signature is not theirs
    plan = load(tmp_path / "in" / "plan.yaml")
    plan["profile"] = "guangxi"
    (tmp_path / "in" / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    checked = run_cli("check", tmp_path / "in" / "plan.yaml")
    assert "落款“国家卫生健康委办公厅”不是广西壮族自治区的机关" in checked.output, checked.output


def test_profile_naming_another_place_makes_that_places_plan(tmp_path):
    """--profile 荥经县 on 绵阳's notice and plan: 绵阳's words become variables, the plan file is
    荥经's, without 绵阳's signature or 文号, implementing 绵阳's notice."""
    source = tmp_path / "方案.txt"
    source.write_text(as_text(DOCUMENTS["city-notice"]), encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "in", "--profile", "荥经县")
    assert result.exit_code == 0, result.output
    assert "方案文件已按 --profile 为荥经县制定" in result.output
    plan = load(tmp_path / "in" / "plan.yaml")
    assert plan["profile"] == "yingjing" and "issuer" not in plan and "number" not in plan
    assert plan["parent_document"]["number"] == "绵卫发〔2024〕21号"
    text = docx_text(build(tmp_path / "in" / "plan.yaml", tmp_path / "out"))
    assert text.startswith("荥经县2024年医疗机构违规收费专项整治工作方案")
    assert "结合我县实际" in text and "全县医疗机构" in text
    assert "根据《绵阳市卫生健康委员会关于印发〈绵阳市2024年医疗机构违规收费专项整治工作方案〉的通知》（绵卫发〔2024〕21号）" in text
    signature = text.strip().splitlines()[-2:]
    assert signature[0] == "荥经县卫生健康局" and "绵阳" not in signature[0]


def test_the_plan_file_reads_back_as_the_plan_it_was_built_from(tmp_path):
    """Written by inputs/planfile.dump_plan from a Plan: the model reads the same plan back."""
    from planmaker.importer.planfile import plan_text
    from planmaker.inputs.models import Plan

    source = tmp_path / "方案.txt"
    source.write_text(as_text(DOCUMENTS["city-notice"]), encoding="utf-8")
    assert run_cli("import", source, "-o", tmp_path / "in").exit_code == 0
    written = (tmp_path / "in" / "plan.yaml").read_text(encoding="utf-8")
    plan = Plan.model_validate(yaml.safe_load(written))
    assert plan_text(plan, "方案.txt", "notice") == written
    assert re.search(r"^# 原方案的印发通知（绵卫发〔2024〕21号）：本级贯彻的正是这份通知时保留；$", written, re.MULTILINE)
    assert re.search(r"^# 原方案的日期：", written, re.MULTILINE)


def test_a_paragraph_among_headings_on_lines_of_their_own_stays_a_heading_to_check(tmp_path):
    """Its number alone on a line would read worse than the paragraph in the heading's face: kept, and said."""
    text = as_text(DOCUMENTS["city-notice"]).replace(
        "（一）加强组织领导。市卫生健康委成立", "（一）加强组织领导\n市卫生健康委成立").replace(
        "（二）强化结果运用。检查结果", "（二）各医疗机构要对照整治重点逐项开展自查，建立问题台账，限期整改到位\n（三）强化结果运用\n检查结果")
    (tmp_path / "方案.txt").write_text(text, encoding="utf-8")
    result = run_cli("import", tmp_path / "方案.txt", "-o", tmp_path / "in")
    assert result.exit_code == 0, result.output
    campaign = load(tmp_path / "in" / "campaign.yaml")
    assert [r["title"] for r in campaign["requirements"]] == [
        "加强组织领导", "各医疗机构要对照整治重点逐项开展自查，建立问题台账，限期整改到位", "强化结果运用"]
    assert campaign["sections"][3]["runin"] is False
    assert "请核对：第25行 整段正文“各医疗机构要对照整治重点逐项开展……”作为小标题保留" in result.output


def test_profile_naming_another_place_leaves_out_the_originals_contacts(tmp_path):
    text = as_text(DOCUMENTS["city-notice"]).replace(
        "（二）强化结果运用。检查结果纳入医疗机构年度绩效考核，对整改不力的单位在全市通报。\n",
        "（二）强化结果运用。检查结果纳入医疗机构年度绩效考核，对整改不力的单位在全市通报。\n"
        "市卫生健康委联系人及电话：王明，0816-2221234\n")
    (tmp_path / "方案.txt").write_text(text, encoding="utf-8")
    own = run_cli("import", tmp_path / "方案.txt", "-o", tmp_path / "own")
    assert own.exit_code == 0 and load(tmp_path / "own" / "plan.yaml")["contacts"][0]["name"] == "王明", own.output
    assert "contacts 改为本级联系人" in own.output
    result = run_cli("import", tmp_path / "方案.txt", "-o", tmp_path / "in", "--profile", "yingjing")
    assert result.exit_code == 0, result.output
    assert "contacts" not in load(tmp_path / "in" / "plan.yaml")
    assert "原方案的联系人未写入：请在 plan.yaml 的 contacts 中写上本级联系人" in result.output


@pytest.mark.parametrize("target", ["guangxi", "yingjing", "全国"])
def test_the_forwarded_plan_rebuilt_elsewhere_keeps_none_of_the_issuers_words(forwarded, tmp_path, target):
    """雅安's grade (市级) and its subordinates' departments (各县（区）卫生健康局) are its own words too."""
    campaign = (forwarded["txt"] / "campaign.yaml").read_text(encoding="utf-8")
    assert "{{ j.grade }}医疗机构收费公示率" in campaign and "{{ sub_dept.health }}要会同" in campaign
    plan = load(forwarded["txt"] / "plan.yaml")
    plan["profile"] = target
    del plan["issuer"]
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    for name in ("campaign.yaml", "stats-1.yaml"):
        (tmp_path / name).write_text((forwarded["txt"] / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = re.sub(r"《[^《》]*》", "", docx_text(build(tmp_path / "plan.yaml", tmp_path / "out")))
    assert not [w for w in ("雅安", "我市", "全市", "市级", "市医疗保障局", "市医保局", "各县（区）") if w in text], text
    grade = {"guangxi": "自治区级", "yingjing": "县级", "全国": "国家级"}[target]
    assert f"{grade}医疗机构收费公示率达到100%" in text
