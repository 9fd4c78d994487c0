"""Handing a plan down: from a city's plan, the plan file and the documents of
each of its county-level units (or from a province's plan, its cities').

Each child plan cites the parent plan by title and number, keeps the
campaign, its tasks and overrides, names its own departments (its own
profile), and sets its reporting deadlines a number of working days before
the parent's, so that it can aggregate before it reports upward."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from planmaker.base import resources
from planmaker.base.dates import PlanDate
from planmaker.base.errors import InputError, Problem
from planmaker.base.files import Artifact
from planmaker.base.inputfile import DISK, Overlay
from planmaker.base.schedule import add_workdays
from planmaker.commands.build import BuildResult, Rendered, render_plan, write_rendered
from planmaker.inputs.catalog import Catalog, Jurisdiction
from planmaker.inputs.models import Plan
from planmaker.inputs.planfile import dump_plan
from planmaker.plan.compose import plan_title
from planmaker.plan.resolve import FIXED_DATES, Resolved, resolve
from planmaker.writing.journal import FolderLock
from planmaker.writing.output import WriteReport, write_outputs

DEFAULT_LEAD_DAYS = 5


@dataclass
class CascadeResult:
    parent: Resolved
    plans: WriteReport
    children: list[tuple[Jurisdiction, Path, BuildResult]]


def _day(date: dt.date) -> PlanDate:
    return PlanDate(date.year, date.month, date.day)


def _iso(value: PlanDate | None):
    return value.iso() if value else None


def _reference(path: Path, bundled: Path, name: str, child_dir: Path) -> str:
    """A bundled profile or campaign by name; a user's own by path from the child's folder."""
    try:
        path.resolve().relative_to(bundled.resolve())
        return name
    except ValueError:
        return os.path.relpath(path, child_dir)


def _profile_reference(child: Jurisdiction, child_dir: Path) -> str:
    """A profile file as above; a unit of the national table by its path (四川省/雅安市/名山区)."""
    if child.file is None:
        return child.id
    return _reference(child.file, resources.profiles_dir(), child.id, child_dir)


def child_folder(child: Jurisdiction) -> str:
    """The child's folder: its profile's id, or its name (unique among its siblings in the table)."""
    return child.id if child.file is not None else child.name


def child_plan(parent: Resolved, child: Jurisdiction, child_dir: Path, lead_days: int) -> dict:
    plan = parent.plan
    dates: dict[str, str | None] = {"start": _iso(parent.dates["start"]), "end": _iso(parent.dates["end"])}
    signed = parent.dates["signed"]
    if signed and signed.day:
        later = _day(add_workdays(signed.first_day, lead_days))
        start = parent.dates["start"]
        dates["signed"] = (later if not start or later.first_day <= start.last_day else signed).iso()
    for name, value in parent.dates.items():
        if name in FIXED_DATES:
            continue
        if value is None:
            dates[name] = None
            continue
        day = value.first_day if value.day else value.last_day
        dates[name] = _day(add_workdays(day, -lead_days)).iso()
    phases = {}
    for item in parent.phases:
        first, last = parent.phase_dates(item.model.id)
        phases[item.model.id] = {"start": _iso(first), "end": _iso(last)}
    issuer = parent.issuer
    data = {
        "profile": _profile_reference(child, child_dir),
        "campaign": _reference(parent.campaign.folder, resources.campaigns_dir(), parent.campaign.id, child_dir),
        "parent_document": {"issuer": issuer, "title": plan_title(parent)},
        "dates": dates,
        "phases": phases,
    }
    if plan.number:
        data["parent_document"]["number"] = plan.number
    if plan.params:
        data["params"] = dict(plan.params)
    if plan.milestones:
        data["milestones"] = dict(plan.milestones)
    recurring = {}
    for spec in parent.campaign.model.recurring:
        given = plan.recurring.get(spec.id)
        due = given.due if given and given.due else spec.due
        # each report reaches the subordinate's office first, as the other deadlines do
        entry = {"due": f"{due} - {lead_days} working days"}
        if given and given.until is not None:
            entry["until"] = given.until.iso() if isinstance(given.until, PlanDate) else given.until.text
        recurring[spec.id] = entry
    if recurring:
        data["recurring"] = recurring
    for kind in ("tasks", "requirements"):
        overrides = getattr(plan, kind)
        if overrides.drop or overrides.add:
            data[kind] = overrides.model_dump(mode="json", exclude_defaults=True)
    return data


def _plan_text(parent: Resolved, child: Jurisdiction, data: dict, lead_days: int) -> bytes:
    header = (
        f"# {child.name}的方案文件：由 planmaker cascade 根据 {parent.jurisdiction.name}的方案"
        f"（{parent.plan_file.name}）生成。\n"
        f"# 报送时限比上级早 {lead_days} 个工作日；成文日期、文号、联系人等请按实际修改后再运行 planmaker build。\n"
    )
    return dump_plan(Plan.model_validate(data), header).encode("utf-8")


def cascade(plan_path: Path, out_dir: Path, catalog: Catalog | None = None,
            lead_days: int = DEFAULT_LEAD_DAYS, force: bool = False, only: Sequence[str] | None = None) -> CascadeResult:
    """Each child's plan file, and its documents (those of the kinds ``only`` names, or all) built from it
    (``only`` is read once for each child: a sequence, not a generator)."""
    catalog = catalog or Catalog()
    parent = resolve(Path(plan_path), catalog)
    children = catalog.children_of(parent.jurisdiction)
    if not children:
        raise InputError([Problem(f"辖区 {parent.jurisdiction.name} 没有下级辖区：全国行政区划表中没有它的下级，"
                                  f"也没有 parent 为 {parent.jurisdiction.id} 的辖区配置", parent.jurisdiction.file)])
    out_dir = Path(out_dir)
    plan_files = []
    for child in children:
        data = child_plan(parent, child, out_dir / child_folder(child), lead_days)
        plan_files.append(Artifact(f"{child_folder(child)}/plan.yaml", "plan-file", _plan_text(parent, child, data, lead_days),
                                   {"jurisdiction": child.name}))
    rendered = _render_children(children, out_dir, plan_files, catalog, force, only)
    meta = {"parent_plan": Path(plan_path).name, "jurisdiction": parent.jurisdiction.name,
            "lead_working_days": lead_days}
    # Plan files are the clerks' to edit: an edited one is kept, like any generated file.
    report = write_outputs(out_dir, plan_files, meta, force=force)
    results: list[tuple[Jurisdiction, Path, BuildResult]] = []
    wrote = len(report.written) + len(report.kept)
    for child, documents in zip(children, rendered):
        child_dir = out_dir / child_folder(child)
        try:
            FolderLock(child_dir).refuse_if_busy()
            built = write_rendered(documents, child_dir, force=force)
        except InputError as exc:  # a disk that filled up, a folder another build holds
            done = "、".join(c.name for c, _, _ in results) or "无"
            exc.problems.append(Problem(f"已完成的下级：{done}；{child.name}及其后的下级未完成"))
            exc.wrote += wrote
            raise
        wrote += len(built.report.written) + len(built.report.kept)
        results.append((child, child_dir / "plan.yaml", built))
    return CascadeResult(parent, report, results)


def _render_children(children: list[Jurisdiction], out_dir: Path, plan_files: list[Artifact], catalog: Catalog,
                     force: bool, only: Sequence[str] | None) -> list[Rendered]:
    """Every child rendered in memory before anything is written, so that one child's error (an edited
    plan that no longer parses, a profile without a role) stops the cascade with every child's problems
    listed; the rendered documents are then written as they are.

    A plan file not written yet is read from memory, laid over the child's folder (``Overlay``): its
    profile and campaign are found from where it will be, and a problem names it as it will be there."""
    from planmaker.base.files import sha256
    from planmaker.writing.atomic import file_sha
    from planmaker.writing.output import manifest_entries, read_manifest

    known = {e.get("path"): e.get("sha256") for e in manifest_entries(read_manifest(out_dir))}
    problems: list[Problem] = []
    rendered: list[Rendered] = []
    for child, artifact in zip(children, plan_files):
        folder = out_dir / child_folder(child)
        current = file_sha(folder / "plan.yaml")
        current = None if current is not None and current.startswith("(") else current
        edited = current is not None and not force and current not in (known.get(artifact.path), sha256(artifact.data))
        # an edited plan is kept (write_outputs) and the child built from it, as it is on the disk
        overlay = DISK if edited else Overlay(folder, {"plan.yaml": artifact.data})
        try:
            documents = render_plan(folder / "plan.yaml", catalog, only, overlay=overlay)
            documents.batch.check_first()
            rendered.append(documents)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return rendered
