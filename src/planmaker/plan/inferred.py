"""Department names a plan uses that are only its kind's standard names (no record in
profiles/_departments.yaml, none in the profile): which, and the one notice that says so."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from planmaker.base.errors import Problem
from planmaker.inputs.jurisdictions import Jurisdiction
from planmaker.inputs.models import Task
from planmaker.inputs.yamlfile import LocatedDict
from planmaker.plan.sources import Item


def inferred_departments(jurisdiction: Jurisdiction, tasks: Sequence[Item[Task]]) -> list[tuple[str, str]]:
    """The names the plan uses (its issuer's health department, its tasks' departments, the parent's
    health department it answers to) that no record or profile states: (role, full name)."""
    owners = [t.model for t in tasks] + [s for t in tasks for s in t.model.subtasks]
    used = {"health", *(role for o in owners for role in (*o.lead, *o.cooperate))}
    found = [(role, jurisdiction.departments[role].full) for role in jurisdiction.inferred_departments
             if role in used]
    parent = jurisdiction.parent
    if parent is not None and "health" in parent.inferred_departments and "health" in parent.departments:
        found.append(("health", parent.departments["health"].full))
    return found


def inferred_notice(inferred: list[tuple[str, str]], jurisdiction: Jurisdiction, plan_path: Path,
                    line: int | None) -> Problem:
    names = "、".join(dict.fromkeys(full for _role, full in inferred))
    own = [(role, full) for role, full in inferred if jurisdiction.departments.get(role) is not None
           and jurisdiction.departments[role].full == full]
    role, full = own[0] if own else inferred[0]
    where = "本辖区的辖区配置" if own else "上级的辖区配置"
    return Problem(f"以下部门名称是按辖区类别的标准名称推断的，没有查到记录，请核对：{names}。"
                   f"如实际名称不同，在{where}中写明（如 departments: {{{role}: {{full: {full}}}}}，"
                   f"见 docs/辖区配置.md 第三节）", plan_path, line, "profile", severity="warning")



class _Inferred(Protocol):
    """What notice_for reads of a plan.resolve.Resolved (which imports this module)."""

    @property
    def inferred_departments(self) -> list[tuple[str, str]]: ...
    @property
    def plan_raw(self) -> object: ...
    @property
    def jurisdiction(self) -> Jurisdiction: ...
    @property
    def plan_file(self) -> Path: ...


def notice_for(resolved: _Inferred) -> Problem | None:
    """The one warning build and check give for a resolved plan's inferred names, if any."""
    if not resolved.inferred_departments:
        return None
    raw = resolved.plan_raw
    line = raw.line_of("profile") if isinstance(raw, LocatedDict) else None
    return inferred_notice(resolved.inferred_departments, resolved.jurisdiction, resolved.plan_file, line)
