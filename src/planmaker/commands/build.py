"""The pipeline: load and resolve the plan, render every document in memory,
then write them all at once.  Nothing touches the output folder until every
document has rendered, so bad input leaves no half-written output."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from planmaker import __version__
from planmaker.inputs.catalog import Catalog
from planmaker.plan.compose import base_context, compose_plan
from planmaker.base.errors import InputError
from planmaker.office.ooxml import EPOCH
from planmaker.commands.output import Artifact, WriteReport, safe_filename, write_outputs
from planmaker.plan.resolve import Resolved, resolve


@dataclass
class BuildResult:
    resolved: Resolved
    artifacts: list[Artifact]
    report: WriteReport


def document_time(resolved: Resolved) -> dt.datetime:
    """The timestamp stamped into files: the plan's own date, never the clock."""
    for name in ("signed", "start"):
        value = resolved.dates.get(name)
        if value is not None:
            return dt.datetime.combine(value.first_day, dt.time())
    return EPOCH


KINDS = ("plan", "preview", "tasks", "checklist", "selfcheck", "ledger", "stats", "bundle", "calendar")


def render_all(resolved: Resolved, only: Iterable[str] | None = None,
               with_institutions: bool = False) -> tuple[list[Artifact], list]:
    """Every document of the plan, in memory, and (``with_institutions``) the
    per-institution documents to be written by the batch (batch.InstitutionDocs)."""
    from planmaker.plan import annexes as ax
    from planmaker.plan.compose import plan_title, render_tasks
    from planmaker.office.docx_render import render_template
    from planmaker.office.plan_docx import plan_docx
    from planmaker.kinds.preview import to_html, to_markdown

    wanted = set(only) if only else set(KINDS)
    when = document_time(resolved)
    author = resolved.plan.issuer if resolved.plan.issuer is not None else resolved.jurisdiction.issuer
    annexes = ax.load_annexes(resolved)
    title = plan_title(resolved)
    ax.annex_titles(resolved, annexes, {**base_context(resolved), "title": title})
    plan = compose_plan(resolved, [a.title for a in annexes])

    artifacts: list[Artifact] = []
    stem = safe_filename(plan.title)
    plan_bytes = plan_docx(plan, when)
    artifacts.append(Artifact(f"{stem}.docx", "plan", plan_bytes))
    markdown_text = to_markdown(plan)
    artifacts.append(Artifact(f"{stem}.md", "preview", markdown_text.encode("utf-8"), {"format": "markdown"}))
    artifacts.append(Artifact(f"{stem}.html", "preview", to_html(plan, markdown_text).encode("utf-8"),
                              {"format": "html"}))

    annex_docs: list[bytes] = []
    per_institution = []
    needs_vocabulary = any(a.kind == "checklist" for a in annexes)
    vocabulary = None
    if needs_vocabulary:
        from planmaker.inputs.institutions import load_vocabulary
        vocabulary = load_vocabulary()
    for annex in annexes:
        if annex.kind not in wanted and "bundle" not in wanted:
            continue
        name = safe_filename(f"{annex.label}-{annex.title}")
        extra = {"annex": annex.number, "title": annex.title}
        if annex.kind == "tasks":
            tasks = render_tasks(resolved)
            data = render_template(ax.tasks_template(tasks), ax.tasks_context(resolved, annex, tasks),
                                   annex.title, author, when)
            artifacts.append(Artifact(f"{name}.docx", "tasks", data, extra))
            if "tasks" in wanted:
                from planmaker.office.xlsx_tasks import tasks_workbook
                artifacts.append(Artifact(f"{name}.xlsx", "tasks", tasks_workbook(annex.title, tasks, author, when),
                                          extra))
        elif annex.kind == "checklist":
            data = render_template(annex.template,
                                   ax.checklist_context(annex, None, vocabulary), annex.title, author, when)
            artifacts.append(Artifact(f"{name}.docx", "checklist", data, extra))
            if "checklist" in wanted and with_institutions:
                per_institution.append(_institution_checklists(annex, vocabulary, author, when))
        elif annex.kind in ax.PROBLEM_KINDS:
            made = _problem_annex(resolved, annex, author, when, "bundle" in wanted and annex.kind not in wanted)
            data = made[0].data
            artifacts.extend(made)
            if annex.kind in wanted and with_institutions:
                per_institution.extend(_institution_problem_annexes(resolved, annex, author, when))
        elif annex.kind == "stats":
            data = render_template(ax.stats_template(annex.spec), ax.stats_context(resolved, annex),
                                   annex.title, author, when)
            artifacts.append(Artifact(f"{name}.docx", "stats", data, extra))
            if "stats" in wanted:
                artifacts.append(Artifact(f"{name}.xlsx", "stats", _stats_xlsx(resolved, annex, when), extra))
        annex_docs.append(data)

    if "calendar" in wanted:
        from planmaker.kinds.calendar import plan_calendar
        labels = resolved.date_labels
        artifacts.append(Artifact(f"{stem}.ics", "calendar", plan_calendar(resolved, plan.title, when, labels)))

    if "bundle" in wanted and annexes:
        from planmaker.kinds.bundle import bind
        bundle = bind(plan_bytes, annex_docs, plan.title, author, when)
        artifacts.append(Artifact(f"{stem}（含附件）.docx", "bundle", bundle))
    return [a for a in artifacts if a.kind in wanted], per_institution


def _institution_checklists(annex, vocabulary, author, when):
    from planmaker.plan import annexes as ax
    from planmaker.commands.batch import InstitutionDocs
    from planmaker.office.docx_render import render_template
    from planmaker.office.ooxml import core_text

    template = annex.template

    def fields(institution):
        # The document title is a field of its own: cutting it to length is
        # Python's business, not the prepared template's.
        return {**ax.institution_fields(institution, vocabulary),
                "document_title": core_text(f"{annex.title}（{institution.name}）")}

    def render(values):
        context = ax.checklist_context(annex, None, vocabulary, label=False, fields=values)
        return render_template(template, context, str(values["document_title"]), author, when)

    return InstitutionDocs(
        kind="checklist", folder=safe_filename(f"{annex.label}-检查表（按机构）"), extra={"annex": annex.number},
        render=render, fields=fields, keys=[*ax.institution_fields(None, vocabulary), "document_title"])


def _problem_folder(annex) -> str:
    return safe_filename(f"{annex.label}-{'自查表' if annex.kind == 'selfcheck' else '整改台账'}（按机构）")


def _problem_context(resolved: Resolved, annex, institution, label: bool) -> dict:
    from planmaker.plan import annexes as ax

    make_context = ax.selfcheck_context if annex.kind == "selfcheck" else ax.ledger_context
    return make_context(resolved, annex, institution, label=label)


def _problem_workbook(resolved: Resolved, annex, context: dict, institution, author, when) -> bytes:
    from planmaker.office.xlsx_problems import ledger_workbook, selfcheck_workbook

    meta = {"kind": annex.kind, "campaign": resolved.campaign.id, "jurisdiction": resolved.jurisdiction.name,
            "institution": institution.name if institution else ""}
    if annex.kind == "selfcheck":
        return selfcheck_workbook(annex.title, context, annex.spec.answers, meta, author, when)
    return ledger_workbook(annex.title, context, annex.spec.statuses, meta, author, when)


def _institution_problem_annexes(resolved: Resolved, annex, author, when) -> list:
    """A self-inspection checklist or ledger per institution, .docx and .xlsx.

    The .docx goes through the prepared template like the checklists; the
    workbook is made by openpyxl, document by document."""
    from planmaker.plan import annexes as ax
    from planmaker.commands.batch import InstitutionDocs
    from planmaker.office.docx_render import render_template
    from planmaker.office.ooxml import core_text

    folder = _problem_folder(annex)
    extra = {"annex": annex.number, "title": annex.title}
    blank = _problem_context(resolved, annex, None, label=False)
    template = ax.template_path(ax.PROBLEM_KINDS[annex.kind])
    header_keys = list(ax.institution_header(None))

    def fields(institution):
        return {**ax.institution_header(institution),
                "document_title": core_text(f"{annex.title}（{institution.name}）")}

    def render_docx(values):
        context = {**blank, "institution": {key: values[key] for key in header_keys}}
        return render_template(template, context, str(values["document_title"]), author, when)

    def render_xlsx(values):
        institution = values["institution"]
        context = _problem_context(resolved, annex, institution, label=False)
        return _problem_workbook(resolved, annex, context, institution, author, when)

    return [
        InstitutionDocs(kind=annex.kind, folder=folder, extra=extra, render=render_docx, fields=fields,
                        keys=[*header_keys, "document_title"]),
        InstitutionDocs(kind=annex.kind, folder=folder, extra=extra, render=render_xlsx,
                        fields=lambda institution: {"institution": institution}, keys=None, suffix=".xlsx"),
    ]


def _problem_annex(resolved: Resolved, annex, author, when, docx_only=False) -> list[Artifact]:
    """The blank self-inspection checklist or ledger: .docx and (unless ``docx_only``) .xlsx."""
    from planmaker.plan import annexes as ax
    from planmaker.office.docx_render import render_template

    context = _problem_context(resolved, annex, None, label=True)
    docx = render_template(ax.template_path(ax.PROBLEM_KINDS[annex.kind]), context, annex.title, author, when)
    extra = {"annex": annex.number, "title": annex.title}
    stem = safe_filename(f"{annex.label}-{annex.title}")
    artifacts = [Artifact(f"{stem}.docx", annex.kind, docx, extra)]
    if not docx_only:
        book = _problem_workbook(resolved, annex, context, None, author, when)
        artifacts.append(Artifact(f"{stem}.xlsx", annex.kind, book, extra))
    return artifacts


def _stats_xlsx(resolved: Resolved, annex, when, values: dict | None = None, more: dict | None = None) -> bytes:
    from planmaker.plan import annexes as ax
    from planmaker.office.xlsx_stats import stats_workbook

    start, end = resolved.dates["start"], resolved.dates["end"]
    meta = {
        "generator": f"planmaker {__version__}",
        "campaign": resolved.campaign.id,
        "form": annex.spec.id,
        "jurisdiction": resolved.jurisdiction.name,
        "jurisdiction_id": resolved.jurisdiction.id,
        "period": f"{start.iso() if start else ''}/{end.iso() if end else ''}",
        "template_version": _spec_version(annex),
        **(more or {}),
    }
    return stats_workbook(annex.spec, annex.title, resolved.jurisdiction.name, ax.period_text(resolved), meta, when,
                          values)


def _spec_version(annex) -> str:
    """A fingerprint of the form's layout: forms filled from different layouts must not be summed."""
    import hashlib
    import json

    layout = annex.spec.model_dump(mode="json", exclude={"title", "footer", "template", "landscape"})
    return hashlib.sha256(json.dumps(layout, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def parse_only(text: str | None) -> list[str] | None:
    if not text:
        return None
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError.single(f"未知的文件类别 “{'、'.join(unknown)}”（可选：{'、'.join(KINDS)}）",
                                field="--only")
    return kinds


def load_institutions(resolved: Resolved, institutions_file: Path | None):
    """The institutions to pre-fill checklists for: the file's (checked, then
    streamed from the file), else the profile's."""
    if institutions_file is not None:
        from planmaker.inputs.institutions import InstitutionFile
        return InstitutionFile(Path(institutions_file))
    return list(resolved.jurisdiction.institutions)


def build(plan_path: Path, out_dir: Path, catalog: Catalog | None = None,
          only: Iterable[str] | None = None, force: bool = False,
          institutions_file: Path | None = None, pdf: bool = False, workers: int = 1,
          shard: tuple[int, int] = (1, 1), progress: bool = False) -> BuildResult:
    """Build every document of the plan into ``out_dir``.

    ``shard`` (k, n) builds the k-th of n shares of the per-institution
    documents; the first share also builds the plan's own documents, so the
    shares together are exactly one whole build.
    """
    from planmaker.commands.batch import BatchWriter

    catalog = catalog or Catalog()
    if pdf:
        from planmaker.office.pdf import require_soffice
        require_soffice()  # before any work: without LibreOffice there will be no PDF
    resolved = resolve(Path(plan_path), catalog)
    institutions = load_institutions(resolved, institutions_file)
    resolved.institutions = institutions  # the plan's coverage counts come from the same list
    artifacts, per_institution = render_all(resolved, only, with_institutions=bool(institutions))
    if shard[0] != 1:
        artifacts = []
    batch = BatchWriter(per_institution, institutions, workers, shard, progress)
    if pdf:
        from planmaker.office.pdf import to_pdf
        # PDFs need the documents in hand: the batch renders into memory here.
        artifacts += batch.artifacts()
        batch = None
        artifacts += to_pdf(artifacts, document_time(resolved))
    meta = {
        "generator": f"planmaker {__version__}",
        "plan": Path(plan_path).name,
        "profile": resolved.jurisdiction.id,
        "jurisdiction": resolved.jurisdiction.name,
        "campaign": resolved.campaign.id,
    }
    report = write_outputs(Path(out_dir), artifacts, meta, force=force,
                           partial=only is not None or shard != (1, 1), streams=[batch] if batch else [])
    return BuildResult(resolved, artifacts, report)
