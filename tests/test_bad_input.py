"""Bad input: a clear Chinese message naming file, line and field; exit 2; nothing written."""

import re
import shutil

import pytest

from conftest import EXAMPLES, ROOT, run_cli, write_plan

GOOD = (EXAMPLES / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8")


def build_bad(tmp_path, text, *extra):
    plan = write_plan(tmp_path, text)
    out = tmp_path / "out"
    result = run_cli("build", plan, "-o", out, *extra)
    assert result.exit_code == 2, result.output
    assert not out.exists(), "bad input must leave no output folder"
    assert "plan.yaml" in result.output or "yaml" in result.output
    return result.output


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_malformed_yaml_names_the_line(tmp_path):
    text = GOOD.replace("end: self-check.start + 1 month}", "end: self-check.start + 1 month")
    output = build_bad(tmp_path, text)
    assert "YAML 格式错误" in output
    assert f"第{line_of(text, 'self-check:') + 1}行" in output or f"第{line_of(text, 'self-check:')}行" in output


def test_missing_required_field(tmp_path):
    text = "\n".join(line for line in GOOD.splitlines() if not line.startswith("campaign:"))
    output = build_bad(tmp_path, text)
    assert "字段 campaign" in output and "缺少必填字段" in output


def test_unknown_key_with_did_you_mean(tmp_path):
    text = GOOD.replace("\nphases:", "\nphses:")
    output = build_bad(tmp_path, text)
    assert f"第{line_of(text, 'phses:')}行" in output
    assert "未知字段 “phses”" in output and "是否想写 “phases”" in output


def test_unknown_nested_key_with_did_you_mean(tmp_path):
    text = GOOD.replace("  number: 桂卫医发", "  numbr: 桂卫医发")
    output = build_bad(tmp_path, text)
    assert "parent_document.numbr" in output and "是否想写 “number”" in output
    assert f"第{line_of(text, 'numbr')}行" in output


def test_unknown_phase_and_date_names(tmp_path):
    text = GOOD.replace("  summary: {", "  sumary: {").replace("  final_report:", "  final_reprot:")
    output = build_bad(tmp_path, text)
    assert "阶段 “sumary”" in output and "“summary”" in output
    assert "日期 “final_reprot”" in output and "“final_report”" in output


def test_impossible_date(tmp_path):
    output = build_bad(tmp_path, re.sub(r"signed: [^#]*", "signed: 2021-02-30 ", GOOD))
    assert "dates.signed" in output and "不存在" in output


def test_unknown_profile_and_campaign(tmp_path):
    text = GOOD.replace("profile: liuzhou", "profile: liuzou").replace(
        "campaign: unreasonable-exams", "campaign: unreasonable-exam")
    output = build_bad(tmp_path, text)
    assert "未知的辖区配置 “liuzou”" in output and "“liuzhou”" in output
    assert "未知的专项模板 “unreasonable-exam”" in output and "“unreasonable-exams”" in output


def test_role_the_profile_does_not_define(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    # a county that says it has no TCM department at all (tcm: null), and a campaign that needs one
    own = "name: 融安县\nparent: liuzhou\ndepartments:\n  tcm: null\n"
    (profiles / "my-county.yaml").write_text(own, encoding="utf-8")
    text = GOOD.replace("profile: liuzhou", "profile: my-county")
    output = build_bad(tmp_path, text, "--profiles", profiles)
    assert "部门角色 “tcm”" in output and "my-county.yaml" in output
    assert "unreasonable-exams" in output or "campaign.yaml" in output


def test_added_task_with_misspelt_role(tmp_path):
    text = GOOD + "tasks:\n  add:\n    - {id: extra, title: 新增任务, lead: [ploice]}\n"
    output = build_bad(tmp_path, text)
    assert "tasks.add[1].lead[1]" in output and "是否想写 “police”" in output


def test_bad_input_never_touches_an_existing_output(tmp_path):
    out = tmp_path / "out"
    good = write_plan(tmp_path / "good", GOOD)
    assert run_cli("build", good, "-o", out).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}  # the kept bases too
    bad = write_plan(tmp_path / "bad", GOOD.replace("\nphases:", "\nphses:"))
    assert run_cli("build", bad, "-o", out).exit_code == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_template_typo_names_the_campaign_field(tmp_path):
    campaigns = tmp_path / "campaigns"
    shutil.copytree(ROOT / "templates" / "campaigns" / "unreasonable-exams", campaigns / "my-campaign")
    path = campaigns / "my-campaign" / "campaign.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ j.whole }}各级", "{{ j.wholle }}各级"),
                    encoding="utf-8")
    text = GOOD.replace("campaign: unreasonable-exams", "campaign: my-campaign")
    output = build_bad(tmp_path, text, "--campaigns", campaigns)
    assert "campaign.yaml" in output and "sections[2].paragraphs[1]" in output and "wholle" in output


def test_check_reports_every_problem_and_exits_1(tmp_path):
    text = GOOD.replace("\nphases:", "\nphses:").replace("profile: liuzhou", "profile: nowhere")
    plan = write_plan(tmp_path, text)
    result = run_cli("check", plan)
    assert result.exit_code == 1
    assert "phses" in result.output and "nowhere" in result.output


@pytest.mark.parametrize("example", ["liuzhou-2021", "rongan-2021"])
def test_check_passes_the_examples(example):
    result = run_cli("check", EXAMPLES / example / "plan.yaml")
    assert result.exit_code == 0, result.output
