"""The statistics forms (量化统计表): .docx to print and a protected .xlsx to
fill in, whose hidden metadata lets ``collect`` recognise and sum it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from docx.oxml.ns import qn

from planmaker import __version__
from planmaker.base.files import Artifact
from planmaker.inputs import annex_kinds
from planmaker.inputs.models import Institution, StatsSpec
from planmaker.kinds.base import AnnexKind, InstitutionDocs, Job, annex_extra, annex_stem
from planmaker.kinds.forms import institution_folder, title_lines
from planmaker.office import cell_text, gbt9704
from planmaker.office.annex_forms import StatsForm, StatsRow, text_field
from planmaker.office.docx_batch import FieldValue
from planmaker.office.docx_grid import set_table_grid
from planmaker.office.docx_render import DITTO, lines, render_template
from planmaker.plan.annexes import Annex, period_text, template_path
from planmaker.plan.resolve import Resolved


def stats_rows(spec: StatsSpec, values: list[list[str]] | None = None) -> list[StatsRow]:
    """One per row of the form; ``values`` (per row, per column) fills a summed form."""
    rows = []
    blank = ("",) * len(spec.columns)
    filled = (tuple(row) for row in values or [])
    for group in spec.groups:
        first = True
        for line in group.lines:
            for k, sub in enumerate(line.subs or [None]):
                entry = sub or line
                rows.append(StatsRow(
                    group=group.name if first else DITTO,
                    item=line.text if k == 0 else DITTO,
                    sub=sub.text if sub else "",
                    cells=next(filled, blank),
                    unit=entry.unit or spec.default_unit,
                    id=entry.id,
                ))
                first = False
    return rows


UNIT_BLANK = "_" * 12


def reporting_unit(resolved: Resolved, summed: bool) -> str:
    """Who fills the form in, as its 填报单位 line says.

    A blank form goes down to the level below, which writes its own name:
    “____________市”, as the seed's forms leave it (the kind from the
    subordinates' word, 各市 → 市, 各县（区） → 县（区）).  A summed form is
    the collecting jurisdiction's own, named."""
    if summed:
        return resolved.jurisdiction.name
    return UNIT_BLANK + resolved.jurisdiction.subordinates.removeprefix("各")


def stats_context(resolved: Resolved, annex: Annex[StatsSpec], values: list[list[str]] | None = None) -> StatsForm:
    spec = annex.spec
    value_mm = gbt9704.stats_values_mm(spec.template) / max(1, len(spec.columns))
    return StatsForm(
        annex_label=annex.label,
        title=title_lines(annex.title, spec.landscape),
        jurisdiction=reporting_unit(resolved, values is not None),
        period=period_text(resolved),
        label_header=(*spec.label_header, *[""] * (2 - len(spec.label_header))),
        value_header=spec.value_header or "数量",
        # a header breaks where its author broke it, or between its words where it must
        columns=tuple(lines("\n".join(cell_text.header_lines(column, value_mm))) for column in spec.columns),
        rows=tuple(stats_rows(spec, values)),
        footer="        ".join(spec.footer),
    )


def stats_template(spec: StatsSpec) -> Path:
    return template_path(spec.template)


def stats_docx(resolved: Resolved, annex: Annex[StatsSpec], author: str, when: dt.datetime,
               values: list[list[str]] | None = None, status: str | None = None) -> bytes:
    """The form as .docx; ``values`` fills a summed form, ``status`` (how complete the
    summary is) goes on a line of its own under the 填报单位 line."""
    widths = gbt9704.stats_columns_mm(annex.spec.template, len(annex.spec.columns))

    def lay_out(document) -> None:
        # the template loops over the value columns; their widths follow from how many there are
        for table in document.element.body.findall(qn("w:tbl")):
            set_table_grid(table, widths)
        if status:
            _status_paragraph(document, status)

    return render_template(stats_template(annex.spec), stats_context(resolved, annex, values), annex.title,
                           author, when, lay_out)


def _status_paragraph(document, text: str) -> None:
    """A copy of the line just above the table (填报单位 … 统计时段 …), holding ``text``."""
    import copy

    body = document.element.body
    table = body.find(qn("w:tbl"))
    above = table.getprevious() if table is not None else None
    while above is not None and (above.tag != qn("w:p") or not "".join(above.itertext()).strip()):
        above = above.getprevious()
    if above is None:
        return
    line = copy.deepcopy(above)
    runs = line.findall(qn("w:r"))
    for run in runs[1:]:
        line.remove(run)
    for child in list(line):
        if child.tag not in (qn("w:pPr"), qn("w:r")):
            line.remove(child)
    if runs:
        for child in list(runs[0]):
            if child.tag != qn("w:rPr"):
                runs[0].remove(child)
        t = runs[0].makeelement(qn("w:t"), {})
        t.text = text
        runs[0].append(t)
    above.addnext(line)


def stats_xlsx(resolved: Resolved, annex: Annex[StatsSpec], when: dt.datetime,
               values: Mapping[str, object] | None = None, more: Mapping[str, str] | None = None,
               unit: str | None = None, info_lines: int | None = None, status: str | None = None) -> bytes:
    """The fill-in workbook; ``values`` fills a summed form, ``more`` adds to its
    metadata; ``unit`` (an institution) fills it in instead of the jurisdiction."""
    from planmaker.office.xlsx_stats import stats_workbook

    start, end = resolved.dates["start"], resolved.dates["end"]
    summed = values is not None
    # A blank form is filled in below: who filled it is what the clerk writes in
    # its 填报单位 cell (collect reads it there); the issuer is recorded apart.
    meta = {
        "generator": f"planmaker {__version__}",
        "campaign": resolved.campaign.id,
        "form": annex.spec.id,
        "jurisdiction": resolved.jurisdiction.name if summed else "",
        "jurisdiction_id": resolved.jurisdiction.id if summed else "",
        "issuer_id": resolved.jurisdiction.id,
        "issuer": resolved.jurisdiction.name,
        "period": f"{start.iso() if start else ''}/{end.iso() if end else ''}",
        "template_version": spec_version(annex),
        **(more or {}),
    }
    if unit is None:
        unit = resolved.jurisdiction.name if summed else ""
    return stats_workbook(annex.spec, annex.title, unit, period_text(resolved), meta, when, values, info_lines,
                          status)


def spec_version(annex: Annex[StatsSpec]) -> str:
    """A fingerprint of the form's layout: forms filled from different layouts must not be summed."""
    layout = annex.spec.model_dump(mode="json", exclude={"title", "footer", "template", "landscape", "rules", "filled_by"})
    return hashlib.sha256(json.dumps(layout, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


class StatsKind(AnnexKind[StatsSpec]):
    info = annex_kinds.STATS
    key = info.key
    summary = "量化统计表：.docx 和可填写的 .xlsx（供下级填报、collect 汇总）"

    def docx(self, job: Job, annex: Annex[StatsSpec]) -> bytes:
        return stats_docx(job.resolved, annex, job.author, job.when)

    def more_files(self, job: Job, annex: Annex[StatsSpec]) -> list[Artifact]:
        data = stats_xlsx(job.resolved, annex, job.when)
        return [Artifact(f"{annex_stem(annex)}.xlsx", self.key, data, annex_extra(annex))]

    def annex_institution_docs(self, job: Job, annex: Annex[StatsSpec]) -> list[InstitutionDocs]:
        """Each institution's own form: its name as 填报单位, and in the metadata
        (``institution``) beside the jurisdiction that sent it, so that
        ``collect --institutions`` knows whose it is."""
        from planmaker.office.xlsx_stats import info_measure

        if annex.spec.filled_by != "institution":
            return []  # a form for a county or a city, not for a clinic
        measure = info_measure(annex.spec)
        period = period_text(job.resolved)

        def fields(institution: Institution) -> dict[str, FieldValue]:
            return {"unit": institution.name, "info_lines": measure(institution.name, period)}

        def render_xlsx(values: Mapping[str, FieldValue]) -> bytes:
            unit, info_lines = text_field(values, "unit"), values["info_lines"]
            assert isinstance(info_lines, int), info_lines  # a shape value: how many lines the header takes
            return stats_xlsx(job.resolved, annex, job.when, more={"institution": unit}, unit=unit,
                              info_lines=info_lines)

        return [InstitutionDocs(kind=self.key, folder=institution_folder(annex, "统计表"), extra=annex_extra(annex),
                                render=render_xlsx, fields=fields, keys=["unit"], suffix=".xlsx")]
