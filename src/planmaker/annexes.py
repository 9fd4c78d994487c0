"""The annexes of a plan: task-assignment table, inspection checklists and
statistics forms, each from a docxtpl template under templates/annexes and the
campaign's own data (checklist.yaml, stats-N.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import gbt9704, resources
from .dates import format_span
from .docx_render import DITTO, lines
from .errors import InputError, Problem
from .models import AnnexRef, ChecklistSpec, Institution, StatsSpec
from .resolve import Resolved, Source, department_names
from .templating import render
from .validation import locate, parse_model
from .yamlfile import load_file

SPEC_MODELS = {"checklist": ChecklistSpec, "stats": StatsSpec}
DEFAULT_TASKS_TITLE = "{{ title }}任务分工"
BLANK_FIELD = " " * 24
TICKED, EMPTY = "☑", "□"
# value columns each stats template lays out
TEMPLATE_COLUMNS = {"stats.docx": 4, "stats-simple.docx": 2}
# Only bundled templates: a name from a campaign must not reach a file
# elsewhere on the disk ("../../secret.docx").
CHECKLIST_TEMPLATES = ("checklist.docx",)


@dataclass
class Annex:
    number: int
    ref: AnnexRef
    spec: Any
    source: Source  # where the title was written
    title: str = ""

    @property
    def label(self) -> str:
        return f"附件{self.number}"

    @property
    def kind(self) -> str:
        return self.ref.kind


def load_annexes(resolved: Resolved) -> list[Annex]:
    """The campaign's annexes in order; a campaign with tasks always has a task table."""
    campaign = resolved.campaign
    refs = list(campaign.model.annexes)
    sources = [Source(campaign.file, campaign.raw, ("annexes", i)) for i in range(len(refs))]
    if resolved.tasks and not any(r.kind == "tasks" for r in refs):
        refs.insert(0, AnnexRef(kind="tasks", title=DEFAULT_TASKS_TITLE))
        sources.insert(0, Source(campaign.file, campaign.raw, ("annexes",)))
    annexes, problems = [], []
    for number, (ref, source) in enumerate(zip(refs, sources), start=1):
        spec = None
        if ref.kind in SPEC_MODELS:
            if not ref.source:
                problems.append(Problem(f"{ref.kind} 类附件须用 source 指明数据文件", source.file,
                                        locate(source.raw, source.loc), "source"))
                continue
            path = (campaign.folder / ref.source).resolve()
            if campaign.folder.resolve() not in path.parents:
                problems.append(Problem("附件数据文件须在专项模板文件夹内", source.file,
                                        locate(source.raw, source.loc + ("source",)), "source"))
                continue
            try:
                raw = load_file(path)
                spec = parse_model(SPEC_MODELS[ref.kind], raw, path)
                _check_spec(spec, path, raw)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            source = Source(path, raw, ()) if not ref.title else source.at("title")
        else:
            source = source.at("title") if ref.title != DEFAULT_TASKS_TITLE else source
        annexes.append(Annex(number, ref, spec, source))
    if problems:
        raise InputError(problems)
    return annexes


def _check_spec(spec, path: Path, raw) -> None:
    problems = []
    if isinstance(spec, ChecklistSpec):
        if spec.template not in CHECKLIST_TEMPLATES:
            problems.append(Problem(f"未知的检查表模板 “{spec.template}”（可选：{'、'.join(CHECKLIST_TEMPLATES)}）",
                                    path, locate(raw, ("template",)), "template"))
        for g, group in enumerate(spec.groups):
            for i, item in enumerate(group.items):
                for loc, answer in [(("groups", g, "items", i, "answer"), item.answer)] + [
                        (("groups", g, "items", i, "subs", k, "answer"), sub.answer) for k, sub in enumerate(item.subs)]:
                    if answer is not None and answer not in spec.answers:
                        problems.append(Problem(f"答案样式 “{answer}” 未在 answers 中定义", path, locate(raw, loc),
                                                ".".join(map(str, loc))))
                if not item.subs and item.answer is None:
                    problems.append(Problem("没有子项的检查内容须有 answer", path,
                                            locate(raw, ("groups", g, "items", i)), f"groups[{g + 1}].items[{i + 1}]"))
    if isinstance(spec, StatsSpec):
        expected = TEMPLATE_COLUMNS.get(spec.template)
        if expected is None:
            problems.append(Problem(f"未知的统计表模板 “{spec.template}”（可选：{'、'.join(TEMPLATE_COLUMNS)}）",
                                    path, locate(raw, ("template",)), "template"))
        elif len(spec.columns) != expected:
            problems.append(Problem(f"模板 {spec.template} 有 {expected} 个数值列，columns 却有 {len(spec.columns)} 个",
                                    path, locate(raw, ("columns",)), "columns"))
        if spec.template == "stats-simple.docx" and any(line.subs for g in spec.groups for line in g.lines):
            problems.append(Problem("模板 stats-simple.docx 不支持子项（subs），请改用 stats.docx", path,
                                    locate(raw, ("template",)), "template"))
        ids = [x.id for g in spec.groups for line in g.lines for x in [line, *line.subs] if x.id]
        for g, group in enumerate(spec.groups):
            for i, line in enumerate(group.lines):
                for k, ref in enumerate(line.sum_of):
                    if ref not in ids:
                        problems.append(Problem(f"合计引用的行 “{ref}” 不存在", path,
                                                locate(raw, ("groups", g, "lines", i, "sum_of", k)), "sum_of"))
    if problems:
        raise InputError(problems)


def annex_titles(resolved: Resolved, annexes: list[Annex], context: dict[str, Any]) -> None:
    for annex in annexes:
        text = annex.ref.title or annex.spec.title
        annex.title = render(text, context, annex.source.file, annex.source.raw, annex.source.loc)


def title_lines(title: str, landscape: bool = False):
    width = gbt9704.LANDSCAPE_TYPE_WIDTH_MM if landscape else gbt9704.TYPE_WIDTH_MM
    return lines("\n".join(gbt9704.balance_title(title, width_mm=width)))


def period_text(resolved: Resolved, sep: str = "-") -> str:
    return format_span(resolved.dates["start"], resolved.dates["end"], sep=sep)


# ------------------------------------------------------------------ contexts

def tasks_context(resolved: Resolved, annex: Annex, rendered_tasks) -> dict[str, Any]:
    rows = []
    for number, task in enumerate(rendered_tasks, start=1):
        rows.append({
            "number": str(number),
            "task": task.heading + task.body,
            "lead": lines("\n".join(task.lead)),
            "cooperate": lines("\n".join(task.cooperate)),
            "deadline": task.deadline,
        })
    return {"annex_label": annex.label, "title": title_lines(annex.title), "rows": rows}


def template_path(name: str) -> Path:
    return resources.templates_dir() / "annexes" / name


def tasks_template(rendered_tasks) -> Path:
    return template_path("tasks-deadline.docx" if any(t.deadline for t in rendered_tasks) else "tasks.docx")


def _boxes(names: list[str], chosen: str) -> list[dict[str, str]]:
    return [{"name": n, "box": TICKED if n == chosen else EMPTY} for n in names]


def checklist_context(annex: Annex, institution: Institution | None, vocabulary, label: bool = True) -> dict:
    spec: ChecklistSpec = annex.spec
    rows = []
    number = 0
    for group in spec.groups:
        first = True
        for item in group.items:
            number += 1
            label_text = f"{number}.{item.text}"
            entries = item.subs or [None]
            for k, sub in enumerate(entries):
                answer = spec.answers[(sub or item).answer]
                rows.append({
                    "group": group.name if first else DITTO,
                    "item": label_text if k == 0 else DITTO,
                    "sub": sub.text if sub else "",
                    "answer": lines(answer),
                    "note": (sub.note if sub else item.note),
                })
                first = False
    inst = institution
    return {
        "annex_label": annex.label if label else "",
        "title": title_lines(annex.title),
        "institution": {
            "name": inst.name if inst else BLANK_FIELD,
            "address": inst.address if inst else BLANK_FIELD,
            "contact": inst.contact if inst else " " * 12,
            "phone": inst.phone if inst else " " * 12,
        },
        "categories": _boxes([t.name for t in vocabulary.categories], inst.category if inst else ""),
        "grades": _boxes([t.name for t in vocabulary.grades], inst.grade if inst else ""),
        "ownerships": _boxes([t.name for t in vocabulary.ownerships], inst.ownership if inst else ""),
        "columns": spec.columns,
        "rows": rows,
        "note": spec.note,
        "signatures": spec.signatures,
    }


def stats_rows(spec: StatsSpec) -> list[dict[str, Any]]:
    rows = []
    blank = [""] * len(spec.columns)
    for group in spec.groups:
        first = True
        for line in group.lines:
            for k, sub in enumerate(line.subs or [None]):
                entry = sub or line
                rows.append({
                    "group": group.name if first else DITTO,
                    "item": line.text if k == 0 else DITTO,
                    "sub": sub.text if sub else "",
                    "cells": blank,
                    "unit": entry.unit or spec.default_unit,
                    "id": entry.id,
                })
                first = False
    return rows


def stats_context(resolved: Resolved, annex: Annex) -> dict[str, Any]:
    spec: StatsSpec = annex.spec
    return {
        "annex_label": annex.label,
        "title": title_lines(annex.title, spec.landscape),
        "jurisdiction": resolved.jurisdiction.name,
        "period": period_text(resolved),
        "label_header": spec.label_header + [""] * (2 - len(spec.label_header)),
        "value_header": spec.value_header or "数量",
        "columns": spec.columns,
        "rows": stats_rows(spec),
        "footer": "        ".join(spec.footer),
    }


def stats_template(spec: StatsSpec) -> Path:
    return template_path(spec.template)
