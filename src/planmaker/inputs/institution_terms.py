"""The words clerks use for an institution's category, grade and ownership
("乡镇卫生院", "二甲", "民营"), mapped to the canonical names of
``profiles/_institutions.yaml``."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from pydantic import Field

from planmaker.base import resources
from planmaker.base.errors import InputError, Problem
from planmaker.inputs.models import NonEmpty, Strict
from planmaker.inputs.validation import locate, parse_model
from planmaker.inputs.yamlfile import load_file

VOCABULARY_FILE = "_institutions.yaml"


def term_key(text: str) -> str:
    """What two spellings of one term share: NFKC folds full-width brackets,
    letters and the ideographic space into their ASCII forms."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


@dataclass(frozen=True)
class Term:
    name: str
    aliases: tuple[str, ...] = ()
    group: str | None = None


class _TermSpec(Strict):
    name: NonEmpty
    aliases: list[NonEmpty] = []
    group: str | None = None


class _VocabularySpec(Strict):
    categories: list[_TermSpec] = Field(min_length=1)
    grades: list[_TermSpec] = Field(min_length=1)
    ownerships: list[_TermSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Vocabulary:
    # Tuples, not lists: load_vocabulary() hands every caller the same object.
    categories: tuple[Term, ...]
    grades: tuple[Term, ...]
    ownerships: tuple[Term, ...]

    def category(self, text: str) -> str | None:
        """Canonical category, "" for "", None when unknown or ambiguous."""
        found = self.category_candidates(text)
        return found[0] if len(found) == 1 else None

    def grade(self, text: str) -> str | None:
        return self._exact(self._grade_index, text)

    def ownership(self, text: str) -> str | None:
        return self._exact(self._ownership_index, text)

    def category_candidates(self, text: str) -> list[str]:
        """The categories ``text`` may mean: one when it is clear, several
        when a name contains aliases of different categories equally long."""
        exact = self._exact(self._category_index, text)
        if exact is not None:
            return [exact]
        key = term_key(text)
        # "柳州市人民医院" contains "人民医院"; the longest alias wins, so that
        # "某某社区卫生服务站" is primary care, not a clinic by its "卫生站".
        hits = [(len(alias), name) for alias, name in self._category_index.items() if alias in key]
        if not hits:
            return []
        longest = max(length for length, _ in hits)
        return sorted({name for length, name in hits if length == longest})

    @staticmethod
    def _exact(index: dict[str, str], text: str) -> str | None:
        key = term_key(text)
        return "" if not key else index.get(key)

    @cached_property
    def _category_index(self) -> dict[str, str]:
        return _index(self.categories)

    @cached_property
    def _grade_index(self) -> dict[str, str]:
        return _index(self.grades)

    @cached_property
    def _ownership_index(self) -> dict[str, str]:
        return _index(self.ownerships)


def _index(terms: tuple[Term, ...]) -> dict[str, str]:
    return {term_key(alias): term.name for term in terms for alias in (term.name, *term.aliases)}


@functools.cache
def load_vocabulary() -> Vocabulary:
    path = resources.profiles_dir() / VOCABULARY_FILE
    raw = load_file(path)
    spec = parse_model(_VocabularySpec, raw, path)
    problems = []
    lists = {}
    for kind in ("categories", "grades", "ownerships"):
        owner: dict[str, str] = {}
        for position, term in enumerate(getattr(spec, kind)):
            for alias in (term.name, *term.aliases):
                previous = owner.setdefault(term_key(alias), term.name)
                if previous != term.name:
                    # Matching would depend on the order of the file.
                    problems.append(Problem(
                        f"“{alias}” 同时是 “{previous}” 和 “{term.name}” 的写法，只能属于其中一个",
                        path, locate(raw, (kind, position)), kind))
        lists[kind] = tuple(Term(t.name, tuple(t.aliases), t.group) for t in getattr(spec, kind))
    if problems:
        raise InputError(problems)
    return Vocabulary(**lists)
