"""Zip files of a few hundred KB whose one member inflates to hundreds of MB: the hostile inputs of
every reader of .docx and .xlsx.  Each is packed once a process (packing 300 MB takes a second)."""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path

MB = 1 << 20


def zip_bomb(path: Path, member: str, megabytes: int, fill: bytes = b"\0",
             before: tuple[tuple[str, str], ...] = ()) -> None:
    """Write to ``path`` a zip whose ``member`` inflates to ``megabytes`` of ``fill`` repeated,
    after the small members ``before`` (name, text)."""
    path.write_bytes(_packed(member, megabytes, fill, before))


@functools.cache
def _packed(member: str, megabytes: int, fill: bytes, before: tuple[tuple[str, str], ...]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in before:
            archive.writestr(_entry(name), text)
        with archive.open(_entry(member), "w", force_zip64=True) as out:
            block = fill * (MB // len(fill))
            for _ in range(megabytes):
                out.write(block)
    return buffer.getvalue()


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo is stored unless told
    return entry
