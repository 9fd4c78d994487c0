"""planmaker import (issue 22): what a clerk actually receives.  A city's 印发通知 wrapping its plan,
a national 方案 with forms as annexes and a provincial plan citing laws and a higher body's session
(tests/received_docs.py, written for these tests), each as .txt, .docx, .doc and a text PDF (the .doc
and the PDF made from the .docx by LibreOffice, once for the module), each rebuilt for three
jurisdictions of other levels and kinds."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import docx_text, files_of_kind, run_cli
from received_docs import DOCUMENTS, as_docx, as_text

FORMATS = ("txt", "docx", "doc", "pdf")
# jurisdictions of other levels and kinds than the issuer's
TARGETS = {"city-notice": ["全国", "sichuan", "yingjing"], "national": ["guangxi", "yaan", "yingjing"],
           "provincial": ["yaan", "rongan", "shijiazhuang-changan"]}
# the issuer's own words, gone from a plan built elsewhere (a cited document's 《title》 aside)
OWN = {"city-notice": ["绵阳", "我市", "全市", "市直", "市卫生健康委", "市医疗保障局", "市市场监管局"],
       "national": ["国家卫生健康委", "全国范围", "全国监测", "全国医疗"],
       "provincial": ["江西", "我省", "全省医疗机构", "省直", "省卫生健康委", "省医保局", "各设区市", "全省范围"]}
# a superior's (or another body's) words and the facts of the past: kept as written, wherever built
KEPT = {"city-notice": ["按照省纠风工作领导小组的统一部署", "《医疗机构医疗保障定点管理暂行办法》（2021年2月1日起施行）"],
        "national": ["党的二十大", "《国务院办公厅关于进一步完善医疗卫生服务体系的意见》", "自2023年起，全国已有16个省（直辖市）开展试点",
                     "2024年共监测基层医疗卫生机构2300家", "监测范围为全国31个省（区、市），每省选取2个项目县"],
        "provincial": ["贯彻落实省委十五届五次全体（扩大）会议精神", "国家卫生健康委等14部门联合印发的《2024年纠正医药购销领域",
                       "2023年，全省共查处医药购销领域不正之风案件126起", "（2021年5月1日起施行）",
                       "2022年3月1日起施行的《中华人民共和国医师法》"]}

# the documents converted by LibreOffice once, on one worker
pytestmark = [pytest.mark.xdist_group("import_received"), pytest.mark.slow]


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, re.sub(r"\s+", "", a), re.sub(r"\s+", "", b), autojunk=False).ratio()


@pytest.fixture(scope="module")
def received(tmp_path_factory, libreoffice) -> dict[tuple[str, str], Path]:
    """Every document in every format: .txt and .docx written, .doc and .pdf by LibreOffice."""
    binary = libreoffice
    folder = tmp_path_factory.mktemp("received")
    files = {}
    for name, document in DOCUMENTS.items():
        (folder / f"{name}.txt").write_text(as_text(document), encoding="utf-8")
        as_docx(document, folder / f"{name}.docx")
    docx_files = [folder / f"{name}.docx" for name in DOCUMENTS]
    for fmt in ("doc", "pdf"):
        from conftest import convert

        convert(binary, docx_files, folder, fmt)
    for name in DOCUMENTS:
        for fmt in FORMATS:
            files[name, fmt] = folder / f"{name}.{fmt}"
            assert files[name, fmt].is_file(), files[name, fmt]
    return files


@pytest.fixture(scope="module")
def imported(received, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Each file imported; check passes each import of a .txt (the others give the same campaign:
    test_every_format_gives_the_same_campaign)."""
    out = {}
    for (name, fmt), source in received.items():
        folder = tmp_path_factory.mktemp(f"{name}-{fmt}")
        result = run_cli("import", source, "-o", folder / "imported")
        assert result.exit_code == 0, (name, fmt, result.output)
        if fmt == "txt":
            checked = run_cli("check", folder / "imported" / "plan.yaml")
            assert checked.exit_code == 0, (name, fmt, checked.output)
        out[name, fmt] = folder / "imported"
        (folder / "imported" / "report.txt").write_text(result.output, encoding="utf-8")
    return out


def built(folder: Path, out: Path, profile: str | None = None) -> str:
    """The plan built from ``folder``; for another jurisdiction as the report says: its profile, its own
    落款 and 文号 (issuer and number deleted)."""
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    if profile:
        plan["profile"] = profile
        plan.pop("issuer", None)
        plan.pop("number", None)
    path = folder / f"plan-{profile or 'own'}.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    result = run_cli("build", path, "-o", out, "--only", "plan")
    assert result.exit_code == 0, result.output
    (document,) = files_of_kind(out, "plan")
    return docx_text(document)


def campaign_of(folder: Path) -> str:
    return re.sub(r"^#.*\n", "", (folder / "campaign.yaml").read_text(encoding="utf-8"), flags=re.MULTILINE)


# ---------------------------------------------------------------- the same campaign from every format

@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_format_gives_the_same_campaign(name, imported):
    """.txt, .docx, .doc and PDF of one document: the same campaign and the same plan file."""
    for fmt in FORMATS[1:]:
        assert campaign_of(imported[name, fmt]) == campaign_of(imported[name, "txt"]), fmt
        assert campaign_of(imported[name, fmt]).count("{{") > 5
        plan = yaml.safe_load((imported[name, fmt] / "plan.yaml").read_text(encoding="utf-8"))
        assert plan == yaml.safe_load((imported[name, "txt"] / "plan.yaml").read_text(encoding="utf-8")), fmt


def test_docx_doc_and_pdf_rebuild_the_same_plan(imported, tmp_path):
    texts = {fmt: built(imported["city-notice", fmt], tmp_path / fmt) for fmt in ("docx", "doc", "pdf")}
    for fmt in ("doc", "pdf"):
        score = ratio(texts[fmt], texts["docx"])
        print(f"city-notice.{fmt} against .docx: {score:.4f}")
        assert score >= 0.98, (fmt, score)
    assert texts["docx"].startswith("绵阳市2024年医疗机构违规收费")


# ---------------------------------------------------------------- rebuilt for other jurisdictions

@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_rebuilt_elsewhere_keeps_the_superiors_words_and_drops_the_issuers(name, imported, tmp_path):
    for k, target in enumerate(TARGETS[name]):
        # each target built from the import of another format, so that every format is built once
        fmt = FORMATS[k + 1]
        text = built(imported[name, fmt], tmp_path / target, target)
        own_text = re.sub(r"《[^《》]*》", "", text)   # a cited document's title is the document's
        assert not [w for w in OWN[name] if w in own_text], (target, [w for w in OWN[name] if w in own_text])
        assert not [w for w in KEPT[name] if w not in text], (target, [w for w in KEPT[name] if w not in text])


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_rebuilt_for_its_issuer_reads_as_received(name, imported, tmp_path):
    text = built(imported[name, "docx"], tmp_path / "own")
    plan_part = DOCUMENTS[name].split("（此件公开发布）")[-1]
    plan_part = plan_part.split("附件1\n")[0]   # the annexes are files of their own
    expected = re.sub(r"^[\^>]", "", plan_part, flags=re.MULTILINE)
    score = ratio(text, expected)
    print(f"{name}: {score:.4f}")
    assert score >= 0.95, score
    for word in KEPT[name]:
        assert word in text, word


# ---------------------------------------------------------------- the notice, the issuer, the dates

def test_the_covering_notice_becomes_the_superior_document(imported):
    folder = imported["city-notice", "docx"]
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    assert plan["parent_document"] == {
        "title": "绵阳市卫生健康委员会关于印发〈绵阳市2024年医疗机构违规收费专项整治工作方案〉的通知",
        "issuer": "绵阳市卫生健康委员会", "number": "绵卫发〔2024〕21号", "date": "2024年3月18日"}
    assert plan["profile"] == "四川省/绵阳市" and "number" not in plan and plan["dates"]["signed"] == "2024-03-18"
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert campaign["title"] == "{{ j.name }}{{ year }}年医疗机构违规收费专项整治工作方案"
    assert "关于印发" not in campaign_of(folder) and "现将" not in campaign_of(folder)
    report = (folder / "report.txt").read_text(encoding="utf-8")
    assert "印发通知的文字“各县（市、区）卫生健康局，委直属各医疗机构：”不属方案正文，未导入" in report
    assert "印发通知的文字“现将《绵阳市2024年医疗机构违规收费专项整治工作方案》印发……”" in report


def test_a_national_plan_is_issued_at_the_national_level(imported):
    folder = imported["national", "pdf"]
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    assert plan["profile"] == "全国" and plan["issuer"] == "国家卫生健康委办公厅"
    assert plan["phases"] == {"phase1": {"start": "start", "end": "2025-06"}, "phase2": {"start": "2025-07", "end": "2025-10"},
                              "phase3": {"start": "2025-11", "end": "end"}}
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    # the plan adds the full stop, as to every heading
    assert [p["title"] for p in campaign["phases"]][0] == "{{ phase.name }}：{{ phase.start | span(phase.end) }}"
    assert not (folder / "辖区.yaml").exists()   # no place was made up (项目县, 直辖市)
    assert "监测点基本情况表" in (folder / "附件1（原文）.txt").read_text(encoding="utf-8")
    annex = (imported["national", "docx"] / "附件1（原文）.txt").read_text(encoding="utf-8")
    assert "项目县名称" in annex and "服务人口（万人）" in annex   # a Word table keeps its cells
    report = (folder / "report.txt").read_text(encoding="utf-8")
    assert "国家层面" in report and "请核对：第6行 “全国31个”" in report


def test_dates_of_laws_and_past_events_stay_as_written(imported):
    folder = imported["provincial", "doc"]
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    assert plan["profile"] == "江西省" and plan["year"] == 2024
    assert [v for v in plan["dates"].values() if v and str(v) < "2024"] == []
    text = campaign_of(folder)
    assert "2021年5月1日起施行" in text and "2022年3月1日起施行" in text
    assert "省委十五届五次全体（扩大）会议" in text and "2023年，全省共查处" in text


def test_the_profile_can_be_named_for_a_national_plan(received, tmp_path):
    result = run_cli("import", received["national", "txt"], "-o", tmp_path / "a", "--profile", "全国")
    assert result.exit_code == 0, result.output
    assert "按 --profile 指定：全国" in result.output


# ---------------------------------------------------------------- title, number, refusals

def test_the_title_is_its_line_alone(tmp_path):
    text = as_text(DOCUMENTS["provincial"]).replace("江西省2024年纠正", "附件2\n江西省2024年纠正", 1)
    text = text.replace("专项整治实施方案\n", "专项整治实施方案\n赣卫医发〔2024〕7号\n", 1)
    (tmp_path / "方案.txt").write_text(text, encoding="utf-8")
    result = run_cli("import", tmp_path / "方案.txt", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    plan = yaml.safe_load((tmp_path / "out" / "plan.yaml").read_text(encoding="utf-8"))
    campaign = yaml.safe_load((tmp_path / "out" / "campaign.yaml").read_text(encoding="utf-8"))
    assert plan["number"] == "赣卫医发〔2024〕7号"
    assert campaign["title"] == "{{ j.name }}{{ year }}年纠正医药购销领域和医疗服务中不正之风专项整治实施方案"


def test_an_issuer_that_cannot_be_told_asks_for_the_profile(tmp_path):
    text = "\n".join(line for line in as_text(DOCUMENTS["national"]).splitlines()
                     if "国家卫生健康委" not in line and "全国" not in line)
    (tmp_path / "方案.txt").write_text(text, encoding="utf-8")
    result = run_cli("import", tmp_path / "方案.txt", "-o", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "无法判断发文机关" in result.output and "--profile 全国" in result.output
    assert not (tmp_path / "out").exists()


def test_a_scan_without_text_is_refused(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.save(str(tmp_path / "扫描件.pdf"))
    result = run_cli("import", tmp_path / "扫描件.pdf", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "扫描件" in result.output and "文字层" in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_a_doc_without_libreoffice_is_refused(received, tmp_path, monkeypatch):
    import planmaker.office.pdf

    monkeypatch.setattr(planmaker.office.pdf, "soffice", lambda: None)
    source = tmp_path / "方案.wps"
    shutil.copy(received["city-notice", "doc"], source)
    result = run_cli("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "需要 LibreOffice" in result.output, result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_wps_file_is_read_through_libreoffice(received, tmp_path):
    source = tmp_path / "方案.wps"
    shutil.copy(received["provincial", "doc"], source)
    result = run_cli("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "{{ j.whole }}" in campaign_of(tmp_path / "out")


# ---------------------------------------------------------------- check finds the slips

def test_check_finds_the_slips_of_an_import(imported, tmp_path):
    folder = tmp_path / "slips"
    shutil.copytree(imported["city-notice", "txt"], folder)
    campaign = (folder / "campaign.yaml").read_text(encoding="utf-8")
    slips = ("督查整改阶段(2025年8月一2024年11月)，依托平台。20年12月底前完成，开展为期一的检查"
             "（县市场{{ j.short_name }}负责）。")
    campaign = campaign.replace("preamble:\n- ", f"preamble:\n- {slips}", 1)
    (folder / "campaign.yaml").write_text(campaign, encoding="utf-8")
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    plan["profile"] = "yingjing"
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    result = run_cli("check", folder / "plan.yaml")
    assert result.exit_code != 0
    for slip in ("“2025年8月一2024年11月”的结束早于开始", "“20年12月”的年份只有两位", "“为期一的”缺少数字或量词",
                 "“县市场荥经”：辖区名称嵌在部门名称中"):
        assert slip in result.output, (slip, result.output)


@pytest.mark.parametrize(("heads", "expected"), [
    (("国务院办公厅",), "全国"), (("国家卫生健康委　国家中医药局",), "全国"), (("市场监管总局办公厅",), "全国"),
    (("", "", "中共江西省委"), "江西省"), (("", "绵阳市2024年医疗机构违规收费专项整治工作方案"), "绵阳市"),
    (("柳州市卫生健康委员会",), "柳州市"),
    (("", "项目县基本情况调查表"), None), (("", "16个省（直辖市）基层卫生监测方案"), None)])
def test_the_issuer_is_read_from_its_own_lines(heads, expected):
    """落款, title, masthead: a national body at any office, a place the line begins with, and never
    a word that only ends like a place (项目县, 直辖市)."""
    from planmaker.importer.jurisdiction import issuer_jurisdiction
    from planmaker.inputs.catalog import Catalog

    found = issuer_jurisdiction(heads, Catalog(), "")
    assert (found[0].name if found else None) == expected


def test_a_forwarding_notice_is_unwrapped_alike(tmp_path):
    text = as_text(DOCUMENTS["city-notice"]).replace("关于印发", "关于转发").replace("印发给你们", "转发给你们")
    (tmp_path / "转发.txt").write_text(text, encoding="utf-8")
    result = run_cli("import", tmp_path / "转发.txt", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    plan = yaml.safe_load((tmp_path / "out" / "plan.yaml").read_text(encoding="utf-8"))
    assert plan["parent_document"]["title"].startswith("绵阳市卫生健康委员会关于转发〈绵阳市2024年")
    assert "转发" not in campaign_of(tmp_path / "out")
