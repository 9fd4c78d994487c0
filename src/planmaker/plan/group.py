"""The leadership group as a plan writes it: “组长：张__盟卫生健康委党组成员、副主任”, one line a
member, each office head with the suffix of the level (医政医管科科长, 医政医管股股长); plan/context.py builds
it from the plan's names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planmaker.base.errors import Problem, field_path
from planmaker.inputs.catalog import Jurisdiction, LoadedCampaign
from planmaker.inputs.models import Plan, Task
from planmaker.inputs.validation import Loc, did_you_mean, locate
from planmaker.inputs.yamlfile import Yaml
from planmaker.plan.sources import Item

_OFFICE_SUFFIXES = "处科股"


@dataclass
class GroupView:
    leader: str = ""  # name and post, as the 组长 line writes them
    leader_name: str = "__"
    deputies: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    office: object = None  # the OfficeName that does the group's daily work

    def lines(self) -> list[str]:
        lines = [f"组长：{self.leader}"] + [f"副组长：{d}" for d in self.deputies]
        lines += [("成员：" if i == 0 else "") + m for i, m in enumerate(self.members)]
        return lines


def head_of(office_name: str) -> str:
    """医政医管科 → 医政医管科科长; an office without a level suffix has a 负责人."""
    last = office_name[-1:]
    return office_name + (last + "长" if last and last in _OFFICE_SUFFIXES else "负责人")


def group_problems(resolved_tasks: Sequence[Item[Task]], plan: Plan, plan_raw: Yaml, plan_path: Path,
                   campaign: LoadedCampaign, jurisdiction: Jurisdiction, roles: Mapping[str, str]) -> list[Problem]:
    """Offices and members a jurisdiction does not have; leaders named for tasks that do not exist."""
    problems: list[Problem] = []

    def report(message: str, file: Path, raw: Yaml, loc: Loc) -> None:
        problems.append(Problem(message, file, locate(raw, loc), field_path(loc)))

    offices = jurisdiction.offices
    for item in resolved_tasks:
        for k, role in enumerate(item.model.offices):
            if role not in offices:
                src = item.source.at("offices", k)
                report(f"责任科室 “{role}” 不是 {jurisdiction.name} 的内设机构{did_you_mean(role, offices)}"
                       f"（可用：{'、'.join(offices) or '无'}）", src.file, src.raw, src.loc)
    spec = campaign.model.leading_group
    if spec is not None:
        for role in spec.member_offices + ([spec.office] if spec.office else []):
            if role not in offices:
                report(f"领导小组的内设机构 “{role}” 不是 {jurisdiction.name} 的内设机构{did_you_mean(role, offices)}",
                       campaign.file, campaign.raw, ("leading_group",))
        for role in spec.member_departments:
            if role not in jurisdiction.departments:
                report(f"领导小组的成员部门 “{role}”（{roles.get(role, '未知角色')}）在 {jurisdiction.name} 没有定义",
                       campaign.file, campaign.raw, ("leading_group", "member_departments"))
    task_ids = [item.model.id for item in resolved_tasks]
    for task_id in plan.leaders:
        if task_id not in task_ids:
            report(f"责任领导所属的任务 “{task_id}” 不存在{did_you_mean(task_id, task_ids)}",
                   plan_path, plan_raw, ("leaders", task_id))
    return problems
