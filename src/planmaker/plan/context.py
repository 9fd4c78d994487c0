"""What a campaign's text is rendered with: the plan's context (``j``, ``dept``, ``dates``, ``tasks`` …,
docs/专项模板.md) and the views of its phases and tasks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

from planmaker.base.dates import PlanDate
from planmaker.inputs.groups import person
from planmaker.inputs.jurisdictions import Jurisdiction
from planmaker.inputs.models import Campaign, ParentDocument, Requirement, Subtask, Task
from planmaker.inputs.validation import Loc
from planmaker.plan.coverage import MilestoneView
from planmaker.plan.group import GroupView, head_of
from planmaker.plan.names import DepartmentName, Departments, LazyGroup, OfficeName, Offices
from planmaker.plan.resolve import Resolved
from planmaker.plan.sources import Item
from planmaker.plan.wording import Citations, WordingView, reference_day, reference_window


@dataclass
class PhaseView:
    id: str
    name: str
    start: PlanDate | None
    end: PlanDate | None


@dataclass
class TaskView:
    """A task's departments are named when the text shows them, so that the first to
    appear in the document is the one written in full."""

    id: str
    title: str
    lead: list[DepartmentName]
    cooperate: list[DepartmentName]
    offices: list[OfficeName] = field(default_factory=list)  # 责任科室, by the level's names
    leader: str = "__"  # 责任领导: the plan's name for this task, else the group's leader

    @property
    def office_names(self) -> str:
        return "、".join(map(str, self.offices))

    @property
    def lead_names(self) -> str:
        return "、".join(map(str, self.lead))

    @property
    def cooperate_names(self) -> str:
        return "、".join(map(str, self.cooperate))

    @property
    def units(self) -> str:
        """All responsible units, lead first (“责任单位：区卫生健康局、区市场监管局”)."""
        return "、".join(map(str, self.lead + self.cooperate))


class PlanContext(TypedDict, total=False):
    """What a campaign's text may name (docs/专项模板.md), as ``base_context`` gives it; ``title`` and
    ``leading_group`` are added while the plan is composed."""

    j: Jurisdiction
    jurisdiction: Jurisdiction
    parent: Jurisdiction | None
    dept: Departments
    parent_dept: Departments
    sub_dept: dict[str, str]
    province_dept: Departments
    office: Offices
    parent_document: ParentDocument | None
    wording: WordingView
    cite: Citations
    dates: dict[str, PlanDate | None]
    period: dict[str, PlanDate | None]
    phases: list[PhaseView]
    tasks: list[Item[Task]]
    requirements: list[Item[Requirement]]
    params: dict[str, object]
    year: str
    campaign: Campaign
    number: str
    province: Jurisdiction | None
    milestones: dict[str, MilestoneView]
    recurring: dict[str, list[PlanDate | None]]
    title: str
    leading_group: LazyGroup


def province_of(j: Jurisdiction) -> Jurisdiction | None:
    """The province-level jurisdiction a profile belongs to (itself for a province), if its chain says."""
    for node in (j, *j.ancestors()):
        if node.level == "province":
            return node
    return None


def base_context(resolved: Resolved) -> PlanContext:
    from planmaker.plan.coverage import resolved_milestones

    j = resolved.jurisdiction
    province = province_of(j) or j.province
    seen: set[str] = set()
    above = j.parent.departments if j.parent else resolved.national
    phases = []
    for item in resolved.phases:
        start, end = resolved.phase_dates(item.model.id)
        phases.append(PhaseView(item.model.id, item.model.name, start, end))
    return {
        "j": j,
        "jurisdiction": j,
        "parent": j.parent,
        "dept": Departments(j.departments, resolved.roles, j.name, seen),
        # the parent's departments by role (国家卫生健康委 above a province); in full every time
        # where the parent's short name would read as one's own (县级市 under 市)
        "parent_dept": Departments(above, resolved.roles, j.parent.name if j.parent else "国家", seen,
                                   always_full=bool(j.parent and j.parent.prefix == j.prefix)),
        "sub_dept": resolved.subordinate_departments,
        # the province's departments (省卫生健康委), named like the parent's
        "province_dept": Departments(province.departments, resolved.roles, province.name, seen,
                                     always_full=province is not j and province.prefix == j.prefix),
        "office": Offices(j),
        "parent_document": resolved.plan.parent_document,
        # the words that belong to the plan's date (profiles/_dated.yaml) and the other documents it cites
        "wording": WordingView(reference_day(reference_window(resolved.dates, resolved.year))),
        "cite": Citations(resolved.plan.documents, resolved.campaign.model.documents),
        "dates": resolved.dates,
        "period": {"start": resolved.dates["start"], "end": resolved.dates["end"]},
        "phases": phases,
        "tasks": resolved.tasks,
        "requirements": resolved.requirements,
        "params": resolved.params,
        "year": resolved.year,
        "campaign": resolved.campaign.model,
        "number": resolved.plan.number or "",
        "province": province_of(j),
        "milestones": resolved_milestones(resolved),
        "recurring": {name: [r.date for r in reports] for name, reports in resolved.series.items()},
    }


def task_view(resolved: Resolved, task: Task | Subtask, context: PlanContext) -> TaskView:
    """The view of a task, or of a subtask (which has neither id nor title of its own)."""
    dept: Departments = context["dept"]
    lead = dept.names(task.lead)
    known = {d.key for d in lead}
    cooperate = [d for d in dept.names(task.cooperate) if d.key not in known]
    offices = [context["office"][role] for role in getattr(task, "offices", ())]
    plan = resolved.plan
    leader = person(plan.leaders.get(getattr(task, "id", ""), "") or plan.leading_group.leader)
    return TaskView(getattr(task, "id", ""), getattr(task, "title", ""), lead, cooperate, offices, leader)


def group_view(resolved: Resolved, context: PlanContext, render_post: Callable[[str, Loc], str]) -> GroupView | None:
    """The campaign's group with the plan's names; ``render_post(text, loc)`` renders a post."""
    spec = resolved.campaign.model.leading_group
    if spec is None:
        return None
    names = resolved.plan.leading_group
    health = context["dept"]["health"] if "health" in resolved.jurisdiction.departments else None
    unit = health.short if health is not None else ""
    view = GroupView(leader_name=person(names.leader))
    view.leader = view.leader_name + render_post(spec.leader, ("leading_group", "leader"))
    for i, post in enumerate(spec.deputies):
        name = names.deputies[i] if i < len(names.deputies) else ""
        view.deputies.append(person(name) + render_post(post, ("leading_group", "deputies", i)))
    for role in spec.member_offices:
        view.members.append(person(names.members.get(role, "")) + unit + head_of(str(context["office"][role])))
    for role in spec.member_departments:
        view.members.append(person(names.members.get(role, "")) + str(context["dept"][role]) + "分管负责同志")
    if spec.office:
        view.office = context["office"][spec.office]
    return view
