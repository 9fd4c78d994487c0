"""The rectification ledger (整改台账): problem, measure, person, deadline, 销号."""

from __future__ import annotations

from typing import Any

from planmaker.inputs.models import Institution, SelfcheckSpec
from planmaker.kinds.base import Job
from planmaker.kinds.forms import institution_header, title_lines
from planmaker.kinds.problems import ProblemKind, problem_rows
from planmaker.plan.annexes import Annex
from planmaker.plan.resolve import Resolved


class LedgerKind(ProblemKind):
    key = "ledger"
    summary = "整改台账（.docx 和可填写的 .xlsx），加 --institutions 时每家机构一份"
    template = "ledger.docx"
    folder = "整改台账"

    def context(self, resolved: Resolved, annex: Annex, institution: Institution | None,
                label: bool = True) -> dict[str, Any]:
        spec: SelfcheckSpec = annex.spec
        rows = [{"number": str(r.number), "group": r.group, "item": r.text} for r in problem_rows(resolved)]
        rows += [{"number": str(len(rows) + k + 1), "group": "", "item": ""} for k in range(spec.spare_rows)]
        return {
            "annex_label": annex.label if label else "",
            "title": title_lines(annex.title, landscape=True),
            "institution": institution_header(institution),
            "statuses": "、".join(spec.statuses),
            "rows": rows,
            "note": spec.note,
            "signatures": spec.signatures,
        }

    def workbook(self, job: Job, annex: Annex, context: dict[str, Any], meta: dict[str, str]) -> bytes:
        from planmaker.office.xlsx_problems import ledger_workbook

        return ledger_workbook(annex.title, context, annex.spec.statuses, meta, job.author, job.when)
