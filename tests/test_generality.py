"""One campaign, any jurisdiction: the county plan speaks as the county."""

import re

import pytest

from conftest import docx_text, files_of_kind, run_cli, write_plan

CITATION = re.compile(r"按照[^《\n]*《[^》\n]*》(（[^）\n]*）)?")  # within one paragraph

COUNTY_PLAN = """
profile: {profile}
campaign: unreasonable-exams
parent_document:
  issuer: {parent_issuer}
  joint: true
  title: {parent_title}
  number: {parent_number}
dates: {{start: 2021-09, end: 2022-02, signed: 2021-09-01, stage_report: 2021-09-24, final_report: 2022-02-22}}
phases:
  deploy: {{start: 2021-09, end: 2021-09}}
  self-check: {{start: 2021-09, end: 2021-10}}
  inspection: {{start: 2021-10, end: 2021-12}}
  summary: {{start: 2022-01, end: 2022-02}}
"""

CASES = {
    "rongan": dict(name="融安县", whole="全县", self_="我县", health="县卫生健康局",
                   health_full="融安县卫生健康局",
                   parent_issuer="柳州市卫生健康委员会等6部门",
                   parent_title="柳州市2021年开展不合理医疗检查专项治理行动工作方案",
                   parent_number="柳卫发〔2021〕99号"),
    "yucheng": dict(name="雨城区", whole="全区", self_="我区", health="区卫生健康局",
                    health_full="雅安市雨城区卫生健康局",
                    parent_issuer="雅安市卫生健康委员会等6部门",
                    parent_title="雅安市2021年开展不合理医疗检查专项治理行动工作方案",
                    parent_number="雅卫发〔2021〕99号"),
}


@pytest.mark.parametrize("profile", sorted(CASES))
def test_county_plan_speaks_of_its_own_jurisdiction(tmp_path, profile):
    """The plan's text (every kind for any place: test_national_sample.py)."""
    case = CASES[profile]
    plan = write_plan(tmp_path, COUNTY_PLAN.format(profile=profile, **case))
    out = tmp_path / "out"
    result = run_cli("build", plan, "-o", out, "--only", "plan")
    assert result.exit_code == 0, result.output
    (document,) = files_of_kind(out, "plan")
    text = docx_text(document)

    assert text.startswith(f"{case['name']}2021年开展不合理医疗检查专项治理行动工作方案")
    assert f"《{case['parent_title']}》（{case['parent_number']}）" in text
    for word in (case["whole"], case["self_"], case["health"], case["health_full"]):
        assert word in text, word
    outside_citation = CITATION.sub("", text)
    for foreign in ("柳州", "广西", "自治区", "全市", "我市", "市卫生健康委"):
        assert foreign not in outside_citation, foreign
    # the full name of a department once in the body, its short name after (the signature apart)
    body = outside_citation.split("\n附件：")[0]
    assert body.count(case["health_full"]) == 1


def test_same_campaign_for_the_city_and_the_county_differs_only_in_jurisdiction(tmp_path, liuzhou_out):
    plan = write_plan(tmp_path, COUNTY_PLAN.format(profile="rongan", **CASES["rongan"]))
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out, "--only", "plan").exit_code == 0
    county = docx_text(files_of_kind(out, "plan")[0])
    city = docx_text(files_of_kind(liuzhou_out, "plan")[0])
    # the five tasks are the campaign's, word for word, at both levels
    for task in ("治理违法违规开展医疗检查行为", "治理违反规划配置大型医用设备行为"):
        assert task in county and task in city
