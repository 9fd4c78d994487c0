"""What the annex forms share: a title laid out in balanced lines, the
institution lines at their head, and the check boxes."""

from __future__ import annotations

from pathlib import Path

from docxtpl import Listing

from planmaker.base.files import safe_filename
from planmaker.inputs.models import Institution, Strict
from planmaker.kinds.base import Job
from planmaker.office import gbt9704
from planmaker.office.annex_forms import InstitutionLines
from planmaker.office.docx_render import TemplateContext, lines, render_template
from planmaker.office.ooxml import core_text
from planmaker.plan.annexes import Annex

BLANK_FIELD = " " * 24
TICKED, EMPTY = "☑", "□"


def title_lines(title: str, landscape: bool = False) -> Listing:
    width = gbt9704.LANDSCAPE_TYPE_WIDTH_MM if landscape else gbt9704.TYPE_WIDTH_MM
    return lines("\n".join(gbt9704.balance_title(title, width_mm=width)))


def institution_header(inst: Institution | None) -> InstitutionLines:
    """The institution lines at the head of a form: filled in, or left blank to write on."""
    if inst is None:
        return InstitutionLines(BLANK_FIELD, BLANK_FIELD, " " * 12, " " * 12)
    return InstitutionLines(inst.name, inst.address, inst.contact, inst.phone)


def document_title(annex: Annex[Strict | None], institution: Institution) -> str:
    """The title in an institution's copy's properties.  A field of its own:
    cutting it to length is Python's business, not the prepared template's."""
    return core_text(f"{annex.title}（{institution.name}）")


def institution_folder(annex: Annex[Strict | None], name: str) -> str:
    return safe_filename(f"附件{annex.number}-{name}（按机构）")


def render(job: Job, template: Path, context: TemplateContext, title: str) -> bytes:
    return render_template(template, context, title, job.author, job.when)
