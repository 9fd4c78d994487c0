"""Reading a received plan into numbered paragraphs, whatever it came as.

A clerk receives Word files (saved by Word, WPS or LibreOffice), text pasted
from a web page, or Markdown.  All become one list of paragraphs, each with
the line (or paragraph number) it came from, so that the report can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from planmaker.importer.paragraphs import ImportRefused, Para

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class SourceText:
    path: Path
    paras: list[Para] = field(default_factory=list)
    kind: str = "txt"
    # a text's lines as received: a table pasted as text keeps its empty cells and row breaks only here
    lines: list[str] = field(default_factory=list)


_SIGNATURES = {
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"II*\x00": "TIFF 图片（扫描件）",
    b"MM\x00*": "TIFF 图片（扫描件）",
    b"BM": "BMP 图片",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_source(path: Path) -> SourceText:
    """The paragraphs of ``path``; refuses (in Chinese) what is not a readable plan."""
    from planmaker.base.errors import InputError
    from planmaker.base.inputfile import read_bytes

    try:
        data = read_bytes(path, MAX_BYTES, hint="，不像一份实施方案")
    except InputError as exc:
        raise ImportRefused(f"“{path.name}”：{exc.problems[0].message}") from None
    if not data:
        raise ImportRefused(f"文件 “{path.name}” 是空的，没有可导入的内容")
    head = data[:8]
    if head.startswith(_OLE):
        from planmaker.importer.converted import read_office

        return SourceText(path, read_office(path), "doc")
    if head.startswith(b"%PDF"):
        from planmaker.importer.converted import read_pdf

        pdf = read_pdf(path)
        return SourceText(path, pdf_paragraphs(pdf.text, pdf.tables), "pdf", pdf.text.splitlines())
    for magic, what in _SIGNATURES.items():
        if head.startswith(magic):
            raise ImportRefused(f"“{path.name}” 是{what}，planmaker 不能从中读取文字：请取得原方案的 Word（.docx）"
                                "或文本文件；扫描件（图片）须先经文字识别（OCR）转成文字")
    if head.startswith(b"PK"):
        if path.suffix.lower() not in (".docx", ".docm", ".wps", ""):
            raise ImportRefused(f"“{path.name}” 不是 Word 文档（.docx）、WPS 文件、PDF、文本（.txt）或 Markdown（.md）文件")
        from planmaker.importer.docx_reader import read_docx

        return SourceText(path, read_docx(path, data), "docx")
    if path.suffix.lower() not in (".txt", ".md", ".markdown", ".text", ""):
        raise ImportRefused(f"无法导入 “{path.name}”：只能导入 Word 文档（.docx、.doc）、WPS 文件（.wps）、"
                            "带文字的 PDF、文本（.txt）或 Markdown（.md）")
    text = _decode(data, path)
    return SourceText(path, text_paragraphs(text, markdown=path.suffix.lower() in (".md", ".markdown")),
                      "md" if path.suffix.lower() in (".md", ".markdown") else "txt", text.splitlines())


def pdf_paragraphs(text: str, tables: list[list[tuple[str, ...]]]) -> list[Para]:
    """A PDF's paragraphs: its text read as a .txt, each table's marker line replaced by its rows,
    as a Word table's (cells, their line breaks, the table's number)."""
    from planmaker.importer.converted import TABLE_MARK

    paras: list[Para] = []
    lines = text.splitlines()
    start = 0
    for k, line in enumerate(lines + [TABLE_MARK], start=1):
        if not line.startswith(TABLE_MARK):
            continue
        paras.extend(Para(p.line + start, p.text, indented=p.indented)
                     for p in text_paragraphs("\n".join(lines[start:k - 1])))
        if k <= len(lines):
            number = int(line[len(TABLE_MARK):])
            for row in tables[number - 1]:
                cells = tuple(" ".join(c.split("\n")) if re.search(r"[A-Za-z0-9]\n[A-Za-z0-9]", c) else c.replace("\n", "")
                              for c in row)
                # a PDF breaks a cell's text where the column is full, not where its author did
                paras.append(Para(k, "\t".join(cells), cells, number, cell_lines=cells))
        start = k
    return paras


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: its BOM begins the same
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError:
            raise ImportRefused(f"“{path.name}” 标明是 UTF-32 编码，但内容不是（请另存为 UTF-8 文本）") from None
    if b"\x00" in data[:4000] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused(f"“{path.name}” 是二进制文件，不是文本")
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(f"“{path.name}” 的文字编码无法识别（请另存为 UTF-8 文本）")


_MD_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s*|[-*+]\s+(?=\S))")
_BULLET = re.compile(r"^\s*[-*•·]\s+(?=[（(]?[0-9一二三四五六七八九十])")
_ROSTER = re.compile(r"^(?:组\s*长|副组长|成\s*员|主\s*任|副主任)\s*[:：]")
_CLOSED = tuple("。！？；：…”’）)」』】")
_LABEL_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|附件|附表"
                          r"|[一二三四五六七八九十]是|联系人|联系电话|电话|电子邮箱|邮箱|传真|组\s*长|副组长|成\s*员)")


def text_paragraphs(text: str, markdown: bool = False) -> list[Para]:
    """Paragraphs of a plain text: one a line, with the breaks a web page or a
    PDF copy leaves inside a sentence mended, and a text without any line breaks
    cut at its heading numbers."""
    paras: list[Para] = []
    roster = False   # inside a list of names (组长：…… 成员：……), one person a line
    tables, in_table = 0, False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\u3000", " ").strip()
        if markdown and line.startswith("|"):
            # a Markdown table: one row a line, cells between bars; the |---| line only marks the header
            tables, in_table = (tables, True) if in_table else (tables + 1, True)
            cells = tuple(c.strip().replace("**", "") for c in line.strip("|").split("|"))
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                paras.append(Para(number, "\t".join(cells), cells, tables))
            continue
        in_table = False
        if markdown:
            line = _MD_MARKS.sub("", line).replace("**", "")
        line = _BULLET.sub("", line)
        if not line:
            continue
        title = len(paras) == 1 and len(paras[0].text) <= 60 and "。" not in paras[0].text
        roster = bool(_ROSTER.match(line)) or (roster and len(line) <= 40 and not line.endswith(_CLOSED))
        if paras and not title and not roster and not raw.startswith("\t") and _continues(paras[-1].text, line):
            paras[-1].text += line
            continue
        paras.append(Para(number, line, indented=raw.startswith("\t")))
    out: list[Para] = []
    for para in paras:
        if para.cells:
            out.append(para)
            continue
        out.extend(Para(para.line, piece, indented=para.indented) for piece in split_run_together(para.text))
    return out


def _continues(previous: str, line: str) -> bool:
    """A line that carries on the sentence before it (a break from page layout)."""
    if previous.endswith(_CLOSED) or len(previous) < 20 or _LABEL_START.match(line) \
            or re.search(r"(?:方案|意见|通知|办法|计划|细则|要点)$", previous) \
            or re.search(r"联系人|电话|邮箱|传真", previous) \
            or (len(line) <= 30 and re.search(r"(?:局|委|委员会|政府|医院|办公室)$", line)):
        return False
    return not re.match(r"^(?:\d{4}|20__)\s*年.{0,6}日$", line)


_RUN_TOGETHER = re.compile(
    r"(?<=[。；！？”）)\]：:])(?=[一二三四五六七八九十]{1,3}、)"
    r"|(?<!第)(?=[（(][一二三四五六七八九十]{1,3}[）)])"
    r"|(?<=[。；！？）)\u4e00-\u9fff])(?<!第)(?=\d{1,2}、[\u4e00-\u9fff])"
    r"|(?<=[\u4e00-\u9fff：:])(?<!副)(?=(?:副?组\s*长|成\s*员)[:：])")
_TITLE_END = re.compile(r"^(.{6,60}?(?:方案|意见|通知|办法|计划|细则))(?=为|根据|按照|依据|以|进一步|近年来|结合)")


def split_run_together(text: str) -> list[str]:
    """A paragraph of hundreds of characters with headings inside (a web page
    copied without its line breaks) cut before each heading number."""
    if len(text) < 300 or len(re.findall(r"[一二三四五六七八九十]、", text)) < 2:
        return [text]
    pieces = []
    title = _TITLE_END.match(text)
    if title:
        pieces.append(title.group(1))
        text = text[title.end():]
    cuts = [0] + [m.start() for m in _RUN_TOGETHER.finditer(text)] + [len(text)]
    pieces.extend(text[a:b].strip() for a, b in pairwise(cuts) if text[a:b].strip())
    return pieces
