"""Carrying a regenerated .xlsx into the copy a unit or the clerk filled in: cell by cell.

A cell the unit changed (filled in, corrected) is never touched.  A cell nobody changed takes
what the new version has there (a changed label, title or date).  Where both changed one cell
the unit's stays and the cell is listed as a conflict.  Only the cells that change are
rewritten in the sheet's XML; everything else in the file (styles, widths, what Excel or WPS
added) stays as the unit saved it.  Spreadsheets have no tracked changes that Excel, WPS and
LibreOffice all show, so the report lists what changed.

A workbook whose shape the new version changed (sheets, merged cells, rows filled) is not merged
cell by cell: the cells would not mean the same any more; the new version goes beside it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from planmaker.office.merging import MergeRefused, MergeResult, first_words, replace_parts
from planmaker.office.xlsx_read import EMPTY, RawCell, Workbook, XlsxError, column_index, split_ref

_MERGES = re.compile(rb"<(?:\w+:)?mergeCell [^>]*>")


def _book(data: bytes, who: str) -> Workbook:
    try:
        return Workbook(data)
    except XlsxError as exc:
        raise MergeRefused(f"{who}：{exc}") from None


def _cells(book: Workbook, sheet: str, who: str) -> dict[str, RawCell]:
    try:
        return {ref: cell for ref, cell in book.cells(sheet).items() if _value(cell) is not None}
    except XlsxError as exc:
        raise MergeRefused(f"{who}：{exc}") from None


def _value(cell: RawCell):
    """What a cell holds, for comparing: an empty text is nothing."""
    if cell.kind == "" or (cell.kind == "s" and cell.value == ""):
        return None
    return (cell.kind, cell.value, cell.formula)


def merge_xlsx(base: bytes, ours: bytes, theirs: bytes) -> MergeResult:
    """``ours`` with the cells that changed from ``base`` to ``theirs`` and that nobody changed in
    ``ours`` updated; conflicts listed as 工作表!单元格 and the unit's first words."""
    books = [_book(base, "上次生成的版本"), _book(ours, "您修改后的文件"), _book(theirs, "新生成的版本")]
    base_book, ours_book, theirs_book = books
    if base_book.sheet_names() != theirs_book.sheet_names():
        raise MergeRefused("新版本的工作表有增减，无法逐格合并")
    changed_parts: dict[str, bytes] = {}
    changes, conflicts = 0, []
    for sheet in base_book.sheet_names():
        part = ours_book.sheet_part(sheet)
        if part is None:
            raise MergeRefused(f"您的文件中没有工作表“{sheet}”")
        _refuse_reshaped(base_book, theirs_book, sheet)
        b, o, t = (_cells(book, sheet, who) for book, who in zip(books, ("上次生成的版本", "您修改后的文件", "新生成的版本")))
        if {split_ref(ref)[1] for ref in b} != {split_ref(ref)[1] for ref in t}:
            raise MergeRefused(f"新版本中工作表“{sheet}”的行有增减，无法逐格合并")
        updates: dict[str, RawCell] = {}
        for ref in sorted(set(b) | set(o) | set(t), key=_order):
            was, now, new = (_value(cells.get(ref, EMPTY)) for cells in (b, o, t))
            if new == was or now == new:
                continue
            if now == was:
                if any(cells.get(ref, EMPTY).formula is not None for cells in (o, t)):
                    conflicts.append(f"{sheet}!{ref}")  # a formula is not rewritten
                    continue
                updates[ref] = t.get(ref, EMPTY)
            else:
                conflicts.append(f"{sheet}!{ref}：{first_words(_shown(o.get(ref, EMPTY)))}")
        if updates:
            changed_parts[part] = _write_cells(ours_book.part_bytes(part), updates)
            changes += len(updates)
    if not changed_parts:
        return MergeResult(ours, 0, conflicts)
    return MergeResult(replace_parts(ours, changed_parts), changes, conflicts)


def _refuse_reshaped(base_book: Workbook, theirs_book: Workbook, sheet: str) -> None:
    shapes = []
    for book in (base_book, theirs_book):
        part = book.sheet_part(sheet)
        if part is None:
            raise MergeRefused(f"工作表“{sheet}”无法读取")
        shapes.append(sorted(_MERGES.findall(book.part_bytes(part))))
    if shapes[0] != shapes[1]:
        raise MergeRefused(f"新版本中工作表“{sheet}”的合并单元格有变化，无法逐格合并")


def _order(ref: str) -> tuple[int, int]:
    letters, row = split_ref(ref)
    return row, column_index(letters)


def _shown(cell: RawCell) -> str:
    return "" if cell.value is None else str(cell.value)


def _write_cells(sheet_xml: bytes, updates: dict[str, RawCell]) -> bytes:
    try:
        root = etree.fromstring(sheet_xml, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise MergeRefused(f"工作表不是有效的 XML（{exc}）") from None
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    q = (lambda tag: f"{{{ns}}}{tag}") if ns else (lambda tag: tag)
    data = root.find(q("sheetData"))
    if data is None:
        data = etree.SubElement(root, q("sheetData"))
    for ref, cell in updates.items():
        _set(_cell_element(data, ref, q), cell, q)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _cell_element(data, ref: str, q):
    letters, number = split_ref(ref)
    row = None
    for candidate in data.iter(q("row")):
        at = int(candidate.get("r") or 0)
        if at == number:
            row = candidate
            break
        if at > number:
            row = etree.Element(q("row"), r=str(number))
            candidate.addprevious(row)
            break
    if row is None:
        row = etree.SubElement(data, q("row"), r=str(number))
    column = column_index(letters)
    for c in row.iter(q("c")):
        if c.get("r") == ref:
            return c
        if c.get("r") and column_index(split_ref(c.get("r"))[0]) > column:
            made = etree.Element(q("c"), r=ref)
            c.addprevious(made)
            return made
    return etree.SubElement(row, q("c"), r=ref)


def _set(c, cell: RawCell, q) -> None:
    """A cell's value from the new version; its style (``s``) stays the unit's."""
    for child in list(c):
        c.remove(child)
    c.attrib.pop("t", None)
    if cell.kind == "s":
        c.set("t", "inlineStr")
        text = etree.SubElement(etree.SubElement(c, q("is")), q("t"))
        text.text = str(cell.value)
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    elif cell.kind == "n" and isinstance(cell.value, Decimal):
        etree.SubElement(c, q("v")).text = str(cell.value)
    elif cell.kind == "b":
        c.set("t", "b")
        etree.SubElement(c, q("v")).text = "1" if cell.value else "0"
    elif cell.kind in ("d", "e"):
        c.set("t", "str")
        etree.SubElement(c, q("v")).text = str(cell.value)
