"""A generated file, in memory until it is written, and the names files may take.

Every layer that makes a document hands back Artifacts; only the commands
layer writes them (commands/output.py)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_NAME_BYTES = 180
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\ud800-\udfff]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
# How a new version is named beside a file the user edited (commands/output.py):
# no generated name may end so, or an institution called “甲医院（新生成）” would
# take the place of the copy beside 甲医院's edited checklist.
_BESIDE_MARK = re.compile(r"（新生成\d*）$")


def safe_filename(name: str, fallback: str = "未命名") -> str:
    """A file name that is safe on Windows, macOS and Linux and stays one name."""
    name = unicodedata.normalize("NFC", name)
    # Zero-width and direction marks (format characters) are invisible: two
    # names that differ only by them would look alike, or read backwards.
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    name = _FORBIDDEN.sub("_", name)
    name = name.strip(" .\u3000")
    if not name or set(name) <= {"_", "."}:
        name = fallback
    if _RESERVED.match(name):
        name = "_" + name
    if _BESIDE_MARK.search(name):
        name += "_"
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        name = encoded[:MAX_NAME_BYTES].decode("utf-8", errors="ignore").rstrip(" .")
        if _BESIDE_MARK.search(name):
            name = name[:-1] + "_"
    return name


def shown_path(path: object) -> str:
    """A path as text that can be printed and saved: a file name that is not
    UTF-8 (unzipping a Windows archive gives GBK names) is decoded as GBK and
    marked, or its stray bytes escaped."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030") + "（文件名为 GBK 编码）"
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Artifact:
    """One file of a build: where it goes in the output folder, its manifest kind, its bytes."""

    path: str  # relative, with forward slashes
    kind: str
    data: bytes
    extra: dict[str, Any] = field(default_factory=dict)


class Named(Protocol):
    @property
    def name(self) -> str: ...


def institution_filenames(institutions: Iterable[Named], suffix: str = ".docx") -> list[str]:
    """One distinct, safe file name per institution, in order."""
    names = FileNames(suffix)
    return [names.next(institution.name) for institution in institutions]


class FileNames:
    """Distinct, safe file names handed out one at a time, as a list streams by.

    Distinct means distinct on every file system: two names that differ only
    in case, or that sanitise or truncate to the same text, would overwrite
    each other on Windows or macOS, so the later ones get "（2）", "（3）"….
    """

    def __init__(self, suffix: str = ".docx"):
        self.suffix = suffix
        self._taken: set[str] = set()
        self._next_number: dict[str, int] = {}

    def next(self, name: str) -> str:
        stem = safe_filename(name)
        candidate = stem + self.suffix
        number = self._next_number.get(candidate.casefold(), 2)
        while candidate.casefold() in self._taken:
            candidate = _numbered(stem, number) + self.suffix
            number += 1
        # Remember where counting stopped, so 300 namesakes stay linear.
        if number > 2:
            self._next_number[(stem + self.suffix).casefold()] = number
        self._taken.add(candidate.casefold())
        return candidate


def _numbered(stem: str, number: int) -> str:
    mark = f"（{number}）"
    room = MAX_NAME_BYTES - len(mark.encode("utf-8"))
    head = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(" .")
    return head + mark
