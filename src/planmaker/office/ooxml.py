"""Byte-for-byte reproducible Office files.

python-docx and openpyxl stamp zip entries with the clock and write document
properties from it; the same plan must give the same bytes, so both are
replaced by a date taken from the plan.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable

EPOCH = dt.datetime(2000, 1, 1)


def stable_zip(data: bytes, when: dt.datetime = EPOCH) -> bytes:
    """Rewrite a zip package with fixed timestamps and attributes, members in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    return stable_package(members, when)


def stable_package(members: Iterable[tuple[str, bytes]], when: dt.datetime = EPOCH) -> bytes:
    """A zip package of ``members`` in the order given, its timestamps and attributes fixed by ``when``."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for name, data in members:
            member = zipfile.ZipInfo(name, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            member.create_system = 0
            if name == "docProps/core.xml":
                data = _pin_modified(data, when)
            target.writestr(member, data)
    return out.getvalue()


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _pin_modified(core: bytes, when: dt.datetime) -> bytes:
    # openpyxl stamps "modified" with the clock on save, whatever was set before
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", core)


CORE_TEXT_LIMIT = 255  # python-docx refuses longer core properties (Word shows them in one line anyway)


def core_text(text: str) -> str:
    return text if len(text) <= CORE_TEXT_LIMIT else text[:CORE_TEXT_LIMIT - 1] + "…"
