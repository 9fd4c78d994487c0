"""The self-inspection checklist (自查表): each listed problem with 有□ 无□."""

from __future__ import annotations

from planmaker.inputs import annex_kinds
from planmaker.inputs.models import Institution, SelfcheckSpec
from planmaker.kinds.base import Job
from planmaker.kinds.forms import EMPTY, institution_header, title_lines
from planmaker.kinds.problems import ProblemKind, problem_rows
from planmaker.office.annex_forms import SelfcheckForm, SelfcheckRow
from planmaker.office.xlsx_problems import SheetHeader
from planmaker.plan.annexes import Annex
from planmaker.plan.resolve import Resolved


class SelfcheckKind(ProblemKind[SelfcheckForm]):
    info = annex_kinds.SELFCHECK
    key = info.key
    summary = "自查表（.docx 和可填写的 .xlsx），加 --institutions 时每家机构一份"
    template = "selfcheck.docx"
    folder = "自查表"

    def context(self, resolved: Resolved, annex: Annex[SelfcheckSpec], institution: Institution | None,
                label: bool = True) -> SelfcheckForm:
        spec = annex.spec
        answer = "  ".join(f"{a}{EMPTY}" for a in spec.answers)
        rows = tuple(SelfcheckRow(str(r.number), r.group, r.text, answer) for r in problem_rows(resolved))
        return SelfcheckForm(annex_label=annex.label if label else "", title=title_lines(annex.title),
                             institution=institution_header(institution), note=spec.note,
                             signatures=tuple(spec.signatures), rows=rows)

    def workbook(self, job: Job, annex: Annex[SelfcheckSpec], form: SelfcheckForm, header: SheetHeader,
                 meta: dict[str, str]) -> bytes:
        from planmaker.office.xlsx_problems import selfcheck_workbook

        return selfcheck_workbook(annex.title, form, header, annex.spec.answers, meta, job.author, job.when)
