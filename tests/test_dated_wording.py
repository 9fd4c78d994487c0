"""Wording that belongs to a date, citations that are not made up, and one place's proper nouns
kept out of the bundled campaigns (issue 21): every bundled campaign built for five real places,
dated 2021 and 2025. The plans are composed (the text a clerk reads, with its annex names), not
rendered to .docx: what is tested here is the wording, which every format carries alike."""

from __future__ import annotations

import datetime
import re
import sys
from pathlib import Path

import pytest

from conftest import write_plan
from planmaker.base import resources
from planmaker.checks.wording import text_problems
from planmaker.commands.check import check_plan
from planmaker.importer.dated_words import dated_spans
from planmaker.inputs import dated
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.lint import local_terms
from planmaker.kinds.making import make_job
from planmaker.plan.resolve import resolve
from planmaker.plan.wording import WordingView

ROOT = Path(__file__).resolve().parent.parent
# the places of the issue; a code where the name may be read as several places
PLACES = {"110105": "朝阳区", "东莞市": "东莞市", "仙桃市": "仙桃市", "思南县": "思南县", "科尔沁右翼前旗": "科尔沁右翼前旗"}
YEARS = ("2021", "2025")
CAMPAIGNS = sorted(p.name for p in resources.campaigns_dir().iterdir() if (p / "campaign.yaml").is_file())
# clean-hospital is a hospital's own plan: built by a hospital profile placed under each place
HOSPITAL_CAMPAIGNS = {"clean-hospital"}
PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
             "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西",
             "甘肃", "青海", "宁夏", "新疆")
TITLE = re.compile(r"《([^《》]*)》")
HOSPITAL = (resources.profiles_dir() / "liuzhou-tcm-hospital.yaml").read_text(encoding="utf-8")


def _plan_text(campaign: str, profile: str, year: str) -> str:
    return (f"profile: '{profile}'\ncampaign: {campaign}\n"
            f"dates: {{start: {year}-03, end: {year}-12, signed: {year}-03-01}}\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(campaign, place, year) → (plan title, the plan's lines, annex titles, jurisdiction)."""
    catalog = Catalog()
    folder = tmp_path_factory.mktemp("dated")
    result = {}
    for place in PLACES:
        hospital = folder / f"hospital-{place}.yaml"
        hospital.write_text(HOSPITAL.replace("parent: liuzhou", f"parent: '{place}'")
                            .replace("柳州市中医医院", "某某医院"), encoding="utf-8")
        for year in YEARS:
            for campaign in CAMPAIGNS:
                profile = hospital.name if campaign in HOSPITAL_CAMPAIGNS else place
                plan = write_plan(folder, _plan_text(campaign, profile, year), f"{campaign}-{place}-{year}.yaml")
                job = make_job(resolve(plan, catalog))
                result[campaign, place, year] = (job.plan.title, job.plan.text_lines(),
                                                 [a.title for a in job.annexes], job.resolved.jurisdiction)
    return result


def _cases():
    return [(c, p, y) for c in CAMPAIGNS for p in PLACES for y in YEARS]


@pytest.mark.slow
def test_every_bundled_campaign_is_built_for_every_place_and_year(built):
    assert len(built) == len(CAMPAIGNS) * len(PLACES) * len(YEARS)


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_no_phrase_outside_its_dates(built, year):
    for (campaign, place, y), (_title, lines, _annexes, _j) in built.items():
        if y != year:
            continue
        text = "\n".join(lines)
        day = datetime.date(int(year), 3, 1)
        assert dated.outside(text, day, day) == [], (campaign, place)
        if year == "2025":
            for old in ("十九大", "十九届", "执业医师法", "不忘初心", "卫生计生", "党史学习教育"):
                assert old not in text, (campaign, place, old)
        else:
            for new in ("二十大", "二十届", "《中华人民共和国医师法》", "深入贯彻中央八项规定精神学习教育"):
                assert new not in text, (campaign, place, new)


def test_the_congress_and_the_laws_follow_the_date(built):
    lines_2021 = "\n".join(built["unreasonable-exams", "东莞市", "2021"][1])
    lines_2025 = "\n".join(built["unreasonable-exams", "东莞市", "2025"][1])
    assert "为全面贯彻党的十九大和十九届二中、三中、四中、五中全会精神" in lines_2021
    assert "为全面贯彻党的二十大和二十届二中、三中全会精神" in lines_2025
    exams_2021 = "\n".join(built["exams-prescriptions", "思南县", "2021"][1])
    exams_2025 = "\n".join(built["exams-prescriptions", "思南县", "2025"][1])
    assert "《中华人民共和国执业医师法》" in exams_2021 and "《中华人民共和国医师法》" in exams_2025
    # in force from 2021-05-01: not yet on 2021-03-01
    assert "医疗保障基金使用监督管理条例" not in exams_2021 and "《医疗保障基金使用监督管理条例》" in exams_2025


def test_no_citation_has_a_place_put_in(built):
    for (campaign, place, year), (_title, lines, _annexes, j) in built.items():
        for cited in TITLE.findall("\n".join(lines)):
            if cited.startswith(j.name) or cited.startswith(j.full_name):
                continue  # the plan's own annexes (《东莞市……统计表一、二》)
            assert not any(p in cited for p in PROVINCES), (campaign, place, year, cited)
            assert not re.search(r"(?:_{2,}|XX)[省市县]", cited), (campaign, place, year, cited)


def test_no_proper_noun_of_another_place(built):
    words = [t.word for t in local_terms()]
    for (campaign, place, year), (_title, lines, _annexes, _j) in built.items():
        text = "\n".join(lines).replace("“", "").replace("”", "")
        for word in words:
            assert word not in text, (campaign, place, year, word)
        if place == "东莞市":  # a city without counties: its towns and sub-districts
            assert "县级医疗机构" not in text and "县区" not in text, campaign


def test_titles_carry_the_full_name_and_annexes_follow_the_title(built):
    for (campaign, place, _year), (title, _lines, annexes, j) in built.items():
        if campaign not in HOSPITAL_CAMPAIGNS:
            assert j.name in title, (campaign, place, title)
        for annex in annexes:
            if annex.endswith("任务分工"):
                assert annex == title + "任务分工", (campaign, place, annex)
    assert built["medical-abuses-2020", "仙桃市", "2025"][0] == "2025年仙桃市医疗卫生领域突出问题专项整治方案"


@pytest.mark.slow
def test_a_citation_is_the_plan_files_or_a_blank_with_a_warning(tmp_path):
    plan = write_plan(tmp_path, _plan_text("clinical-conduct", "思南县", "2025"))
    warnings = [p for p in check_plan(plan) if "documents.supervision_opinions" in p.message]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    text = "\n".join(make_job(resolve(plan, Catalog())).plan.text_lines())
    assert "《____》" in text and "贵州省人民政府办公厅" not in text
    given = write_plan(tmp_path, _plan_text("clinical-conduct", "思南县", "2025") + (
        "documents:\n  supervision_opinions: {title: 某某实施意见, number: 某政办发〔2019〕1号}\n"), "given.yaml")
    assert "《某某实施意见》（某政办发〔2019〕1号）" in "\n".join(make_job(resolve(given, Catalog())).plan.text_lines())
    assert not [p for p in check_plan(given) if "documents" in p.message]


def test_check_finds_a_dated_phrase_of_the_plan_file(tmp_path):
    plan = write_plan(tmp_path, _plan_text("medical-abuses-2020", "东莞市", "2025")
                      + "params: {discipline_meetings: 十九届中央纪委四次全会}\n")
    found = [p for p in check_plan(plan) if "十九届" in p.message]
    # the plan file's own words: a warning, at its line
    assert found and found[0].severity == "warning" and found[0].file == plan and found[0].line == 4


def test_check_lints_a_campaigns_words():
    where = ("campaign.yaml", 3, "preamble")
    made_up = text_problems("将贯彻落实《{{ j.province.name }}人民政府办公厅关于完善医疗卫生行业综合监管制度的实施意见》",
                            where, bundled=True)
    assert [p.severity for p in made_up] == ["error"] and "cite" in made_up[0].message
    assert [p.severity for p in text_problems("运用医疗“三监管”平台", where, bundled=False)] == ["warning"]
    assert "wording.congress" in text_problems("贯彻党的十九大精神", where, bundled=True)[0].message
    # the plan's own documents and the dated wording are not made up
    assert text_problems("《{{ parent_document.title }}》{{ wording.law('医师法') }}", where, bundled=True) == []


def test_wording_without_a_date_is_blank_or_the_newest():
    view = WordingView(None)
    assert view.congress == "党的__大和__届__全会"
    assert view.education == ""
    assert view.law("执业医师法") == "《中华人民共和国医师法》"
    with pytest.raises(ValueError, match="不在 profiles/_dated.yaml"):
        view.law("不存在的法")


def test_import_turns_dated_phrases_into_variables():
    text = ("为全面贯彻党的十九大和十九届二中、三中、四中、五中全会精神，巩固深化“不忘初心、牢记使命”主题教育成果，"
            "依据《中华人民共和国执业医师法》，由卫生计生部门牵头")
    exprs = [expr for _s, _e, expr in dated_spans(text)]
    assert exprs == ["{{ wording.congress }}", "{{ wording.education }}", "{{ wording.law('医师法') }}",
                     "{{ wording.body('卫生健康部门') }}"]


def test_every_dated_entry_has_a_source_or_says_it_is_inferred():
    data = dated.load_dated()
    entries = [*data.congresses, *(p for c in data.congresses for p in c.plenums), *data.education, *data.laws,
               *data.bodies]
    for entry in entries:
        assert entry.source or (entry.inferred and entry.note), entry


def test_the_docs_page_lists_the_data():
    sys.path.insert(0, str(ROOT / "scripts"))
    import dated_doc

    assert dated_doc.main([]) == 0, "python scripts/dated_doc.py --write"
    page = (ROOT / "docs" / "随日期而变的用语.md").read_text(encoding="utf-8")
    for law in dated.load_dated().laws:
        assert law.title in page
