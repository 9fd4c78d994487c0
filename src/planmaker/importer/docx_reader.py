"""The paragraphs of a .docx in document order, with Word's automatic list
numbers written out as text.

A heading numbered by Word (numbering.xml) has no “一、” in its text: the number
is drawn from the list definition.  Writing the number back into the text lets
one recogniser serve Word, WPS and LibreOffice files and plain text alike.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from planmaker.base.numbering import chinese_number
from planmaker.importer.paragraphs import ImportRefused, Para

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path, data: bytes | None = None) -> list[Para]:
    """The paragraphs of the .docx at ``path`` (whose bytes, when read already, are ``data``):
    measured by the zip guard before any part is inflated."""
    from planmaker.base.errors import InputError
    from planmaker.base.inputfile import MAX_OFFICE_BYTES, read_zip
    from planmaker.base.zipguard import check_zip

    try:
        if data is None:
            data = read_zip(path, "Word 文档", MAX_OFFICE_BYTES)
        else:
            check_zip(_InMemory(data), "Word 文档", shown=path.name)
    except InputError as exc:
        raise ImportRefused(f"“{path.name}”：{exc.problems[0].message}") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise ImportRefused(f"“{path.name}” 不是 Word 文档（缺少正文部分）")
            body = ET.fromstring(archive.read("word/document.xml")).find(f"{W}body")
            numbering = _read_xml(archive, "word/numbering.xml", names)
            styles = _read_xml(archive, "word/styles.xml", names)
    except (zipfile.BadZipFile, ET.ParseError, KeyError, ValueError, NotImplementedError, RuntimeError):
        raise ImportRefused(f"“{path.name}” 已损坏，无法作为 Word 文档打开") from None
    if body is None:
        raise ImportRefused(f"“{path.name}” 中没有正文")
    lists = ListNumbers(numbering, styles)
    paras: list[Para] = []
    tables = 0
    for block in body:
        if block.tag == f"{W}p":
            text = _text(block)
            label = lists.label(block) if text.strip() else ""
            if text.strip():
                paras.append(Para(len(paras) + 1, (label + text.strip()) if label else text.strip()))
        elif block.tag == f"{W}tbl":
            tables += 1
            for row in block.iter(f"{W}tr"):
                # a cell's lines as its author broke them (paragraphs or Shift+Enter): a column's header keeps them
                broken = tuple("\n".join(t for t in (_text(p, breaks=True).strip() for p in cell.iter(f"{W}p")) if t)
                               for cell in row.findall(f"{W}tc"))
                cells = tuple(" ".join(text.split("\n")) for text in broken)
                if any(cells):
                    paras.append(Para(len(paras) + 1, "\t".join(cells), cells, tables, cell_lines=broken))
    return paras


class _InMemory:
    def __init__(self, data: bytes):
        self._data = data

    def open(self, mode: str = "rb"):
        return io.BytesIO(self._data)


def _read_xml(archive, name, names):
    return ET.fromstring(archive.read(name)) if name in names else None


def _text(element, breaks: bool = False) -> str:
    """The paragraph's text; with ``breaks``, a manual line break (Shift+Enter) as a new line."""
    parts = []
    for node in element.iter():
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        elif breaks and node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts).replace("\u3000", " ")


_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified",
                    "ideographDigital", "taiwaneseCounting", "japaneseCounting"}


def _format(number: int, fmt: str) -> str:
    # LibreOffice writes 一、二、 as taiwaneseCountingThousand; Word as chineseCounting(Thousand)
    if fmt in _CHINESE_FORMATS or "Counting" in fmt or fmt.startswith(("chinese", "ideograph", "taiwanese")):
        return chinese_number(number)
    if number < 0:
        return str(number)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (number - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalEnclosedCircleChinese" or fmt == "decimalEnclosedCircle":
        return chr(0x2460 + number - 1) if 1 <= number <= 20 else str(number)
    if fmt in ("none", "bullet"):
        return ""
    return str(number)


class ListNumbers:
    """Word's list counters, advanced paragraph by paragraph as Word does."""

    def __init__(self, numbering, styles):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, str] = {}
        self.starts: dict[tuple[str, int], int] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, numbering) -> None:
        for abstract in numbering.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.findall(f"{W}lvl"):
                fmt = _val(lvl.find(f"{W}numFmt")) or "decimal"
                text = _val(lvl.find(f"{W}lvlText")) or ""
                start = _number(_val(lvl.find(f"{W}start")), 1)
                levels[_number(lvl.get(f"{W}ilvl", "0"), 0, MAX_LEVEL)] = (fmt, text, start)
            self.levels[abstract.get(f"{W}abstractNumId", "")] = levels
        for num in numbering.findall(f"{W}num"):
            num_id = num.get(f"{W}numId", "")
            self.nums[num_id] = _val(num.find(f"{W}abstractNumId"))
            for override in num.findall(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                if start is not None:
                    self.starts[(num_id, _number(override.get(f"{W}ilvl", "0"), 0, MAX_LEVEL))] = \
                        _number(_val(start), 1)

    def _read_styles(self, styles) -> None:
        based: dict[str, str] = {}
        own: dict[str, tuple[str, int]] = {}
        for style in styles.findall(f"{W}style"):
            sid = style.get(f"{W}styleId", "")
            parent = style.find(f"{W}basedOn")
            if parent is not None:
                based[sid] = _val(parent)
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                own[sid] = (_val(num_pr.find(f"{W}numId")), _number(_val(num_pr.find(f"{W}ilvl")), 0, MAX_LEVEL))
        for sid in list(based) + list(own):
            node, seen = sid, set[str]()
            while node and node not in own and node not in seen:
                seen.add(node)
                node = based.get(node, "")
            if node in own and own[node][0]:
                self.style_num[sid] = own[node]

    def label(self, paragraph) -> str:
        ppr = paragraph.find(f"{W}pPr")
        num_id, ilvl = "", 0
        if ppr is not None:
            style = ppr.find(f"{W}pStyle")
            if style is not None and _val(style) in self.style_num:
                num_id, ilvl = self.style_num[_val(style)]
            num_pr = ppr.find(f"{W}numPr")
            if num_pr is not None:
                num_id = _val(num_pr.find(f"{W}numId")) or num_id
                ilvl = _number(_val(num_pr.find(f"{W}ilvl")), ilvl, MAX_LEVEL)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        levels = self.levels.get(self.nums[num_id], {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = self.starts.get((num_id, ilvl), levels[ilvl][2])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _ = levels[ilvl]
        if fmt == "bullet":
            return ""
        for k in range(ilvl + 1):
            if f"%{k + 1}" in text:
                value = counters.get(k, self.starts.get((num_id, k), levels.get(k, ("", "", 1))[2]))
                text = text.replace(f"%{k + 1}", _format(value, levels.get(k, (fmt,))[0]))
        return text


def _val(element) -> str:
    """An element's w:val, "" when the element or the attribute is missing."""
    return "" if element is None else element.get(f"{W}val", "")


MAX_LEVEL = 8  # Word's list levels are 0 to 8
MAX_START = 32767  # Word's own ceiling for a list's start value


def _number(text: str, default: int, high: int = MAX_START) -> int:
    """A number of numbering.xml as Word takes it: what is not a number, or is out of
    Word's range, is the default (Word itself ignores such a value)."""
    text = (text or "").strip()
    if not text or len(text) > 6 or not text.lstrip("-").isdigit() or not text.isascii():
        return default
    value = int(text)
    return value if 0 <= value <= high else default
