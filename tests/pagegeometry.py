"""The printed page as geometry: every character's box and every rule, from the PDF (PDFium).

The measures a clerk takes with a ruler before filling a form in by hand or
issuing a document: text clear of the cells' rules, header words whole, rows
tall enough to write in, no page left mostly empty while the document goes on,
the 版头 where GB/T 9704 puts it.  Each returns faults in words, empty when the
pages are right.  Coordinates are points from the page's top left corner.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

MM = 72 / 25.4
CLEARANCE_MM = 1.0  # between a character and a cell's rule
HANDWRITING_ROW_MM = 12.0  # two lines of handwriting
EMPTY_SHARE = 1 / 3  # of the type area, the most a page that the document continues after may leave empty
# GB/T 9704-2012 7.2.4: the top of the 发文机关标志 35 mm below the top of the type area (37 mm)
MASTHEAD_TOP_MM = 37 + 35
MASTHEAD_TOLERANCE_MM = 2.0
PAGE_NUMBER = re.compile(r"^—\d+—$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Glyph:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    red: bool = False


@dataclass
class Rule:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.bottom - self.top < 1.5 and self.x1 - self.x0 > 3

    @property
    def vertical(self) -> bool:
        return self.x1 - self.x0 < 1.5 and self.bottom - self.top > 3


@dataclass
class Sheet:
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    number: int = 0  # the page's number in its document, from 1

    def lines(self) -> list[list[Glyph]]:
        """The glyphs in text lines, top to bottom, each left to right."""
        found: list[list[Glyph]] = []
        for glyph in sorted(self.glyphs, key=lambda g: (round(g.bottom), g.x0)):
            if found and abs(found[-1][0].bottom - glyph.bottom) < 2:
                found[-1].append(glyph)
            else:
                found.append([glyph])
        return [sorted(line, key=lambda g: g.x0) for line in found]

    def content(self) -> list[Glyph]:
        """The glyphs without the page number."""
        numbers = {id(g) for line in self.lines() if PAGE_NUMBER.match("".join(g.text for g in line).replace(" ", ""))
                   for g in line}
        return [g for g in self.glyphs if id(g) not in numbers]


def read_sheets(pdf: Path, numbers: set[int] | None = None) -> list[Sheet]:
    """The pages (those ``numbers``, from 1, or all) with their glyphs and rules, read with PDFium.

    The boxes are pdfminer.six's, which the measures' margins were set against: a glyph's is its
    advance (the width the PDF's font gives it) by the font size, standing on the baseline (pdfminer
    puts it on the font's /Descent, which LibreOffice writes as 0; PDFium's loose box spans the font's
    ascent and descent, its tight box the ink); a rule's is its path's points, without the line's width
    (PDFium's bounds include it).  LibreOffice draws at the page's top level, without forms."""
    sheets = []
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            if numbers is not None and index + 1 not in numbers:
                continue
            page = document[index]
            sheet = Sheet(*page.get_size(), number=index + 1)
            texts = {}  # of each text object, by its address: its place in the page's content and its style
            for place in range(raw.FPDFPage_CountObjects(page)):
                obj = raw.FPDFPage_GetObject(page, place)
                kind = raw.FPDFPageObj_GetType(obj)
                if kind == raw.FPDF_PAGEOBJ_TEXT:
                    texts[_address(obj)] = (place, *_text_style(obj))
                elif kind == raw.FPDF_PAGEOBJ_PATH:
                    sheet.rules += _rule(obj, sheet.height)
            sheet.glyphs = _glyphs(page.get_textpage(), texts, sheet.height)
            sheets.append(sheet)
    finally:
        document.close()
    return sheets


def _address(obj) -> int | None:
    return ctypes.cast(obj, ctypes.c_void_p).value


def _text_style(obj) -> tuple[bool, object, float]:
    """Whether a text object is filled red, its font and its size."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    size = ctypes.c_float()
    raw.FPDFPageObj_GetFillColor(obj, r, g, b, a)
    raw.FPDFTextObj_GetFontSize(obj, size)
    return r.value > 0.8 * 255 and g.value < 0.3 * 255, raw.FPDFTextObj_GetFont(obj), size.value


def _rule(obj, height: float) -> list[Rule]:
    """A stroked or filled path as a rule, when it is one."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, fill, stroke) or not (fill.value or stroke.value):
        return []
    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, m)
    x, y = ctypes.c_float(), ctypes.c_float()
    xs, ys = [], []
    for i in range(raw.FPDFPath_CountSegments(obj)):
        raw.FPDFPathSegment_GetPoint(raw.FPDFPath_GetPathSegment(obj, i), x, y)
        xs.append(m.a * x.value + m.c * y.value + m.e)
        ys.append(m.b * x.value + m.d * y.value + m.f)
    rule = Rule(min(xs), height - max(ys), max(xs), height - min(ys)) if xs else None
    return [rule] if rule and (rule.horizontal or rule.vertical) else []


def _glyphs(textpage: pdfium.PdfTextPage, texts: dict, height: float) -> list[Glyph]:
    """The page's characters in the order its content draws them (PDFium's text page may order them otherwise)."""
    found = []
    x, y = ctypes.c_double(), ctypes.c_double()
    advance = ctypes.c_float()
    handle = textpage.raw
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(handle, i)
        text = "-" if code == 2 else chr(code)  # PDFium marks a hyphen that ends a line as U+0002
        owner = texts.get(_address(raw.FPDFText_GetTextObject(handle, i)))
        if not text.strip() or owner is None:  # the spaces and line ends PDFium adds have no owner
            continue
        place, red, font, size = owner
        raw.FPDFText_GetCharOrigin(handle, i, x, y)
        # PDFium takes the character's code in its font here; LibreOffice's fonts code a character by its
        # Unicode value (checked against pdfminer's widths on 324,891 characters)
        raw.FPDFFont_GetGlyphWidth(font, ord(text), size, advance)
        glyph = Glyph(text, x.value, height - y.value - size, x.value + advance.value, height - y.value, red)
        found.append((place, i, glyph))
    return [glyph for _, _, glyph in sorted(found, key=lambda item: item[:2])]


# --- the measures -----------------------------------------------------------------

def text_on_rules(sheets: list[Sheet]) -> list[str]:
    """Characters closer than 1 mm to a rule beside, above or below them."""
    faults = []
    near = CLEARANCE_MM * MM
    for sheet in sheets:
        number = sheet.number
        touching = []
        for glyph in sheet.glyphs:
            for rule in sheet.rules:
                if rule.horizontal and min(glyph.x1, rule.x1) - max(glyph.x0, rule.x0) > 0.5:
                    gap = max(rule.top - glyph.bottom, glyph.top - rule.bottom)
                elif rule.vertical and min(glyph.bottom, rule.bottom) - max(glyph.top, rule.top) > 0.5:
                    gap = max(rule.x0 - glyph.x1, glyph.x0 - rule.x1)
                else:
                    continue
                if gap < near - 0.05:
                    touching.append(glyph.text)
                    break
        if touching:
            faults.append(f"page {number}: {len(touching)} characters within {CLEARANCE_MM:g} mm of a rule "
                          f"({''.join(touching[:12])})")
    return faults


def broken_header_words(sheets: list[Sheet], headers: list[list[str]]) -> list[str]:
    """A header cell whose text wraps inside a word, where its document did not break it.

    ``headers`` are the header cells, each as the lines its document breaks it into.
    A header's Chinese words are taken as pairs of characters read from the
    start of each run of Chinese characters (是否/存在, 完成/情况, 整改/时限): a
    line may end after an even number of a run's characters, never leaving
    one alone, and before or after a bracket.  So 是否存/在, 是否存在问/题 and
    完成情况（销/号） are faults, 问题/描述 and 完成情况/（销号） are not."""
    faults = []
    chosen = {"".join(lines): set(_breaks(lines)) for lines in headers}
    for header in (h for h in chosen if len(h) >= 3):
        printed = [lines for sheet in sheets for lines in _wrapped(sheet, header)]
        bad = [lines for lines in printed
               if any(at not in chosen[header] and not _whole_words_break(header, at) for at in _breaks(lines))]
        # the same words may stand in a body cell too (a row's label): the header is where they print right
        if bad and len(bad) == len(printed):
            faults.append(f"header {header} breaks inside a word: {'/'.join(bad[0])}")
    return faults


def _breaks(lines: list[str]) -> list[int]:
    at, found = 0, []
    for line in lines[:-1]:
        at += len(line)
        found.append(at)
    return found


def _whole_words_break(text: str, at: int) -> bool:
    before, after = text[:at], text[at:]
    if not CJK.match(before[-1:]) or not CJK.match(after[:1]):
        return True  # at a bracket, a digit or a letter
    run = re.search(r"[\u4e00-\u9fff]+$", before).group()
    rest = re.match(r"[\u4e00-\u9fff]+", after).group()
    return len(run) % 2 == 0 and len(rest) >= 2


def _wrapped(sheet: Sheet, header: str) -> list[list[str]]:
    """Each place ``header`` prints: its lines.

    A header's characters follow each other on a line, or go on at the left of
    the next line below, within the width of its cell."""
    found = []
    glyphs = sorted(sheet.glyphs, key=lambda g: (g.top, g.x0))
    for first in (g for g in glyphs if g.text == header[0]):
        lines, line, prev, left = [], header[0], first, first.x0
        for ch in header[1:]:
            size = prev.bottom - prev.top
            nxt = next((g for g in glyphs if g.text == ch and abs(g.top - prev.top) < 1
                        and -1 < g.x0 - prev.x1 < size * 0.6), None)
            if nxt is None:
                nxt = next((g for g in glyphs if g.text == ch and 0.5 * size < g.top - prev.top < 1.8 * size
                            and left - 3 * size < g.x0 < prev.x1 + 1 and g.x0 < prev.x0), None)
                if nxt is None:
                    break
                lines.append(line)
                line, left = "", min(left, nxt.x0)
            line += ch
            prev = nxt
        else:
            found.append([*lines, line])
    return found


def row_heights(sheet: Sheet, header_tops: list[float]) -> list[tuple[float, float, str]]:
    """(top, height, text) of each band between two of the table's full-width rules, below the header."""
    spans = [r for r in sheet.rules if r.horizontal]
    if not spans:
        return []
    widest = max(r.x1 - r.x0 for r in spans)
    full = sorted({round((r.top + r.bottom) / 2, 1) for r in spans if r.x1 - r.x0 > 0.25 * widest})
    ys: list[float] = []
    for y in full:
        if not ys or y - ys[-1] > 1:
            ys.append(y)
    bands = []
    for top, bottom in zip(ys, ys[1:]):
        text = "".join(g.text for g in sorted(sheet.glyphs, key=lambda g: (g.top, g.x0)) if top < g.top < bottom)
        if any(top - 1 < t < bottom for t in header_tops):
            continue
        bands.append((top, bottom - top, text))
    return bands


def short_writing_rows(sheets: list[Sheet], header: list[str]) -> list[str]:
    """Rows of a form filled in by hand less than two handwriting lines (12 mm) high."""
    faults = []
    for sheet in sheets:
        number = sheet.number
        tops = [line[0].top for line in sheet.lines() if header and header[0][:2] in "".join(g.text for g in line)]
        short = [(top, height, text) for top, height, text in row_heights(sheet, tops)
                 if height < HANDWRITING_ROW_MM * MM - 0.3]
        if short:
            top, height, text = short[0]
            faults.append(f"page {number}: {len(short)} rows to write in less than {HANDWRITING_ROW_MM:g} mm high "
                          f"({height / MM:.1f} mm: {text[:12]})")
    return faults


PORTRAIT_BOX, LANDSCAPE_BOX = (37, 35), (28, 26)  # the type area's top and bottom margins (mm)


def empty_pages(sheets: list[Sheet], starts: list[int]) -> list[str]:
    """A page, not the last of its document, whose text stops more than a third of the type area above
    the type area's foot.  ``starts`` are the pages (from 1) a document or annex starts on; ``sheets``
    may be read from pdftotext's words (the rules under the last text line are a cell margin lower)."""
    faults = []
    for number, sheet in enumerate(sheets[:-1], start=1):
        if number + 1 in starts:
            continue
        glyphs = sheet.content()
        if not glyphs:
            continue
        top_mm, bottom_mm = PORTRAIT_BOX if sheet.height > sheet.width else LANDSCAPE_BOX
        foot = sheet.height - bottom_mm * MM
        area = foot - top_mm * MM
        lowest = max(g.bottom for g in glyphs)
        if (foot - lowest) / area > EMPTY_SHARE:
            faults.append(f"page {number} is {(foot - lowest) / area:.0%} empty before the document goes on")
    return faults


def masthead_position(sheets: list[Sheet]) -> list[str]:
    """The red 发文机关标志's top edge 35 mm below the type area's top (GB/T 9704-2012 7.2.4)."""
    red = [g for g in sheets[0].glyphs if g.red] if sheets and sheets[0].number == 1 else []
    if not red:
        return []
    top = min(g.top for g in red) / MM
    if abs(top - MASTHEAD_TOP_MM) > MASTHEAD_TOLERANCE_MM:
        return [f"the 发文机关标志 starts {top:.1f} mm from the page's top, not {MASTHEAD_TOP_MM} mm"]
    return []
