"""What the self-inspection checklist and the rectification ledger share: both
list the campaign's problems (problems.yaml), one row each, and both come as
.docx and as a fill-in workbook, blank and for each institution."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from planmaker.base.files import Artifact
from planmaker.inputs.models import Institution, SelfcheckSpec
from planmaker.kinds.base import AnnexKind, InstitutionDocs, Job, annex_extra, annex_stem
from planmaker.kinds.forms import document_title, institution_folder, institution_header, render
from planmaker.office.annex_forms import InstitutionLines, LedgerForm, SelfcheckForm, text_field
from planmaker.office.docx_batch import FieldValue
from planmaker.office.docx_render import DITTO
from planmaker.office.xlsx_problems import HEADER_FIELDS, SheetHeader
from planmaker.plan.annexes import Annex, template_path
from planmaker.plan.compose import render_problems
from planmaker.plan.resolve import Resolved

Form = TypeVar("Form", SelfcheckForm, LedgerForm)


@dataclass
class ProblemRow:
    number: int
    group: str  # the group's name on its first row, 〃 after (merged in the .docx)
    group_name: str
    text: str


def problem_rows(resolved: Resolved) -> list[ProblemRow]:
    """One row a listed problem, numbered through, in the plan's order."""
    rows, number = [], 0
    # a problem annex is loaded only with a problem list (plan.annexes)
    assert resolved.problems is not None
    for g, group in enumerate(resolved.problems.groups):
        for k, text in enumerate(render_problems(resolved, g)):
            number += 1
            # in a table cell the list's closing ；/。 is noise
            rows.append(ProblemRow(number, group.name if k == 0 else DITTO, group.name, text.rstrip("；;。")))
    return rows


class ProblemKind(AnnexKind[SelfcheckSpec], Generic[Form]):
    """A form over the problem list.  Subclasses give the template, the
    folder of the per-institution copies, the form and the workbook."""

    template: str  # under templates/annexes
    folder: str  # 自查表, 整改台账

    def context(self, resolved: Resolved, annex: Annex[SelfcheckSpec], institution: Institution | None,
                label: bool = True) -> Form:
        raise NotImplementedError

    def workbook(self, job: Job, annex: Annex[SelfcheckSpec], form: Form, header: SheetHeader,
                 meta: dict[str, str]) -> bytes:
        raise NotImplementedError

    def docx(self, job: Job, annex: Annex[SelfcheckSpec]) -> bytes:
        return render(job, template_path(self.template), self.context(job.resolved, annex, None), annex.title)

    def more_files(self, job: Job, annex: Annex[SelfcheckSpec]) -> list[Artifact]:
        form = self.context(job.resolved, annex, None)
        book = self._workbook(job, annex, form, SheetHeader.of(form.institution), "")
        return [Artifact(f"{annex_stem(annex)}.xlsx", self.key, book, annex_extra(annex))]

    def _workbook(self, job: Job, annex: Annex[SelfcheckSpec], form: Form, header: SheetHeader,
                  institution: str) -> bytes:
        meta = {"kind": self.key, "campaign": job.resolved.campaign.id, "jurisdiction": job.resolved.jurisdiction.name,
                "institution": institution}
        return self.workbook(job, annex, form, header, meta)

    def annex_institution_docs(self, job: Job, annex: Annex[SelfcheckSpec]) -> list[InstitutionDocs]:
        """Both go through templates prepared once: the .docx like the
        checklists, the workbook through the prepared-workbook path (xlsx_batch)."""
        folder = institution_folder(annex, self.folder)
        extra = annex_extra(annex)
        blank = self.context(job.resolved, annex, None, label=False)
        header_keys: list[str] = list(institution_header(None).fields())

        def fields(institution: Institution) -> dict[str, FieldValue]:
            return {**institution_header(institution).fields(), "document_title": document_title(annex, institution)}

        def render_docx(values: Mapping[str, FieldValue]) -> bytes:
            form = dataclasses.replace(blank, institution=InstitutionLines.from_fields(values))
            return render(job, template_path(self.template), form, str(text_field(values, "document_title")))

        def book_fields(institution: Institution) -> dict[str, FieldValue]:
            return {**SheetHeader.of(institution_header(institution)).fields(), "institution": institution.name}

        def render_xlsx(values: Mapping[str, FieldValue]) -> bytes:
            return self._workbook(job, annex, blank, SheetHeader.from_fields(values), text_field(values, "institution"))

        return [
            InstitutionDocs(kind=self.key, folder=folder, extra=extra, render=render_docx, fields=fields,
                            keys=[*header_keys, "document_title"]),
            InstitutionDocs(kind=self.key, folder=folder, extra=extra, render=render_xlsx, fields=book_fields,
                            keys=[*HEADER_FIELDS, "institution"], suffix=".xlsx"),
        ]
