"""One template, many documents: the per-institution batch.

docxtpl re-reads, re-parses and re-renders the whole package for every
document, about 30 a second; a province has tens of thousands of
institutions.  Here the template goes through the ordinary path
(:func:`planmaker.docx_render.render_template`) once, with a marker in place
of every per-institution value.  The package that comes out is cut at the
markers into static pieces, compressed once.  Each document is then those
pieces with its own values between them: no Jinja, no XML parsing, and only
the few hundred bytes of the values themselves to add to the archive.

That is exact only while the template treats the values as opaque text.  A
value is therefore a :class:`Slot`, which refuses to be compared, filtered or
measured: a template that does any of that is rendered the ordinary way,
document by document.  So is a single document whose values the ordinary
path would turn into markup (a tab or line break becomes ``<w:tab/>`` or
``<w:br/>``, a lone 〃 merges its cell into the one above).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from planmaker.office.docx_render import DITTO

# One institution's value in a per-institution document: text the template prints (a marker while the
# template is prepared), or a *shape* value that the layout measures (a count of lines, which header
# values are wide), the same for many institutions.
FieldValue = str | int | float | tuple[bool, ...] | None

_OPEN, _CLOSE = "\ue000", "\ue001"  # Unicode private use: never in a template's own text
# A marker as UTF-8 or as the character references lxml writes for it (openpyxl's sheets).
MARKER = re.compile(rb"(?:\xee\x80\x80|&#57344;|&#xe000;)([0-9]+)(?:\xee\x80\x81|&#57345;|&#xe001;)")
_STRAY = (_OPEN.encode(), _CLOSE.encode(), b"&#57344;", b"&#57345;", b"&#xe000;", b"&#xe001;")
# What docxtpl rewrites in rendered text (resolve_listing, its {_{ escapes),
# what XML cannot hold, and the merge mark: a value with any of these is not
# plain text to docxtpl and takes the ordinary path.
_NOT_PLAIN = re.compile("[\x00-\x1f\x7f\ue000\ue001\ufffe\uffff]|\\{_[{%]|[}%]_\\}")


class SlotInspected(Exception):
    """The template looked inside a per-institution value."""

    passes_through = True  # render_template hands it on rather than report it


class Slot(str):
    """A per-institution value while the template is prepared: a marker that
    may be printed (escaped or not) and nothing else."""

    __slots__ = ()
    _ALLOWED = frozenset({"__class__", "__str__", "__html__", "__repr__"})

    def __getattribute__(self, name):
        if name in Slot._ALLOWED:
            return object.__getattribute__(self, name)
        raise SlotInspected(name)

    def __str__(self) -> str:
        return str.__str__(self)

    def __html__(self) -> str:
        return str.__str__(self)  # the marker is plain ASCII digits between private-use characters

    def __len__(self):
        raise SlotInspected("len")

    def __eq__(self, other):
        raise SlotInspected("==")

    def __ne__(self, other):
        raise SlotInspected("!=")

    def __hash__(self):
        return str.__hash__(self)

    def __bool__(self):
        raise SlotInspected("bool")

    def __contains__(self, item):
        raise SlotInspected("in")

    def __iter__(self):
        raise SlotInspected("iter")

    def __getitem__(self, item):
        raise SlotInspected("[]")

    def __add__(self, other):
        raise SlotInspected("+")

    def __radd__(self, other):
        raise SlotInspected("+")

    def __mod__(self, other):
        raise SlotInspected("%")

    def __lt__(self, other):
        raise SlotInspected("<")

    __le__ = __gt__ = __ge__ = __lt__


def text_escape(value: str) -> bytes:
    # exactly what lxml writes for text content
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


def attribute_escape(value: str) -> bytes:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").encode("utf-8"))


def _deflate_piece(data: bytes) -> bytes:
    """Raw deflate ending on a byte boundary with no reference to what came
    before, so that pieces compressed apart can follow one another."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _stored(data: bytes) -> bytes:
    """Bytes as uncompressed deflate blocks (values are a few dozen bytes)."""
    out = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start:start + 0xFFFF]
        out.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(out)


_FINAL = b"\x03\x00"  # an empty final fixed-Huffman block: the end of the stream


@dataclass
class _Member:
    """A member of the package that holds values: static pieces (raw and
    compressed) with, between them, (slot number, escape) pairs."""

    name: bytes
    flags: int
    dos_time: int
    dos_date: int
    external_attr: int
    raw: tuple[bytes, ...] = ()
    packed: tuple[bytes, ...] = ()
    holes: tuple[tuple[int, Callable[[str], bytes]], ...] = ()


_CACHE_LIMIT = 4096  # distinct values remembered (box marks, blanks, a county's names)


def _local_header(m: _Member, crc: int, compressed: int, size: int) -> bytes:
    return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, m.flags, 8, m.dos_time, m.dos_date,
                       crc, compressed, size, len(m.name), 0) + m.name


def _central_header(m: _Member, crc: int, compressed: int, size: int, offset: int) -> bytes:
    return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, m.flags, 8, m.dos_time, m.dos_date,
                       crc, compressed, size, len(m.name), 0, 0, 0, 0, m.external_attr, offset) + m.name


@dataclass
class PreparedTemplate:
    """A rendered package cut at its per-institution values.

    The members without values come first, already laid out with their
    headers; the few with values (the body, the document properties) follow,
    so only their bytes change from one document to the next."""

    keys: tuple[str, ...]
    head: bytes  # local headers and data of the members without values
    head_directory: bytes  # their central directory entries
    head_count: int
    members: tuple[_Member, ...]
    _values: dict = field(default_factory=dict, repr=False)
    _plain: dict = field(default_factory=dict, repr=False)

    def plain(self, values: Mapping[str, FieldValue]) -> bool:
        """True when these values go into the pieces exactly as the ordinary path would put them."""
        known = self._plain
        for key in self.keys:
            value = values[key]
            if type(value) is not str:
                return False
            verdict = known.get(value)
            if verdict is None:
                if len(known) >= _CACHE_LIMIT:
                    known.clear()
                verdict = known[value] = not (_NOT_PLAIN.search(value) or value.strip() == DITTO)
            if not verdict:
                return False
        return True

    def _value(self, value: FieldValue, escape) -> tuple[bytes, bytes]:
        known = self._values.get((value, escape))
        if known is None:
            if len(self._values) >= _CACHE_LIMIT:
                self._values.clear()
            escaped = escape(value)
            known = self._values[(value, escape)] = (escaped, _stored(escaped))
        return known

    def fill(self, values: Mapping[str, FieldValue]) -> bytes:
        """The document for these values (which must be :meth:`plain`)."""
        ordered = [values[k] for k in self.keys]
        local, central = [self.head], [self.head_directory]
        offset = len(self.head)
        for m in self.members:
            pieces, packed = [m.raw[0]], [m.packed[0]]
            for (slot, escape), raw, comp in zip(m.holes, m.raw[1:], m.packed[1:]):
                value, stored = self._value(ordered[slot], escape)
                pieces += (value, raw)
                packed += (stored, comp)
            packed.append(_FINAL)
            content = b"".join(pieces)
            data = b"".join(packed)
            crc = zlib.crc32(content)
            header = _local_header(m, crc, len(data), len(content))
            local += (header, data)
            central.append(_central_header(m, crc, len(data), len(content), offset))
            offset += len(header) + len(data)
        count = self.head_count + len(self.members)
        directory = b"".join(central)
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
        return b"".join(local) + directory + end


def slots(keys: list[str]) -> dict[str, Slot]:
    """A marker for each value, numbered in the order of ``keys``."""
    return {key: Slot(f"{_OPEN}{number}{_CLOSE}") for number, key in enumerate(keys)}


def prepare(render: Callable[[Mapping[str, FieldValue]], bytes], keys: list[str]) -> PreparedTemplate | None:
    """Cut the package ``render`` makes into pieces around the values named by ``keys``.

    ``render`` is the ordinary path: values in, finished .docx out.  None when
    the template does more with a value than print it.
    """
    try:
        package = render(slots(keys))
    except SlotInspected:
        return None
    return cut(package, keys, split_markup)


def split_markup(content: bytes) -> tuple[list[bytes], list[tuple[int, Callable]]] | None:
    """The static pieces of a part and, between them, each value's slot and
    escape: inside a tag it is an attribute, else text."""
    pieces = MARKER.split(content)
    raw, holes = pieces[0::2], []
    for number, before in zip(pieces[1::2], raw):
        escape = attribute_escape if before.rfind(b"<") > before.rfind(b">") else text_escape
        holes.append((int(number), escape))
    return raw, holes


def cut(package: bytes, keys: list[str], split, kind: type = PreparedTemplate, **more):
    """A package rendered with markers as a prepared template: ``split`` cuts
    one part's bytes into static pieces and holes, or gives None to refuse."""
    head, head_directory, members = [], [], []
    offset = 0
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            year, month, day, hour, minute, second = info.date_time
            member = _Member(info.filename.encode("utf-8"), 0x800 if not info.filename.isascii() else 0,
                             hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day,
                             info.external_attr)
            if not any(stray in content for stray in _STRAY):
                data = _raw_member(package, info)
                local = _local_header(member, info.CRC, len(data), info.file_size)
                head += (local, data)
                head_directory.append(_central_header(member, info.CRC, len(data), info.file_size, offset))
                offset += len(local) + len(data)
                continue
            found = split(content)
            if found is None:
                return None
            raw, holes = found
            if any(stray in piece for piece in raw for stray in _STRAY):
                return None  # a marker was cut or rewritten: the values are not plain text
            member.raw = tuple(raw)
            member.packed = tuple(_deflate_piece(piece) for piece in raw)
            member.holes = tuple(holes)
            members.append(member)
    return kind(tuple(keys), b"".join(head), b"".join(head_directory), len(head_directory), tuple(members), **more)


def _raw_member(package: bytes, info: zipfile.ZipInfo) -> bytes:
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ValueError(f"{info.filename}: 只支持 deflate 压缩的成员")
    start = info.header_offset
    name_length, extra_length = struct.unpack("<HH", package[start + 26:start + 30])
    begin = start + 30 + name_length + extra_length
    return package[begin:begin + info.compress_size]

