"""Writing the implementation plan as a GB/T 9704 .docx."""

from __future__ import annotations

import datetime as dt
import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from planmaker.office import gbt9704 as gb
from planmaker.office.ooxml import set_core_properties, stable_zip
from planmaker.plan.document import AnnexNote, Document, Heading, Paragraph

_HEADING_FONTS = {1: gb.HEITI, 2: gb.KAITI, 3: gb.FANGSONG, 4: gb.FANGSONG}


def new_document():
    document = docx.Document()
    gb.set_default_fonts(document)
    section = document.sections[0]
    gb.set_page(section)
    gb.set_page_numbers(document, section)
    # The default template brings one empty paragraph; the body starts clean.
    body = document.element.body
    for p in list(body.iterchildren(docx.oxml.ns.qn("w:p"))):
        body.remove(p)
    return document


def add_title(document, title: str) -> None:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.line_spacing = Pt(gb.TITLE_PT * 1.6)
    fmt.space_after = Pt(0)
    for i, line in enumerate(gb.balance_title(title)):
        run = gb.add_run(paragraph, line, gb.XIAOBIAOSONG, gb.TITLE_PT)
        if i:
            # the line break inside the run keeps the run's fonts
            run._element.rPr.addnext(docx.oxml.OxmlElement("w:br"))
    blank(document)


def blank(document) -> None:
    gb.body_format(document.add_paragraph(), indent_chars=0)


def add_body(document, text: str):
    paragraph = document.add_paragraph()
    gb.body_format(paragraph)
    gb.add_run(paragraph, text)
    return paragraph


def add_heading(document, heading: Heading) -> None:
    paragraph = document.add_paragraph()
    gb.body_format(paragraph)
    gb.add_run(paragraph, heading.lead, _HEADING_FONTS[heading.level])
    if heading.body:
        gb.add_run(paragraph, heading.body)


def add_annex_note(document, note: AnnexNote) -> None:
    blank(document)
    for i, line in enumerate(note.lines()):
        paragraph = document.add_paragraph()
        if i == 0:
            gb.body_format(paragraph)
        else:
            # Continuation lines align with the first annex name, after “附件：”.
            gb.body_format(paragraph, indent_chars=0)
            paragraph.paragraph_format.left_indent = Pt(gb.BODY_PT * 5)
        gb.add_run(paragraph, line)


def add_signature(document, issuer: str, date: str) -> None:
    """Issuer centred over the date; the date four characters from the right.

    The blank lines and the issuer keep with the next paragraph, so the date
    never stands alone at the top of a page."""
    if document.paragraphs:
        # some body text comes along to the signature's page: it never stands alone
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    for _ in range(2):
        blank(document)
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    issuer_w, date_w = gb.text_width(issuer), gb.text_width(date)
    if issuer and issuer_w > date_w:
        issuer_indent, date_indent = 2, 2 + (issuer_w - date_w) / 2
    else:
        date_indent = 4
        issuer_indent = 4 + (date_w - issuer_w) / 2
    for text, indent in ((issuer, issuer_indent), (date, date_indent)):
        if not text:
            continue
        paragraph = document.add_paragraph()
        gb.body_format(paragraph, indent_chars=0, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = Pt(gb.BODY_PT * indent)
        paragraph.paragraph_format.keep_with_next = text == issuer
        gb.add_run(paragraph, text)


def page_break(document) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)


def write_plan_body(document, plan: Document) -> None:
    add_title(document, plan.title)
    for block in plan.blocks:
        if isinstance(block, Heading):
            add_heading(document, block)
        elif isinstance(block, AnnexNote):
            add_annex_note(document, block)
        elif isinstance(block, Paragraph):
            add_body(document, block.text)
    if plan.signature:
        add_signature(document, plan.signature.issuer, plan.signature.date)


def to_bytes(document, title: str, author: str, when: dt.datetime) -> bytes:
    set_core_properties(document, title, author, when)
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue(), when)


def plan_docx(plan: Document, when: dt.datetime) -> bytes:
    document = new_document()
    write_plan_body(document, plan)
    author = plan.signature.issuer if plan.signature else ""
    return to_bytes(document, plan.title, author, when)
