"""The annexes of a plan: task-assignment table, inspection checklists and
statistics forms, each from a docxtpl template under templates/annexes and the
campaign's own data (checklist.yaml, stats-N.yaml)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeGuard, TypeVar

from planmaker.base import resources
from planmaker.base.dates import format_span
from planmaker.base.errors import InputError, Problem
from planmaker.base.inputfile import real_path
from planmaker.inputs.annex_kinds import CATALOGUE, COLLECTED, AnnexKindInfo, annex_kind
from planmaker.inputs.models import AnnexRef, ChecklistSpec, SelfcheckSpec, StatsSpec, Strict
from planmaker.inputs.validation import locate, parse_model
from planmaker.inputs.yamlfile import load_file
from planmaker.plan.resolve import Resolved
from planmaker.plan.sources import Source
from planmaker.plan.templating import render

DEFAULT_TASKS_TITLE = "{{ title }}任务分工"
BLANK_FIELD = " " * 24
TICKED, EMPTY = "☑", "□"
# the most value columns each stats template prints legibly (one at least):
# planmaker.office.gbt9704.max_stats_columns, from the layout's widths
TEMPLATE_COLUMNS = {"stats.docx": 7, "stats-simple.docx": 3}
# A checklist's layout: the bundled one by name, or a .docx the campaign brings
# in its own folder (a clerk's edit of it in Word); never a file elsewhere on
# the disk ("../../secret.docx").
CHECKLIST_TEMPLATES = ("checklist.docx",)
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


SpecT = TypeVar("SpecT", bound="Strict | None", covariant=True)
S = TypeVar("S", bound="Strict | None")


@dataclass
class Annex(Generic[SpecT]):
    """One annex of the plan, typed by its kind's data model (``annexes_of`` gives them so typed)."""

    number: int
    ref: AnnexRef
    spec: SpecT
    source: Source  # where the title was written
    title: str = ""
    template: Path | None = None  # the .docx a checklist is laid out in
    alone: bool = False  # the plan's only annex

    @property
    def label(self) -> str:
        """附件1 at the top of the annex's first page; a single annex is just 附件,
        as the note names it without a number (GB/T 9704 7.3.4)."""
        return "附件" if self.alone else f"附件{self.number}"

    @property
    def kind(self) -> str:
        return self.ref.kind


def is_of(annex: Annex[Strict | None], kind: AnnexKindInfo[S]) -> TypeGuard[Annex[S]]:
    """The annex is of ``kind``: load_annexes parsed its spec with that kind's model."""
    return annex.ref.kind == kind.key


def annexes_of(annexes: Iterable[Annex[Strict | None]], kind: AnnexKindInfo[S]) -> list[Annex[S]]:
    """The annexes of ``kind``, typed by its model: an annex's spec is read through this, not isinstance."""
    return [annex for annex in annexes if is_of(annex, kind)]


def collected_annexes(annexes: Iterable[Annex[Strict | None]]) -> list[Annex[StatsSpec]]:
    """The annexes whose filled copies collect sums, in the plan's order."""
    found: list[Annex[StatsSpec]] = []
    for annex in annexes:
        found += [annex for kind in COLLECTED if is_of(annex, kind)]
    return found


def load_annexes(resolved: Resolved) -> list[Annex[Strict | None]]:
    """The campaign's annexes in order; a campaign with tasks always has a task table."""
    campaign = resolved.campaign
    refs = list(campaign.model.annexes)
    sources = [Source(campaign.file, campaign.raw, ("annexes", i)) for i in range(len(refs))]
    listed = {r.kind for r in refs}
    for implied in (k for k in CATALOGUE.values() if k.implied_by_tasks and k.key not in listed):
        if resolved.tasks and campaign.model.task_table:
            refs.insert(0, AnnexRef(kind=implied.key, title=DEFAULT_TASKS_TITLE))
            sources.insert(0, Source(campaign.file, campaign.raw, ("annexes",)))
    annexes: list[Annex[Strict | None]] = []
    problems: list[Problem] = []
    for number, (ref, source) in enumerate(zip(refs, sources), start=1):
        spec: Strict | None = None
        kind = annex_kind(ref.kind)
        if kind.source_required and kind.spec is not None and issubclass(kind.spec, Strict):
            if not ref.source:
                problems.append(Problem(f"{ref.kind} 类附件须用 source 指明数据文件", source.file,
                                        locate(source.raw, source.loc), "source"))
                continue
            path = campaign.own_file(ref.source)
            if path is None:
                problems.append(Problem("附件数据文件须在专项模板文件夹内", source.file,
                                        locate(source.raw, source.loc + ("source",)), "source"))
                continue
            try:
                raw = load_file(path, campaign.files)
                spec = parse_model(kind.spec, raw, path)
                _check_spec(spec, path, raw)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            own = kind.own_layout and isinstance(spec, ChecklistSpec)  # the layout is named by the spec
            template = _own_template(spec, path.parent) if own and isinstance(spec, ChecklistSpec) else None
            source = Source(path, raw, ()) if not ref.title else source.at("title")
            annexes.append(Annex(number, ref, spec, source, template=template))
            continue
        elif kind.from_problems:
            spec, source = _problem_annex(resolved, ref, source, problems)
            if spec is None:
                continue
        else:
            source = source.at("title") if ref.title != DEFAULT_TASKS_TITLE else source
        annexes.append(Annex(number, ref, spec, source))
    if problems:
        raise InputError(problems)
    if len(annexes) == 1:
        annexes[0].alone = True
    return annexes


def _problem_annex(resolved: Resolved, ref: AnnexRef, source: Source,
                   problems: list[Problem]) -> tuple[SelfcheckSpec | None, Source]:
    """A self-inspection checklist or ledger: the campaign's problem list, presented by its spec."""
    where = (source.file, locate(source.raw, source.loc), "kind")
    if resolved.problems is None:
        problems.append(Problem(f"{ref.kind} 类附件需要专项模板用 problems 指明问题清单文件", *where))
        return None, source
    spec, spec_source = SelfcheckSpec(), None  # type: SelfcheckSpec, Source | None
    if ref.source:
        path = resolved.campaign.own_file(ref.source)
        if path is None:
            problems.append(Problem("附件数据文件须在专项模板文件夹内", source.file,
                                    locate(source.raw, source.loc + ("source",)), "source"))
            return None, source
        try:
            raw = load_file(path, resolved.campaign.files)
            spec = parse_model(SelfcheckSpec, raw, path)
        except InputError as exc:
            problems.extend(exc.problems)
            return None, source
        spec_source = Source(path, raw, ("title",))
    if ref.title:
        return spec, source.at("title")
    if spec.title and spec_source:
        return spec, spec_source
    problems.append(Problem(f"{ref.kind} 类附件须有标题（annexes 中的 title 或数据文件中的 title）", *where))
    return None, source


def _own_template(spec: ChecklistSpec, folder: Path) -> Path:
    """The annex's .docx (a checklist's); a name of the campaign's own is found next to its data file."""
    if spec.template in CHECKLIST_TEMPLATES:
        return template_path(spec.template)
    return real_path(folder / spec.template)


def _template_problem(name: str, folder: Path) -> str | None:
    """What is wrong with a checklist's template name, if anything."""
    if name in CHECKLIST_TEMPLATES:
        return None
    allowed = f"检查表模板应为自带的 {'、'.join(CHECKLIST_TEMPLATES)}，或专项模板文件夹内自己的 .docx 文件"
    candidate = real_path(folder / name)
    if real_path(folder) not in candidate.parents or candidate.suffix.lower() != ".docx":
        return f"不能使用检查表模板 “{name}”：{allowed}"
    if not candidate.is_file():
        return f"找不到检查表模板 “{name}”（{allowed}）"
    if candidate.stat().st_size > MAX_TEMPLATE_BYTES:
        return f"检查表模板 “{name}” 过大（上限 {MAX_TEMPLATE_BYTES // 1024 // 1024} MB）"
    return None


def _check_spec(spec: Strict, path: Path, raw: object) -> None:
    """What a data file's model cannot say alone: a checklist's answers and layout, a form's columns and sums."""
    problems = _checklist_problems(spec, path, raw) if isinstance(spec, ChecklistSpec) else []
    if isinstance(spec, StatsSpec):
        problems += _stats_problems(spec, path, raw)
    if problems:
        raise InputError(problems)


def _checklist_problems(spec: ChecklistSpec, path: Path, raw: object) -> list[Problem]:
    problems: list[Problem] = []
    problem = _template_problem(spec.template, path.parent)
    if problem:
        problems.append(Problem(problem, path, locate(raw, ("template",)), "template"))
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
    return problems


def _stats_problems(spec: StatsSpec, path: Path, raw: object) -> list[Problem]:
    problems: list[Problem] = []
    most = TEMPLATE_COLUMNS.get(spec.template)
    if most is None:
        problems.append(Problem(f"未知的统计表模板 “{spec.template}”（可选：{'、'.join(TEMPLATE_COLUMNS)}）",
                                path, locate(raw, ("template",)), "template"))
    elif not 1 <= len(spec.columns) <= most:
        problems.append(Problem(f"模板 {spec.template} 可容纳 1 至 {most} 个数值列，columns 却有 "
                                f"{len(spec.columns)} 个" + _wider(spec.template, len(spec.columns)),
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
    from planmaker.inputs.stats_rules import check_rules

    for n, text in check_rules(spec):
        problems.append(Problem(f"校验规则 {n + 1}：{text}", path, locate(raw, ("rules", n)), f"rules[{n + 1}]"))
    return problems


def _wider(template: str, count: int) -> str:
    """Where a form with more value columns than its template holds can go instead."""
    wider = [name for name, most in TEMPLATE_COLUMNS.items() if name != template and count <= most]
    if count and wider:
        return f"，请改用 {wider[0]}"
    return "，请拆成两张表或减少数值列" if count else ""


def annex_titles(resolved: Resolved, annexes: list[Annex[Strict | None]], context: Mapping[str, object]) -> None:
    for annex in annexes:
        text = annex.ref.title or getattr(annex.spec, "title", None) or ""
        annex.title = render(text, context, annex.source.file, annex.source.raw, annex.source.loc)


def period_text(resolved: Resolved, sep: str = "-") -> str:
    return format_span(resolved.dates["start"], resolved.dates["end"], sep=sep)


def template_path(name: str) -> Path:
    return resources.templates_dir() / "annexes" / name
