"""Writing the implementation plan as a GB/T 9704 .docx."""

from __future__ import annotations

import copy
import datetime as dt

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from planmaker.office import gbt9704 as gb
from planmaker.office.docx_package import docx_bytes
from planmaker.office.masthead import add_imprint, add_masthead
from planmaker.plan.document import AnnexNote, Document, Heading, Paragraph

_HEADING_FONTS = {1: gb.HEITI, 2: gb.KAITI, 3: gb.FANGSONG, 4: gb.FANGSONG}


def new_document():
    document = docx.Document()
    gb.set_default_fonts(document)
    gb.paper_defaults(document)
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
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(gb.TITLE_PT * 1.6)
    fmt.space_after = Pt(0)
    fmt.keep_together = True
    fmt.keep_with_next = True
    gb.no_grid(paragraph)
    gb.punctuation_may_hang(paragraph._p.get_or_add_pPr())
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
    else:
        # a heading on its own line never ends a page: it goes over with its text
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.keep_together = True


def add_annex_note(document, note: AnnexNote) -> None:
    """GB/T 9704 7.3.4: a long annex name wraps under its own first character.

    Each name is a paragraph with a hanging indent as wide as what stands
    before it (“附件：1．” on the first, “2．” after), so the numbers line up
    and every wrapped line starts where the names start."""
    blank(document)
    names_at = gb.BODY_PT * 2 + gb.body_width_pt(note.entries()[0][0])
    for prefix, name in note.entries():
        paragraph = document.add_paragraph()
        gb.body_format(paragraph, indent_chars=0)
        fmt = paragraph.paragraph_format
        fmt.left_indent = Pt(names_at)
        fmt.first_line_indent = Pt(-gb.body_width_pt(prefix))
        fmt.keep_together = True
        gb.add_run(paragraph, prefix + name)


def add_signature(document, issuer: str, date: str) -> None:
    """Issuer centred over the date; the date four characters from the right."""
    for _ in range(2):
        blank(document)
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
    if plan.masthead:
        add_masthead(document, plan.masthead)
    add_title(document, plan.title)
    body_end = 0
    for block in plan.blocks:
        if isinstance(block, Heading):
            add_heading(document, block)
        elif isinstance(block, AnnexNote):
            add_annex_note(document, block)
            continue
        elif isinstance(block, Paragraph):
            add_body(document, block.text)
        body_end = len(document.paragraphs)
    if plan.signature:
        add_signature(document, plan.signature.issuer, plan.signature.date)
    keep_tail_together(document.paragraphs[max(body_end - 1, 0):])
    if plan.imprint:
        add_imprint(document, plan.imprint)


def keep_tail_together(tail) -> None:
    """GB/T 9704 7.3.5: the annex note, issuer and date never start a page.

    From the last line of the body to the date every paragraph keeps with the
    next one, so a page break that would fall among them falls inside the
    body instead and body lines go over with them."""
    for paragraph in tail[:-1]:
        paragraph.paragraph_format.keep_with_next = True
    if tail:
        split_off_last_lines(tail[0])


TAIL_LINES = 2  # the body's lines that go over to a new page with the annex note and signature


def split_off_last_lines(paragraph) -> None:
    """The body's last paragraph as two: all but its last lines, free to stay on the page, and its last
    lines, kept with the signature.  LibreOffice moves a paragraph kept with the next one whole: a long
    last paragraph went over entire and left half a page empty.  The first part ends at a line's end
    (gbt9704.body_line_starts) and is spread to the full line (distribute), the second starts a line
    without an indent: printed, it is one paragraph."""
    runs = paragraph._p.findall(qn("w:r"))
    text = "".join(t.text or "" for r in runs for t in r.findall(qn("w:t")))
    if any(r.find(qn("w:br")) is not None or len(r.findall(qn("w:t"))) != 1 for r in runs):
        return
    starts = [at for at in gb.body_line_starts(text) if gb.text_width(text[at:]) > gb.CHARS_PER_LINE * (TAIL_LINES - 1)]
    if not starts:
        return
    at = starts[-1]
    rest = copy.deepcopy(paragraph._p)
    for r in rest.findall(qn("w:r")):
        rest.remove(r)
    seen = 0
    for r in runs:
        t = r.find(qn("w:t"))
        length = len(t.text or "")
        if seen + length <= at:
            seen += length
            continue
        if seen < at:  # the run the line ends in: its end goes on in the second part
            moved = copy.deepcopy(r)
            moved.find(qn("w:t")).text = t.text[at - seen:]
            t.text = t.text[:at - seen]
            rest.append(moved)
        else:
            rest.append(r)
        seen += length
    paragraph._p.addnext(rest)
    ind = rest.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    if ind is not None:
        for attr in ("w:firstLine", "w:firstLineChars"):
            ind.attrib.pop(qn(attr), None)
    paragraph.paragraph_format.keep_with_next = False
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE


def to_bytes(document, title: str, author: str, when: dt.datetime) -> bytes:
    return docx_bytes(document, title, author, when)


def plan_docx(plan: Document, when: dt.datetime) -> bytes:
    document = new_document()
    write_plan_body(document, plan)
    author = plan.signature.issuer if plan.signature else ""
    return to_bytes(document, plan.title, author, when)
