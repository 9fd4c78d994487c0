"""A leadership group and each task's responsible leader and offices (seed 004 第二篇, a
league's plan): the campaign names posts and office roles, the level names the offices
(科 in a league, 股 in a county), the plan file names the people."""

from __future__ import annotations

import textwrap

from conftest import docx_text, files_of_kind, run_cli, seed_text, write_plan

CAMPAIGN = """
name: 医疗乱象专项整治（领导小组）
title: "{{ j.name }}医疗乱象专项整治实施方案"
task_suffix: "（责任领导：{{ task.leader }}，责任科室：{{ task.office_names }}）"
leading_group:
  leader: "{{ dept.health }}党组成员、副主任"
  member_offices: [medical, tcm, finance, propaganda]
  office: medical
sections:
  - heading: 重点任务及责任分工
    items: tasks
  - heading: 组织机构
    paragraphs:
      - >-
        为确保医疗乱象专项整治工作取得实效，{{ dept.health }}成立领导小组，按照职责分工，明确责任，
        共同做好医疗乱象专项整治工作。具体工作由{{ leading_group.office }}负责。
    items: leading_group
tasks:
  - id: illegal-practice
    title: 严厉打击各类违法违规执业行为
    text: 依法严厉打击医师出租、出借、转让《医师执业证书》。
    offices: [medical, tcm]
  - id: advertising
    title: 严肃查处发布违法医疗广告和虚假信息的行为
    text: 重点查处未经卫生健康部门审查发布医疗广告的行为。
    offices: [medical, tcm, propaganda]
"""

LEAGUE = """
name: 兴安盟
departments:
  health: {full: 兴安盟卫生健康委员会, short: 盟卫健委}
offices:
  medical: 医政药政科
  tcm: 中蒙医科
  finance: 财务科
  propaganda: 宣教科
"""


def build(tmp_path, plan_text: str) -> str:
    folder = tmp_path / "group"
    folder.mkdir(exist_ok=True)
    (folder / "campaign.yaml").write_text(textwrap.dedent(CAMPAIGN).lstrip(), encoding="utf-8")
    (tmp_path / "兴安盟.yaml").write_text(textwrap.dedent(LEAGUE).lstrip(), encoding="utf-8")
    plan = write_plan(tmp_path, plan_text)
    result = run_cli("build", plan, "-o", tmp_path / "out", "--only", "plan")
    assert result.exit_code == 0, result.output
    return docx_text(files_of_kind(tmp_path / "out", "plan")[0])


def test_league_plan_reads_as_the_seed(tmp_path):
    text = build(tmp_path, """
        profile: 兴安盟.yaml
        campaign: ./group
        leading_group:
          leader: 张__
          members: {medical: 李__, tcm: 姜__, finance: 谭__, propaganda: 康__}
    """)
    seed = seed_text("004").replace("(", "（").replace(")", "）").replace(",", "，").replace(":", "：")
    for line in ("（责任领导：张__，责任科室：医政药政科、中蒙医科）", "（责任领导：张__，责任科室：医政药政科、中蒙医科、宣教科）",
                 "组长：张__盟卫健委党组成员、副主任", "具体工作由医政药政科负责。"):
        assert line in seed and line in text, line
    assert "成员：李__盟卫健委医政药政科科长" in text and "姜__盟卫健委中蒙医科科长" in text
    # the group's post names the health commission after the text has named it in full
    assert text.index("兴安盟卫生健康委员会") < text.index("组长：")


def test_county_offices_take_the_county_suffix(tmp_path):
    text = build(tmp_path, """
        profile: 思南县
        campaign: ./group
        leaders: {advertising: 王__}
    """)
    assert "（责任领导：__，责任科室：医政医管股、中医股）" in text
    assert "（责任领导：王__，责任科室：医政医管股、中医股、宣传股）" in text
    assert "成员：__县卫生健康局医政医管股股长" in text and "具体工作由医政医管股负责。" in text


def test_unknown_office_and_task_are_reported(tmp_path):
    folder = tmp_path / "group"
    folder.mkdir()
    (folder / "campaign.yaml").write_text(
        textwrap.dedent(CAMPAIGN).lstrip().replace("offices: [medical, tcm]\n", "offices: [medicall]\n"),
        encoding="utf-8")
    plan = write_plan(tmp_path, "profile: 思南县\ncampaign: ./group\nleaders: {advertisment: 王__}\n")
    result = run_cli("check", plan)
    assert result.exit_code == 1
    assert "责任科室 “medicall” 不是 思南县 的内设机构" in result.output and "medical" in result.output
    assert "责任领导所属的任务 “advertisment” 不存在" in result.output
