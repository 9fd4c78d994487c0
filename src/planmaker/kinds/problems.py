"""What the self-inspection checklist and the rectification ledger share: both
list the campaign's problems (problems.yaml), one row each, and both come as
.docx and as a fill-in workbook, blank and for each institution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from planmaker.base.files import Artifact
from planmaker.inputs.models import Institution
from planmaker.kinds.base import AnnexKind, InstitutionDocs, Job, annex_extra, annex_stem
from planmaker.kinds.forms import document_title, institution_folder, institution_header, render
from planmaker.office.docx_render import DITTO
from planmaker.plan.annexes import Annex, template_path
from planmaker.plan.compose import render_problems
from planmaker.plan.resolve import Resolved


@dataclass
class ProblemRow:
    number: int
    group: str  # the group's name on its first row, 〃 after (merged in the .docx)
    group_name: str
    text: str


def problem_rows(resolved: Resolved) -> list[ProblemRow]:
    """One row a listed problem, numbered through, in the plan's order."""
    rows, number = [], 0
    for g, group in enumerate(resolved.problems.groups):
        for k, text in enumerate(render_problems(resolved, g)):
            number += 1
            # in a table cell the list's closing ；/。 is noise
            rows.append(ProblemRow(number, group.name if k == 0 else DITTO, group.name, text.rstrip("；;。")))
    return rows


class ProblemKind(AnnexKind):
    """A form over the problem list.  Subclasses give the template, the
    folder of the per-institution copies, the context and the workbook."""

    template: str  # under templates/annexes
    folder: str  # 自查表, 整改台账

    def context(self, resolved: Resolved, annex: Annex, institution: Institution | None,
                label: bool = True) -> dict[str, Any]:
        raise NotImplementedError

    def workbook(self, job: Job, annex: Annex, context: dict[str, Any], meta: dict[str, str]) -> bytes:
        raise NotImplementedError

    def docx(self, job: Job, annex: Annex) -> bytes:
        return render(job, template_path(self.template), self.context(job.resolved, annex, None), annex.title)

    def more_files(self, job: Job, annex: Annex) -> list[Artifact]:
        book = self._workbook(job, annex, self.context(job.resolved, annex, None), None)
        return [Artifact(f"{annex_stem(annex)}.xlsx", self.key, book, annex_extra(annex))]

    def _workbook(self, job: Job, annex: Annex, context: dict[str, Any], institution: Institution | None) -> bytes:
        meta = {"kind": self.key, "campaign": job.resolved.campaign.id, "jurisdiction": job.resolved.jurisdiction.name,
                "institution": institution.name if institution else ""}
        return self.workbook(job, annex, context, meta)

    def annex_institution_docs(self, job: Job, annex: Annex) -> list[InstitutionDocs]:
        """The .docx goes through the prepared template like the checklists;
        the workbook is made by openpyxl, document by document."""
        folder = institution_folder(annex, self.folder)
        extra = annex_extra(annex)
        blank = self.context(job.resolved, annex, None, label=False)
        header_keys = list(institution_header(None))

        def fields(institution):
            return {**institution_header(institution), "document_title": document_title(annex, institution)}

        def render_docx(values):
            context = {**blank, "institution": {key: values[key] for key in header_keys}}
            return render(job, template_path(self.template), context, str(values["document_title"]))

        def render_xlsx(values):
            institution = values["institution"]
            context = self.context(job.resolved, annex, institution, label=False)
            return self._workbook(job, annex, context, institution)

        return [
            InstitutionDocs(kind=self.key, folder=folder, extra=extra, render=render_docx, fields=fields,
                            keys=[*header_keys, "document_title"]),
            InstitutionDocs(kind=self.key, folder=folder, extra=extra, render=render_xlsx,
                            fields=lambda institution: {"institution": institution}, keys=None, suffix=".xlsx"),
        ]
