"""The small parts of an .xlsx package that every form has alike, parsed apart from the
cells (xlsx_read): the sheets of the workbook, the relationships, the styles that show a
number as a date, and the leading rows of a metadata sheet."""

from __future__ import annotations

import re
from decimal import Decimal

# Built-in number formats that show a date or a time (ECMA-376 §18.8.30).
_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_DATE_CODE = re.compile(r"[ymdhsYMDHS]")
_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb'\sr="([0-9]{1,7})"')


def leading_rows(data: bytes) -> bytes | None:
    """The sheet's XML with only its rows numbered 1, 2, 3, … up to the first gap (the
    key/value block of a metadata sheet), the rest of the sheet as it was; None when the
    rows are not numbered plainly (then the whole sheet is read)."""
    cut, expected = None, 1
    for match in _ROW_START.finditer(data):
        end = data.find(b">", match.start())
        number = _ROW_NUMBER.search(data, match.start(), end)
        if end < 0 or number is None:
            return None
        if int(number.group(1)) != expected:
            cut = match.start()
            break
        expected += 1
    if cut is None:
        return data
    close = data.find(b"sheetData>", cut)
    tail = data.rfind(b"</", cut, close) if close >= 0 else -1
    if tail < 0:
        return None
    return data[:cut] + data[tail:]


def sheet_list(root) -> list[tuple[str, str, str | None]]:
    """(name, state, relationship id) of each sheet of a workbook part."""
    ns = namespace(root)
    return [(sheet.get("name", ""), sheet.get("state", "visible"),
             next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None))
            for sheet in root.iter(f"{{{ns}}}sheet")]


def relationship_list(root) -> list[tuple[str, str, str]]:
    """(id, type's last word, target as written) of each internal relationship."""
    return [(rel.get("Id", ""), rel.get("Type", "").rsplit("/", 1)[-1], rel.get("Target", ""))
            for rel in root if rel.get("TargetMode") != "External"]


def date_style_set(root) -> frozenset[str]:
    ns = namespace(root)
    custom = {}
    for fmt in root.iter(f"{{{ns}}}numFmt"):
        code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt.get("formatCode", ""))
        custom[fmt.get("numFmtId", "")] = bool(_DATE_CODE.search(code)) and "General" not in code
    xfs = root.find(f"{{{ns}}}cellXfs")
    found = set()
    for index, xf in enumerate(xfs if xfs is not None else ()):
        fmt_id = xf.get("numFmtId", "0")
        if custom.get(fmt_id) or (fmt_id.isdigit() and int(fmt_id) in _DATE_FORMATS):
            found.add(str(index))
    return frozenset(found)


def serial_date(serial: Decimal) -> str:
    """A spreadsheet's day number as the date it shows (1900 system)."""
    import datetime as dt

    try:
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(serial))
    except (OverflowError, ValueError):
        return str(serial)
    return day.isoformat()


def namespace(root) -> str:
    return root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
