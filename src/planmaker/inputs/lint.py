"""Words that tie a campaign to one jurisdiction, found in its text.

A campaign is written once and built for every jurisdiction: a literal place
name (柳州市), a fixed level word (全县, 我市, 省直) or a department name
(市卫生健康委) in its text is right for one place and wrong for all others.
The word lists are derived from the national table and the vocabulary, so a
new kind or a new unit brings its words with it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from planmaker.base import resources
from planmaker.inputs.divisions import Divisions
from planmaker.inputs.jurisdictions import short_name_of, standard_departments
from planmaker.inputs.models import NonEmpty, Strict
from planmaker.inputs.validation import parse_model
from planmaker.inputs.vocabulary import VocabularyFile
from planmaker.inputs.yamlfile import load_file

# Jinja expressions and statements are variables, not text: only what lies outside is scanned.
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# What stands for a variable once the Jinja is taken out: a department's name written right
# after one ({{ j.subordinates }}卫生健康局) guesses what the subordinates call theirs.
_VARIABLE = "\u3000"
# A place name this short is also a common word (城区, 矿区, 郊区); provinces' short names are not.
MIN_PLACE_CHARS = 3


@dataclass(frozen=True)
class Finding:
    word: str
    what: str  # 地名 / 层级用语 / 部门名称

    def message(self) -> str:
        advice = {"地名": "应写成 {{ j.name }} 等变量",
                  "变量后的部门名称": "下级的部门应写成 {{ sub_dept.<角色> }}，本级、上级写成 {{ dept.<角色> }}、"
                              "{{ parent_dept.<角色> }}",
                  "层级用语": "应写成 {{ j.whole }}、{{ j.self }}、{{ j.directly_under }} 等变量",
                  "部门名称": "应写成 {{ dept.<角色> }}（本级）或 {{ parent_dept.<角色> }}（上级）"}[self.what]
        return f"专项模板的文字中写了{self.what} “{self.word}”，只适用于某一辖区：{advice}"


@dataclass(frozen=True)
class WordLists:
    places: frozenset[str]
    levels: frozenset[str]
    departments: frozenset[str]
    pattern: re.Pattern[str]
    after_variable: re.Pattern[str]

    def find(self, text: str) -> list[Finding]:
        text = _JINJA.sub(_VARIABLE, text)
        found, seen = [], set()
        for match in self.after_variable.finditer(text):
            if match.group(1) not in seen:
                seen.add(match.group(1))
                found.append(Finding(match.group(1), "变量后的部门名称"))
        for match in self.pattern.finditer(text):
            word = match.group(0)
            if word in seen:
                continue
            seen.add(word)
            what = "部门名称" if word in self.departments else "层级用语" if word in self.levels else "地名"
            found.append(Finding(word, what))
        return found


def level_words(vocabulary: VocabularyFile) -> set[str]:
    """我县、全县、县直 … of every kind (and their variants)."""
    words = set()
    for defaults in vocabulary.kinds.values():
        if defaults.level in ("institution", "national"):
            # 全院、我院 say “the hospital”, whichever hospital; 全国、党中央 are one and the same
            # for every jurisdiction: right in any campaign
            continue
        entries = [defaults.model_dump(by_alias=True)] + list(defaults.variants.values())
        for entry in entries:
            for key in ("self", "whole", "directly_under"):
                if entry.get(key):
                    words.add(entry[key])
        # one level's party committee and discipline commission (自治区党委、县委、省纪委)
        words.add(defaults.committee or defaults.prefix + "委")
        words.add(defaults.prefix + "纪委")
    return words


def department_words(vocabulary: VocabularyFile) -> set[str]:
    """The short names every kind gives its departments (市卫生健康委, 县医保局, 旗公安局 …)."""
    words = set()
    for defaults in vocabulary.kinds.values():
        groups = {defaults.departments} | {group for v in defaults.variants.values()
                                           if isinstance(group := v.get("departments"), str)}
        fill = {"prefix": defaults.prefix, "committee": defaults.committee or defaults.prefix + "委"}
        for group in filter(None, groups):
            for spec in standard_departments(group, vocabulary).values():
                if isinstance(spec, dict) and "{" not in _fill_known(spec["short"], fill):
                    words.add(_fill_known(spec["short"], fill))
    return words


def department_endings(vocabulary: VocabularyFile) -> set[str]:
    """卫生健康委、卫生健康局、公安厅 …: the standard names less the jurisdiction's part, for the
    roles whose name differs from one level or kind to another (医疗保障局 is one everywhere)."""
    by_role: dict[str, list[frozenset[str]]] = {}
    for group in vocabulary.departments:
        for role, spec in standard_departments(group, vocabulary).items():
            if isinstance(spec, dict):
                endings = frozenset(pattern[len(start):] for pattern, start in
                                    ((spec["full"], "{full}"), (spec["short"], "{prefix}"))
                                    if pattern.startswith(start) and "{" not in pattern[len(start):])
                by_role.setdefault(role, []).append(endings)
    return {ending for variants in by_role.values() if len(set(variants)) > 1 for e in variants for ending in e}


def office_words(vocabulary: VocabularyFile) -> set[str]:
    """医政医管处、医政医管科、医政股 …: an office named with one level's suffix."""
    suffixes = {k.office for k in vocabulary.kinds.values() if k.office}
    for kind in vocabulary.kinds.values():
        suffixes |= {office for v in kind.variants.values() if isinstance(office := v.get("office"), str) and office}
    names = set(vocabulary.offices.values())
    for _role, others in vocabulary.other_names.items():
        names |= set(others)
    return {name + suffix for name in names for suffix in suffixes}


def _fill_known(pattern: str, words: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: words.get(m.group(1), m.group(0)), pattern)


def place_words(divisions: Divisions, vocabulary: VocabularyFile) -> set[str]:
    names = {d.name for d in divisions.by_code.values() if len(d.name) >= MIN_PLACE_CHARS}
    names |= {short_name_of(d.name, vocabulary) for d in divisions.by_code.values() if not d.parent}
    return names


_CACHE: dict[tuple[int, int], WordLists] = {}


def word_lists(divisions: Divisions, vocabulary: VocabularyFile) -> WordLists:
    key = (id(divisions), id(vocabulary))
    if key not in _CACHE:
        _CACHE[key] = _make(divisions, vocabulary)
    return _CACHE[key]


def _make(divisions: Divisions, vocabulary: VocabularyFile) -> WordLists:
    places, levels = place_words(divisions, vocabulary), level_words(vocabulary)
    departments = department_words(vocabulary) | office_words(vocabulary)
    every = sorted(places | levels | departments, key=len, reverse=True)
    endings = sorted(department_endings(vocabulary), key=len, reverse=True)
    return WordLists(frozenset(places), frozenset(levels), frozenset(departments),
                     re.compile("|".join(map(re.escape, every))),
                     re.compile(_VARIABLE + "(" + "|".join(map(re.escape, endings)) + ")"))



# ------------------------------------------------------------------ one place's proper nouns

LOCAL_TERMS_FILE = "_local_terms.yaml"


class LocalTerm(Strict):
    word: NonEmpty
    where: NonEmpty
    why: NonEmpty
    source: NonEmpty


class _LocalTermsFile(Strict):
    terms: list[LocalTerm]


@functools.cache
def local_terms() -> tuple[LocalTerm, ...]:
    """The proper nouns of one place (医疗“三监管”平台 is Sichuan's), from profiles/_local_terms.yaml."""
    path = resources.profiles_dir() / LOCAL_TERMS_FILE
    return tuple(parse_model(_LocalTermsFile, load_file(path), path).terms)


def local_findings(text: str) -> list[LocalTerm]:
    """The local proper nouns written in a campaign's text, outside its Jinja."""
    text = _JINJA.sub(_VARIABLE, text).replace("“", "").replace("”", "").replace('"', "")
    return [term for term in local_terms() if term.word in text]
