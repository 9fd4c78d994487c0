"""What the three-way merges of documents share (office/docx_merge.py, office/xlsx_merge.py):
their result, their refusal and how a package gets a part replaced."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field


class MergeRefused(Exception):
    """The merge cannot be done safely; the message (Chinese) says why."""


@dataclass
class MergeResult:
    data: bytes
    changes: int = 0
    conflicts: list[str] = field(default_factory=list)  # where: the first words of the place, or a cell


def first_words(text: str, length: int = 16) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length] + "…"


def replace_parts(package: bytes, parts: dict[str, bytes]) -> bytes:
    """The package with some parts replaced; every other part, and the order, as they were."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = parts[info.filename] if info.filename in parts else source.read(info.filename)
            copied = zipfile.ZipInfo(info.filename, info.date_time)
            copied.compress_type = zipfile.ZIP_DEFLATED
            copied.external_attr = info.external_attr
            target.writestr(copied, content)
    return out.getvalue()


def read_part(package: bytes, name: str, who: str, limit: int = 32 * 1024 * 1024) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            if archive.getinfo(name).file_size > limit:
                raise MergeRefused(f"{who}的 {name} 过大")
            return archive.read(name)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise MergeRefused(f"{who}无法读取（{exc}）") from None
