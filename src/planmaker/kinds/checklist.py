"""The inspection checklist (工作检查表): blank, and pre-filled for each
institution, its category, grade and ownership ticked."""

from __future__ import annotations

import re
from typing import Any

from planmaker.inputs.models import ChecklistSpec, Institution
from planmaker.kinds.base import AnnexKind, InstitutionDocs, Job
from planmaker.kinds.forms import (
    EMPTY,
    TICKED,
    document_title,
    institution_folder,
    institution_header,
    render,
    title_lines,
)
from planmaker.office.docx_render import DITTO, lines
from planmaker.plan.annexes import Annex


def institution_fields(institution: Institution | None, vocabulary) -> dict[str, str]:
    """What differs from one institution's checklist to the next, as flat text.

    The per-institution batch (docx_batch) renders a checklist once with a
    marker for each of these and fills in the rest, so everything that
    depends on the institution must be here, and the keys must not depend on
    which institution it is.
    """
    inst = institution
    fields = institution_header(inst)
    for kind, terms, chosen in (("category", vocabulary.categories, inst.category if inst else ""),
                                ("grade", vocabulary.grades, inst.grade if inst else ""),
                                ("ownership", vocabulary.ownerships, inst.ownership if inst else "")):
        for term in terms:
            fields[f"{kind}:{term.name}"] = TICKED if term.name == chosen else EMPTY
    return fields


def _boxes(kind: str, terms, fields: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": t.name, "box": fields[f"{kind}:{t.name}"]} for t in terms]


# A run of spaces before a unit (抽查   人) or at the end (没收    ) is where the
# inspector writes a number: on paper it is an underlined blank three characters
# wide, not spaces that a wrapped line swallows (the seeds' texts have spaces).
_BLANK = re.compile(r"[ \u3000]{2,}(?=[人个条起家户元项次份例台件张天]|万元|$|\n|，)")
WRITE_IN = "______"


def write_in_blanks(answer: str) -> str:
    """“有□ 无□，   人” → “有□ 无□，\n______人”; the spaces between choices (是□  否□) stay.

    A part with a blank starts a line of its own, so that the narrow answer
    column never breaks a blank or parts it from its unit."""
    filled = _BLANK.sub(WRITE_IN, answer)
    return re.sub(rf"，(?=[^\n，]*{WRITE_IN})", "，\n", filled)


def _rows(spec: ChecklistSpec) -> list[dict[str, Any]]:
    rows = []
    number = 0
    for group in spec.groups:
        first = True
        for item in group.items:
            number += 1
            label_text = f"{number}.{item.text}"
            entries = item.subs or [None]
            for k, sub in enumerate(entries):
                answer = spec.answers[(sub or item).answer]
                rows.append({
                    "group": group.name if first else DITTO,
                    "item": label_text if k == 0 else DITTO,
                    "sub": sub.text if sub else "",
                    "answer": lines(write_in_blanks(answer)),
                    "note": (sub.note if sub else item.note),
                })
                first = False
    return rows


def checklist_context(annex: Annex, institution: Institution | None, vocabulary, label: bool = True,
                      fields: dict[str, str] | None = None) -> dict:
    """The checklist's context: blank, for ``institution``, or from its ``fields``."""
    spec: ChecklistSpec = annex.spec
    if fields is None:
        fields = institution_fields(institution, vocabulary)
    return {
        "annex_label": annex.label if label else "",
        "title": title_lines(annex.title),
        "institution": {key: fields[key] for key in ("name", "address", "contact", "phone")},
        "categories": _boxes("category", vocabulary.categories, fields),
        "grades": _boxes("grade", vocabulary.grades, fields),
        "ownerships": _boxes("ownership", vocabulary.ownerships, fields),
        "columns": spec.columns,
        "rows": _rows(spec),
        "note": spec.note,
        "signatures": spec.signatures,
    }


class ChecklistKind(AnnexKind):
    key = "checklist"
    summary = "工作检查表：空白一份，加 --institutions 时每家机构一份"

    def docx(self, job: Job, annex: Annex) -> bytes:
        return render(job, annex.template, checklist_context(annex, None, job.vocabulary), annex.title)

    def annex_institution_docs(self, job: Job, annex: Annex) -> list[InstitutionDocs]:
        vocabulary = job.vocabulary

        def fields(institution):
            return {**institution_fields(institution, vocabulary), "document_title": document_title(annex, institution)}

        def render_one(values):
            context = checklist_context(annex, None, vocabulary, label=False, fields=values)
            return render(job, annex.template, context, str(values["document_title"]))

        return [InstitutionDocs(
            kind=self.key, folder=institution_folder(annex, "检查表"), extra={"annex": annex.number},
            render=render_one, fields=fields, keys=[*institution_fields(None, vocabulary), "document_title"])]
