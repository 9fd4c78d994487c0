"""Reading the cells of an .xlsx quickly: value, type and formula in one pass.

openpyxl gives either the formulas (``data_only=False``) or the values cached by
the program that last saved the file (``data_only=True``), never both, and takes
tens of milliseconds per form.  Collecting a province's forms needs both (a
合计 cell is a formula; its cached value, when Excel or LibreOffice saved one,
must agree with its parts) and needs them fast, so this module reads the
package directly: the workbook, its relationships, the shared strings and the
worksheets, with the standard library only.

Numbers come back as :class:`decimal.Decimal` made from the stored text, so
that ``0.1 + 0.2`` sums to ``0.3``.  Both the transitional and the strict
OOXML namespaces are read.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from decimal import Decimal, InvalidOperation
from typing import NamedTuple
from xml.etree import ElementTree

from planmaker.office.xlsx_parts import date_style_set, leading_rows, relationship_list, serial_date, sheet_list
from planmaker.office.xlsx_parts import namespace as _namespace

MAX_PART_BYTES = 4 * 1024 * 1024  # a statistics form is a few kilobytes; parsed, 4 MB of cells take some 100 MB
MAX_UNPACKED = 100 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # an Office document's XML packs 5 to 20 times; beyond 100 it is built to explode
_SHARED: dict[tuple[str, bytes], object] = {}  # parts every form has alike (workbook, styles, rels), parsed once
SHARED_PART_BYTES = 256 * 1024  # kept only up to this size: 256 parts of it at most
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an .xlsx with an opening password
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")
_PLAIN = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}\Z")
# What a spreadsheet writes for a number: ASCII digits, no “_” (which Decimal takes), an exponent of a
# few digits (1E+999999999 would overflow every sum after it).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?\Z")


class XlsxError(Exception):
    """The file cannot be read as a workbook; the message is for the user."""


class RawCell(NamedTuple):
    """One stored cell (a tuple: a province's forms make millions of them).

    ``kind``: ``n`` number (``value`` a Decimal), ``s`` text, ``b`` logical
    (bool), ``e`` error (its text, e.g. ``#DIV/0!``), ``d`` a date as text, or
    ``""`` nothing stored (``value`` None).  ``formula``: None when the cell has
    no formula, else its text without ``=`` (empty for a shared or array
    formula that only the first cell of the range spells out).
    """

    kind: str
    value: object
    formula: str | None = None


EMPTY = RawCell("", None)


def column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def split_ref(ref: str) -> tuple[str, int]:
    """``"D7"`` → ``("D", 7)``."""
    match = _CELL.match(ref)
    if not match:
        raise ValueError(f"不是单元格引用：{ref}")
    return match.group(1).upper(), int(match.group(2))


class Workbook:
    """The sheets of one package; each sheet is parsed when first asked for."""

    def __init__(self, data: bytes):
        if data[:8] == _OLE_MAGIC:
            raise XlsxError("文件设置了打开密码，或是旧版 .xls 格式：请在 Excel 或 LibreOffice 中"
                            "另存为 .xlsx（不设打开密码）")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError):
            raise XlsxError("不是有效的 .xlsx 文件（无法按 Excel 工作簿打开）") from None
        self._check_directory()
        self._names = set(self._zip.namelist())
        book_part = self._office_document()
        sheets = self._shared(book_part, sheet_list)
        rels = self._relationships(book_part)
        self.sheets: list[tuple[str, str]] = [(name, state) for name, state, _ in sheets]  # in workbook order
        self._parts: dict[str, str] = {name: rels[rid][1] for name, _, rid in sheets if rid in rels}
        strings = next((target for kind, target in rels.values() if kind == "sharedStrings"), None)
        self._strings_part = strings
        self._strings: list[str] | None = None
        self._dates: frozenset[str] | None = None  # style indices that show a number as a date
        self._styles_part = next((target for kind, target in rels.values() if kind == "styles"), None)
        self._cells: dict[str, dict[str, RawCell]] = {}

    # ------------------------------------------------------------ package

    def _check_directory(self) -> None:
        """Refused by what the zip's directory says, before anything is inflated: too many
        parts, too much in all, a part packed as only a bomb packs."""
        members = self._zip.infolist()
        if len(members) > MAX_MEMBERS:
            raise XlsxError(f"工作簿中的部件过多（{len(members)} 个），不像是统计表")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and ratio > MAX_RATIO:
                raise XlsxError(f"工作簿中的 {member.filename} 压缩比异常（{ratio:.0f} 倍，上限 {MAX_RATIO} 倍），"
                                "疑似“压缩炸弹”，已拒绝读取")
        if total > MAX_UNPACKED:
            raise XlsxError(f"工作簿解压后过大（{total / 1024 / 1024:.0f} MB，上限 {MAX_UNPACKED // 1024 // 1024} MB），"
                            "已拒绝读取")

    def _read(self, part: str) -> bytes:
        if part not in self._names:
            raise XlsxError(f"工作簿缺少部件 {part}，文件可能已损坏")
        info = self._zip.getinfo(part)
        if info.file_size > MAX_PART_BYTES:
            raise XlsxError(f"工作簿部件 {part} 过大（{info.file_size} 字节），不像是统计表")
        try:
            # read(n) inflates at most n bytes a step (read() would inflate up to 2 GB at once), and
            # never past the size the directory gives; a part that is not that size is damaged
            with self._zip.open(info) as stream:
                data = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
            raise XlsxError(f"工作簿部件 {part} 与压缩包目录中记录的大小或校验值不符，无法解压（文件已损坏，"
                            "或是故意伪造的“压缩炸弹”）") from None
        if len(data) != info.file_size:
            raise XlsxError(f"工作簿部件 {part} 与压缩包目录中记录的大小不符，文件可能已损坏")
        return data

    def _shared(self, part: str, parse):
        """``parse(root)`` of a part, remembered by its exact bytes: the workbook, styles and
        relationships of a campaign's forms are alike, and a province reads tens of thousands."""
        data = self._read(part)
        if len(data) > SHARED_PART_BYTES:  # a part this large is no form's: parsed, not kept
            return parse(self._xml_of(part, data))
        key = (parse.__name__, data)
        if key not in _SHARED:
            if len(_SHARED) > 256:
                _SHARED.clear()
            _SHARED[key] = parse(self._xml_of(part, data))
        return _SHARED[key]

    def _xml(self, part: str):
        return self._xml_of(part, self._read(part))

    def _xml_of(self, part: str, data: bytes):
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise XlsxError(f"工作簿部件 {part} 含有 DTD，拒绝读取")
        try:
            return ElementTree.fromstring(data)
        except ElementTree.ParseError as exc:
            raise XlsxError(f"工作簿部件 {part} 不是有效的 XML（{exc}），文件可能已损坏") from None

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """rId → (type's last word, target part) for one part."""
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self._names:
            return {}
        found = {}
        for rid, kind, target in self._shared(rels_part, relationship_list):
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[rid] = (kind, resolved)
        return found

    def _office_document(self) -> str:
        for kind, target in self._relationships("").values():
            if kind == "officeDocument":
                return target
        if "xl/workbook.xml" in self._names:
            return "xl/workbook.xml"
        raise XlsxError("不是 Excel 工作簿（找不到 workbook 部件）")

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if self._strings_part and self._strings_part in self._names:
                root = self._xml(self._strings_part)
                ns = _namespace(root)
                for si in root.iter(f"{{{ns}}}si"):
                    self._strings.append(_rich_text(si, ns))
        return self._strings

    def _date_styles(self) -> frozenset[str]:
        """The cell styles (``s``) whose number format is a date or time: a date typed into a
        count cell is stored as a number (2021-01-17 as 44213) and must not be read as one."""
        if self._dates is None:
            self._dates = frozenset()
            if self._styles_part and self._styles_part in self._names:
                self._dates = self._shared(self._styles_part, date_style_set)
        return self._dates

    # ------------------------------------------------------------ cells

    def sheet_state(self, sheet: str) -> str:
        return next((state for name, state in self.sheets if name == sheet), "visible")

    def sheet_names(self) -> list[str]:
        return [name for name, _ in self.sheets]

    def sheet_part(self, sheet: str) -> str | None:
        """The package part holding a sheet (``xl/worksheets/sheet1.xml``)."""
        return self._parts.get(sheet)

    def part_bytes(self, part: str) -> bytes:
        return self._read(part)

    def cells(self, sheet: str) -> dict[str, RawCell]:
        """Every stored cell of a sheet by reference (``"D7"``)."""
        if sheet not in self._cells:
            if sheet not in self._parts:
                raise XlsxError(f"找不到工作表 “{sheet}”")
            try:
                self._cells[sheet] = self._parse_sheet(self._parts[sheet])
            except ValueError as exc:  # a row number or cell reference that is not one
                raise XlsxError(f"工作表 “{sheet}” 的单元格位置无法识别（{exc}），文件可能已损坏") from None
        return self._cells[sheet]

    def _parse_sheet(self, part: str) -> dict[str, RawCell]:
        root = self._xml(part)
        ns = _namespace(root)
        c_tag, v_tag, f_tag, is_tag = (f"{{{ns}}}{t}" for t in ("c", "v", "f", "is"))
        cells: dict[str, RawCell] = {}
        data = root.find(f"{{{ns}}}sheetData")
        if data is None:
            return cells
        row_number = 0
        for row in data.iter(f"{{{ns}}}row"):
            row_number = self._row(row, row_number, cells, c_tag, v_tag, f_tag, is_tag, ns)
        return cells

    def key_values(self, sheet: str) -> dict[str, str]:
        """Column A/B pairs from row 1 down to the first row with nothing in column A,
        read only as far as that row (a metadata sheet's cell map below is not parsed)."""
        if sheet not in self._parts:
            raise XlsxError(f"找不到工作表 “{sheet}”")
        part = self._parts[sheet]
        data = self._read(part)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise XlsxError(f"工作簿部件 {part} 含有 DTD，拒绝读取")
        head = leading_rows(data)
        if head is not None:  # the rows 1, 2, … before the first gap, parsed alone (the cell map is not)
            root = self._xml_of(part, head)
            space = _namespace(root)
            found: dict[str, RawCell] = {}
            c_tag, v_tag, f_tag, is_tag = (f"{{{space}}}{t}" for t in ("c", "v", "f", "is"))
            number = 0
            for row in root.iter(f"{{{space}}}row"):
                number = self._row(row, number, found, c_tag, v_tag, f_tag, is_tag, space)
            return read_key_values(found)
        parser = ElementTree.XMLPullParser(events=("start", "end"))
        cells: dict[str, RawCell] = {}
        ns, row_number, expected = None, 0, 1
        try:
            for at in range(0, len(data), 8192):
                parser.feed(data[at:at + 8192])
                for event, element in parser.read_events():
                    if ns is None:
                        ns = _namespace(element)
                        tags = tuple(f"{{{ns}}}{t}" for t in ("c", "v", "f", "is"))
                    if event != "end" or element.tag != f"{{{ns}}}row":
                        continue
                    row_number = self._row(element, row_number, cells, *tags, ns)
                    if row_number != expected or cells.get(f"A{row_number}", EMPTY).value is None:
                        return read_key_values(cells)
                    expected += 1
                    element.clear()
        except ElementTree.ParseError as exc:
            raise XlsxError(f"工作簿部件 {part} 不是有效的 XML（{exc}），文件可能已损坏") from None
        except ValueError as exc:
            raise XlsxError(f"工作表 “{sheet}” 的单元格位置无法识别（{exc}），文件可能已损坏") from None
        return read_key_values(cells)

    def _row(self, row, row_number: int, cells: dict[str, RawCell], c_tag, v_tag, f_tag, is_tag, ns) -> int:
        """Store the cells of one <row>; returns its number."""
        row_number = int(row.get("r") or row_number + 1)
        column = 0
        previous = ""
        for c in row.iter(c_tag):
            ref = c.get("r")
            if ref and _PLAIN.match(ref):  # the usual case: no need to split and rebuild
                column = -1
            elif ref:
                letters, number = split_ref(ref)
                column = column_index(letters)
                ref = f"{letters}{number}"
            else:  # references may be left out: the cell follows the previous one
                if column < 0:
                    column = column_index(split_ref(previous)[0])
                column += 1
                ref = f"{column_letters(column)}{row_number}"
            previous = ref
            cells[ref] = self._cell(c, v_tag, f_tag, is_tag, ns)
        return row_number

    def _cell(self, c, v_tag, f_tag, is_tag, ns) -> RawCell:
        kind = c.get("t", "n")
        formula = text = inline = None
        for child in c:  # one pass over <f>, <v>, <is>
            tag = child.tag
            if tag == v_tag:
                text = child.text or ""
            elif tag == f_tag:
                formula = child.text or ""
            elif tag == is_tag:
                inline = child
        if kind == "inlineStr":
            return RawCell("s", _rich_text(inline, ns) if inline is not None else "", formula)
        if text is None:
            return RawCell("", None, formula)
        if kind == "s":
            strings = self._shared_strings()
            try:
                return RawCell("s", strings[int(text)], formula)
            except (ValueError, IndexError):
                return RawCell("e", f"#无效文字索引 {text}", formula)
        if kind == "str":
            return RawCell("s", text, formula)
        if kind == "b":
            return RawCell("b", text.strip() in ("1", "true", "TRUE"), formula)
        if kind == "e":
            return RawCell("e", text, formula)
        if kind == "d":
            return RawCell("d", text, formula)
        text = text.strip()
        if text == "":
            return RawCell("", None, formula)
        if not _NUMBER.match(text):
            return RawCell("e", f"#无法识别的数字 {text[:40]}", formula)
        try:
            number = Decimal(text)
        except InvalidOperation:
            return RawCell("e", f"#无法识别的数字 {text[:40]}", formula)
        style = c.get("s")
        if style and style != "0" and style in self._date_styles():
            return RawCell("d", serial_date(number), formula)
        return RawCell("n", number, formula)


def _rich_text(element, ns: str) -> str:
    """The text of an <si> or <is>: its <t>, or the <t> of each run; phonetic runs (<rPh>) left out."""
    t_tag, r_tag = f"{{{ns}}}t", f"{{{ns}}}r"
    parts = []
    for child in element:
        if child.tag == t_tag:
            parts.append(child.text or "")
        elif child.tag == r_tag:
            parts.extend(t.text or "" for t in child.iter(t_tag))
    return "".join(parts)


def read_key_values(cells: dict[str, RawCell]) -> dict[str, str]:
    """Column A/B pairs from row 1 down to the first row with nothing in column A
    (the layout of the ``_planmaker`` sheet, as :func:`stats_xlsx.read_metadata` reads it)."""
    found: dict[str, str] = {}
    row = 1
    while True:
        key = cells.get(f"A{row}", EMPTY)
        if key.value is None:
            return found
        value = cells.get(f"B{row}", EMPTY)
        found[text_of(key)] = "" if value.value is None else text_of(value)
        row += 1


def text_of(cell: RawCell) -> str:
    """A cell as text, the way a spreadsheet shows it without formatting."""
    if cell.value is None:
        return ""
    if cell.kind == "n":
        number = cell.value
        return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    if cell.kind == "b":
        return "TRUE" if cell.value else "FALSE"
    return str(cell.value)
