"""planmaker import (issue 13): a received plan becomes a campaign and a plan
file that rebuild it, for its own jurisdiction and for any other."""

from __future__ import annotations

import difflib
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, docx_text, files_of_kind, run_cli
from planmaker.inputs.catalog import Catalog
from seed_plans import body_only, plans

SEED_PLANS = plans()
FIXTURES = ROOT / "tests" / "data" / "import"
# Other jurisdictions to build an imported plan for: the first three whose kind differs from the original's,
# in the order province, prefecture, county.
OTHERS = ["sichuan", "yaan", "rongan", "shijiazhuang-changan", "guangxi"]


def ratio(a: str, b: str) -> float:
    """As the fidelity tests measure it, with NFKC (the seeds mix （） and ())."""
    def fold(text):
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return difflib.SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


def import_file(source: Path, out: Path, *extra: str) -> Path:
    """Import ``source``; the result must be an ordinary campaign that check passes."""
    result = run_cli("import", source, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    checked = run_cli("check", out / "plan.yaml")
    # check finds the slips of the source itself (seed 002: “20年12月底前”, “为期一的”), and only those
    errors = [line for line in checked.output.splitlines() if line.startswith("错误：")]
    assert all(re.search(r"方案正文第\d+段：“(?:20年12月|为期一的)”", e) for e in errors), checked.output
    return out


def built_text(plan: Path, out: Path, profile: str | None = None) -> str:
    if profile:
        data = yaml.safe_load(plan.read_text(encoding="utf-8"))
        data["profile"] = profile
        plan = plan.with_name(f"plan-{profile}.yaml")
        plan.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("build", plan, "-o", out, "--only", "plan")
    assert result.exit_code == 0, result.output
    (document,) = files_of_kind(out, "plan")
    return docx_text(document)


HOSPITALS = ["liuzhou-tcm-hospital", "rongan-hospital", "yaan-tcm-hospital"]


def own_words(folder: Path) -> tuple[str, set[str]]:
    """The issuing jurisdiction's words: name, short name, 我X/全X/X直, issuer and departments
    (the kind is 医院 for a hospital's own plan, whatever its profile says)."""
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    j = Catalog().load_profile(plan["profile"], folder)
    if j.self == "我院":
        return "医院", {w for w in {j.name, j.issuer} | {d.full for d in j.departments.values()} if w}
    words = {j.self, j.whole, j.directly_under, j.issuer}
    words |= {j.name} if not j.name.startswith("__") else set()
    words |= {j.short_name} if len(j.short_name) >= 2 and "_" not in j.short_name else set()
    for department in j.departments.values():
        words |= {department.full, department.short}
    return j.kind, {w for w in words if w}


def left_over(text: str, words: set[str], target: str) -> list[str]:
    """Words of the original left in a plan built for ``target`` (its own words excepted; a word
    inside another name, as 市卫健委 in 宜春市卫健委, is that other place's)."""
    t = Catalog().load_profile(target)
    theirs = {t.self, t.whole, t.directly_under, t.name, t.short_name, t.full_name, t.issuer}
    theirs |= {d.full for d in t.departments.values()} | {d.short for d in t.departments.values()}
    theirs |= {name for a in t.ancestors() for name in (a.name, a.short_name)}   # a district names its city
    free = r"(?:(?<![\u4e00-\u9fff])|(?<=[的和与及由向报将对在、]))"
    return sorted(w for w in words - theirs if re.search(free + re.escape(w), text))


def others_for(kind: str) -> list[str]:
    if kind == "医院":
        return HOSPITALS   # a hospital's plan needs a hospital's offices (医务科、党办……)
    chosen, kinds = [], {kind}
    for target in OTHERS:
        other = Catalog().load_profile(target).kind
        if other not in kinds and len(chosen) < 3:
            chosen.append(target)
            kinds.add(other)
    return chosen


# ---------------------------------------------------------------- every seed plan, from its text

@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(SEED_PLANS))
def test_seed_plan_imported_from_text_rebuilds_it_and_keeps_no_word_of_it_elsewhere(key, tmp_path):
    """Imported once: built for its own jurisdiction it is the seed again; built for others of other
    kinds, no word of the original issuer is left."""
    source = tmp_path / f"{key}.txt"
    source.write_text(SEED_PLANS[key], encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")   # check passes it, too
    score = ratio(built_text(folder / "plan.yaml", tmp_path / "out"), body_only(key, SEED_PLANS[key]))
    print(f"seed {key}: ratio {score:.4f}")
    assert score >= 0.95, score
    kind, words = own_words(folder)
    for target in others_for(kind):
        text = built_text(folder / "plan.yaml", tmp_path / target, target)
        assert not left_over(text, words, target), (target, left_over(text, words, target))


# ---------------------------------------------------------------- a plan written for this test

WRITTEN_PLAN = """荥经县2024年医疗机构不规范收费专项整治工作方案

为规范医疗服务收费行为，切实减轻群众就医负担，根据雅安市卫生健康委员会等4部门印发的《雅安市2024年医疗机构不规范收费专项整治工作方案》（雅卫发〔2024〕15号）要求，结合我县实际，制定本方案。

一、工作目标

（一）收费行为明显规范。全县各级各类医疗机构不规范收费问题得到有效纠正，群众投诉明显减少。
（二）长效机制基本建立。县直医疗机构全面建立收费内部稽核制度，各医疗机构建立价格公示制度。

二、整治范围

全县各级各类医疗机构，重点是县直医疗机构和乡镇卫生院。

三、重点任务

（一）整治分解收费和重复收费
1.对照医疗服务价格项目规范，逐项清理分解项目收费、重复收费问题。
2.建立收费清单抽查制度，每季度抽查出院病历不少于30份。牵头单位：县卫健局；配合单位：县医疗保障局、县市场监管局。
（二）整治超标准收费。重点查处超过政府指导价收费、自立项目收费等行为。（县医疗保障局负责）
（三）整治价格公示不到位。医疗机构在显著位置公示常用药品、医用耗材和医疗服务价格。（责任单位：县市场监管局、县卫健局）

四、实施步骤

整治时间为2024年4月至2024年11月，分4个阶段实施。

（一）动员部署阶段（2024年4月）。县卫健局召开动员会，各医疗机构制定本单位实施方案。
（二）自查自纠阶段（2024年5月—6月）。各医疗机构对照重点任务开展自查，于6月底前将自查报告报县卫健局医政股。
（三）集中检查阶段（2024年7月1日—9月30日）。县卫健局会同县医疗保障局、县市场监管局对各医疗机构开展全覆盖检查。
（四）总结提升阶段（2024年10月—11月）。各医疗机构于2024年11月20日前报送工作总结，县卫健局汇总后报送雅安市卫生健康委员会。

五、工作要求

（一）加强组织领导。县卫健局成立专项整治工作专班，各医疗机构主要负责人为第一责任人。
（二）强化结果运用。检查结果纳入医疗机构年度绩效考核，对整改不力的单位予以通报。

县卫健局联系人及电话：王敏，0835-7622001
电子邮箱：yjwjjyz@example.com

荥经县卫生健康局
2024年3月28日
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("written")
    source = folder / "方案.txt"
    source.write_text(WRITTEN_PLAN, encoding="utf-8")
    return import_file(source, folder / "imported")


def test_written_plan_is_recognised_part_by_part(written):
    plan = yaml.safe_load((written / "plan.yaml").read_text(encoding="utf-8"))
    campaign = yaml.safe_load((written / "campaign.yaml").read_text(encoding="utf-8"))
    assert plan["profile"] == "yingjing" and plan["year"] == 2024 and "issuer" not in plan
    assert plan["parent_document"] == {"title": "雅安市2024年医疗机构不规范收费专项整治工作方案",
                                       "number": "雅卫发〔2024〕15号", "issuer": "雅安市卫生健康委员会等4部门"}
    assert plan["dates"]["start"] == "2024-04" and plan["dates"]["end"] == "2024-11"
    assert plan["dates"]["signed"] == "2024-03-28"
    assert plan["phases"]["phase2"] == {"start": "2024-05", "end": "2024-06"}
    assert plan["phases"]["phase3"] == {"start": "2024-07-01", "end": "2024-09-30"}
    assert plan["contacts"] == [{"unit": "health", "name": "王敏", "phone": "0835-7622001",
                                 "email": "yjwjjyz@example.com"}]
    assert [(t.get("lead"), t.get("cooperate")) for t in campaign["tasks"]] == [
        (["health"], ["insurance", "market"]), (["insurance"], None), (["market"], ["health"])]
    assert [p["name"] for p in campaign["phases"]] == ["动员部署阶段", "自查自纠阶段", "集中检查阶段", "总结提升阶段"]
    assert campaign["title"] == "{{ j.name }}{{ year }}年医疗机构不规范收费专项整治工作方案"
    text = re.sub(r"^#.*$", "", (written / "campaign.yaml").read_text(encoding="utf-8"), flags=re.MULTILINE)
    for word in ("荥经", "我县", "全县", "县直", "县卫健局", "2024年"):
        assert word not in text, word


def test_written_plan_moves_with_its_dates(written, tmp_path):
    """A date named in plan.yaml moves the text: the deadline 6月底 follows the self-check phase's end."""
    plan = yaml.safe_load((written / "plan.yaml").read_text(encoding="utf-8"))
    deadline = next(name for name, value in plan["dates"].items() if value == "phase2.end")
    plan["phases"]["phase2"]["end"] = "2024-07"
    (written / "moved.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    text = built_text(written / "moved.yaml", tmp_path / "out")
    assert "自查自纠阶段（2024年5月—7月）" in text and "于7月底前将自查报告" in text, deadline


@pytest.mark.slow
def test_written_plan_rebuilds_and_travels(written, tmp_path):
    score = ratio(built_text(written / "plan.yaml", tmp_path / "own"), WRITTEN_PLAN)
    assert score >= 0.95, score
    kind, words = own_words(written)
    for target in others_for(kind):
        text = built_text(written / "plan.yaml", tmp_path / target, target)
        assert not left_over(text, words, target), target
        assert "荥经" not in text   # (雅安 stays in the parent document's title: plan.yaml names it)
        # the level above: the target's own parent, or words that need none
        above = {"sichuan": "上级卫生健康行政部门", "yaan": "四川省卫生健康委员会", "rongan": "柳州市卫生健康委员会",
                 "shijiazhuang-changan": "石家庄市卫生健康委员会"}[target]
        assert f"汇总后报送{above}" in text, target


# ---------------------------------------------------------------- .docx inputs

DOCX = {"auto-numbering": "001", "task-table": "003", "libreoffice": "004-二", "libreoffice-numbering": "001"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DOCX))
def test_docx_imported_rebuilds_its_seed_and_travels(name, tmp_path):
    folder = import_file(FIXTURES / f"{name}.docx", tmp_path / "imported")
    key = DOCX[name]
    score = ratio(built_text(folder / "plan.yaml", tmp_path / "own"), body_only(key, SEED_PLANS[key]))
    print(f"{name}.docx (seed {key}): ratio {score:.4f}")
    assert score >= 0.95, score
    kind, words = own_words(folder)
    for target in others_for(kind):
        text = built_text(folder / "plan.yaml", tmp_path / target, target)
        assert not left_over(text, words, target), target


def test_word_automatic_numbering_is_read_from_numbering_xml(tmp_path):
    source = FIXTURES / "auto-numbering.docx"
    with zipfile.ZipFile(source) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        assert "<w:numPr>" in body and "chineseCounting" in archive.read("word/numbering.xml").decode("utf-8")
    assert "一、工作目标" not in body and "（一）治理" not in body   # the numbers are Word's, not typed
    folder = import_file(source, tmp_path / "imported")
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert [s["heading"] for s in campaign["sections"]] == ["工作目标", "工作范围", "工作任务", "实施步骤", "工作要求"]
    assert len(campaign["tasks"]) == 5 and len(campaign["phases"]) == 4 and len(campaign["requirements"]) == 6


def test_task_table_gives_each_task_its_departments(tmp_path):
    folder = import_file(FIXTURES / "task-table.docx", tmp_path / "imported")
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert [(t["lead"], t["cooperate"]) for t in campaign["tasks"]] == [
        (["insurance"], ["health", "tcm"]), (["insurance"], ["health", "tcm"]),
        (["health"], ["insurance", "tcm"]), (["health"], ["insurance", "tcm"])]
    assert campaign["task_table"] is True and campaign["annexes"][0]["kind"] == "tasks"
    result = run_cli("build", folder / "plan.yaml", "-o", tmp_path / "out", "--only", "tasks")
    assert result.exit_code == 0, result.output
    table = docx_text(next(p for p in files_of_kind(tmp_path / "out", "tasks") if p.suffix == ".docx"))
    names = table.replace("\n", "")  # a name wider than its column is broken over two lines
    assert "自治区医保局" in names and "自治区中医药局" in names


@pytest.mark.parametrize("name", ["libreoffice", "libreoffice-numbering"])
def test_libreoffice_fixtures_were_saved_by_libreoffice(name):
    with zipfile.ZipFile(FIXTURES / f"{name}.docx") as archive:
        assert "LibreOffice" in archive.read("docProps/app.xml").decode("utf-8")
    if name == "libreoffice-numbering":   # LibreOffice's own way of writing 一、二、
        with zipfile.ZipFile(FIXTURES / f"{name}.docx") as archive:
            assert "taiwaneseCountingThousand" in archive.read("word/numbering.xml").decode("utf-8")


# ---------------------------------------------------------------- what the command says and refuses

def test_command_reports_what_it_recognised_and_what_it_kept(tmp_path):
    source = tmp_path / "篇二.txt"
    source.write_text(SEED_PLANS["000-二"], encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "识别到：" in result.output and "实施阶段" in result.output
    assert re.search(r"第\d+行 含义不明的空白“__”（…据《关于印发__省规范", result.output)
    assert run_cli("check", tmp_path / "out" / "plan.yaml").exit_code == 0


def test_an_existing_campaign_is_not_overwritten(written):
    result = run_cli("import", written.parent / "方案.txt", "-o", written)
    assert result.exit_code == 2 and "已有 campaign.yaml、plan.yaml" in result.output


MEETING_NOTICE = """关于召开全市医疗机构专项整治工作推进会议的通知

各县（区）卫生健康局：
为推进医疗机构专项整治工作，经研究，决定召开工作推进会议。现将有关事项通知如下：
一、会议时间
2024年3月5日上午9:00
二、会议地点
市卫生健康委三楼会议室
三、参会人员
各县（区）卫生健康局分管领导
柳州市卫生健康委员会
2024年3月1日
"""
BAD_INPUTS = {
    "empty.txt": (b"", "是空的"),
    "scan.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG 图片"),
    "scan.pdf": (b"%PDF-1.4\n1 0 obj << /Type /XObject /Subtype /Image >> endobj\n%%EOF\n", "不是可读的 PDF"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "LibreOffice 未能读出"),
    "meeting.txt": (MEETING_NOTICE.encode("utf-8"), "是会议通知，不是实施方案"),
    "broken.docx": (b"PK\x03\x04" + bytes(40), "已损坏"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(name, tmp_path):
    data, message = BAD_INPUTS[name]
    source = tmp_path / name
    source.write_bytes(data)
    result = run_cli("import", source, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.output and "未写入任何文件" in result.output
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- more forms of input

def _docx(path: Path, lines: list[str], table: list[list[str]] | None = None, after: list[str] = ()) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for line in after:
        document.add_paragraph(line)
    document.save(path)
    return path


def test_task_table_inside_the_body_becomes_the_task_table(tmp_path):
    source = _docx(tmp_path / "方案.docx", [
        "柳州市2024年医疗乱象专项整治实施方案", "为规范医疗秩序，结合我市实际，制定本方案。", "一、重点任务",
        "（一）打击违法执业。依法查处无证行医。", "（二）打击医疗骗保。依法查处欺诈骗保行为。", "二、任务分工", "重点任务分工表"],
        [["序号", "重点任务", "牵头部门", "配合部门"], ["1", "打击违法执业", "市卫生健康委", "市市场监管局、市公安局"],
         ["2", "打击医疗骗保", "市医保局", "市卫生健康委"]],
        ["三、工作要求", "（一）加强领导。各县区要高度重视。", "柳州市卫生健康委员会", "2024年3月1日"])
    folder = import_file(source, tmp_path / "imported")
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert [(t["lead"], t["cooperate"]) for t in campaign["tasks"]] == [
        (["health"], ["market", "police"]), (["insurance"], ["health"])]
    assert campaign["annexes"] == [{"kind": "tasks", "title": "重点任务分工表"}]
    assert yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))["profile"] == "liuzhou"


def test_headings_numbered_through_their_style(tmp_path):
    """Word's heading styles may carry the list numbering (WPS and many templates do)."""
    import docx
    from docx.oxml import parse_xml

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {ns} w:abstractNumId="97"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="chineseCountingThousand"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {ns} w:numId="97"><w:abstractNumId w:val="97"/></w:num>'))
    document.styles["Heading 1"].element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {ns}><w:ilvl w:val="0"/><w:numId w:val="97"/></w:numPr>'))
    document.add_paragraph("荥经县2024年合理用药专项整治实施方案")
    document.add_paragraph("为促进合理用药，结合我县实际，制定本方案。")
    for heading, text in (("工作目标", "全县医疗机构处方合格率达到95%以上。"), ("工作要求", "县卫健局每月通报点评结果。")):
        document.add_paragraph(heading, style="Heading 1")
        document.add_paragraph(text)
    document.save(tmp_path / "方案.docx")
    folder = import_file(tmp_path / "方案.docx", tmp_path / "imported")
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert [s["heading"] for s in campaign["sections"]] == ["工作目标", "工作要求"]
    assert "二、工作要求" in built_text(folder / "plan.yaml", tmp_path / "out")


def test_markdown_input(tmp_path):
    lines = WRITTEN_PLAN.splitlines()
    markdown = "\n".join(["# " + lines[0]] + [("## " + line if re.match(r"^[一二三四五]、", line) else
                                                ("**" + line + "**" if line.startswith("（") else line))
                                               for line in lines[1:]])
    source = tmp_path / "方案.md"
    source.write_text(markdown, encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    assert ratio(built_text(folder / "plan.yaml", tmp_path / "out"), WRITTEN_PLAN) >= 0.95


def test_profile_option_names_the_issuer(tmp_path):
    source = tmp_path / "篇二.txt"
    source.write_text(SEED_PLANS["000-二"], encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "a", "--profile", "融安县")
    assert result.exit_code == 0 and "按 --profile 指定：融安县" in result.output
    assert yaml.safe_load((tmp_path / "a" / "plan.yaml").read_text(encoding="utf-8"))["profile"] == "rongan"
    assert not (tmp_path / "a" / "辖区.yaml").exists()
    text = built_text(tmp_path / "a" / "plan.yaml", tmp_path / "out")
    assert "全县各级各类医疗机构" in text and "向融安县卫生健康局书面报送" in text   # 向__县卫生健康委 in the seed
    own = tmp_path / "我县.yaml"
    own.write_text((ROOT / "profiles" / "rongan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    import_file(source, tmp_path / "b", "--profile", str(own))
    assert yaml.safe_load((tmp_path / "b" / "plan.yaml").read_text(encoding="utf-8"))["profile"] == "../我县.yaml"
    built_text(tmp_path / "b" / "plan.yaml", tmp_path / "out-b")


def test_a_relative_profile_path_works_from_any_folder(tmp_path):
    """--profile ./我县.yaml is the file in the folder the command runs in, wherever the import checks its result."""
    work = tmp_path / "科室" / "工作"
    work.mkdir(parents=True)
    (work / "篇二.txt").write_text(SEED_PLANS["000-二"], encoding="utf-8")
    (work / "我县.yaml").write_text((ROOT / "profiles" / "rongan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("import", "篇二.txt", "-o", "导入", "--profile", "./我县.yaml", cwd=work)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((work / "导入" / "plan.yaml").read_text(encoding="utf-8"))["profile"] == "../我县.yaml"
    assert "融安县卫生健康局" in built_text(work / "导入" / "plan.yaml", tmp_path / "out")


def test_import_leaves_nothing_in_the_temp_folder(tmp_path, monkeypatch, own_temp_folder):
    """The result is proved from memory, laid over the output folder: no scratch copy in the temp folder."""
    import tempfile

    from planmaker.importer.run import import_plan

    temp = own_temp_folder
    work = tmp_path / "工作"
    work.mkdir()
    (work / "篇二.txt").write_text(SEED_PLANS["000-二"], encoding="utf-8")
    (work / "我县.yaml").write_text((ROOT / "profiles" / "rongan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = sorted(temp.iterdir())
    result = run_cli("import", "篇二.txt", "-o", "导入", "--profile", "./我县.yaml", cwd=work)
    assert result.exit_code == 0, result.output
    assert before == sorted(temp.iterdir()) == []
    # nor made and removed: a temporary file or folder without a dir= of its own asks for the temp folder
    asked: list[str] = []
    for name in ("gettempdir", "gettempdirb"):
        monkeypatch.setattr(tempfile, name, lambda real=getattr(tempfile, name), name=name: asked.append(name) or real())
    monkeypatch.chdir(work)
    import_plan(Path("篇二.txt"), Path("又一份"), Catalog(), profile="./我县.yaml")
    assert asked == [] and sorted(temp.iterdir()) == []
    assert (work / "又一份" / "plan.yaml").read_text(encoding="utf-8") == \
        (work / "导入" / "plan.yaml").read_text(encoding="utf-8")


def test_a_hospital_plan_speaks_as_a_hospital(tmp_path):
    source = tmp_path / "院方案.txt"
    source.write_text("融水县人民医院医疗质量安全专项整治工作方案\n为保障医疗安全，结合我院实际，制定本方案。\n"
                      "一、工作目标\n全院各科室核心制度落实率达到100%。\n二、重点任务\n"
                      "（一）落实核心制度。各科室开展自查。（责任科室：医务科）\n三、工作要求\n"
                      "（一）加强领导。院党委统一领导。\n融水县人民医院\n2024年4月28日\n", encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    profile = yaml.safe_load((folder / "辖区.yaml").read_text(encoding="utf-8"))
    assert profile["name"] == "融水县人民医院" and profile["vocabulary"]["self"] == "我院"
    assert profile["departments"] == {"medical_affairs": {"full": "医务科", "short": "医务科"}}
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert campaign["tasks"][0]["lead"] == ["medical_affairs"]   # 责任科室：医务科 is the role, not the name
    text = built_text(folder / "plan.yaml", tmp_path / "out")
    assert ratio(text, source.read_text(encoding="utf-8")) >= 0.95
    assert "结合我院实际" in text and "（责任科室：医务科）" in text
    elsewhere = built_text(folder / "plan.yaml", tmp_path / "tcm", "liuzhou-tcm-hospital")
    assert "柳州市中医医院医疗质量安全" in elsewhere and "融水" not in elsewhere


def test_numbered_items_with_their_own_units_become_subtasks(tmp_path):
    """Seed 004 第一篇: “1、……（责任单位：区卫生健康局）2、……” under one task."""
    source = tmp_path / "第一篇.txt"
    source.write_text(SEED_PLANS["004-一"], encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    assert "责任单位“区发改经信局”不是发文辖区的部门" in result.output
    campaign = yaml.safe_load((tmp_path / "imported" / "campaign.yaml").read_text(encoding="utf-8"))
    first = campaign["tasks"][0]
    assert [(s.get("lead"), s.get("cooperate")) for s in first["subtasks"]] == [
        (["health"], None), (["market"], None), (["health"], ["market", "police"]), (["police"], ["health"])]


def test_a_list_of_problems_becomes_the_problem_list(tmp_path):
    """Seed 000 篇二 part 四: four groups of numbered problems, as bundled by hand in clinical-conduct."""
    source = tmp_path / "篇二.txt"
    source.write_text(SEED_PLANS["000-二"], encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    problems = yaml.safe_load((folder / "problems.yaml").read_text(encoding="utf-8"))
    assert campaign["problems"] == "problems.yaml"
    assert [(g["name"], len(g["items"])) for g in problems["groups"]] == [
        ("医疗骗保方面", 7), ("诊疗行为方面", 4), ("执业行为方面", 7), ("价格政策和收费管理方面", 7)]
    assert problems["groups"][0]["intro"] == "重点整治以下{{ group.items | length | cn }}个方面问题："
    text = built_text(folder / "plan.yaml", tmp_path / "out")
    assert "（一）医疗骗保方面。重点整治以下七个方面问题：" in text and "\n2.分解住院；" in text


@pytest.mark.slow
def test_checklist_annex_becomes_the_campaign_checklist(tmp_path):
    """Seed 003 annex 2, pasted as text: the same items, sub-items, answers and notes as the checklist
    bundled by hand (medical-abuses-2020); annexes 3 and 4 are statistics forms (test_import_stats.py)."""
    source = tmp_path / "003.txt"
    source.write_text(SEED_PLANS["003"], encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    ours = yaml.safe_load((folder / "checklist.yaml").read_text(encoding="utf-8"))
    bundled = yaml.safe_load((ROOT / "templates" / "campaigns" / "medical-abuses-2020" / "checklist.yaml")
                             .read_text(encoding="utf-8"))

    def shape(spec):
        return [(g["name"], [(i["text"], i.get("answer", "yesno"), i.get("note", ""),
                              [(s["text"], s.get("answer", "yesno")) for s in i.get("subs", [])]) for i in g["items"]])
                for g in spec["groups"]]

    assert shape(ours) == shape(bundled)
    assert {k: re.sub(r"\s+", "", v) for k, v in ours["answers"].items()} == \
        {k: re.sub(r"\s+", "", v) for k, v in bundled["answers"].items()}
    assert ours["signatures"] == ["陪同检查人：", "检查人：", "检查时间：   年  月  日"]
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert [a["kind"] for a in campaign["annexes"]] == ["tasks", "checklist", "stats", "stats"]
    result = run_cli("build", folder / "plan.yaml", "-o", tmp_path / "out", "--only", "checklist")
    assert result.exit_code == 0, result.output


PROVINCE_PLAN = """贵州省2024年医疗机构检查检验结果互认工作实施方案

为减轻群众就医负担，根据国家卫生健康委等7部门《关于进一步推进医疗机构检查检验结果互认的指导意见》（国卫医急发〔2022〕6号）要求，结合我省实际，制定本方案。

一、工作目标
到2024年底，全省二级以上公立医疗机构检查检验结果互认项目不少于200项，省直医疗机构率先实现全部互认。

二、主要任务
（一）统一质控标准。省卫生健康委制定互认项目质控标准，各市（州）卫生健康局组织辖区医疗机构参加室间质评。（省卫生健康委负责）
（二）建设互认平台。依托全民健康信息平台建设互认共享系统，2024年9月30日前完成省级平台部署。牵头单位：省卫生健康委；配合单位：省大数据局、省医保局。
（三）完善支付政策。省医保局将互认情况纳入定点医疗机构考核。（省医保局负责）

三、进度安排
（一）部署阶段（2024年4月）。各市（州）制定本地实施方案。
（二）推进阶段（2024年5月—10月）。各级医疗机构按项目清单推进互认，6月底前报送首批互认项目。
（三）评估阶段（2024年11月—12月）。省卫生健康委组织评估，通报各市（州）工作情况。

四、工作要求
（一）加强组织领导。各市（州）要成立工作专班，主要负责同志亲自抓。
（二）强化督导检查。省卫生健康委会同省医保局开展专项督导，对工作滞后的地区予以通报。

贵州省卫生健康委员会
2024年3月15日
"""


@pytest.mark.slow
def test_a_province_plan_in_word_with_typed_numbers(tmp_path):
    """Written for the test: a province no bundled profile knows, typed numbering in a .docx."""
    source = _docx(tmp_path / "贵州.docx", [line for line in PROVINCE_PLAN.splitlines() if line.strip()])
    folder = import_file(source, tmp_path / "imported")
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    # the issuer (落款 贵州省卫生健康委员会) is a unit of the national table: no profile is drawn from the text
    assert plan["profile"] == "贵州省" and not (folder / "辖区.yaml").exists()
    j = Catalog().load_profile("贵州省")
    assert (j.short_name, j.subordinates, j.departments["health"].full) == ("贵州", "各市（州）", "贵州省卫生健康委员会")
    assert plan["parent_document"]["issuer"] == "国家卫生健康委等7部门"
    assert plan["dates"]["signed"] == "2024-03-15" and plan["phases"]["phase2"] == {"start": "2024-05", "end": "2024-10"}
    assert ratio(built_text(folder / "plan.yaml", tmp_path / "own"), PROVINCE_PLAN) >= 0.95
    kind, words = own_words(folder)
    for target in others_for(kind):
        text = built_text(folder / "plan.yaml", tmp_path / target, target)
        assert not left_over(text, words, target) and "贵州" not in text, target


def test_a_place_that_is_not_the_issuer_is_reported(tmp_path):
    source = tmp_path / "篇六.txt"
    source.write_text(SEED_PLANS["000-六"], encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0 and re.search(r"第\d+行 地名“宜春市”不是发文辖区，按原文保留", result.output)


WRAPPED = """柳州市卫生健康委员会文件
柳卫发〔2021〕58号
关于印发《柳州市2021年医疗机构合理用药专项检查方案》的通知
各县区卫生健康局，市直各医疗机构：
现将《柳州市2021年医疗机构合理用药专项检查方案》印发给你们，请认真贯彻执行。
柳州市卫生健康委员会
2021年9月3日
柳州市2021年医疗机构合理用药专项检查方案
为促进合理用药，结合我市实际，制定本方案。
一、检查范围
全市二级以上医疗机构。
二、检查内容
（一）处方点评。各医疗机构每月开展处方点评。（市卫生健康委负责）
（二）抗菌药物管理。重点检查抗菌药物分级管理制度落实情况。
三、工作要求
各县区要于2021年12月10日前报送检查总结。
抄送：自治区卫生健康委
柳州市卫生健康委员会办公室        2021年9月3日印发
"""


def test_an_issued_document_is_unwrapped(tmp_path):
    """Masthead, covering notice and 版记 around the plan: the plan is imported, the number kept,
    the notice's issuer and date sign it, and each wrapper line is reported."""
    source = tmp_path / "发文.txt"
    source.write_text(WRAPPED, encoding="utf-8")
    result = run_cli("import", source, "-o", tmp_path / "imported")
    assert result.exit_code == 0, result.output
    for said in ("第2行 版头“柳卫发〔2021〕58号”", "第3行 印发通知（第3—7行）", "第17行 版记“抄送："):
        assert said in result.output
    plan = yaml.safe_load((tmp_path / "imported" / "plan.yaml").read_text(encoding="utf-8"))
    # the notice is the superior document of a plan made from it (issue 22): its number goes with it
    assert plan["profile"] == "liuzhou" and "number" not in plan
    assert plan["parent_document"] == {"title": "关于印发〈柳州市2021年医疗机构合理用药专项检查方案〉的通知",
                                       "issuer": "柳州市卫生健康委员会", "number": "柳卫发〔2021〕58号",
                                       "date": "2021年9月3日"}
    assert plan["dates"]["signed"] == "2021-09-03"
    text = built_text(tmp_path / "imported" / "plan.yaml", tmp_path / "out")
    assert text.startswith("柳州市2021年医疗机构合理用药专项检查方案") and "抄送" not in text


def test_a_date_signed_in_chinese_numerals(tmp_path):
    source = tmp_path / "方案.txt"
    source.write_text(WRITTEN_PLAN.replace("2024年3月28日", "二〇二四年三月二十八日"), encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    assert yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))["dates"]["signed"] == "2024-03-28"
    assert built_text(folder / "plan.yaml", tmp_path / "out").endswith("2024年3月28日")   # GB/T 9704: Arabic numerals


def test_a_markdown_task_table(tmp_path):
    source = tmp_path / "方案.md"
    source.write_text("# 柳州市2024年医疗乱象专项整治实施方案\n\n为规范医疗秩序，结合我市实际，制定本方案。\n\n"
                      "## 一、重点任务\n\n（一）打击违法执业。依法查处无证行医。\n\n（二）打击医疗骗保。依法查处欺诈骗保。\n\n"
                      "## 二、任务分工\n\n| 序号 | 重点任务 | 牵头部门 | 配合部门 |\n|---|---|---|---|\n"
                      "| 1 | 打击违法执业 | 市卫生健康委 | 市公安局 |\n| 2 | 打击医疗骗保 | 市医保局 | 市卫生健康委 |\n\n"
                      "## 三、工作要求\n\n各县区要高度重视。\n", encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    campaign = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert [(t["lead"], t["cooperate"]) for t in campaign["tasks"]] == [(["health"], ["police"]), (["insurance"], ["health"])]


def test_a_plan_without_the_parent_document_still_builds(tmp_path):
    source = tmp_path / "001.txt"
    source.write_text(SEED_PLANS["001"], encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    del plan["parent_document"]
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    text = built_text(folder / "plan.yaml", tmp_path / "out")
    assert "桂卫医发" not in text and "和各级纪检部门深入整治群众身边腐败和作风问题工作要求" in text
