"""The self-inspection checklist (自查表): each listed problem with 有□ 无□."""

from __future__ import annotations

from typing import Any

from planmaker.inputs.models import Institution, SelfcheckSpec
from planmaker.kinds.base import Job
from planmaker.kinds.forms import EMPTY, institution_header, title_lines
from planmaker.kinds.problems import ProblemKind, problem_rows
from planmaker.plan.annexes import Annex
from planmaker.plan.resolve import Resolved


class SelfcheckKind(ProblemKind):
    key = "selfcheck"
    summary = "自查表（.docx 和可填写的 .xlsx），加 --institutions 时每家机构一份"
    template = "selfcheck.docx"
    folder = "自查表"

    def context(self, resolved: Resolved, annex: Annex, institution: Institution | None,
                label: bool = True) -> dict[str, Any]:
        spec: SelfcheckSpec = annex.spec
        answer = "  ".join(f"{a}{EMPTY}" for a in spec.answers)
        rows = [{"number": str(r.number), "group": r.group, "item": r.text, "answer": answer}
                for r in problem_rows(resolved)]
        return {
            "annex_label": annex.label if label else "",
            "title": title_lines(annex.title),
            "institution": institution_header(institution),
            "rows": rows,
            "note": spec.note,
            "signatures": spec.signatures,
        }

    def workbook(self, job: Job, annex: Annex, context: dict[str, Any], meta: dict[str, str]) -> bytes:
        from planmaker.office.xlsx_problems import selfcheck_workbook

        return selfcheck_workbook(annex.title, context, annex.spec.answers, meta, job.author, job.when)
