"""版头 and 版记 of an issued document (GB/T 9704-2012 7.2 and 7.4), with python-docx.

版头: the 发文机关标志 in red 小标宋, centred (a joint document stacks its
issuers' names, the host first, with 文件 to their right, centred on them);
two lines below, the 发文字号 centred; 4 mm under it a red line as wide as
the type area.  版记: 抄送 and 印发机关 with 印发日期 in 4号仿宋, between
lines as wide as the type area (the first and last thick, the middle thin),
after the signature, in a table positioned at the foot of the type area
(w:tblpPr, bottom of the margin box), where 7.4 wants it; when the last page
has no room left it moves, whole, to a page of its own.  The table is placed
from the page's edge, not the margin's: LibreOffice (7.4 at least) floats a
positioned table only when text could stand beside it, and measures that
against the page when the table is placed from the page (writerfilter's
FloatingTableConversion); placed from the margin, a table as wide as the
type area would be set in line, right after the signature.
"""

from __future__ import annotations

import math

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

from planmaker.office import gbt9704 as gb
from planmaker.plan.document import Imprint, Masthead

RED = RGBColor(0xFF, 0x00, 0x00)
MARK_MAX_PT = 36  # 小初: the mark is set large, smaller only when a long name needs it
MARK_MIN_PT = 22
IMPRINT_PT = 14  # 4号
# border widths in eighths of a point: 0.35 mm thick, 0.25 mm thin (7.4), the red line 1 mm
THICK, THIN, RED_LINE = 8, 6, 22


def mark_size(names: list[str], suffix: str) -> float:
    """The largest size, up to 小初, at which the widest line of the mark fits the type area."""
    widest = max(gb.text_width(n) for n in names) + gb.text_width(suffix) * (1.2 if len(names) > 1 else 1)
    return max(MARK_MIN_PT, min(MARK_MAX_PT, math.floor(Mm(gb.TYPE_WIDTH_MM).pt / max(widest, 1))))


MARK_TOP_MM = 35  # 7.2.4: the mark's top edge 35 mm below the type area's top


def add_masthead(document, masthead: Masthead) -> None:
    names = list(masthead.issuers)
    size = mark_size(names, masthead.suffix)
    spacer = document.add_paragraph()  # an empty line exactly as high as the space above the mark
    _mark_format(spacer, WD_ALIGN_PARAGRAPH.CENTER, size)
    spacer.paragraph_format.line_spacing = Mm(MARK_TOP_MM)
    if len(names) == 1:
        paragraph = document.add_paragraph()
        _mark_format(paragraph, WD_ALIGN_PARAGRAPH.CENTER, size)
        _red(gb.add_run(paragraph, names[0] + masthead.suffix, gb.XIAOBIAOSONG, size))
    else:
        _joint_mark(document, names, masthead.suffix, size)
    for _ in range(2):
        gb.body_format(document.add_paragraph(), indent_chars=0)
    number = _number_and_signers(document, masthead)
    _border(number, "bottom", RED_LINE, "FF0000", space_pt=11)  # 4 mm below the number
    for _ in range(2):  # the title stands two lines below the red line
        gb.body_format(document.add_paragraph(), indent_chars=0)


def _number_and_signers(document, masthead: Masthead):
    """The 发文字号 centred; with 签发人 (7.2.6) it stands one character in from the left, on the line of
    the last 签发人, each 签发人 one character in from the right: “签发人：” in 仿宋, the name in 楷体."""
    signers = list(masthead.signers)
    if not signers:
        number = document.add_paragraph()
        gb.body_format(number, indent_chars=0, align=WD_ALIGN_PARAGRAPH.CENTER)
        number.paragraph_format.keep_with_next = True
        gb.add_run(number, masthead.number)
        return number
    label = "签发人："
    widest = max(gb.text_width(name) for name in signers)
    for i, name in enumerate(signers):
        paragraph = document.add_paragraph()
        gb.body_format(paragraph, indent_chars=0, align=WD_ALIGN_PARAGRAPH.LEFT)
        paragraph.paragraph_format.keep_with_next = True
        # the labels line up under each other, the names after them, the widest name one character from the right
        start = Mm(gb.TYPE_WIDTH_MM) - Pt(gb.BODY_PT * (1 + widest + gb.text_width(label)))
        paragraph.paragraph_format.tab_stops.add_tab_stop(start, WD_TAB_ALIGNMENT.LEFT)
        if i == len(signers) - 1:
            paragraph.paragraph_format.left_indent = Pt(gb.BODY_PT)
            gb.add_run(paragraph, masthead.number)
        gb.add_run(paragraph, "\t" + label)
        gb.add_run(paragraph, name, gb.KAITI)
    return paragraph


def _mark_format(paragraph, align, size: float) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(size * 1.25)
    fmt.keep_with_next = True
    gb.no_grid(paragraph)


def _red(run) -> None:
    run.font.color.rgb = RED


def _joint_mark(document, names: list[str], suffix: str, size: float) -> None:
    """Names stacked and spread to one width, 文件 to their right, centred on them (7.2.3)."""
    name_mm = max(gb.text_width(n) for n in names) * size * 25.4 / 72 + 2
    suffix_mm = gb.text_width(suffix) * size * 25.4 / 72 + 4 if suffix else 0
    table = document.add_table(rows=1, cols=2 if suffix else 1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _tbl_pr_put(table._tbl.tblPr, gb.side_margins("w:tblCellMar", 0))
    table.autofit = False
    cells = table.rows[0].cells
    table.columns[0].width = cells[0].width = Mm(name_mm)
    for i, name in enumerate(names):
        paragraph = cells[0].paragraphs[0] if i == 0 else cells[0].add_paragraph()
        _mark_format(paragraph, WD_ALIGN_PARAGRAPH.DISTRIBUTE, size)
        _red(gb.add_run(paragraph, name, gb.XIAOBIAOSONG, size))
    cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if suffix:
        table.columns[1].width = cells[1].width = Mm(suffix_mm)
        cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cells[1].paragraphs[0]
        _mark_format(paragraph, WD_ALIGN_PARAGRAPH.RIGHT, size)
        _red(gb.add_run(paragraph, suffix, gb.XIAOBIAOSONG, size))


def add_imprint(document, imprint: Imprint) -> None:
    """The 版记: a table as wide as the type area, one row a line, at the foot of the page.

    Its lines are the table's borders (top and bottom thick, between thin), its
    text one character in from each side (the cells' margins); the table floats
    to the bottom of the type area, where 7.4 puts the 版记's last line."""
    table = document.add_table(rows=0, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if imprint.cc:
        cell = _imprint_row(table)
        prefix = "抄送："
        # a wrapped line starts under the first organ's name, after 抄送：
        fmt = cell.paragraphs[0].paragraph_format
        fmt.left_indent = Pt(IMPRINT_PT * gb.text_width(prefix))
        fmt.first_line_indent = -fmt.left_indent
        gb.add_run(cell.paragraphs[0], prefix + "，".join(imprint.cc) + "。", gb.FANGSONG, IMPRINT_PT)
    cell = _imprint_row(table)
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(gb.TYPE_WIDTH_MM) - Pt(2 * IMPRINT_PT),
                                                      WD_TAB_ALIGNMENT.RIGHT)
    gb.add_run(paragraph, f"{imprint.printer}\t{imprint.date}印发", gb.FANGSONG, IMPRINT_PT)
    tbl_pr = table._tbl.tblPr
    _tbl_pr_put(tbl_pr, _borders("w:tblBorders", top=THICK, bottom=THICK, insideH=THIN))
    _tbl_pr_put(tbl_pr, gb.side_margins("w:tblCellMar", Pt(IMPRINT_PT).twips))
    floating = OxmlElement("w:tblpPr")
    # the position is that of the first cell's text, not of the border: Word's rule for documents in
    # compatibility mode 14, which python-docx's template declares and LibreOffice follows; so one
    # cell margin in from the margin, and the lines start on the margin
    left = Length(document.sections[-1].left_margin + Pt(IMPRINT_PT))
    for key, value in (("w:vertAnchor", "margin"), ("w:horzAnchor", "page"), ("w:tblpYSpec", "bottom"),
                       ("w:tblpX", str(left.twips))):
        floating.set(qn(key), value)
    _tbl_pr_put(tbl_pr, floating)
    # a document ends with a paragraph, never a table (Word calls it damaged otherwise)
    gb.body_format(document.add_paragraph(), indent_chars=0)


# the sequence of tblPr's children: Word refuses a file whose order differs
_TBL_PR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                 "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                 "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _tbl_pr_put(tbl_pr, element) -> None:
    """Put ``element`` in its place in tblPr, replacing one of its kind."""
    rank = {qn(tag): i for i, tag in enumerate(_TBL_PR_ORDER)}
    for old in tbl_pr.findall(element.tag):
        tbl_pr.remove(old)
    for child in tbl_pr:
        if rank.get(child.tag, -1) > rank[element.tag]:
            child.addprevious(element)
            return
    tbl_pr.append(element)


def _imprint_row(table):
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cell = row.cells[0]
    cell.width = Mm(gb.TYPE_WIDTH_MM)
    paragraph = cell.paragraphs[0]
    gb.body_format(paragraph, indent_chars=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.keep_with_next = True
    return cell


def _borders(tag: str, **sizes: int):
    borders = OxmlElement(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        size = sizes.get(side)
        edge.set(qn("w:val"), "single" if size else "nil")
        if size:
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    return borders


def _border(paragraph, side: str, size: int, color: str = "000000", space_pt: int = 1) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # schema order: pBdr after numPr/suppressLineNumbers, before shd, tabs, …, spacing, ind, jc
        gb.insert_ppr_child(p_pr, borders, ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                                             "w:overflowPunct") + gb.PPR_AFTER_OVERFLOW)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), str(space_pt))
    edge.set(qn("w:color"), color)
    # schema order inside pBdr: top, left, bottom, right
    if side == "top" and len(borders):
        borders.insert(0, edge)
    else:
        borders.append(edge)
