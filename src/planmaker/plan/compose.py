"""Composing the implementation plan: the resolved context rendered, in
document order, into numbered blocks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from planmaker.base.dates import PlanDate, format_date
from planmaker.base.numbering import heading_number
from planmaker.inputs.catalog import LoadedCampaign
from planmaker.inputs.models import Phase, Point, ProblemList, Requirement, Section, Subtask, Task
from planmaker.plan.context import PlanContext, TaskView, base_context, group_view, task_view
from planmaker.plan.document import AnnexNote, Block, Document, Heading, Imprint, Masthead, Paragraph, Signature
from planmaker.plan.names import LazyGroup
from planmaker.plan.resolve import Resolved
from planmaker.plan.sources import Item, Source
from planmaker.plan.templating import render

_CLOSING = tuple("。！？：；…")

Numbered = Task | Phase | Requirement | Point  # what a section numbers （一）（二）…


class Render(Protocol):
    """A campaign text rendered with the plan's context and ``extra`` names, problems located at ``where``."""

    def __call__(self, text: str, where: Source, /, **extra: object) -> str: ...


def _renderer(context: Mapping[str, object]) -> Render:
    """Renders with ``context`` as it is at each call (compose_plan adds the title and the group to it)."""
    def r(text: str, where: Source, /, **extra: object) -> str:
        return render(text, {**context, **extra}, where.file, where.raw, where.loc)
    return r


def _lines(text: str) -> list[str]:
    """The paragraphs of a rendered text: one a line, blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _sentence(text: str) -> str:
    return text if not text or text.endswith(_CLOSING) else text + "。"


def compose_plan(resolved: Resolved, annex_titles: Sequence[str] = ()) -> Document:
    campaign = resolved.campaign
    c_src = Source(campaign.file, campaign.raw, ())
    context = base_context(resolved)
    r = _renderer(context)
    title = r(campaign.model.title, c_src.at("title"))
    context["title"] = title
    # built at its first mention, so that the departments its posts name are named in document order
    context["leading_group"] = LazyGroup(lambda: group_view(resolved, context, lambda text, loc: r(text, c_src.at(*loc))))
    document = Document(title=title, number=resolved.plan.number or "")
    blocks = document.blocks
    for i, text in enumerate(campaign.model.preamble):
        blocks.extend(Paragraph(line) for line in _lines(r(text, c_src.at("preamble", i))))

    for s, section in enumerate(campaign.model.sections):
        s_src = c_src.at("sections", s)
        blocks.append(Heading(1, heading_number(1, s + 1), r(section.heading, s_src.at("heading"))))
        for i, text in enumerate(section.paragraphs):
            blocks.extend(Paragraph(line) for line in _lines(r(text, s_src.at("paragraphs", i))))
        if section.items == "problems":
            blocks.extend(_problem_blocks(resolved, section.runin, r))
        elif section.items == "leading_group":
            blocks.extend(Paragraph(line) for line in context["leading_group"].lines())
        elif section.items:
            _item_blocks(blocks, section, s_src, resolved, context, r)
        for i, text in enumerate(section.after):
            blocks.extend(Paragraph(line) for line in _lines(r(text, s_src.at("after", i))))

    blocks.extend(_contact_blocks(resolved, r, c_src))

    if annex_titles:
        blocks.append(AnnexNote(tuple(annex_titles)))

    document.signature, document.masthead, document.imprint = issuing_parts(resolved)
    return document


def _section_items(section: Section, s_src: Source, resolved: Resolved) -> Sequence[Item[Numbered]]:
    """What a section numbers: the plan's tasks, phases or requirements, or the section's own points."""
    if isinstance(section.items, list):
        return [Item(point, s_src.at("items", i)) for i, point in enumerate(section.items)]
    if section.items == "tasks":
        return resolved.tasks
    if section.items == "phases":
        return resolved.phases
    return resolved.requirements


def _item_blocks(blocks: list[Block], section: Section, s_src: Source, resolved: Resolved, context: PlanContext,
                 r: Render) -> None:
    """A section's numbered items (（一）（二）…): tasks, phases, requirements or its own points."""
    campaign = resolved.campaign
    c_src = Source(campaign.file, campaign.raw, ())
    phase_views = {p.id: p for p in context["phases"]}
    for n, item in enumerate(_section_items(section, s_src, resolved), start=1):
        model, src = item.model, item.source
        extra: dict[str, object]
        if isinstance(model, Point):
            extra = {}
            heading = r(model.title, src.at("title"))
        elif isinstance(model, Phase):
            extra = {"phase": phase_views[model.id]}
            if model.title:
                heading = r(model.title, src.at("title"), **extra)
            else:
                heading = r(campaign.model.phase_title, c_src.at("phase_title"), **extra)
        elif isinstance(model, Task):
            view = task_view(resolved, model, context)
            extra = {"task": view}
            heading = _task_heading(model, src, r, view, c_src)
            if model.subtasks:
                _task_with_subtasks(blocks, n, _sentence(heading), model, src, view, r, resolved, context)
                continue
        else:
            extra = {"requirement": model}
            heading = r(model.title, src.at("title"), **extra)
        body = r(model.text, src.at("text"), **extra) if model.text else ""
        if isinstance(model, Task):
            body += _suffix(model, extra, r, campaign)
        if not (isinstance(model, Task) and campaign.model.task_title):
            heading = _sentence(heading)
        # A body of several lines is several paragraphs (a phase's numbered measures).
        first, *more = _lines(body) or [""]
        if section.runin:
            blocks.append(Heading(2, heading_number(2, n), heading, first))
        else:
            blocks.append(Heading(2, heading_number(2, n), heading))
            if first:
                blocks.append(Paragraph(first))
        blocks.extend(Paragraph(line) for line in more)
        for k, (label, text) in enumerate(_parts(model, src, r, extra), start=1):
            blocks.append(Heading(3, heading_number(3, k), f"{label}：", text))


def _contact_blocks(resolved: Resolved, r: Render, c_src: Source) -> list[Paragraph]:
    blocks = []
    campaign = resolved.campaign
    departments = resolved.jurisdiction.departments
    for contact in resolved.plan.contacts:
        # A contact's unit may be given as a role (health) or written out; a label, as the seeds write it: short.
        unit = departments[contact.unit].short if contact.unit in departments else contact.unit
        view = contact.model_copy(update={"unit": unit})
        for i, line in enumerate(campaign.model.contact_lines):
            rendered = r(line, c_src.at("contact_lines", i), contact=view)
            if rendered:
                blocks.append(Paragraph(rendered))
    return blocks


def issuing_parts(resolved: Resolved) -> tuple[Signature, Masthead | None, Imprint | None]:
    """The signature, and the 版头 and 版记 as the plan file asks for them (neither by default)."""
    plan = resolved.plan
    issuer = resolved.issuer
    signed = format_date(resolved.dates["signed"])
    masthead = imprint = None
    if plan.masthead is not None:
        issuers = tuple(plan.masthead.issuers) or (issuer,)
        masthead = Masthead(issuers, plan.masthead.suffix, plan.number or "", tuple(plan.masthead.signers))
    if plan.imprint is not None:
        when = plan.imprint.date
        printed = format_date(PlanDate.parse(when)) if when else signed  # 2021年8月 when only the month is known
        printer = plan.imprint.printer or (issuer + "办公室" if issuer else "")
        imprint = Imprint(tuple(plan.imprint.cc), printer, printed)
    return Signature(issuer, signed), masthead, imprint


def _suffix(owner: Task | Subtask, extra: Mapping[str, object], r: Render, campaign: LoadedCampaign) -> str:
    """The campaign's task_suffix (“（责任单位：……）”) for a task or subtask with departments."""
    offices = owner.offices if isinstance(owner, Task) else []  # a subtask has none of its own
    if not campaign.model.task_suffix or not (owner.lead or owner.cooperate or offices):
        return ""
    return r(campaign.model.task_suffix, Source(campaign.file, campaign.raw, ("task_suffix",)), **extra)


def _task_with_subtasks(blocks: list[Block], n: int, heading: str, model: Task, src: Source, view: TaskView,
                        r: Render, resolved: Resolved, context: PlanContext) -> None:
    """“（一）标题” on its own line, its text if any, then “1.……（责任单位：……）” per subtask."""
    campaign = resolved.campaign
    extra = {"task": view}
    blocks.append(Heading(2, heading_number(2, n), heading))
    if model.text:
        blocks.append(Paragraph(r(model.text, src.at("text"), **extra) + _suffix(model, extra, r, campaign)))
    for k, sub in enumerate(model.subtasks, start=1):
        sub_extra = {"task": task_view(resolved, sub, context)}
        text = r(sub.text, src.at("subtasks", k - 1, "text"), **sub_extra)
        blocks.append(Paragraph(heading_number(3, k) + text + _suffix(sub, sub_extra, r, campaign)))


def _task_heading(model: Task, src: Source, r: Render, view: TaskView, c_src: Source) -> str:
    """A task's heading: its title, or the campaign's task_title around it (no full stop added)."""
    title = r(model.title, src.at("title"), task=view)
    template = c_src.raw.get("task_title") if isinstance(c_src.raw, dict) else None
    if not template or not isinstance(template, str):  # a str: the campaign's model has checked it
        return title
    return r(template, c_src.at("task_title"), task=replace(view, title=title))


def _parts(model: Numbered, src: Source, r: Render, extra: Mapping[str, object]) -> list[tuple[str, str]]:
    """A task's labelled parts (具体措施、进度安排、目标成效…), rendered."""
    parts = model.parts if isinstance(model, Task) else []
    return [(r(part.label, src.at("parts", k, "label"), **extra), r(part.text, src.at("parts", k, "text"), **extra))
            for k, part in enumerate(parts)]


def _problem_list(resolved: Resolved) -> tuple[ProblemList, Source]:
    """The campaign's problem list and where it was written."""
    if resolved.problems is None or resolved.problems_source is None:
        # resolve refuses a campaign that lists its problems without a problem list
        raise ValueError(f"专项模板 {resolved.campaign.id} 没有问题清单（problems）")
    return resolved.problems, resolved.problems_source


def _problem_blocks(resolved: Resolved, runin: bool, r: Render) -> list[Block]:
    """The campaign's problem list: one （一） heading a group, its problems numbered under it."""
    blocks: list[Block] = []
    problems, src = _problem_list(resolved)
    for g, group in enumerate(problems.groups):
        g_src = src.at("groups", g)
        heading = _sentence(r(group.name, g_src.at("name"), group=group))
        intro = r(group.intro, g_src.at("intro"), group=group) if group.intro else ""
        if runin:
            blocks.append(Heading(2, heading_number(2, g + 1), heading, intro))
        else:
            blocks.append(Heading(2, heading_number(2, g + 1), heading))
            if intro:
                blocks.append(Paragraph(intro))
        for k, item in enumerate(render_problems(resolved, g, r), start=1):
            blocks.append(Paragraph(f"{heading_number(3, k)}{item}"))
    return blocks


def render_problems(resolved: Resolved, g: int, r: Render | None = None) -> list[str]:
    """The problems of group ``g``, rendered (they may use the jurisdiction's words)."""
    problems, src = _problem_list(resolved)
    group = problems.groups[g]
    if r is None:
        r = _renderer(base_context(resolved))
    return [r(item, src.at("groups", g, "items", k), group=group) for k, item in enumerate(group.items)]


@dataclass
class RenderedTask:
    id: str
    heading: str
    body: str
    lead: list[str]
    cooperate: list[str]
    deadline: str
    part: int = 0  # a subtask's number within its task (1, 2, …); 0 for a task of its own


def plan_title(resolved: Resolved) -> str:
    campaign = resolved.campaign
    return render(campaign.model.title, base_context(resolved), campaign.file, campaign.raw, ("title",))


def render_tasks(resolved: Resolved) -> list[RenderedTask]:
    """The tasks as the task-assignment table shows them (a document of its own,
    so department names start again from their full form)."""
    context = base_context(resolved)
    context["title"] = plan_title(resolved)
    rendered = []
    r = _renderer(context)
    for item in resolved.tasks:
        task, src = item.model, item.source
        view = task_view(resolved, task, context)
        extra = {"task": view}
        heading = render(task.title, {**context, **extra}, src.file, src.raw, src.loc + ("title",))
        heading = heading if resolved.campaign.model.task_title else _sentence(heading)
        body = render(task.text, {**context, **extra}, src.file, src.raw, src.loc + ("text",)) if task.text else ""
        parts = _parts(task, src, r, extra)
        if parts:
            body += "".join(f"{heading_number(3, k)}{label}：{text}" for k, (label, text) in enumerate(parts, 1))
        deadline = ""
        if task.deadline:
            deadline = render(task.deadline, {**context, **extra}, src.file, src.raw, src.loc + ("deadline",))
        if not task.subtasks:
            rendered.append(RenderedTask(task.id, heading, body, _named(view.lead), _named(view.cooperate), deadline))
            continue
        # A task of several subtasks, each with its own units: one row each, under the task's title.
        for k, sub in enumerate(task.subtasks, start=1):
            sub_view = task_view(resolved, sub, context)
            text = render(sub.text, {**context, "task": sub_view}, src.file, src.raw, src.loc + ("subtasks", k - 1, "text"))
            rendered.append(RenderedTask(f"{task.id}.{k}", heading, heading_number(3, k) + text,
                                         _named(sub_view.lead), _named(sub_view.cooperate), deadline, part=k))
    return rendered


def _named(departments: Iterable[object]) -> list[str]:
    """Names in the order the table shows them: after the row's text, lead before cooperating."""
    return [str(d) for d in departments]
