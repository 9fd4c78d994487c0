"""A generated file, in memory until it is written, and the names files may take.

Every layer that makes a document hands back Artifacts; only the commands
layer writes them (commands/output.py)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

MAX_NAME_BYTES = 180
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_filename(name: str, fallback: str = "未命名") -> str:
    """A file name that is safe on Windows, macOS and Linux and stays one name."""
    name = unicodedata.normalize("NFC", name)
    name = _FORBIDDEN.sub("_", name)
    name = name.strip(" .")
    if not name or set(name) <= {"_", "."}:
        name = fallback
    if _RESERVED.match(name):
        name = "_" + name
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        name = encoded[:MAX_NAME_BYTES].decode("utf-8", errors="ignore").rstrip(" .")
    return name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Artifact:
    """One file of a build: where it goes in the output folder, its manifest kind, its bytes."""

    path: str  # relative, with forward slashes
    kind: str
    data: bytes
    extra: dict[str, Any] = field(default_factory=dict)
