"""Files a clerk receives that are not .docx: old Word (.doc) and WPS (.wps) files, read through
LibreOffice (headless, with a profile of its own, in bounded time), and PDFs with a text layer,
read with pypdfium2 (PDFium), without their page headers, footers and page numbers and with the
lines of a paragraph joined again.  A ruled table on a PDF's page (a form annexed to the plan) is
found by pdfplumber, only on the pages PDFium sees ruling lines on, and read as rows of cells,
as a Word table is."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from planmaker.importer.paragraphs import ImportRefused, Para

CONVERT_SECONDS = 60
_NO_OFFICE = ("“{name}” 是旧版 Word（.doc）或 WPS 文件，读取它需要 LibreOffice，但本机没有找到 soffice 命令："
              "请安装 LibreOffice（如 apt-get install libreoffice-writer-nogui），或用 Word、WPS 打开后"
              "“另存为” .docx 再导入")


def read_office(path: Path) -> list[Para]:
    """A .doc or .wps file, converted to .docx by LibreOffice in a scratch folder, then read as one."""
    from planmaker.importer.docx_reader import read_docx
    from planmaker.office.pdf import soffice

    binary = soffice()
    if binary is None:
        raise ImportRefused(_NO_OFFICE.format(name=path.name))
    with tempfile.TemporaryDirectory(prefix="planmaker-import-") as folder:
        work = Path(folder)
        source = work / ("source" + (path.suffix.lower() if path.suffix.lower() in (".doc", ".wps") else ".doc"))
        source.write_bytes(path.read_bytes())
        try:
            subprocess.run([binary, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                            "--norestore", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"),
                            source.name], cwd=work, capture_output=True, timeout=CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            raise ImportRefused(f"LibreOffice 在 {CONVERT_SECONDS} 秒内未能读出 “{path.name}”，已中止："
                                "请关闭正在运行的 LibreOffice 后重试，或另存为 .docx 后导入") from None
        except OSError as exc:
            raise ImportRefused(f"无法启动 LibreOffice（{binary}）：{exc.strerror or exc}") from None
        converted = work / "out" / "source.docx"
        if not converted.is_file():
            raise ImportRefused(f"LibreOffice 未能读出 “{path.name}”：文件可能已损坏或加密，"
                                "请用 Word 或 WPS 打开后另存为 .docx 再导入")
        return read_docx(converted)


# a page number as printed (— 3 —, - 3 -, 第3页, 第 3 页 共 9 页, 3/9) or a bare number
_PAGE_NUMBER = re.compile(r"^[—\-－–~～\s]*\d{1,4}[—\-－–~～\s]*$|^第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?$"
                          r"|^\d{1,4}\s*/\s*\d{1,4}$")
# half-width punctuation a PDF's fonts map Chinese punctuation to, made full-width between Chinese
_WIDE = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}


class _Line:
    __slots__ = ("text", "left", "right", "top", "page")

    def __init__(self, text: str, left: float, right: float, top: float, page: int):
        self.text, self.left, self.right, self.top, self.page = text, left, right, top, page


# a line of the text that stands for the table of that number (its rows are in PdfText.tables)
TABLE_MARK = "\x00表"


class PdfText:
    """A PDF's text, one paragraph a line, a table's place marked by a line ``TABLE_MARK`` + its number;
    each table as rows of cells, each cell with its own line breaks."""

    def __init__(self, text: str, tables: list[list[tuple[str, ...]]]):
        self.text, self.tables = text, tables


def read_pdf(path: Path) -> PdfText:
    """The text of a PDF and its ruled tables (the caller reads the text as a .txt)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        raise ImportRefused(f"“{path.name}” 不是可读的 PDF 文件：可能已损坏或加密；请在阅读器中打开确认，或取得原方案的 Word 文件") from None
    try:
        pages = [_page_lines(document[i], i) for i in range(len(document))]
        ruled = [i for i in range(len(document)) if _ruled(document[i])]
    finally:
        document.close()
    if sum(len(line.text) for page in pages for line in page) < 10:
        raise ImportRefused(f"“{path.name}” 是扫描件（PDF 中只有图片，没有文字层），planmaker 不能从中读取文字："
                            "请取得原方案的 Word 或带文字的 PDF，或先经文字识别（OCR）转成文字")
    tables: list[list[tuple[str, ...]]] = []
    if ruled:
        pages = _tables_marked(path, pages, ruled, tables)
    lines = _without_running_heads(pages)
    return PdfText("\n".join(p if p.startswith(TABLE_MARK) else _unspaced(_widen(p)) for p in _paragraphs(lines)) + "\n",
                   tables)


def _ruled(page) -> bool:
    """Whether the page draws lines enough for a table's rules (a grid of at least two rows)."""
    import pypdfium2.raw as pdfium_c

    return sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)) >= 4


def _tables_marked(path: Path, pages: list[list[_Line]], ruled: list[int], tables: list) -> list[list[_Line]]:
    """The lines of each ruled table taken out of its page and one marker line put in their place;
    the table's rows appended to ``tables``.  pdfplumber reads the page again, only where PDFium saw rules."""
    import pdfplumber

    with pdfplumber.open(str(path), pages=[i + 1 for i in ruled]) as pdf:
        for index, page in zip(ruled, pdf.pages):
            for found in page.find_tables():
                rows = [tuple(_cell(c) for c in row) for row in found.extract()]
                rows = [r for r in rows if any(c.strip() for c in r)]
                x0, top, x1, bottom = found.bbox
                # a line of a cell begins inside the rules; the line under the table begins below them
                inside = [line for line in pages[index] if x0 - 2 <= (line.left + line.right) / 2 <= x1 + 2
                          and top - 1 <= page.height - line.top <= bottom - 3]
                if not rows or not inside or max(len(r) for r in rows) < 2:
                    continue    # a box round a line of text is no table
                at = pages[index].index(inside[0])
                # a table the page break cut: its rows at the top of the next page go on with it
                goes_on = bool(tables) and at <= 1 and len(tables[-1][0]) == len(rows[0])
                if len(rows) < 2 and not goes_on:
                    continue
                pages[index] = [line for line in pages[index] if line not in inside]
                if goes_on:
                    _go_on(tables[-1], rows)
                    continue
                tables.append(rows)
                pages[index].insert(at, _Line(f"{TABLE_MARK}{len(tables)}", x0, x1, inside[0].top, index))
    return pages


def _go_on(table: list[tuple[str, ...]], rows: list[tuple[str, ...]]) -> None:
    """Rows at the top of a page added to the table the page break cut.  A first row without its
    first cell (序号) is the rest of the row the break went through: its cells go on the row's own."""
    last = table[-1]
    if rows and not rows[0][0] and last[0]:
        table[-1] = tuple("\n".join(c for c in (a, b) if c) for a, b in zip(last, rows[0]))
        rows = rows[1:]
    table.extend(rows)


def _cell(text: str | None) -> str:
    """A cell's text, its lines as the table broke them (a header 服务人口/（万人） keeps its break)."""
    lines = (_unspaced(_widen(line.strip())) for line in (text or "").split("\n"))
    return "\n".join(line for line in lines if line)


def _page_lines(page, number: int) -> list[_Line]:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        lines, start = [], 0
        for raw in re.split(r"(\r\n|\r|\n)", text):
            if raw in ("\r\n", "\r", "\n"):
                start += len(raw)
                continue
            stripped = raw.strip()
            if stripped:
                first = start + len(raw) - len(raw.lstrip())
                last = start + len(raw.rstrip()) - 1
                left, _, _, top = textpage.get_charbox(first)
                _, _, right, _ = textpage.get_charbox(last)
                lines.append(_Line(stripped, left, right, top, number))
            start += len(raw)
        return lines
    finally:
        textpage.close()


def _without_running_heads(pages: list[list[_Line]]) -> list[_Line]:
    """Page numbers, and a line printed at the top or foot of most pages (a running head), dropped."""
    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.replace(" ", ""))

    edges: Counter = Counter()
    for lines in pages:
        for line in {lines[0], lines[-1]} if lines else ():
            edges[key(line)] += 1
    running = {k for k, n in edges.items() if len(pages) >= 2 and n >= len(pages) * 0.6}
    kept = []
    for lines in pages:
        for k, line in enumerate(lines):
            at_edge = k in (0, 1, len(lines) - 2, len(lines) - 1)
            if at_edge and not line.text.startswith(TABLE_MARK) and (_PAGE_NUMBER.match(line.text) or key(line) in running):
                continue
            kept.append(line)
    return kept


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Lines joined into paragraphs: a line carries on the one before unless it is indented or
    centred, or the line before stopped short of the right margin."""
    if not lines:
        return []
    left = Counter(round(line.left) for line in lines).most_common(1)[0][0]
    right = max(line.right for line in lines)
    width = _char_width(lines)
    out: list[str] = []
    previous: _Line | None = None
    for line in lines:
        starts = (previous is None or line.left > left + 1.2 * width or previous.right < right - 1.5 * width
                  or (line.page != previous.page and previous.right < right - 1.5 * width)
                  or TABLE_MARK in (line.text[:2], previous.text[:2])
                  # a line set flush right or centred (a signature, a date, a title) is a paragraph of its own
                  or previous.left > left + 4 * width)
        if starts:
            out.append(line.text)
        else:
            out[-1] = _join(out[-1], line.text)
        previous = line
    return out


def _char_width(lines: list[_Line]) -> float:
    widths = sorted((line.right - line.left) / len(line.text) for line in lines if len(line.text) >= 10)
    return widths[len(widths) // 2] if widths else 12.0


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def _widen(text: str) -> str:
    """Half-width punctuation made full-width, except between two ASCII letters or digits (1,000, 12:30)."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _WIDE:
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if not (_ascii_word(before) and _ascii_word(after)):
                chars[i] = _WIDE[ch]
    return "".join(chars)


_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—"
# the space a PDF's text layer puts where the font changes (绵阳市 2024 年): none in Chinese text
_SPACE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}\dA-Za-z])|(?<=[\dA-Za-z])\s+(?=[{_CJK}])")


def _unspaced(text: str) -> str:
    return _SPACE.sub("", text)


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == " ")
