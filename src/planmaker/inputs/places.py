"""The one resolver of place names: what a clerk types for a jurisdiction, to the units of the
national table it names.

Read the same way wherever a place is named (``profile:`` in a plan file, ``--profile``,
``planmaker new``, ``import``, ``cascade``, ``profiles``):

* the code, as text or as a number (520624, ``profile: 110105`` unquoted);
* the name (思南县), or the name without its kind (思南, 仙桃, 都江堰; 融水 for 融水苗族自治县);
* the name with its parents run together (北京市朝阳区, 贵州省铜仁市思南县, 铜仁思南县) or with
  slashes (北京市/朝阳区, 贵州省/思南县: a level may be skipped, the order may not).

Every unit the text names is returned; one is the answer, several are for the clerk to choose
from. Nothing is returned because it looks alike: a unit either is named or is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from planmaker.inputs.divisions import PATH_SEPARATORS, Division, Divisions

# a name shorter than this, once its kind is cut off, is not its own short name (泾县 stays 泾县)
_SHORTEST = 2
_MAX_DEPTH = 3  # province, prefecture, county


@dataclass
class Places:
    """The national table indexed by every form of each name (full and short)."""

    divisions: Divisions
    short_name: object  # Callable[[str], str]: 融水苗族自治县 → 融水

    @cached_property
    def _by_form(self) -> dict[str, list[Division]]:
        index: dict[str, list[Division]] = {}
        for division in self.divisions.by_code.values():
            for form in self.forms(division):
                index.setdefault(form, []).append(division)
        return index

    def forms(self, division: Division) -> list[str]:
        """The ways a unit's own name is written: 思南县, 思南."""
        short = self.short_name(division.name)  # type: ignore[operator]
        return [division.name] + ([short] if short != division.name and len(short) >= _SHORTEST else [])

    def resolve(self, text: object) -> list[Division]:
        """Every unit ``text`` names, in code order; [] when it names none."""
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str):
            return []
        text = "".join(text.split())
        if not text:
            return []
        if text.isdigit():
            code = text.ljust(6, "0") if len(text) in (2, 4) else text
            found = self.divisions.by_code.get(code) if len(text) in (2, 4, 6) else None
            return [found] if found else []
        parts = [p for p in _split(text) if p]
        if len(parts) > 1:
            return self._sorted(c for c in self._by_form.get(parts[-1], []) if self._above(c, parts[:-1]))
        exact = [d for d in self._by_form.get(text, []) if d.name == text]
        if exact:
            return self._sorted(exact)
        named = self._by_form.get(text, [])
        return self._sorted(named or self._joined(text))

    def containing(self, text: str) -> list[Division]:
        """Units whose name holds the whole of ``text`` (思南 in 思南县), or whose code starts with it;
        for a search, never for taking a place."""
        text = "".join(str(text).split())
        if not text:
            return []
        return [d for code, d in sorted(self.divisions.by_code.items())
                if (len(text) >= _SHORTEST and text in d.name) or (text.isdigit() and code.startswith(text))]

    def describe(self, division: Division) -> str:
        """朝阳区（北京市，110105）: a unit with what sets it apart from its namesakes."""
        above = [d.name for d in self.divisions.chain(division)[:-1]]
        return f"{division.name}（{''.join(above) + '，' if above else ''}{division.code}）"

    # ------------------------------------------------------------ parents run together

    def _joined(self, text: str) -> list[Division]:
        """北京市朝阳区: a unit whose name ends the text, its ancestors' names before it, in order."""
        found = []
        for start in range(1, len(text)):
            for candidate in self._by_form.get(text[start:], []):
                if self._prefix_of_ancestors(text[:start], self.divisions.chain(candidate)[:-1]):
                    found.append(candidate)
        return found

    def _prefix_of_ancestors(self, text: str, ancestors: list[Division]) -> bool:
        """``text`` is names of ``ancestors`` (top first), each written once, levels may be skipped."""
        if not text:
            return True
        for i in range(len(ancestors) - 1, -1, -1):
            for form in self.forms(ancestors[i]):
                if text.endswith(form) and self._prefix_of_ancestors(text[: -len(form)], ancestors[:i]):
                    return True
        return False

    def _above(self, division: Division, parts: list[str]) -> bool:
        """北京市/朝阳区: the parts before the last name ancestors of the unit, in order."""
        ancestors = self.divisions.chain(division)[:-1]
        position = len(ancestors)
        for part in reversed(parts):
            while position > 0 and part not in self.forms(ancestors[position - 1]):
                position -= 1
            if position == 0:
                return False
            position -= 1
        return len(parts) <= _MAX_DEPTH

    @staticmethod
    def _sorted(found: Iterable[Division]) -> list[Division]:
        return sorted({d.code: d for d in found}.values(), key=lambda d: d.code)


def _split(ref: str) -> list[str]:
    for sep in PATH_SEPARATORS[1:]:
        ref = ref.replace(sep, PATH_SEPARATORS[0])
    return [p.strip() for p in ref.split(PATH_SEPARATORS[0])]


def looks_like_path(ref: str) -> bool:
    return any(sep in ref for sep in PATH_SEPARATORS)
