"""Resolving a plan file: profile + campaign + dates + overrides → one context.

This is where the three inputs meet and where every cross-reference between
them is checked (a phase the campaign does not have, a role the profile does
not define, a parameter the campaign does not take).  All problems are
collected before anything is reported, so a clerk fixes them in one round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from planmaker.base.dates import PlanDate
from planmaker.base.errors import InputError, Problem, field_path
from planmaker.base.inputfile import DISK, Overlay
from planmaker.base.schedule import Schedule, ScheduleError
from planmaker.inputs.catalog import Catalog, Jurisdiction, LoadedCampaign
from planmaker.inputs.models import (
    Campaign,
    Department,
    Institution,
    ListOverrides,
    Phase,
    Plan,
    ProblemList,
    Requirement,
    Subtask,
    Task,
)
from planmaker.inputs.validation import Loc, did_you_mean, locate, parse_model
from planmaker.inputs.yamlfile import LocatedDict, LocatedList, Yaml, load_file
from planmaker.plan.group import group_problems
from planmaker.plan.inferred import inferred_departments
from planmaker.plan.recurring import Dates, PhaseDates, SeriesDate, recurring_dates
from planmaker.plan.sources import Item, Source

FIXED_DATES = ("start", "end", "signed")


Listed = TypeVar("Listed", Task, Requirement)  # what a plan file may drop from its campaign and add to
Loaded = TypeVar("Loaded")
PhaseSpan = tuple["PlanDate | None", "PlanDate | None"]  # a phase's first and last day


@dataclass(frozen=True)
class Resolved:
    plan: Plan
    plan_file: Path
    plan_raw: Yaml
    jurisdiction: Jurisdiction
    campaign: LoadedCampaign
    roles: dict[str, str]
    dates: dict[str, PlanDate | None]
    params: dict[str, object]
    tasks: list[Item[Task]] = field(default_factory=list)
    phases: list[Item[Phase]] = field(default_factory=list)
    requirements: list[Item[Requirement]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    phase_schedule: dict[str, tuple[PlanDate | None, PlanDate | None]] = field(default_factory=dict)
    milestone_dates: dict[str, PlanDate | None] = field(default_factory=dict)
    series: dict[str, list[SeriesDate]] = field(default_factory=dict)
    # The institutions the plan counts (coverage milestones) and pre-fills checklists for:
    # the profile's, or the --institutions file's once build has read it.
    institutions: list[Institution] | None = None

    @property
    def date_labels(self) -> dict[str, str]:
        """Every dated item's label: the campaign's named dates, then each recurring report."""
        labels = dict(self.campaign.model.date_labels)
        for reports in self.series.values():
            labels.update((r.name, r.label) for r in reports)
        return labels
    problems: ProblemList | None = None
    problems_source: Source | None = None
    # above a province: the national departments; below: “各县（区）卫生健康局” by role
    national: dict[str, Department] = field(default_factory=dict)
    subordinate_departments: dict[str, str] = field(default_factory=dict)
    inferred_departments: list[tuple[str, str]] = field(default_factory=list)  # plan.inferred

    @property
    def issuer(self) -> str:
        """Who issues the plan: the plan file's issuer, else its jurisdiction's."""
        return self.plan.issuer if self.plan.issuer is not None else self.jurisdiction.issuer

    @property
    def year(self) -> str:
        if self.plan.year:
            return str(self.plan.year)
        start = self.dates.get("start")
        return str(start.year) if start else "20__"

    def phase_dates(self, phase_id: str) -> tuple[PlanDate | None, PlanDate | None]:
        return self.phase_schedule.get(phase_id, (None, None))


def resolve(plan_path: Path, catalog: Catalog, overlay: Overlay = DISK) -> Resolved:
    """The plan file at ``plan_path`` resolved: read, then ``resolve_data``."""
    return resolve_data(load_file(Path(plan_path), overlay), plan_path, catalog, overlay)


def resolve_data(raw: Yaml, plan_path: Path, catalog: Catalog, overlay: Overlay = DISK) -> Resolved:
    """A plan given as data (``load_text``'s, for lines in messages) resolved as the file at ``plan_path``
    would be: problems name that file, and its folder is where a relative profile or campaign is looked
    for, through ``overlay`` (the files there not written yet) before the disk."""
    plan_path = Path(plan_path)
    plan, jurisdiction, campaign = _load_inputs(raw, plan_path, catalog, overlay)
    problems: list[Problem] = []

    model = campaign.model
    here = Source(plan_path, raw, ())
    there = Source(campaign.file, campaign.raw, ())

    allowed_dates = FIXED_DATES + tuple(model.dates)
    phase_ids = [p.id for p in model.phases]
    problems.extend(_name_problems(plan, raw, plan_path, campaign, allowed_dates, phase_ids))

    problems_list, problems_source = _load_problems(campaign, problems)

    tasks = _apply_overrides("tasks", Task, model.tasks, plan.tasks, there, here, problems)
    requirements = _apply_overrides("requirements", Requirement, model.requirements,
                                    plan.requirements, there, here, problems)
    phases = [Item(p, there.at("phases", i)) for i, p in enumerate(model.phases)]

    roles = catalog.roles
    problems.extend(_role_problems(tasks, jurisdiction, roles))
    problems.extend(group_problems(tasks, plan, raw, plan_path, campaign, jurisdiction, roles))
    if problems:
        raise InputError(problems)

    dates, phase_dates = _evaluate_dates(plan, raw, plan_path, allowed_dates, phase_ids, problems)
    if problems:
        raise InputError(problems)
    milestone_dates = _milestone_dates(model, dates, phase_dates)
    series = recurring_dates(plan, raw, plan_path, campaign, dates, phase_dates, problems)
    if problems:
        raise InputError(problems)
    params = {**model.params, **plan.params}
    return Resolved(plan, plan_path, raw, jurisdiction, campaign, roles, dates, params,
                    tasks, phases, requirements, phase_schedule=phase_dates,
                    milestone_dates=milestone_dates, series=series,
                    institutions=list(jurisdiction.institutions), problems=problems_list, problems_source=problems_source,
                    national=dict(catalog.vocabulary.national),
                    subordinate_departments=catalog.subordinate_departments(jurisdiction),
                    inferred_departments=inferred_departments(jurisdiction, tasks))


def _load_inputs(raw: Yaml, plan_path: Path, catalog: Catalog,
                 overlay: Overlay) -> tuple[Plan, Jurisdiction, LoadedCampaign]:
    """The plan, its profile and its campaign; every problem of the three in one report."""
    base = plan_path.parent
    problems: list[Problem] = []
    try:
        plan = parse_model(Plan, raw, plan_path)
    except InputError as exc:
        # Report the profile and campaign too, so one round of fixes suffices.
        problems.extend(exc.problems)
        for key, load in (("profile", catalog.load_profile), ("campaign", catalog.load_campaign)):
            ref = raw.get(key) if isinstance(raw, dict) else None
            if isinstance(ref, (str, int)) and not isinstance(ref, bool) and str(ref):
                try:
                    load(str(ref), base, (plan_path, locate(raw, (key,))), overlay=overlay)
                except InputError as more:
                    problems.extend(more.problems)
        raise InputError(problems) from None

    def attempt(load: Callable[[], Loaded]) -> Loaded | None:
        try:
            return load()
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    jurisdiction = attempt(lambda: catalog.load_profile(
        plan.profile, base, (plan_path, locate(raw, ("profile",))), overlay=overlay))
    campaign = attempt(lambda: catalog.load_campaign(
        plan.campaign, base, (plan_path, locate(raw, ("campaign",))), overlay))
    if problems or jurisdiction is None or campaign is None:
        raise InputError(problems)
    return plan, jurisdiction, campaign


def _name_problems(plan: Plan, raw: Yaml, plan_path: Path, campaign: LoadedCampaign, allowed_dates: tuple[str, ...],
                   phase_ids: list[str]) -> list[Problem]:
    """Every name a plan file sets (dates, phases, params …) is one its campaign defines, and
    every milestone's date is a named date or a phase's start or end."""
    found: list[Problem] = []
    model = campaign.model

    def unknown(kind: str, name: str, known: Sequence[str], loc: Loc) -> None:
        found.append(Problem(
            f"{kind} “{name}” 不在专项模板 {campaign.id} 中{did_you_mean(name, known)}",
            plan_path, locate(raw, loc), ".".join(map(str, loc))))

    # Every name a plan file sets must be one its campaign defines.
    for kind, key, known in (("日期", "dates", allowed_dates), ("阶段", "phases", phase_ids),
                               ("参数", "params", list(model.params)), ("引用文件", "documents", list(model.documents)),
                               ("进度节点", "milestones", [m.id for m in model.milestones]),
                               ("定期报送", "recurring", [r.id for r in model.recurring])):
        for name in getattr(plan, key):
            if name not in known:
                unknown(kind, name, known, (key, name))
    date_refs = allowed_dates + tuple(f"{p}.{side}" for p in phase_ids for side in ("start", "end"))
    for i, milestone in enumerate(model.milestones):
        if milestone.date is not None and milestone.date not in date_refs:
            loc = ("milestones", i, "date")
            found.append(Problem(
                f"进度节点 {milestone.id} 的日期 “{milestone.date}” 既不是具名日期也不是阶段起止"
                f"{did_you_mean(milestone.date, date_refs)}",
                campaign.file, locate(campaign.raw, loc), field_path(loc)))
    return found


def _milestone_dates(model: Campaign, dates: Dates, phase_dates: PhaseDates) -> dict[str, PlanDate | None]:
    """Each milestone's date: a named date, or a phase's start or end."""
    result: dict[str, PlanDate | None] = {}
    for milestone in model.milestones:
        ref = milestone.date
        if ref is None:
            result[milestone.id] = None
        elif "." in ref:
            pid, side = ref.rsplit(".", 1)
            result[milestone.id] = phase_dates[pid][0 if side == "start" else 1]
        else:
            result[milestone.id] = dates[ref]
    return result


def _role_problems(tasks: list[Item[Task]], jurisdiction: Jurisdiction, roles: dict[str, str]) -> list[Problem]:
    """Every department role a task or subtask names: known, and defined for the jurisdiction."""
    found: list[Problem] = []
    owners: list[tuple[Task | Subtask, Source]] = [(item.model, item.source) for item in tasks]
    owners += [(sub, item.source.at("subtasks", k)) for item in tasks for k, sub in enumerate(item.model.subtasks)]
    for owner, source in owners:
        for which in ("lead", "cooperate"):
            for j, role in enumerate(getattr(owner, which)):
                src = source.at(which, j)
                if role not in roles:
                    found.append(Problem(
                        f"未知的部门角色 “{role}”{did_you_mean(role, roles)}",
                        src.file, locate(src.raw, src.loc), field_path(src.loc)))
                elif role not in jurisdiction.departments:
                    found.append(Problem(
                        f"任务 “{getattr(owner, 'title', None) or owner.text[:20]}” 需要部门角色 “{role}”（{roles[role]}），"
                        f"但辖区{'配置 ' + jurisdiction.file.name if jurisdiction.file else ' ' + jurisdiction.id}"
                        f" 的 departments 中没有定义它",
                        src.file, locate(src.raw, src.loc), field_path(src.loc)))
    return found


def _load_problems(campaign: LoadedCampaign, problems: list[Problem]) -> tuple[ProblemList | None, Source | None]:
    """The campaign's problem list (campaign.yaml ``problems:``), if it has one."""
    model = campaign.model
    wanted = [i for i, s in enumerate(model.sections) if s.items == "problems"]
    if not model.problems:
        for i in wanted:
            problems.append(Problem("本节 items: problems 需要专项模板用 problems 指明问题清单文件",
                                    campaign.file, locate(campaign.raw, ("sections", i, "items")),
                                    f"sections[{i + 1}].items"))
        return None, None
    files = campaign.files
    path = campaign.own_file(model.problems)
    if path is None:
        problems.append(Problem("问题清单文件须在专项模板文件夹内", campaign.file,
                                locate(campaign.raw, ("problems",)), "problems"))
        return None, None
    if not files.is_file(path):
        problems.append(Problem(f"找不到问题清单文件 “{model.problems}”", campaign.file,
                                locate(campaign.raw, ("problems",)), "problems"))
        return None, None
    try:
        raw = load_file(path, files)
        return parse_model(ProblemList, raw, path), Source(path, raw, ())
    except InputError as exc:
        problems.extend(exc.problems)
        return None, None


def _evaluate_dates(plan: Plan, raw: Yaml, plan_path: Path, allowed_dates: tuple[str, ...], phase_ids: list[str],
                    problems: list[Problem]) -> tuple[dict[str, PlanDate | None], dict[str, PhaseSpan]]:
    """Every date of the plan evaluated; relative ones after what they refer to."""
    specs: dict[str, object] = {name: plan.dates.get(name) for name in allowed_dates}
    where: dict[str, tuple[str, ...]] = {name: ("dates", name) for name in allowed_dates}
    for pid in phase_ids:
        given = plan.phases.get(pid)
        for side in ("start", "end"):
            specs[f"{pid}.{side}"] = getattr(given, side) if given else None
            where[f"{pid}.{side}"] = ("phases", pid, side)
    schedule = Schedule(specs)
    for name in specs:
        try:
            schedule.value(name)
        except ScheduleError as exc:
            loc = where[name]
            problems.append(Problem(str(exc), plan_path, locate(raw, loc), ".".join(loc)))
            schedule.values.setdefault(name, None)
    dates = {name: schedule.values.get(name) for name in allowed_dates}
    phase_dates = {pid: (schedule.values.get(f"{pid}.start"), schedule.values.get(f"{pid}.end"))
                   for pid in phase_ids}
    return dates, phase_dates


def _apply_overrides(kind: str, model_cls: type[Listed], items: list[Listed], overrides: ListOverrides, there: Source,
                     here: Source, problems: list[Problem]) -> list[Item[Listed]]:
    """The campaign's items less the dropped ones, plus the plan's own additions."""
    ids = [item.id for item in items]
    for i, name in enumerate(overrides.drop):
        if name not in ids:
            problems.append(Problem(
                f"要删去的条目 “{name}” 不存在{did_you_mean(name, ids)}",
                here.file, locate(here.raw, (kind, "drop", i)), f"{kind}.drop"))
    result = [Item(m, there.at(kind, i)) for i, m in enumerate(items) if m.id not in overrides.drop]
    for i, extra in enumerate(overrides.add):
        loc = (kind, "add", i)
        after = extra.get("after") if isinstance(extra, dict) else None
        body = {k: v for k, v in extra.items() if k != "after"} if isinstance(extra, dict) else extra
        try:
            added = model_cls.model_validate(body)
        except Exception:
            try:
                parse_model(model_cls, _located(here.raw, loc, body), here.file)
            except InputError as exc:
                for p in exc.problems:
                    p.field = f"{kind}.add[{i + 1}].{p.field}" if p.field else f"{kind}.add[{i + 1}]"
                    p.line = locate(here.raw, loc + tuple((p.field or "").split(".")[-1:]))
                problems.extend(exc.problems)
            continue
        if added.id in [it.model.id for it in result]:
            problems.append(Problem(f"新增条目的 id “{added.id}” 与已有条目重复", here.file,
                                    locate(here.raw, loc + ("id",)), f"{kind}.add[{i + 1}].id"))
            continue
        position = len(result)
        if after is not None:
            current = [it.model.id for it in result]
            if after not in current:
                problems.append(Problem(f"after 指向的条目 “{after}” 不存在{did_you_mean(str(after), current)}",
                                        here.file, locate(here.raw, loc + ("after",)), f"{kind}.add[{i + 1}].after"))
                continue
            position = current.index(after) + 1
        result.insert(position, Item(added, here.at(*loc)))
    return result


def _located(raw: Yaml, loc: Loc, body: object) -> object:
    node = raw
    for part in loc:
        if isinstance(node, LocatedDict) and isinstance(part, str) and part in node:
            node = node[part]
            continue
        if isinstance(node, LocatedList) and isinstance(part, int) and -len(node) <= part < len(node):
            node = node[part]
            continue
        return body
    if isinstance(node, LocatedDict):
        copy = LocatedDict({k: v for k, v in node.items() if k != "after"})
        copy.lines, copy.start_line = node.lines, node.start_line
        return copy
    return body
