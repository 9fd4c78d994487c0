"""Reading printed pages back: what a clerk checks before issuing a document.

The documents are converted with LibreOffice (planmaker's own PDF conversion,
fonts and all) and read back with poppler's ``pdftotext -bbox-layout``, which
gives every line of every page with its position.  Each check returns a list
of faults in words, empty when the pages are right; tests/test_pages.py runs
them over every document of every bundled example.
"""

from __future__ import annotations

import collections
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pagegeometry as geometry
from planmaker.office import pdf as office_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XHTML = "{http://www.w3.org/1999/xhtml}"
PAGE_NUMBER = re.compile(r"^—\d+—$")
HEADING_FONTS = {"黑体", "楷体_GB2312", "方正小标宋简体"}
MIN_PRINT_PT = 10


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    width: float
    height: float
    lines: list[list[Word]] = field(default_factory=list)

    def texts(self) -> list[str]:
        """The text lines, top to bottom, without page numbers."""
        found = []
        for line in sorted(self.lines, key=lambda ws: min(w.y0 for w in ws)):
            text = squash("".join(w.text for w in line))
            if text and not PAGE_NUMBER.match(text):
                found.append(text)
        return found

    def text(self) -> str:
        return "".join(self.texts())


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def convert(sources: list[Path], folder: Path) -> dict[Path, Path]:
    """Every source to PDF in one soffice run, with planmaker's font set-up."""
    folder.mkdir(parents=True, exist_ok=True)
    links = {}
    for i, source in enumerate(sources):
        link = folder / f"{i:05d}{source.suffix}"
        link.write_bytes(source.read_bytes())
        links[source] = link
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([office_pdf.require_soffice(), f"-env:UserInstallation={Path(profile).as_uri()}",
                        "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(folder / "pdf"),
                        *[link.name for link in links.values()]],
                       cwd=folder, env=office_pdf.environment(), capture_output=True, timeout=60 + 10 * len(sources),
                       check=True)
    return {source: folder / "pdf" / (link.stem + ".pdf") for source, link in links.items()}


def read_pages(pdf: Path) -> list[Page]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(xml)
    pages = []
    for page in root.iter(f"{XHTML}page"):
        found = Page(float(page.get("width")), float(page.get("height")))
        for line in page.iter(f"{XHTML}line"):
            words = [Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                     for w in line.iter(f"{XHTML}word")]
            if words:
                found.lines.append(words)
        pages.append(found)
    return pages


# --- what the .docx says -------------------------------------------------------

def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _fonts(paragraph) -> set[str]:
    fonts = set()
    for run in paragraph.iter(f"{W}r"):
        if squash(_text(run)):
            east = run.find(f"{W}rPr/{W}rFonts")
            fonts.add(east.get(f"{W}eastAsia") if east is not None else "")
    return fonts


@dataclass
class Table:
    header: list[str]  # the header rows' cell texts
    last: str  # text of the last row that has any
    header_lines: list[list[str]] = field(default_factory=list)  # each header cell's lines as the .docx breaks them


@dataclass
class DocxFacts:
    chars: collections.Counter
    headings: list[str]  # paragraphs set wholly in a heading face: never last on a page
    closing: list[str]  # signature, annex note, the notes and sign-off lines after a table
    tables: list[Table]


def docx_facts(path: Path) -> DocxFacts:
    with zipfile.ZipFile(path) as package:
        body = ET.fromstring(package.read("word/document.xml")).find(f"{W}body")
    chars = collections.Counter(squash(_text(body)))
    headings, closing, tables = [], [], []
    after_table = False  # the notes and sign-off lines under a table, up to the next page
    for child in body:
        if child.tag == f"{W}tbl":
            if child.find(f"{W}tblPr/{W}tblpPr") is not None:  # the 版记, floating at the page's foot
                closing.extend(squash(_text(p)) for p in child.iter(f"{W}p") if squash(_text(p)))
                continue
            tables.append(_table(child))
            # the notes and sign-off lines, kept with the last row in one cell under it
            for tc in child.iter(f"{W}tc"):
                if tc.find(f"{W}tbl") is not None:
                    closing.extend(squash(_text(p)) for p in tc.findall(f"{W}p") if squash(_text(p)))
            # a joint 版头 (a table of red names) is followed by the body, not by sign-off lines
            after_table = not any(c.get(f"{W}val") == "FF0000" for c in child.iter(f"{W}color"))
            continue
        if child.tag != f"{W}p":
            continue
        if child.find(f"{W}pPr/{W}sectPr") is not None or any(
                br.get(f"{W}type") == "page" for br in child.iter(f"{W}br")):
            after_table = False
        text = squash(_text(child))
        if not text:
            continue
        if after_table:
            closing.append(text)
            continue
        jc = child.find(f"{W}pPr/{W}jc")
        ind = child.find(f"{W}pPr/{W}ind")
        right = jc is not None and jc.get(f"{W}val") == "right"
        # the annex note's entries are the plan's only paragraphs with a hanging indent
        annex_note = text.startswith("附件：") or (ind is not None and ind.get(f"{W}hanging") is not None)
        if right or annex_note:
            closing.append(text)
        elif _fonts(child) and _fonts(child) <= HEADING_FONTS:
            headings.append(text)
    return DocxFacts(chars, headings, closing, tables)


def _table(tbl) -> Table:
    rows = tbl.findall(f"{W}tr")
    wrapped = [tc.find(f"{W}tbl") for tc in tbl.iter(f"{W}tc") if tc.find(f"{W}tbl") is not None]
    rows = [r for r in rows if r.find(f"{W}tc/{W}tbl") is None] + [r for t in wrapped for r in t.findall(f"{W}tr")]
    marked = [r for r in rows if r.find(f"{W}trPr/{W}tblHeader") is not None]
    header_rows = marked or rows[:1]
    header = [squash(_text(tc)) for r in header_rows for tc in r.findall(f"{W}tc") if squash(_text(tc))]
    header_lines = [_lines(tc) for r in header_rows for tc in r.findall(f"{W}tc") if squash(_text(tc))]
    body_rows = [r for r in rows if r not in header_rows and squash(_text(r))]
    last = ""
    if body_rows:
        cells = [squash(_text(tc)) for tc in body_rows[-1].findall(f"{W}tc")]
        last = max(cells, key=len)
    return Table(header, last, header_lines)


def _lines(tc) -> list[str]:
    """A cell's text a line each: its paragraphs, split at their line breaks."""
    found = []
    for p in tc.iter(f"{W}p"):
        text = "".join("\n" if e.tag == f"{W}br" else (e.text or "") for e in p.iter() if e.tag in (f"{W}t", f"{W}br"))
        found += [squash(line) for line in text.split("\n") if squash(line)]
    return found


# --- the checks ----------------------------------------------------------------

def lost_characters(facts: DocxFacts, pages: list[Page]) -> list[str]:
    printed = collections.Counter("".join(p.text() for p in pages))
    missing = facts.chars - printed
    return [f"{missing.total()} characters of the .docx are not printed: {''.join(sorted(missing.elements()))}"] \
        if missing else []


def stranded_pages(facts: DocxFacts, pages: list[Page]) -> list[str]:
    """A page that holds nothing but closing lines (signature, note, sign-off)."""
    faults = []
    for number, page in enumerate(pages[1:], start=2):
        lines = page.texts()
        if lines and all(any(line in c for c in facts.closing) for line in lines):
            faults.append(f"page {number} holds only closing lines: {' / '.join(lines)}")
    return faults


def headings_at_page_foot(facts: DocxFacts, pages: list[Page]) -> list[str]:
    faults = []
    for number, page in enumerate(pages[:-1], start=1):
        lines = page.texts()
        # the page's foot, as long as a heading's end can be told from a cell's or paragraph's ("为。" ends both)
        foot = ""
        while lines and len(foot) < 6:
            foot = lines.pop() + foot
        if foot and any(h.endswith(foot) for h in facts.headings):
            faults.append(f"page {number} ends with a heading: {foot}")
    return faults


def headers_not_repeated(facts: DocxFacts, pages: list[Page]) -> list[str]:
    """Each page a table runs on to starts with the table's header row."""
    faults = []
    start = 0
    for table in facts.tables:
        keys = [h[:2] for h in table.header]
        first = next((i for i in range(start, len(pages)) if all(k in pages[i].text() for k in keys)), None)
        if first is None or not table.last:
            continue
        snippet = table.last[:6]
        last = next((i for i in range(first, len(pages)) if snippet in pages[i].text()), first)
        # a header cell of several lines (a long column name broken) takes lines of its own
        window = len(keys) + 2 + sum(len(lines) - 1 for lines in table.header_lines)
        for i in range(first + 1, last + 1):
            top = "".join(pages[i].texts()[:window])
            missing = [k for k in keys if k not in pages[i].text()]
            if missing or keys[0] not in top:
                faults.append(f"page {i + 1} continues a table without its header row ({'、'.join(keys)})")
        start = last
    return faults


def workbook_print_faults(xlsx: Path, pages: list[Page]) -> list[str]:
    """Within the page's width, and the text at 10 pt or more."""
    import openpyxl

    faults = []
    for number, page in enumerate(pages, start=1):
        words = [w for line in page.lines for w in line]
        if any(w.x1 > page.width + 0.5 for w in words):
            faults.append(f"page {number}: text beyond the page's right edge")
        sizes = [(w.x1 - w.x0) / len(w.text) for w in words
                 if len(w.text) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w.text)]
        if sizes:
            size = sorted(sizes)[len(sizes) // 2]
            if size < MIN_PRINT_PT - 0.3:
                faults.append(f"page {number} prints at {size:.1f} pt, less than {MIN_PRINT_PT} pt")
        crowded = _overlapping(words)
        if crowded:
            faults.append(f"page {number}: text printed over other text ({crowded})")
    book = openpyxl.load_workbook(xlsx)
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        rows = [[squash(str(c.value)) for c in row if c.value not in (None, "")]
                for row in sheet.iter_rows(max_row=min(sheet.max_row, 10))]
        widest = max(rows, key=len, default=[])
        keys = [c[:2] for c in widest if len(c) >= 2]
        if keys and not any(all(k in p.text() for k in keys) for p in pages):
            faults.append(f"sheet {sheet.title}: its columns ({'、'.join(keys)}) do not print on one page")
    return faults


def _overlapping(words: list[Word]) -> str:
    """Two words drawn over each other (a row too short for its wrapped text), or ""."""
    ordered = sorted(words, key=lambda w: w.y0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.y0 >= a.y1:
                break
            width = min(a.x1, b.x1) - max(a.x0, b.x0)
            height = min(a.y1, b.y1) - max(a.y0, b.y0)
            if width > 2 and height > 0.4 * min(a.y1 - a.y0, b.y1 - b.y0):
                return f"{a.text} / {b.text}"
    return ""


def docx_faults(path: Path, pdf: Path) -> list[str]:
    facts, pages = docx_facts(path), read_pages(pdf)
    return (lost_characters(facts, pages) + stranded_pages(facts, pages)
            + headings_at_page_foot(facts, pages) + headers_not_repeated(facts, pages)
            + ruled_faults(path, facts, pages, pdf))


# the forms a person fills in by hand, row by row (their blank cells are for sentences, not figures)
HANDWRITTEN_FORMS = ("自查表", "整改台账")


def ruled_faults(path: Path, facts: DocxFacts, pages: list[Page], pdf: Path) -> list[str]:
    """The measures taken from the PDF's geometry (tests/pagegeometry.py), on the pages they look at:
    those a table prints on (its header's words are on them), and the first when it has a 版头."""
    keys = [[h[:2] for h in table.header] for table in facts.tables if table.header]
    numbers = {number for number, page in enumerate(pages, start=1)
               if any(all(k in page.text() for k in table) for table in keys)}
    with zipfile.ZipFile(path) as package:
        if b'w:val="FF0000"' in package.read("word/document.xml"):
            numbers.add(1)
    sheets = geometry.read_sheets(pdf, numbers) if numbers else []
    headers = [lines for table in facts.tables for lines in table.header_lines]
    found = geometry.text_on_rules(sheets) + geometry.broken_header_words(sheets, headers)
    if any(form in path.name or form in path.parent.name for form in HANDWRITTEN_FORMS):
        for table in facts.tables:
            found += geometry.short_writing_rows(sheets, table.header)
    starts = [number for number, page in enumerate(pages, start=1)
              if page.texts() and re.match(r"^附件\d*$", page.texts()[0])]
    words = [geometry.Sheet(page.width, page.height, [geometry.Glyph(w.text, w.x0, w.y0, w.x1, w.y1)
                                                       for line in page.lines for w in line], number=number)
             for number, page in enumerate(pages, start=1)]
    return found + geometry.empty_pages(words, starts) + geometry.masthead_position(sheets)


def workbook_header_faults(xlsx: Path, pdf: Path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(xlsx)
    headers = []
    for sheet in book.worksheets:
        rows = [[squash(str(c.value)) for c in row if c.value not in (None, "")]
                for row in sheet.iter_rows(max_row=min(sheet.max_row, 10))]
        widest = max(rows, key=len, default=[])
        headers += [[squash(line) for line in str(cell.value).split("\n")] for row in sheet.iter_rows(max_row=10)
                    for cell in row if squash(str(cell.value)) in widest]
    # the header row prints alike on every page: the first shows how it breaks
    return geometry.broken_header_words(geometry.read_sheets(pdf, {1}), headers)


def faults(path: Path, pdf: Path) -> list[str]:
    if path.suffix == ".xlsx":
        return workbook_print_faults(path, read_pages(pdf)) + workbook_header_faults(path, pdf)
    return docx_faults(path, pdf)
