"""The national table of administrative divisions (profiles/_divisions.csv).

Every province-, prefecture- and county-level unit with its 民政部 code, its kind
and its parent, so that a plan can name any jurisdiction of China without a
profile file (how a name is read: inputs/places.py).
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


@lru_cache(maxsize=1)
def national() -> Divisions:
    return Divisions(resources.profiles_dir() / TABLE_FILE)
