"""What the pages remember between requests, kept only while the files it came from are unchanged.

`planmaker check` renders every document of a plan in memory (a second or so): the plan's
page shows its notices from the last check as long as no file it read has changed (size or
modification time of the plan folder's own files, the campaign's folder, the profile, the
extra folders), and checks again otherwise.  The list of campaigns likewise."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

_SKIPPED = {"out", "汇总", "下发"}  # what the page writes itself: not what a check reads


def _skipped(parts: tuple[str, ...]) -> bool:
    return any(part in _SKIPPED or part.startswith(".") for part in parts)


def stamp(paths: Iterable[Path]) -> tuple:
    """(path, size, mtime) of every file under ``paths``, outputs and hidden files left out."""
    found = []
    for root in paths:
        root = Path(root)
        if root.is_file():
            candidates: Iterable[Path] = [root]
        elif root.is_dir():
            candidates = (p for p in root.rglob("*") if not _skipped(p.relative_to(root).parts))
        else:
            candidates = []
        for path in candidates:
            try:
                info = path.stat()
            except OSError:
                continue
            if path.is_file():
                found.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


class Memo:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple, list[Path], Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], tuple[Any, list[Path]]]) -> Any:
        """The value remembered for ``key`` if the files it depends on are unchanged, else ``compute()``'s
        (value, the files and folders it read)."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and stamp(entry[1]) == entry[0]:
            return entry[2]
        value, depends = compute()
        with self._lock:
            self._entries[key] = (stamp(depends), depends, value)
        return value
