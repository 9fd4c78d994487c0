"""The rectification ledger (整改台账): problem, measure, person, deadline, 销号."""

from __future__ import annotations

from planmaker.inputs import annex_kinds
from planmaker.inputs.models import Institution, SelfcheckSpec
from planmaker.kinds.base import Job
from planmaker.kinds.forms import institution_header, title_lines
from planmaker.kinds.problems import ProblemKind, problem_rows
from planmaker.office.annex_forms import LedgerForm, ProblemRow
from planmaker.office.xlsx_problems import SheetHeader
from planmaker.plan.annexes import Annex
from planmaker.plan.resolve import Resolved


class LedgerKind(ProblemKind[LedgerForm]):
    info = annex_kinds.LEDGER
    key = info.key
    summary = "整改台账（.docx 和可填写的 .xlsx），加 --institutions 时每家机构一份"
    template = "ledger.docx"
    folder = "整改台账"

    def context(self, resolved: Resolved, annex: Annex[SelfcheckSpec], institution: Institution | None,
                label: bool = True) -> LedgerForm:
        spec = annex.spec
        rows = [ProblemRow(str(r.number), r.group, r.text) for r in problem_rows(resolved)]
        rows += [ProblemRow(str(len(rows) + k + 1), "", "") for k in range(spec.spare_rows)]
        return LedgerForm(
            annex_label=annex.label if label else "",
            title=title_lines(annex.title, landscape=True),
            institution=institution_header(institution),
            statuses="、".join(spec.statuses),
            rows=tuple(rows),
            note=spec.note,
            signatures=tuple(spec.signatures),
        )

    def workbook(self, job: Job, annex: Annex[SelfcheckSpec], form: LedgerForm, header: SheetHeader,
                 meta: dict[str, str]) -> bytes:
        from planmaker.office.xlsx_problems import ledger_workbook

        return ledger_workbook(annex.title, form, header, annex.spec.statuses, meta, job.author, job.when)
