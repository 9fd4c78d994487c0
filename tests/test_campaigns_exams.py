"""Seed 000 篇一/篇四 (one campaign, a city and an autonomous prefecture) and seed 002's
first plan (a county): fidelity to the seeds, any jurisdiction, and `check`."""

import re

import pytest

from conftest import EXAMPLES, docx_text, files_of_kind, run_cli, run_into, seed_text, write_plan
from test_fidelity import ratio


def section(text: str, start: str, end: str) -> str:
    """The part of a seed from the marker ``start`` up to the marker ``end``."""
    begin = text.index(start)
    return text[begin:text.index(end, begin + len(start))]


# Each example, and the part of its seed it reproduces (cut by markers in the seed text).
SEED_SECTIONS = {
    # 000 holds six plans headed “篇一：…” to “篇六：…”.
    "yaan-exams": lambda: section(seed_text("000"), "篇一：", "篇二："),
    "prefecture-exams": lambda: section(seed_text("000"), "篇四：", "篇五："),
    # 002 runs its plans together: the first starts after the compilation's title and
    # ends where the second (the hospital's 清廉医院 plan) begins.
    "county-rational-exams": lambda: section(
        seed_text("002"), "为贯彻落实中华人民共和国基本医疗卫生与健康促进法", "医院清廉医院创建行动工作方案"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The examples' plans (the tests below read the plan's text only)."""
    outs = {}
    for name in SEED_SECTIONS:
        outs[name] = run_into(tmp_path_factory, name, "build", EXAMPLES / name / "plan.yaml", "--only", "plan")
    return outs


def plan_text(out) -> str:
    (plan,) = files_of_kind(out, "plan")
    return docx_text(plan)


@pytest.mark.parametrize("example", sorted(SEED_SECTIONS))
def test_example_plan_matches_its_seed_section(built, example):
    score = ratio(plan_text(built[example]), SEED_SECTIONS[example]())
    assert score >= 0.9, score


def test_seed_sections_are_the_right_plans():
    assert "结合我市实际" in SEED_SECTIONS["yaan-exams"]() and "篇二" not in SEED_SECTIONS["yaan-exams"]()
    assert "结合我州实际" in SEED_SECTIONS["prefecture-exams"]()
    county = SEED_SECTIONS["county-rational-exams"]()
    assert "结合我县实际" in county and county.rstrip().endswith("信任度和满意度。")


def test_city_and_prefecture_differ_in_figures_and_wording(built):
    city, prefecture = plan_text(built["yaan-exams"]), plan_text(built["prefecture-exams"])
    assert "三级医院45%出院患者、二级医院50%出院患者" in city
    assert "三级医院40%出院患者、二级医院45%出院患者" in prefecture
    assert "结合我市实际" in city and "结合我州实际" in prefecture
    assert "各县（区）" in city and "各县（市）" in prefecture and "州直医疗机构" in prefecture
    # the city spells each phase out measure by measure, the prefecture writes one paragraph
    assert "1、制定工作方案。" in city and "制定工作方案。" not in prefecture
    assert "第一轮系统治理建章立制情况" in prefecture and "第一轮系统治理建章立制情况" not in city
    # dates known to the day at the city, to the month at the prefecture
    assert "动员部署阶段（2021年9月1日-2021年9月15日）" in city
    assert "2021年9月至2022年2月，共6个月。" in prefecture
    assert "动员部署阶段（2021年9月）" in prefecture


def test_county_plan_names_its_responsible_units(built):
    text = plan_text(built["county-rational-exams"])
    assert text.startswith("荥经县进一步加强行风建设规范医疗行为促进合理医疗检查实施方案")
    assert "依托雅安市全民健康信息平台" in text
    # full names at the first mention, short after
    assert "（县卫健局、荥经县人力资源和社会保障局、荥经县财政局按职责分工负责）" in text
    assert "（县医疗保障局负责）" in text
    assert "开展为期一年的" in text
    assert "准备阶段（2023年5月—6月）" in text and "督查整改阶段（2023年8月—2024年2月）" in text


@pytest.mark.parametrize("example", sorted(SEED_SECTIONS))
def test_check_passes_on_example(example):
    result = run_cli("check", EXAMPLES / example / "plan.yaml")
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------ any jurisdiction

PLACES = ("广西", "柳州", "融安", "四川", "雅安", "雨城", "凉山", "荥经")
JURISDICTIONS = {
    # profile: (places it and its parents may name, words it must use, words of other levels)
    "guangxi": (("广西",), ("全区", "我区", "自治区卫生健康委"), ("全市", "我市", "全县", "我县")),
    "liuzhou": (("广西", "柳州"), ("全市", "我市", "市卫生健康委"), ("全县", "我县")),
    "rongan": (("广西", "柳州", "融安"), ("全县", "我县", "县卫生健康局"), ("全市", "我市")),
    "sichuan": (("四川",), ("全省", "我省", "省卫生健康委"), ("全市", "我市", "全县", "我县")),
    "yaan": (("四川", "雅安"), ("全市", "我市", "市卫生健康委"), ("全县", "我县", "全区", "我区")),
    "yucheng": (("四川", "雅安", "雨城"), ("全区", "我区", "区卫生健康局"), ("全市", "我市")),
    "liangshan": (("四川", "凉山"), ("全州", "我州", "州卫生健康委"), ("全市", "我市", "全县", "我县")),
    "yingjing": (("四川", "雅安", "荥经"), ("全县", "我县", "县卫健局"), ("全市", "我市")),
}
CAMPAIGNS = {
    "exams-prescriptions-detailed": "campaign: exams-prescriptions\nparams: {detailed: true}\n",
    "exams-prescriptions-brief": "campaign: exams-prescriptions\nparams: {detailed: false}\n",
    "rational-exams": "campaign: rational-exams\n",
}
# Citations of the parent's documents and of national law may name other places; the
# province's own notice (互认工作的通知) is cited by the province's name on purpose.
CITATION = re.compile(r"《[^》]*》")


@pytest.mark.slow
@pytest.mark.parametrize("campaign", sorted(CAMPAIGNS))
@pytest.mark.parametrize("profile", sorted(JURISDICTIONS))
def test_campaign_speaks_as_any_jurisdiction(tmp_path, campaign, profile):
    """The plan's text and the task table (every kind for any place: test_national_sample.py)."""
    allowed, own, other_levels = JURISDICTIONS[profile]
    plan = write_plan(tmp_path, f"profile: {profile}\n{CAMPAIGNS[campaign]}"
                                "dates: {start: 2021-09, end: 2022-08}\n")
    out = tmp_path / "out"
    result = run_cli("build", plan, "-o", out, "--only", "plan,tasks")
    assert result.exit_code == 0, result.output
    text = CITATION.sub("", plan_text(out))
    for word in PLACES:
        if word not in allowed:
            assert word not in text, word
    for word in other_levels:
        assert word not in text, word
    # (the county plan of seed 002 speaks of “我县” but never of “全县”)
    for word in own[1:2] if campaign == "rational-exams" else own:
        assert word in text, word
    # the task-assignment table names this jurisdiction's own lead department
    (table,) = [f for f in files_of_kind(out, "tasks") if f.suffix == ".docx"]
    assert own[-1] in docx_text(table) or own[-1] in text
