"""The rows of an institution list in an .xlsx file, streamed and bounded.

Lists arrive from many offices and many exporters, so nothing in the file is
taken on trust:

* the sheet read is the first *visible* one; hidden sheets are never read, and
  are named in a warning;
* ``<dimension>`` is ignored (some exporters write A1 for any size): every
  stored cell is read;
* rows hidden by a filter are reported (``hidden_rows``);
* the file is refused by size and compression ratio before it is opened
  (base/zipguard.py), and the shared strings, cells and rows it may hold are
  bounded, so a "bomb" stops with a message instead of filling the memory;
* the XML is parsed as it is inflated (expat, chunk by chunk), never whole, and
  a DTD (entity expansion) is refused.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NoReturn
from xml.parsers import expat

from planmaker.base.errors import InputError, Problem
from planmaker.base.zipguard import Openable, check_zip

MAX_LIST_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 300 * 1024 * 1024
MAX_STRINGS = 2_000_000
MAX_STRING_CHARS = 100_000_000
MAX_CELLS = 5_000_000
MAX_COLUMNS = 1000  # beyond column ALL nothing is an institution's
MAX_CELL_CHARS = 32_767  # Excel's own limit
CHUNK = 1 << 16


class _Refused(Exception):
    """Stops the parser: the file is over a limit or is not what it claims."""


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1].rsplit(" ", 1)[-1]


StartHandler = Callable[[str, dict[str, str]], None]


def _parse(stream: IO[bytes], start: StartHandler | None = None, end: Callable[[str], None] | None = None,
           text: Callable[[str], None] | None = None) -> Iterator[None]:
    """Feed ``stream`` to expat chunk by chunk, yielding after each chunk
    (so that the handlers' results can be handed on as they come)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def no_dtd(*_args: object) -> NoReturn:
        raise _Refused("文件中含有 DTD（实体定义），拒绝读取")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    while True:
        chunk = stream.read(CHUNK)
        parser.Parse(chunk, not chunk)
        yield
        if not chunk:
            return


def _column(ref: str) -> int:
    """"AB12" → 27 (zero-based); -1 when there are no letters."""
    index = 0
    for count, char in enumerate(ref):
        if not ("A" <= char <= "Z" or "a" <= char <= "z"):
            return index - 1 if count else -1
        index = index * 26 + (ord(char.upper()) - 64)
        if index > 16384:
            return 16384
    return index - 1


@dataclass
class _TextState:
    phonetic: int = 0  # inside a phonetic run (rPh): not the cell's text
    chars: int = 0
    inside: bool = False  # inside a <t>


@dataclass
class _Cell:
    type: str
    column: int
    parts: list[str] = field(default_factory=list)


@dataclass
class _SheetState:
    row: int = 0
    column: int = -1
    cells: int = 0
    inside: str | None = None  # "v" or "t"
    phonetic: int = 0
    cell: _Cell | None = None


class XlsxRows:
    """The first visible sheet of an .xlsx file, row by row."""

    def __init__(self, source: Path | Openable, path: Path):
        """``source``: the file, a path or anything with ``open("rb")`` (institutions.Snapshot)."""
        self.path = Path(path)
        check_zip(source, "Excel 文件", MAX_LIST_BYTES, MAX_UNPACKED, shown=path)
        try:
            self._zip = zipfile.ZipFile(source.open("rb"))
            self._names = set(self._zip.namelist())
            sheets, self._strings_part = self._workbook()
        except (_Refused, zipfile.BadZipFile, expat.ExpatError, KeyError, ValueError, OSError) as exc:
            raise self._broken(exc) from None
        visible = [(name, part) for name, state, part in sheets if state == "visible"]
        self.skipped = [name for name, state, _ in sheets if state != "visible"]
        if not visible:
            raise InputError.refused("工作簿中没有可见的工作表（全部被隐藏）；请在 Excel 中取消隐藏要用的工作表", path)
        self.sheet, self._part = visible[0]
        self.where = f"{path}（工作表“{self.sheet}”）"
        self.hidden_rows: list[int] = []
        self._strings: list[str] | None = None

    def _broken(self, exc: Exception) -> InputError:
        detail = str(exc) if isinstance(exc, _Refused) else "文件已损坏，或并非真正的 .xlsx"
        return InputError([Problem(f"无法读取 Excel 文件：{detail}（可在 Excel 或 WPS 中打开后另存为 .xlsx 再试）",
                                   getattr(self, "where", self.path))])

    def close(self) -> None:
        handle = self._zip.fp
        self._zip.close()
        if handle is not None and not handle.closed:
            handle.close()

    # ------------------------------------------------------------ package

    def _open(self, part: str) -> IO[bytes]:
        if part not in self._names:
            raise _Refused(f"工作簿缺少部件 {part}")
        return self._zip.open(part)

    def _relationships(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        found: dict[str, str] = {}
        if rels not in self._names:
            return found

        def start(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                resolved = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath(posixpath.join(folder, target))
                found[attrs.get("Id", "")] = resolved
                found["type:" + attrs.get("Type", "").rsplit("/", 1)[-1]] = resolved

        with self._open(rels) as stream:
            for _ in _parse(stream, start=start):
                pass
        return found

    def _workbook(self) -> tuple[list[tuple[str, str, str]], str | None]:
        book = self._relationships("").get("type:officeDocument", "xl/workbook.xml")
        rels = self._relationships(book)
        sheets: list[tuple[str, str, str]] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            if _local(tag) == "sheet" and len(sheets) < 1000:
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), rels.get(rid, "")))

        with self._open(book) as stream:
            for _ in _parse(stream, start=start):
                pass
        return sheets, rels.get("type:sharedStrings")

    def _shared_strings(self) -> list[str]:
        if self._strings is not None:
            return self._strings
        strings: list[str] = []
        parts: list[str] | None = None
        state = _TextState()

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal parts
            local = _local(tag)
            if local == "si":
                parts = []
            elif local == "rPh":
                state.phonetic += 1
            elif local == "t":
                state.inside = True

        def end(tag: str) -> None:
            nonlocal parts
            local = _local(tag)
            if local == "si" and parts is not None:
                strings.append("".join(parts))
                parts = None
                if len(strings) > MAX_STRINGS:
                    raise _Refused(f"共享文字超过 {MAX_STRINGS} 条，不像机构名单（疑似“炸弹”文件）")
            elif local == "rPh":
                state.phonetic -= 1
            elif local == "t":
                state.inside = False

        def text(data: str) -> None:
            if parts is not None and state.inside and not state.phonetic:
                state.chars += len(data)
                if state.chars > MAX_STRING_CHARS:
                    raise _Refused(f"共享文字超过 {MAX_STRING_CHARS} 字，不像机构名单（疑似“炸弹”文件）")
                parts.append(data)

        if self._strings_part:
            with self._open(self._strings_part) as stream:
                for _ in _parse(stream, start, end, text):
                    pass
        self._strings = strings
        return strings

    # ------------------------------------------------------------ rows

    def __iter__(self) -> Generator[tuple[int, list[str]], None, None]:
        try:
            strings = self._shared_strings()
            with self._open(self._part) as stream:
                yield from self._rows(stream, strings)
        except (_Refused, zipfile.BadZipFile, expat.ExpatError, KeyError, ValueError, OSError, EOFError) as exc:
            raise self._broken(exc) from None

    def _rows(self, stream: IO[bytes], strings: list[str]) -> Iterator[tuple[int, list[str]]]:
        ready: list[tuple[int, list[str]]] = []
        hidden_rows = self.hidden_rows
        hidden_rows.clear()
        row: dict[int, str] = {}
        state = _SheetState()

        def start(tag: str, attrs: dict[str, str]) -> None:
            local = _local(tag)
            if local == "c":
                column = _column(attrs.get("r", "")) if attrs.get("r") else state.column + 1
                state.column = column
                state.cells += 1
                if state.cells > MAX_CELLS:
                    raise _Refused(f"工作表的单元格超过 {MAX_CELLS} 个，不像机构名单（疑似“炸弹”文件）")
                state.cell = _Cell(attrs.get("t", "n"), column)
            elif local == "row":
                given = attrs.get("r", "")
                number = int(given) if given.isdigit() else state.row + 1
                if not state.row < number <= 1_048_576:
                    raise _Refused(f"行号 {given} 无效（应递增且不超过 1048576）")
                state.row, state.column = number, -1
                row.clear()
                if attrs.get("hidden") in ("1", "true"):
                    hidden_rows.append(number)
            elif local in ("v", "t") and state.cell is not None:
                state.inside = local
            elif local == "rPh":
                state.phonetic += 1

        def end(tag: str) -> None:
            local, cell = _local(tag), state.cell
            if local in ("v", "t"):
                state.inside = None
            elif local == "rPh":
                state.phonetic -= 1
            elif local == "c" and cell is not None:
                if cell.column < MAX_COLUMNS:
                    row[cell.column] = _value(cell.type, "".join(cell.parts), strings)
                state.cell = None
            elif local == "row":
                if row:
                    ready.append((state.row, [row.get(i, "") for i in range(max(row) + 1)]))

        def text(data: str) -> None:
            if state.inside and state.cell is not None and not state.phonetic:
                state.cell.parts.append(data[:MAX_CELL_CHARS])

        for _ in _parse(stream, start, end, text):
            yield from ready
            ready.clear()


def _value(kind: str, text: str, strings: list[str]) -> str:
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            raise _Refused(f"单元格引用了不存在的共享文字（{text[:20]}）") from None
    if kind in ("inlineStr", "str", "e"):
        return text
    if kind == "b":
        return "TRUE" if text.strip() in ("1", "true") else "FALSE"
    text = text.strip()
    # A phone number typed into Excel is stored as a number: 13800138000, or 1.3800138E10.
    if text and any(c in text for c in ".eE"):
        try:
            number = float(text)
        except ValueError:
            return text
        if number.is_integer() and abs(number) < 1e16:
            return str(int(number))
    return text
