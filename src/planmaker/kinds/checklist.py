"""The inspection checklist (工作检查表): blank, and pre-filled for each
institution, its category, grade and ownership ticked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from planmaker.inputs import annex_kinds
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
from planmaker.office.annex_forms import Box, ChecklistForm, ChecklistRow, InstitutionLines, text_field
from planmaker.office.docx_batch import FieldValue
from planmaker.office.docx_render import DITTO, lines
from planmaker.plan.annexes import Annex

if TYPE_CHECKING:
    from planmaker.inputs.institution_terms import Term, Vocabulary


def institution_fields(institution: Institution | None, vocabulary: Vocabulary) -> dict[str, FieldValue]:
    """What differs from one institution's checklist to the next, as flat text.

    The per-institution batch (docx_batch) renders a checklist once with a
    marker for each of these and fills in the rest, so everything that
    depends on the institution must be here, and the keys must not depend on
    which institution it is.
    """
    inst = institution
    fields = institution_header(inst).fields()
    for kind, terms, chosen in (("category", vocabulary.categories, inst.category if inst else ""),
                                ("grade", vocabulary.grades, inst.grade if inst else ""),
                                ("ownership", vocabulary.ownerships, inst.ownership if inst else "")):
        for term in terms:
            fields[f"{kind}:{term.name}"] = TICKED if term.name == chosen else EMPTY
    return fields


def _boxes(kind: str, terms: Sequence[Term], fields: Mapping[str, FieldValue]) -> tuple[Box, ...]:
    return tuple(Box(t.name, text_field(fields, f"{kind}:{t.name}")) for t in terms)


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


def _rows(spec: ChecklistSpec) -> tuple[ChecklistRow, ...]:
    rows = []
    number = 0
    for group in spec.groups:
        first = True
        for item in group.items:
            number += 1
            label_text = f"{number}.{item.text}"
            for k, sub in enumerate(item.subs or [None]):
                # an item without subs has its answer: inputs' check of the checklist (plan.annexes)
                answer = spec.answers[str((sub or item).answer)]
                rows.append(ChecklistRow(
                    group=group.name if first else DITTO,
                    item=label_text if k == 0 else DITTO,
                    sub=sub.text if sub else "",
                    answer=lines(write_in_blanks(answer)),
                    note=(sub.note if sub else item.note),
                ))
                first = False
    return tuple(rows)


def checklist_context(annex: Annex[ChecklistSpec], institution: Institution | None, vocabulary: Vocabulary,
                      label: bool = True, fields: Mapping[str, FieldValue] | None = None) -> ChecklistForm:
    """The checklist's context: blank, for ``institution``, or from its ``fields``."""
    spec = annex.spec
    if fields is None:
        fields = institution_fields(institution, vocabulary)
    return ChecklistForm(
        annex_label=annex.label if label else "",
        title=title_lines(annex.title),
        institution=InstitutionLines.from_fields(fields),
        categories=_boxes("category", vocabulary.categories, fields),
        grades=_boxes("grade", vocabulary.grades, fields),
        ownerships=_boxes("ownership", vocabulary.ownerships, fields),
        columns=tuple(spec.columns),
        rows=_rows(spec),
        note=spec.note,
        signatures=tuple(spec.signatures),
    )


class ChecklistKind(AnnexKind[ChecklistSpec]):
    info = annex_kinds.CHECKLIST
    key = info.key
    summary = "工作检查表：空白一份，加 --institutions 时每家机构一份"

    def docx(self, job: Job, annex: Annex[ChecklistSpec]) -> bytes:
        return render(job, _layout(annex), checklist_context(annex, None, job.vocabulary), annex.title)

    def annex_institution_docs(self, job: Job, annex: Annex[ChecklistSpec]) -> list[InstitutionDocs]:
        vocabulary = job.vocabulary

        def fields(institution: Institution) -> dict[str, FieldValue]:
            return {**institution_fields(institution, vocabulary), "document_title": document_title(annex, institution)}

        def render_one(values: Mapping[str, FieldValue]) -> bytes:
            context = checklist_context(annex, None, vocabulary, label=False, fields=values)
            return render(job, _layout(annex), context, str(values["document_title"]))

        return [InstitutionDocs(
            kind=self.key, folder=institution_folder(annex, "检查表"), extra={"annex": annex.number},
            render=render_one, fields=fields, keys=[*institution_fields(None, vocabulary), "document_title"])]


def _layout(annex: Annex[ChecklistSpec]) -> Path:
    """The checklist's .docx: load_annexes found it (the bundled one, or the campaign's own)."""
    assert annex.template is not None, annex.number
    return annex.template
