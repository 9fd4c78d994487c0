"""One workbook, many institutions: the prepared-workbook path.

openpyxl builds a per-institution workbook in tens of milliseconds, most of
it looking styles up; a province has tens of thousands of institutions.  As
for the .docx (docx_batch), the workbook is laid out once by the ordinary
path (openpyxl, whatever styles, merges, validations, protection and print
settings it sets) with a marker in place of each per-institution value, and
the package is cut at the markers.  openpyxl writes every text as an inline
string (``<c t="inlineStr"><is><t>…</t></is></c>``), so there is no shared-
string table to rebuild: a cell that holds nothing but a value becomes a
hole that writes the whole cell's content (text, a number, or nothing, as
openpyxl would write it); a value inside a longer text is escaped into it.

What the layout measures (a row grown for a long name) cannot be cut: such
facts are passed as *shape* values, ordinary values that are not markers.
The workbook is prepared once per distinct shape (a handful), and the first
document of each shape is checked against openpyxl part by part (canonical
XML); any difference, and that shape takes the ordinary path.  So does a
value openpyxl would treat differently from plain text (a leading “=”, an
error code, a control character, more than 32,767 characters).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from xml.etree import ElementTree

from planmaker.office.docx_batch import (
    MARKER,
    FieldValue,
    PreparedTemplate,
    SlotInspected,
    attribute_escape,
    cut,
    slots,
    text_escape,
)

_INLINE_OPEN = b' t="inlineStr"><is><t>'
_INLINE_CLOSE = b"</t></is></c>"
_NOT_PLAIN = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ue000\ue001\ufffe\uffff]")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_TEXT_LIMIT = 32767  # openpyxl cuts a longer text; Excel holds no more in a cell
_CACHE_LIMIT = 4096


def cell_content(value) -> bytes:
    """What openpyxl writes after ``<c r=… s=…`` for a cell holding ``value``."""
    if value is None:
        return b' t="n"></c>'
    if type(value) is str:
        if not value:
            return b' t="inlineStr"></c>'
        space = b' xml:space="preserve"' if value != value.strip() else b""
        return b' t="inlineStr"><is><t' + space + b">" + text_escape(value) + _INLINE_CLOSE
    return b' t="n"><v>' + f"{value:.16g}".encode() + b"</v></c>"  # as openpyxl's safe_string


def split_sheet(content: bytes):
    """Like docx_batch.split_markup, but a marker that is a cell's whole text
    becomes a hole for the cell's whole content."""
    pieces = MARKER.split(content)
    raw, holes = list(pieces[0::2]), []
    for k, number in enumerate(pieces[1::2]):
        before, after = raw[k], raw[k + 1]
        start = before.rfind(b"<", 0, len(before) - len(_INLINE_OPEN))
        if (before.endswith(_INLINE_OPEN) and after.startswith(_INLINE_CLOSE) and before[start:start + 3] == b"<c "
                and b">" not in before[start:len(before) - len(_INLINE_OPEN)]):
            raw[k], raw[k + 1] = before[:-len(_INLINE_OPEN)], after[len(_INLINE_CLOSE):]
            holes.append((int(number), cell_content))
            continue
        escape = attribute_escape if before.rfind(b"<") > before.rfind(b">") else text_escape
        holes.append((int(number), escape))
    return raw, holes


@dataclass
class PreparedWorkbook(PreparedTemplate):
    """A workbook of one shape cut at its values."""

    whole: frozenset = frozenset()  # slots that are only ever a cell's whole content
    checked: bool = False
    _verdicts: dict = field(default_factory=dict, repr=False)

    def plain(self, values: Mapping[str, FieldValue]) -> bool:
        known = self._verdicts
        for slot, key in enumerate(self.keys):
            value = values[key]
            verdict = known.get((slot, type(value), value))
            if verdict is None:
                if len(known) >= _CACHE_LIMIT:
                    known.clear()
                verdict = known[(slot, type(value), value)] = self._judge(slot, value)
            if not verdict:
                return False
        return True

    def _judge(self, slot: int, value) -> bool:
        whole = slot in self.whole
        if value is None or type(value) in (int, float):
            return whole and (value is None or math.isfinite(value))
        if type(value) is not str or len(value) > _TEXT_LIMIT or _NOT_PLAIN.search(value):
            return False
        if value[:1] == "=" or value in _ERROR_CODES:
            return False  # openpyxl would make it a formula or an error unless told otherwise
        return whole or value == value.strip()  # at a text's edge, a space would change xml:space


def _holes_of(prepared: PreparedTemplate) -> frozenset:
    kinds: dict[int, set] = {}
    for member in prepared.members:
        for slot, escape in member.holes:
            kinds.setdefault(slot, set()).add(escape is cell_content)
    return frozenset(slot for slot, whole in kinds.items() if whole == {True})


def canonical_parts(data: bytes) -> dict[str, bytes]:
    """Each part of a package, XML in canonical form (character references and
    empty-element tags spelled one way), for comparing two ways of writing it."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            if name.endswith((".xml", ".rels")):
                content = ElementTree.canonicalize(content.decode("utf-8")).encode("utf-8")
            found[name] = content
    return found


class PreparedWorkbooks:
    """The prepared workbooks of one kind of per-institution workbook, one per
    shape, prepared when first met.  Values not named in ``keys`` are the shape."""

    def __init__(self, render: Callable[[Mapping[str, FieldValue]], bytes] | None, keys: list[str]):
        self.render = render
        self.keys = list(keys)
        self._keyset = frozenset(keys)
        self.shapes: dict[tuple, PreparedWorkbook | None] = {}

    def __getstate__(self):  # a spawned worker gets the prepared shapes, not the renderer
        return {**self.__dict__, "render": None}

    def shape(self, values: Mapping[str, FieldValue]) -> tuple:
        return tuple((key, value) for key, value in values.items() if key not in self._keyset)

    def _prepared(self, values: Mapping[str, FieldValue]) -> PreparedWorkbook | None:
        shape = self.shape(values)
        if shape not in self.shapes:
            if self.render is None:
                return None
            self.shapes[shape] = self._prepare(values)
        prepared, render = self.shapes[shape], self.render
        if prepared is not None and not prepared.checked and render is not None and prepared.plain(values):
            # Belt and braces: the first document of a shape must be openpyxl's, part for part.
            prepared.checked = True
            if canonical_parts(prepared.fill(values)) != canonical_parts(render(values)):
                prepared = self.shapes[shape] = None
        return prepared

    def _prepare(self, values: Mapping[str, FieldValue]) -> PreparedWorkbook | None:
        assert self.render is not None
        try:
            package = self.render({**values, **slots(self.keys)})
        except SlotInspected:
            return None
        prepared = cut(package, self.keys, split_sheet, PreparedWorkbook)
        if prepared is not None:
            prepared.whole = _holes_of(prepared)
        return prepared

    def plain(self, values: Mapping[str, FieldValue]) -> bool:
        prepared = self._prepared(values)
        return prepared is not None and prepared.checked and prepared.plain(values)

    def fill(self, values: Mapping[str, FieldValue]) -> bytes:
        """The workbook for these values (which must be :meth:`plain`)."""
        prepared = self.shapes[self.shape(values)]
        assert prepared is not None
        return prepared.fill(values)


def prepare_workbooks(render: Callable[[Mapping[str, FieldValue]], bytes], keys: list[str]) -> PreparedWorkbooks:
    return PreparedWorkbooks(render, keys)
