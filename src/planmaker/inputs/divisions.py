"""The national table of administrative divisions (profiles/_divisions.csv).

Every province-, prefecture- and county-level unit with its 民政部 code, its kind
and its parent, so that a plan can name any jurisdiction of China without a
profile file: by name (思南县), by code (522424) or by path (贵州省/铜仁市/思南县).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planmaker.base import resources

TABLE_FILE = "_divisions.csv"
PATH_SEPARATORS = ("/", "／", "\\")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    kind: str
    parent: str  # the parent's code, "" for a province-level unit
    abbr: str = ""


class Ambiguous(LookupError):
    """A name that several units share (朝阳区): the candidates, each with its path."""

    def __init__(self, ref: str, candidates: list[str]):
        super().__init__(ref)
        self.ref = ref
        self.candidates = candidates


class Divisions:
    def __init__(self, path: Path):
        self.path = path
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        self._children: dict[str, list[Division]] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(line for line in handle if not line.startswith("#"))
            for row in rows:
                division = Division(row["code"], row["name"], row["kind"], row["parent"], row.get("abbr") or "")
                self.by_code[division.code] = division
                self.by_name.setdefault(division.name, []).append(division)
                self._children.setdefault(division.parent, []).append(division)

    def children(self, code: str) -> list[Division]:
        return list(self._children.get(code, ()))

    def parent(self, division: Division) -> Division | None:
        return self.by_code.get(division.parent)

    def chain(self, division: Division) -> list[Division]:
        """The division and its ancestors, top first (贵州省, 铜仁市, 思南县)."""
        chain = [division]
        while chain[0].parent:
            chain.insert(0, self.by_code[chain[0].parent])
        return chain

    def path_of(self, division: Division) -> str:
        return "/".join(d.name for d in self.chain(division))

    def find(self, ref: str) -> Division | None:
        """The unit a plan names, or None if the table has no such unit.

        Raises Ambiguous when a bare name belongs to several units."""
        ref = ref.strip()
        if ref.isdigit():
            return self.by_code.get(ref.ljust(6, "0")) if len(ref) in (2, 4, 6) else None
        parts = [p for p in _split(ref) if p]
        if not parts:
            return None
        candidates = self.by_name.get(parts[-1], [])
        if len(parts) > 1:
            candidates = [c for c in candidates if _ends_with(self.chain(c), parts)]
        if len(candidates) > 1:
            raise Ambiguous(ref, [self.path_of(c) for c in candidates])
        return candidates[0] if candidates else None

    def under(self, division: Division, names: list[str]) -> Division | None:
        """The unit of this name whose chain includes ``division`` (长安区 under 石家庄市)."""
        for candidate in self.by_name.get(names[-1], []):
            if division in self.chain(candidate):
                return candidate
        return None

    def search(self, text: str) -> list[Division]:
        """Units whose name or code contains ``text``, in code order."""
        text = text.strip()
        return [d for code, d in sorted(self.by_code.items()) if text in d.name or code.startswith(text)]


def _split(ref: str) -> list[str]:
    for sep in PATH_SEPARATORS[1:]:
        ref = ref.replace(sep, PATH_SEPARATORS[0])
    return [p.strip() for p in ref.split(PATH_SEPARATORS[0])]


def _ends_with(chain: list[Division], parts: list[str]) -> bool:
    """A path may skip levels (贵州省/思南县), but its names must appear in order."""
    names = [d.name for d in chain]
    position = len(names)
    for part in reversed(parts):
        while position > 0 and names[position - 1] != part:
            position -= 1
        if position == 0:
            return False
        position -= 1
    return True


def looks_like_path(ref: str) -> bool:
    return any(sep in ref for sep in PATH_SEPARATORS)


@lru_cache(maxsize=1)
def national() -> Divisions:
    return Divisions(resources.profiles_dir() / TABLE_FILE)
