"""The official document format, GB/T 9704-2012, applied with python-docx.

Fonts are set on every run with the eastAsia attribute: Word and WPS ignore a
Chinese font given only as the run's ascii font and fall back to a default.
"""

from __future__ import annotations

import copy
import functools
import math

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
LATIN = "Times New Roman"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE_PITCH_PT = 28.95  # 22 lines in the 225 mm type area
TYPE_WIDTH_MM = 156
LANDSCAPE_TYPE_WIDTH_MM = 225
CHARS_PER_LINE = 28
TABLE_PT = 12  # 小四, the text of the annexes' tables
# Word's default cell margins, 0.19 cm each side, which every table cell keeps
CELL_MARGINS_MM = 3.8
# above and below a cell's text: no line touches a rule (1 mm clear of the text's own box)
CELL_TOP_BOTTOM_MM = 1.5
# a row a person writes in by hand: two handwriting lines
HANDWRITING_ROW_MM = 12
# The self-check form (序号, 问题类别, 自查内容, 是否存在, 问题描述, 整改措施): each header word on a
# line of its own (four characters of 12 pt need 17 mm and the margins), “是□  否□” on one line
# (25 mm), the two columns written by hand as wide as the type area allows.
SELFCHECK_COLUMNS_MM = (13, 21, 41, 25, 28, 28)
# The ledger, landscape (序号, 问题类别, 问题, 整改措施, 责任部门, 责任人, 整改时限, 完成情况（销号）):
# 整改措施 is written by hand, a sentence or two.
LEDGER_COLUMNS_MM = (13, 21, 52, 59, 21, 17, 21, 21)
# Column widths of the task table (序号, 重点任务, 牵头部门, 配合部门[, 完成时限]):
# the department columns hold a six-character name (市卫生健康委) on one line.
TASK_COLUMNS_MM = (13, 77, 33, 33)  # 13 mm: 序号 on one line
TASK_DEADLINE_COLUMNS_MM = (13, 57, 30, 30, 26)
# The checklist (项目, 检查内容, 子项, 检查结果, 备注): the answer column holds
# “违法违规______人” on a line, room to write the number before the unit.
CHECKLIST_COLUMNS_MM = (20, 50, 22, 42, 22)
# A statistics form (templates/annexes/stats*.docx): its label columns keep
# their widths, its value columns (any number) share what is left of the table,
# as wide as the forms have always printed: stats.docx (group, item, sub-line
# of six characters (移送司法机关) | values | 单位) 234 mm, a little into the
# landscape margins; stats-simple.docx (group, item | values) the type area.
STATS_LABEL_COLUMNS_MM = {"stats.docx": (26, 60, 30), "stats-simple.docx": (36, 68)}
STATS_UNIT_COLUMN_MM = {"stats.docx": 14, "stats-simple.docx": 0}
STATS_TABLE_MM = {"stats.docx": 234, "stats-simple.docx": 156}
# A value column holds a five-digit figure (半角, half the font size a digit)
# on a line inside its cell margins, and so two characters of its header a line.
MIN_VALUE_COLUMN_MM = CELL_MARGINS_MM + 5 * (TABLE_PT / 2) * 25.4 / 72
# 28 characters of 3号 need 448 pt but the line is 442 pt: body text is
# condensed by 0.25 pt a character (in twentieths of a point).
CONDENSE_TWIPS = -5

# Where a long title prefers to break (before these words, or after 年/的).
_BREAK_BEFORE = ("专项", "工作方案", "实施方案", "开展", "关于", "工作检查表", "工作量化统计表", "任务分工",
                 "不合理", "医疗")
_BREAK_AFTER = ("年", "的", "、", "和")
_NO_LINE_START = "，。、；：？！）》”’—"
_NO_LINE_END = "（《“‘"


def set_page(section, landscape: bool = False) -> None:
    """A4 with the GB/T 9704 margins: 37 mm top, 28 mm binding edge."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if landscape:
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(25)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    # A line grid only: a character grid of 15.8 pt cells makes LibreOffice
    # give each 16 pt character two cells; the 28 characters a line come from
    # the condensed spacing of the body runs instead (see CONDENSE_TWIPS).
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    for attr in ("w:charSpace",):
        if grid.get(qn(attr)) is not None:
            del grid.attrib[qn(attr)]


# pPr children that come after w:overflowPunct in the schema's sequence
PPR_AFTER_OVERFLOW = ("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                   "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                   "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                   "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def insert_ppr_child(p_pr, element, after_tags=PPR_AFTER_OVERFLOW) -> None:
    """Put ``element`` into a pPr before the first child the schema orders after it."""
    for child in p_pr:
        if child.tag in {qn(t) for t in after_tags}:
            child.addprevious(element)
            return
    p_pr.append(element)


def punctuation_may_hang(p_pr) -> None:
    """Allow a mark to hang (w:overflowPunct on), and say so in the file.

    The body runs are condensed so that exactly 28 characters fill a line, so
    a comma is often the 29th.  Word hangs it in the margin, as typesetters
    do.  LibreOffice with hanging off (its reading of a silent file) squeezes
    it into the line's last point and the mark vanishes from page and PDF;
    with hanging on, LibreOffice carries the mark and the character before it
    over to the next line.  Either way no mark is lost."""
    old = p_pr.find(qn("w:overflowPunct"))
    if old is None:
        old = OxmlElement("w:overflowPunct")
        insert_ppr_child(p_pr, old)
    old.set(qn("w:val"), "1")


def paper_defaults(document) -> None:
    """Document-wide settings every paragraph inherits, whoever made the template.

    Simplified Chinese as the East Asian language (python-docx's default
    template says ja-JP, and a renderer then picks Japanese glyph forms and
    fonts), and punctuation that may hang rather than vanish (see
    punctuation_may_hang)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    r_default = _child(defaults, "w:rPrDefault", first=True)
    set_language(_child(r_default, "w:rPr"))
    p_default = _child(defaults, "w:pPrDefault")
    punctuation_may_hang(_child(p_default, "w:pPr"))
    settings = document.settings.element
    compat = _child(settings, "w:compat")
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        # a justified line ended by a line break (the subtasks of a task in a
        # table cell) keeps its spacing instead of being stretched to the edge
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _child(parent, tag: str, first: bool = False):
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def set_language(r_pr) -> None:
    """zh-CN on the East Asian text of a run: simplified glyph forms, Chinese line breaking."""
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        # w:lang sits after every formatting child but w:eastAsianLayout and later
        later = [r_pr.find(qn(t)) for t in ("w:eastAsianLayout", "w:specVanish", "w:oMath")]
        later = [e for e in later if e is not None]
        if later:
            later[0].addprevious(lang)
        else:
            r_pr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def set_fonts(run, east_asia: str, size_pt: float, bold: bool = False) -> None:
    if run._element.rPr is None:  # a new run: a copy of the properties made once (a tenth of a plan's time)
        run._element.insert(0, copy.deepcopy(_run_properties(east_asia, size_pt, bold)))
        return
    _write_fonts(run, east_asia, size_pt, bold)


@functools.lru_cache(maxsize=64)
def _run_properties(east_asia: str, size_pt: float, bold: bool):
    run = Document().add_paragraph().add_run()
    _write_fonts(run, east_asia, size_pt, bold)
    return run._element.rPr


def _write_fonts(run, east_asia: str, size_pt: float, bold: bool) -> None:
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    if size_pt == BODY_PT:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CONDENSE_TWIPS))
        # Schema order: w:spacing comes before w:sz, or Word calls the file corrupt.
        r_pr.find(qn("w:sz")).addprevious(spacing)
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:cs"), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")
    set_language(r_pr)


def add_run(paragraph, text: str, east_asia: str = FANGSONG, size_pt: float = BODY_PT, bold: bool = False):
    run = paragraph.add_run(text)
    set_fonts(run, east_asia, size_pt, bold)
    return run


def body_format(paragraph, indent_chars: float = 2, align=WD_ALIGN_PARAGRAPH.JUSTIFY) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.alignment = align
    fmt.widow_control = False
    punctuation_may_hang(paragraph._p.get_or_add_pPr())
    if indent_chars:
        fmt.first_line_indent = Pt(BODY_PT * indent_chars)
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(int(indent_chars * 100)))


def set_default_fonts(document) -> None:
    """The Normal style in 仿宋 3号, so that empty paragraphs keep the grid."""
    style = document.styles["Normal"]
    style.font.size = Pt(BODY_PT)
    style.font.name = LATIN
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FANGSONG)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def side_margins(tag: str, twips: int):
    """A cell-margin element (w:tblCellMar for a table, w:tcMar for a cell) setting left and right."""
    margins = OxmlElement(tag)
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    return margins


def text_width(text: str) -> float:
    """Width in character cells: Latin letters and digits take half a cell."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


def body_width_pt(text: str) -> float:
    """How wide ``text`` sets in the condensed body runs, in points."""
    return text_width(text) * BODY_PT + len(text) * CONDENSE_TWIPS / 20


def body_line_starts(text: str, indent_chars: int = 2) -> list[int]:
    """Where the lines of a body paragraph start, as LibreOffice sets them: 28 characters a line (the
    first after the indent), a closing mark never first on a line (it takes the character before it
    along), an opening one never last.  Only as far as the text is all Chinese: a Latin word or a
    figure is set by its own metrics, which this does not know, so the lines after it are not given."""
    starts, at, room = [], 0, CHARS_PER_LINE - indent_chars
    while at + room < len(text):
        end = at + room
        if not all(ord(ch) >= 0x2000 for ch in text[at:end + 1]):
            break
        if text[end] in _NO_LINE_START or text[end - 1] in _NO_LINE_END:
            end -= 1
        starts.append(end)
        at, room = end, CHARS_PER_LINE
    return starts


def no_grid(paragraph) -> None:
    """Out of the 22-line page grid: its own exact spacing is the spacing.

    On the grid, a line taller than the pitch takes two grid lines, which
    opens a blank line's gap inside a two-line title."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    insert_ppr_child(paragraph._p.get_or_add_pPr(), snap, PPR_AFTER_OVERFLOW[6:])


def balance_title(title: str, size_pt: float = TITLE_PT, width_mm: float = TYPE_WIDTH_MM,
                  before: tuple[str, ...] = _BREAK_BEFORE, after: tuple[str, ...] = _BREAK_AFTER) -> list[str]:
    """Break a long title into lines of near-equal width, at natural places."""
    capacity = math.floor(Mm(width_mm).pt / size_pt)
    total = text_width(title)
    if total <= capacity:
        return [title]
    count = math.ceil(total / capacity)
    lines, rest = [], title
    for remaining in range(count, 1, -1):
        target = text_width(rest) / remaining
        best, best_score = None, None
        for i in range(1, len(rest)):
            left = rest[:i]
            width = text_width(left)
            if width > capacity or rest[i] in _NO_LINE_START or rest[i - 1] in _NO_LINE_END:
                continue
            if rest[i - 1].isascii() and rest[i - 1].isalnum() and rest[i].isascii() and rest[i].isalnum():
                continue
            score = abs(width - target)
            if rest[i:].startswith(before) or left.endswith(after):
                score -= 2.5
            else:
                # A break between two natural places is likely inside a word
                # (医疗机/构); GB/T 9704 asks for lines whose words stay whole.
                score += 1.0
            if width < target:
                score += 0.25  # a title is set longer above, shorter below
            if best_score is None or score < best_score:
                best, best_score = i, score
        if best is None:
            break
        lines.append(rest[:best])
        rest = rest[best:]
    lines.append(rest)
    return lines


def add_page_number_field(paragraph, size_pt: float = PAGE_NUMBER_PT) -> None:
    """— 1 —: a PAGE field between two dashes, in 宋体 4号."""
    add_run(paragraph, "— ", SONGTI, size_pt)
    run = add_run(paragraph, "", SONGTI, size_pt)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._element.append(t)
    add_run(paragraph, " —", SONGTI, size_pt)


def set_page_numbers(document, section) -> None:
    """Odd pages right, even pages left, each one character in from the edge."""
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(PAGE_NUMBER_PT)
        else:
            fmt.left_indent = Pt(PAGE_NUMBER_PT)
        add_page_number_field(paragraph)


def stats_values_mm(template: str) -> float:
    """The width a statistics form's value columns share."""
    return STATS_TABLE_MM[template] - sum(STATS_LABEL_COLUMNS_MM[template]) - STATS_UNIT_COLUMN_MM[template]


def max_stats_columns(template: str) -> int:
    """The most value columns a statistics form's layout prints legibly."""
    return int(stats_values_mm(template) // MIN_VALUE_COLUMN_MM)


def stats_columns_mm(template: str, count: int) -> list[float]:
    """Every column's width of a statistics form with ``count`` value columns."""
    unit = STATS_UNIT_COLUMN_MM[template]
    return [*STATS_LABEL_COLUMNS_MM[template], *[stats_values_mm(template) / count] * count, *([unit] if unit else [])]
