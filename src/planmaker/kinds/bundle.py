"""The plan and its annexes bound into one document, each annex on a new page.

docxcompose appends documents but keeps only the first one's page set-up; an
annex on landscape pages (statistics form two) needs a section of its own, so
each appended annex is preceded by a section break and brings its page size
and margins into the last section.
"""

from __future__ import annotations

import copy
import datetime as dt
import io

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxcompose.composer import Composer

from planmaker.base.files import Artifact
from planmaker.kinds.base import Job, Kind
from planmaker.office.docx_package import docx_bytes

_PAGE_TAGS = ("w:pgSz", "w:pgMar")


def _end_section(document) -> None:
    """Close the current section with a paragraph carrying its properties."""
    body = document.element.body
    body_sect = body.find(qn("w:sectPr"))
    paragraph = OxmlElement("w:p")
    p_pr = OxmlElement("w:pPr")
    p_pr.append(copy.deepcopy(body_sect))
    paragraph.append(p_pr)
    body_sect.addprevious(paragraph)


def _take_page_setup(document, annex) -> None:
    target = document.element.body.find(qn("w:sectPr"))
    source = annex.element.body.find(qn("w:sectPr"))
    for tag in _PAGE_TAGS:
        new = source.find(qn(tag))
        old = target.find(qn(tag))
        if new is not None and old is not None:
            old.getparent().replace(old, copy.deepcopy(new))


def bind(plan: bytes, annexes: list[bytes], title: str, author: str, when: dt.datetime) -> bytes:
    master = docx.Document(io.BytesIO(plan))
    composer = Composer(master)
    for data in annexes:
        annex = docx.Document(io.BytesIO(data))
        _end_section(master)
        composer.append(annex)
        _take_page_setup(master, annex)
    return docx_bytes(master, title, author, when)


class BundleKind(Kind):
    key = "bundle"
    summary = "合订本：正文之后各附件另起一页"

    def files(self, job: Job) -> list[Artifact]:
        if not job.annexes:
            return []
        annexes = [job.annex_docx(annex) for annex in job.annexes]
        data = bind(job.plan_docx(), annexes, job.plan.title, job.author, job.when)
        return [Artifact(f"{job.stem}（含附件）.docx", self.key, data)]
