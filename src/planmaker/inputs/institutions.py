"""Lists of medical institutions, as clerks keep them in Excel.

A county's list arrives as an .xlsx or a .csv saved from Excel or WPS, with
Chinese headers that vary from office to office and categories written the
way people speak ("乡镇卫生院", "二甲", "民营").  This module reads such a file
into :class:`Institution` records whose category, grade and ownership are the
canonical names of ``profiles/_institutions.yaml``, reporting every problem at
once with the row number the clerk sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import functools
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO

from planmaker.base import notices, textclean
from planmaker.base.errors import InputError, Problem, os_problem
from planmaker.inputs.institution_terms import Term, Vocabulary, load_vocabulary, term_key
from planmaker.inputs.models import Institution
from planmaker.inputs.validation import did_you_mean
from planmaker.inputs.xlsx_rows import XlsxRows

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_NAME_CHARS = 200
# Past this many the clerk has the wrong file or the wrong column, and a
# screenful of the same complaint hides nothing the first hundred do not show.
MAX_PROBLEMS = 100
# A title row ("某某县医疗机构名单") or two often sits above the header.
HEADER_SEARCH_ROWS = 10

# Accepted headers per field; the first is what messages call a missing column.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "机构名称", "医疗机构名称", "单位名称", "名字"),
    "address": ("地址", "机构地址", "详细地址", "单位地址"),
    "category": ("类别", "机构类别", "医疗机构类别", "类型", "机构类型"),
    "grade": ("等级", "医院等级", "级别", "评审等级"),
    "ownership": ("性质", "所有制", "所有制形式", "经济类型", "举办性质", "机构性质", "办医性质"),
    "contact": ("联系人", "负责人", "法定代表人"),
    "phone": ("联系电话", "电话", "手机", "联系方式", "手机号码"),
}
REQUIRED = ("name", "category")


# ---------------------------------------------------------------- reading

def read_institutions(path: Path, vocabulary: Vocabulary | None = None) -> list[Institution]:
    """The institutions listed in an .xlsx or .csv file, in the file's order."""
    return list(InstitutionFile(path, vocabulary))


class InstitutionFile:
    """An institution list that stays in its file: read once to check every
    row (so that a bad row stops the build before anything is written), then
    streamed again row by row, so that a province's list of a hundred
    thousand institutions costs no more memory than a county's."""

    def __init__(self, path: Path, vocabulary: Vocabulary | None = None):
        self.path = Path(path)
        self.vocabulary = vocabulary or load_vocabulary()
        _check_file(self.path)
        # Read from a private copy, both times: a clerk who saves the list while
        # a build runs changes nothing in the build that is under way.
        self._source = Snapshot(self.path)
        problems: list[Problem] = []
        self._count = sum(1 for _ in self._records(problems, first=True))
        if len(problems) > MAX_PROBLEMS:
            hidden = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS] + [Problem(f"另有 {hidden} 处问题未列出，请先改正以上各处", self.path)]
        if problems:
            raise InputError(problems)
        if not self._count:
            raise InputError.single("表头之后没有任何机构", self.path, self._header_row)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Institution]:
        problems: list[Problem] = []
        yield from self._records(problems)
        if problems:  # the file changed since it was checked
            raise InputError(problems)

    def _records(self, problems: list[Problem], first: bool = False) -> Iterator[Institution]:
        path = self.path
        reader: XlsxRows | None = None
        where: Path | str = path
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            reader = XlsxRows(self._source, path)
            where, rows = reader.where, iter(reader)
        else:
            rows = _csv_rows(self._source, path)
        try:
            self._header_row, columns = _find_header(rows, where)
            yield from _read_body(rows, columns, self.vocabulary, where, problems)
        finally:
            rows.close()  # closes the file even on error
            if reader is not None:
                reader.close()
        if first and reader is not None:
            _warn_unseen(reader, self._header_row)


def _warn_unseen(reader: XlsxRows, header_row: int) -> None:
    """What a clerk looking at the file in Excel does not see, said once."""
    if reader.skipped:
        notices.warn(Problem(f"隐藏的工作表 {'、'.join(f'“{n}”' for n in reader.skipped)} 未读取；"
                             f"机构名单取自第一张可见的工作表“{reader.sheet}”", reader.path, severity="warning"))
    hidden = [n for n in reader.hidden_rows if n > header_row]
    if hidden:
        shown = "、".join(map(str, hidden[:10])) + ("等" if len(hidden) > 10 else "")
        notices.warn(Problem(f"第 {shown} 行（共 {len(hidden)} 行）被筛选或隐藏，在 Excel 中看不到，但仍计入名单；"
                             "如不应包括，请删去这些行", reader.where, severity="warning"))


class Snapshot:
    """A private copy of a file, to be read as often as needed.  The copy has
    no name (a temporary file unlinked at once, removed by Windows on close),
    so nothing is left behind, even when the process is killed."""

    def __init__(self, path: Path):
        self._file = tempfile.TemporaryFile()
        try:
            from planmaker.base.inputfile import open_regular

            with os.fdopen(open_regular(path, "无法读取机构名单"), "rb") as original:
                copied = 0
                for block in iter(lambda: original.read(1 << 20), b""):
                    copied += len(block)
                    if copied > MAX_FILE_BYTES:  # grew past the cap since it was measured
                        raise InputError.refused(f"文件过大（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）", path)
                    self._file.write(block)
            self._file.flush()
        except OSError as exc:
            self._file.close()
            raise InputError([os_problem(exc, path, "无法读取机构名单")]) from None
        except InputError:
            self._file.close()
            raise

    def open(self, mode: str = "rb") -> IO[bytes]:
        """A handle from the start of the copy (one at a time: handles share a position)."""
        handle = os.fdopen(os.dup(self._file.fileno()), "rb")
        handle.seek(0)
        return handle


def _check_file(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        hint = "旧版 .xls 请先在 Excel 中另存为 .xlsx；" if suffix == ".xls" else ""
        raise InputError.single(
            f"不支持的文件类型 “{path.suffix or '（无扩展名）'}”：{hint}机构名单应为 .xlsx 或 .csv 文件", path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError.single("文件不存在", path) from None
    except OSError as exc:  # a link loop, a name too long
        raise InputError([os_problem(exc, path, "无法读取机构名单")]) from None
    if not path.is_file():
        raise InputError.single("这不是一个文件", path)
    if size > MAX_FILE_BYTES:
        raise InputError.single(
            f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {MAX_FILE_BYTES // 1024 // 1024} MB，"
            "请确认选对了文件", path)


Rows = Generator[tuple[int, list[str]], None, None]


# What XML forbids, and DEL, which no one means to type.
_CONTROL = re.compile(f"{textclean.FORBIDDEN.pattern}|\x7f")


def _cell_text(value: object) -> str:
    """The cell as text, control characters still in: they are removed, with a
    warning, where the row and the column are known."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel stores a typed-in phone number as a float: 13800138000.0.
        value = int(value)
    return str(value)


_SPACES = re.compile(r"[^\S\u3000]+")


def _tidy(text: str) -> tuple[str, int]:
    """One line, single spaces: Alt+Enter inside a cell is layout, not
    content.  Other control characters are invalid in the XML of a .docx and
    are removed; the count says how many."""
    cleaned, count = _CONTROL.subn("", text)
    # Line breaks and runs of spaces become one space; a full-width space
    # (U+3000), which clerks type on purpose, stays as typed.
    return _SPACES.sub(" ", cleaned).strip(" \u3000"), count


def _detect_encoding(source: Snapshot, path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030 (a superset of the GBK that Excel and WPS
    write on Chinese Windows).  The whole file is checked, chunk by chunk,
    because a header in ASCII would say nothing about the rows below it."""
    with source.open("rb") as handle:
        head = handle.read(4)
        if head == b"PK\x03\x04":
            raise InputError.single("这是 Excel（.xlsx）文件而扩展名是 .csv，请把扩展名改为 .xlsx", path)
        if head == b"\xd0\xcf\x11\xe0":
            raise InputError.single("这是旧版 Excel（.xls）文件而扩展名是 .csv，请在 Excel 中另存为 .xlsx", path)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise InputError.single(
                "文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）”", path)
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _csv_rows(source: Snapshot, path: Path) -> Rows:
    encoding = _detect_encoding(source, path)
    number = 0
    with source.open("rb") as handle:
        # Decoded line by line rather than through a text wrapper, so that an
        # undecodable byte is reported at its row, not at the first read.
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = (decoder.decode(line) for line in handle)
        try:
            # Numbered by record, not by line: a quoted cell may hold a line
            # break, and Excel still shows that record as one row.
            for number, cells in enumerate(csv.reader(lines), start=1):
                yield number, [_cell_text(c) for c in cells]
            decoder.decode(b"", final=True)  # a character cut off at the very end
        except UnicodeDecodeError:
            raise InputError.single(
                "文件编码无法识别（既不是 UTF-8 也不是 GBK），请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                path, number + 1) from None
        except csv.Error as exc:
            detail = "含有空字符，不是文本文件" if "NUL" in str(exc) else str(exc)
            if "field larger than field limit" in str(exc):
                detail = f"单元格内容过长（超过 {csv.field_size_limit()} 字），请确认选对了文件"
            raise InputError.single(f"CSV 格式错误：{detail}", path, number + 1) from None


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # "名称（全称）", "*类别", "联系电话：" all name the same column.
    text = re.sub(r"[(\[【].*?[)\]】]", "", text)
    return re.sub(r"[\s*:]", "", text)


_HEADERS = {_header_key(h): (field, rank) for field, names in COLUMNS.items()
            for rank, h in enumerate(names)}


def _find_header(rows: Rows, path: Path | str) -> tuple[int, dict[str, tuple[int, str]]]:
    """The header's row number and, per field, its column index and header text."""
    first_seen: tuple[int, list[str]] | None = None
    for number, cells in rows:
        cells = [_tidy(cell)[0] for cell in cells]
        if first_seen is None and any(cells):
            first_seen = (number, cells)
        chosen: dict[str, tuple[int, int, str]] = {}
        for index, cell in enumerate(cells):
            match = _HEADERS.get(_header_key(cell))
            if match is None:
                continue  # unknown columns (序号, 备注…) are none of our business
            field, rank = match
            # With both "联系人" and "法定代表人", the closer name wins.
            if field not in chosen or rank < chosen[field][0]:
                chosen[field] = (rank, index, cell)
        if chosen:
            missing = [COLUMNS[f] for f in REQUIRED if f not in chosen]
            if missing:
                raise InputError.single(_missing_columns(missing, cells), path, number)
            return number, {f: (index, cell) for f, (_, index, cell) in chosen.items()}
        if number >= HEADER_SEARCH_ROWS:
            break
    if first_seen is None:
        raise InputError.single("文件是空的，没有表头行", path)
    missing = [COLUMNS[f] for f in REQUIRED]
    raise InputError.single(_missing_columns(missing, first_seen[1]), path, first_seen[0])


def _missing_columns(missing: list[tuple[str, ...]], cells: list[str]) -> str:
    wanted = "；".join(f"“{names[0]}”（也可写作 {'、'.join(names[1:])}）" for names in missing)
    found = "、".join(f"“{c}”" for c in cells if c) or "（无）"
    return f"缺少必需的列 {wanted}。表头中找到的列：{found}"


def _read_body(rows: Rows, columns: dict[str, tuple[int, str]], vocabulary: Vocabulary,
               path: Path | str, problems: list[Problem]) -> Iterator[Institution]:
    first_row_of: dict[str, int] = {}
    label = {field: header for field, (_, header) in columns.items()}

    def problem(message: str, number: int, field: str) -> None:
        problems.append(Problem(message, path, number, label[field]))

    for number, cells in rows:
        values = {}
        for field, (i, header) in columns.items():
            values[field], removed = _tidy(cells[i]) if i < len(cells) else ("", 0)
            if removed:
                notices.warn(Problem(f"删去了 {removed} 个文档中不允许的控制字符（{_describe(cells[i])}）",
                                     path, number, header))
        if not any(values.values()):
            continue  # Excel keeps blank and pre-numbered rows; they list nobody
        name = values["name"]
        if not name:
            problem("机构名称为空", number, "name")
        elif len(name) > MAX_NAME_CHARS:
            problem(f"机构名称过长（{len(name)} 字，上限 {MAX_NAME_CHARS} 字）", number, "name")
        else:
            first = first_row_of.setdefault(term_key(name), number)
            if first != number:
                problem(f"机构 “{name}” 与第{first}行重复", number, "name")

        category = _category(values["category"], vocabulary, functools.partial(problem, number=number, field="category"))
        grade = ownership = ""
        if "grade" in values:
            found = vocabulary.grade(values["grade"])
            if found is None:
                problem(_unknown("等级", values["grade"], vocabulary.grades), number, "grade")
            grade = found or ""
        if "ownership" in values:
            found = vocabulary.ownership(values["ownership"])
            if found is None:
                problem(_unknown("性质", values["ownership"], vocabulary.ownerships), number, "ownership")
            ownership = found or ""

        if not problems:  # once the file is known bad, records are never returned
            yield Institution(
                name=name, category=category, grade=grade, ownership=ownership,
                address=values.get("address", ""), contact=values.get("contact", ""),
                phone=values.get("phone", ""))


def _describe(text: str) -> str:
    return "、".join(sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(text)}))


def _category(text: str, vocabulary: Vocabulary, report: Callable[[str], None]) -> str:
    names = [t.name for t in vocabulary.categories]
    listing = f"可用的类别：{'、'.join(names)}"
    if not text:
        # Unlike grade and ownership, the statistics forms count every
        # institution under its category: none would leave it uncounted.
        report(f"类别为空。{listing}")
        return ""
    found = vocabulary.category_candidates(text)
    if len(found) == 1:
        return found[0]
    if found:
        report(f"类别 “{text}” 无法确定：可能是 {'、'.join(found)}，请写明其中之一")
    else:
        spellings = names + [a for t in vocabulary.categories for a in t.aliases]
        report(f"无法识别的类别 “{text}”{did_you_mean(text, spellings)}。{listing}")
    return ""


def _unknown(what: str, text: str, terms: tuple[Term, ...]) -> str:
    spellings = [t.name for t in terms] + [a for t in terms for a in t.aliases]
    listing = "、".join(t.name for t in terms)
    return f"无法识别的{what} “{text}”{did_you_mean(text, spellings)}。可填：{listing}；不清楚可留空"


