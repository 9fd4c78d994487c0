"""A jurisdiction as documents speak of it: the national table, its kind's defaults, its profile.

What comes from where, lowest first:

* the national table (_divisions.csv): name, code, kind, parent, subordinate units;
* the kind's defaults in _vocabulary.yaml: 我县/全县/县直, the office suffix, the
  standard names of the departments (with the variants for the special cases:
  直辖市 districts, 省直辖 county-level units, cities without districts);
* the records of _departments.yaml: the names a class of places really has (the districts of
  北京市 have a 卫生健康委员会, 东莞市 a 卫生健康局), each with its source;
* the profile, if there is one: only what differs (a health department that is a 局).

A name that varies by place (``varies``: 卫生健康委/局) and that neither a record nor the profile
states is an inference: ``inferred_departments`` names its roles, for build and check to say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from planmaker.base.errors import InputError, Problem
from planmaker.inputs.divisions import Division, Divisions
from planmaker.inputs.models import Department, DepartmentOverride, Institution, Profile
from planmaker.inputs.validation import did_you_mean, locate
from planmaker.inputs.vocabulary import DepartmentPattern, DepartmentRecords, KindDefaults, VocabularyFile
from planmaker.inputs.yamlfile import Yaml

_PLACEHOLDER = re.compile(r"\{(\w+)(?:\.(\w+))?\}")
KIND_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "省", "市", "区", "县", "旗", "盟")


@dataclass(frozen=True)
class Jurisdiction:
    """A profile resolved against its kind's defaults and its parent."""

    id: str
    name: str
    short_name: str
    full_name: str
    kind: str
    level: str
    prefix: str
    self: str
    whole: str
    subordinates: str
    directly_under: str
    tiers: str
    committee: str
    issuer: str
    province_abbr: str
    departments: dict[str, Department]
    institutions: tuple[Institution, ...]
    parent: Jurisdiction | None
    file: Path | None
    raw: Yaml = field(repr=False, compare=False)
    code: str = ""
    grade: str = ""
    towns: str = ""
    office_suffix: str = ""
    offices: dict[str, str] = field(default_factory=dict)
    # role → where its name was read (a record's source, the profile's file)
    department_sources: dict[str, str] = field(default_factory=dict)
    inferred_departments: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.name

    @property
    def province(self) -> Jurisdiction:
        """The top of the chain (the province for a county or a hospital)."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def ancestors(self) -> Iterator[Jurisdiction]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def words_up(self, attribute: str = "prefix", own: bool = True) -> list[str]:
        """One word per level, top first (省、市、县; 省委、市委、县委). A level whose word another
        level below also uses is named (省、成都市、市 for 都江堰市), or “市市” would be read."""
        chain = [*reversed(list(self.ancestors())), *([self] if own else [])]
        chain = [node for node in chain if node.level != "institution"]
        words = [getattr(node, attribute) for node in chain]
        return [word.replace(node.prefix, node.full_name, 1) if word in words[i + 1:] else word
                for i, (node, word) in enumerate(zip(chain, words))]

    def level_phrase(self, own: bool = True) -> str:
        """省市县 (for 工作部署); 省、成都市、市 where a level had to be named."""
        words = self.words_up("prefix", own)
        named = any(word not in (node.prefix for node in [*self.ancestors(), self]) for word in words)
        return ("、" if named else "").join(words)


@dataclass
class Sources:
    """Where a jurisdiction's facts were read, for error messages."""

    id: str
    file: Path | None
    raw: Yaml

    def problem(self, message: str, *loc: str | int) -> Problem:
        return Problem(message, self.file, locate(self.raw, loc) if self.raw is not None else None,
                       ".".join(map(str, loc)) or None)


def short_name_of(name: str, vocabulary: VocabularyFile) -> str:
    """柳州市 → 柳州, 融水苗族自治县 → 融水, 内蒙古自治区 → 内蒙古, 鄂伦春自治旗 → 鄂伦春; 泾县 stays 泾县."""
    stem = name
    for suffix in KIND_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            break
    if "自治" in name:
        peoples = sorted(vocabulary.ethnic_groups, key=len, reverse=True)
        stem = _strip_peoples(stem, peoples)
    return stem if len(stem) >= 2 else name


def _strip_peoples(stem: str, peoples: list[str]) -> str:
    """The place part of an autonomous area's name: 黔西南布依族苗族 → 黔西南; a name that is
    only a people's (鄂温克族) keeps the people, less 族."""
    while True:
        for people in peoples:
            word = next((w for w in (people + "族", people) if stem.endswith(w)), None)
            if word and len(stem) - len(word) >= 2:
                stem = stem[: -len(word)]
                break
        else:
            break
    if stem.endswith("族") and stem[:-1] in peoples:
        return stem[:-1]
    return stem


def kind_defaults(kind: str, variants: list[str], vocabulary: VocabularyFile) -> KindDefaults:
    base = vocabulary.kinds[kind]
    if not variants:
        return base
    data = base.model_dump(by_alias=True)
    known: dict[str, dict[str, object]] = {str(name): keys for name, keys in base.variants.items()}
    for variant in variants:
        data.update(known.get(variant, {}))
    return KindDefaults.model_validate(data)


def effective_kind(profile_kind: str | None, division: Division | None, vocabulary: VocabularyFile,
                   where: Sources) -> str:
    kinds = vocabulary.kinds
    if division is not None:
        if division.kind in vocabulary.refused:
            raise InputError([where.problem(f"{division.name}（{division.code}）：{vocabulary.refused[division.kind]}")])
        if profile_kind and profile_kind != division.kind and division.kind not in vocabulary.aliases.get(profile_kind, ()):
            raise InputError([where.problem(
                f"{division.name}在全国行政区划表中是{division.kind}（代码 {division.code}），不是{profile_kind}；"
                f"请把 kind 改为 {division.kind}", "kind")])
        return division.kind
    if profile_kind is None:
        raise InputError([where.problem("全国行政区划表中没有这个辖区，辖区配置须用 kind 写明类别", "name")])
    if profile_kind in vocabulary.aliases and profile_kind not in kinds:
        return vocabulary.aliases[profile_kind][0]
    if profile_kind not in kinds:
        known = list(kinds) + list(vocabulary.aliases)
        raise InputError([where.problem(f"未知的行政区划类别 “{profile_kind}”{did_you_mean(profile_kind, known)}"
                                        f"（可选：{'、'.join(known)}）", "kind")])
    return profile_kind


def variants_of(level: str, division: Division | None, parent: Jurisdiction | None,
                divisions: Divisions) -> list[str]:
    found = []
    if level == "county" and parent is not None and parent.level == "province":
        found.append("under_municipality" if parent.kind == "直辖市" else "under_province")
    if level == "prefecture" and division is not None and not divisions.children(division.code):
        found.append("no_counties")
    return found


def derived_subordinates(defaults: KindDefaults, division: Division | None, divisions: Divisions,
                         vocabulary: VocabularyFile) -> str:
    """各县（市、区）from the kinds of the units the table puts under this one."""
    if division is None or not defaults.subordinate_units:
        return defaults.subordinates
    present = {vocabulary.unit_words.get(c.kind) for c in divisions.children(division.code)}
    words = [w for w in defaults.subordinate_units if w in present]
    if not words:
        return defaults.subordinates
    if len(words) == 1:
        return "各" + words[0]
    return f"各{words[0]}（{'、'.join(words[1:])}）"


# A role's department as the vocabulary and records give it: its names' patterns, another role's
# key (the same department), or, for the national bodies, their real names.
DepartmentSpec = Department | DepartmentPattern | str


def standard_departments(group: str | None, vocabulary: VocabularyFile) -> dict[str, DepartmentSpec]:
    """The group's patterns, its ``base`` groups' filling in what it does not state."""
    specs: dict[str, DepartmentSpec] = {}
    if group == "national" and group not in vocabulary.departments:
        return dict(vocabulary.national)   # the national departments, by their real names
    seen = set()
    while group and group not in seen:
        seen.add(group)
        own = vocabulary.departments.get(group, {})
        for role, spec in own.items():
            if role != "base":
                specs.setdefault(role, spec)
        base = own.get("base")
        group = base if isinstance(base, str) else None
    return specs


class _Get(Protocol):
    def __call__(self, role: str, chain: tuple[str, ...] = ()) -> Department: ...


def resolve_departments(specs: dict[str, DepartmentSpec],
                        overrides: dict[str, DepartmentOverride | str | None], words: dict[str, str],
                        where: Sources) -> dict[str, Department]:
    """Patterns and overrides to names; a role written as another role's name is that department."""
    merged = dict(specs)
    for role, value in overrides.items():
        if value is None:
            merged.pop(role, None)
        elif isinstance(value, DepartmentOverride):
            short = value.short or _short_from_full(value.full, words)
            merged[role] = Department(full=value.full, short=short)
        else:
            merged[role] = value
    done: dict[str, Department] = {}

    def get(role: str, chain: tuple[str, ...] = ()) -> Department:
        if role in done:
            return done[role]
        if role in chain or role not in merged:
            loc = ("departments", chain[0] if chain else role)
            raise InputError([where.problem(f"部门 “{chain[0] if chain else role}” 指向的角色 “{role}” 未定义或循环引用", *loc)])
        spec = merged[role]
        if isinstance(spec, Department):
            result = spec
        elif isinstance(spec, str):
            result = get(spec, chain + (role,))
        else:
            result = Department(full=_fill(spec["full"], words, get, chain + (role,)),
                                short=_fill(spec["short"], words, get, chain + (role,)))
        done[role] = result
        return result

    return {role: get(role) for role in merged}


def _fill(pattern: str, words: dict[str, str], get: _Get, chain: tuple[str, ...]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, attribute = match.groups()
        if attribute is None:
            return words[name]
        department = get(name, chain)
        return department.short[-1] if attribute == "unit" else getattr(department, attribute)

    return _PLACEHOLDER.sub(replace, pattern)


def _short_from_full(full: str, words: dict[str, str]) -> str:
    """县卫生健康局 from 思南县卫生健康局; a 委员会 is a 委 in its short name (县卫生健康委)."""
    for name in (words["full"], words["name"]):
        if full.startswith(name):
            rest = full[len(name):]
            return words["prefix"] + (rest[:-3] + "委" if rest.endswith("委员会") else rest)
    return full


def place_departments(defaults: KindDefaults, profile: Profile | None, division: Division | None,
                      parent: Jurisdiction | None, vocabulary: VocabularyFile, records: DepartmentRecords | None,
                      words: dict[str, str], where: Sources) -> tuple[dict[str, Department], dict[str, str],
                                                                      tuple[str, ...]]:
    """The departments by role, where each varying name was read, and the roles only inferred."""
    specs = standard_departments(defaults.departments, vocabulary)
    sources: dict[str, str] = {}
    confirmed: set[str] = set()
    code = division.code if division else ""
    ancestors = {node.code for node in ([parent, *parent.ancestors()] if parent else []) if node.code}
    for record in (records.records if records and code else ()):
        if record.match.covers(code, ancestors):
            specs.update(record.departments)
            for role in record.departments:
                sources[role] = "；".join(record.source)
                (confirmed.add if record.confirmed else confirmed.discard)(role)
    overrides = dict(profile.departments) if profile else {}
    for role in overrides:
        sources[role] = f"辖区配置 {where.file.name if where.file else where.id}"
        confirmed.add(role)
    departments = resolve_departments(specs, overrides, words, where)
    varies = records.varies if records else []
    inferred = tuple(role for role in varies if role in departments and role not in confirmed)
    return departments, sources, inferred


def make_jurisdiction(profile: Profile | None, division: Division | None, parent: Jurisdiction | None,
                      vocabulary: VocabularyFile, divisions: Divisions, where: Sources,
                      records: DepartmentRecords | None = None) -> Jurisdiction:
    kind = effective_kind(profile.kind if profile else None, division, vocabulary, where)
    level = vocabulary.kinds[kind].level
    defaults = kind_defaults(kind, variants_of(level, division, parent, divisions), vocabulary)
    if level == "institution" and parent is None:
        # a hospital's plan speaks of its city (市委、全市) and answers to its health commission
        raise InputError([where.problem(f"{kind}的配置须用 parent 指明所在辖区（如 liuzhou）", "parent")])
    own = profile.vocabulary if profile else None
    assert profile is not None or division is not None
    name = profile.name if profile else division.name  # type: ignore[union-attr]

    def word(key: str, default: str) -> str:
        value = getattr(own, key, None) if own is not None else None
        return value if value is not None else default

    prefix = word("prefix", defaults.prefix)
    full_name = (profile.full_name if profile and profile.full_name else None) or (
        defaults.full_name.format(parent=parent.full_name, name=name) if defaults.full_name and parent else name)
    short = (profile.short_name if profile and profile.short_name else None) or short_name_of(name, vocabulary)
    committee = word("committee", defaults.committee or prefix + "委")
    words = {"full": full_name, "name": name, "prefix": prefix, "committee": committee, "short": short,
             "parent": parent.full_name if parent else ""}
    departments, sources, inferred = place_departments(
        defaults, profile, division, parent, vocabulary, records, words, where)
    suffix = defaults.office
    offices = {role: office + suffix for role, office in vocabulary.offices.items()} if suffix else {}
    offices.update(profile.offices if profile else {})
    abbr = (profile.province_abbr if profile else None) or (division.abbr if division else "") \
        or (parent.province_abbr if parent else "")
    issuer = (profile.issuer if profile and profile.issuer else None) or (
        departments["health"].full if "health" in departments else name)
    return Jurisdiction(
        id=where.id, name=name, short_name=short, full_name=full_name, kind=kind, level=level,
        prefix=prefix, self=word("self_", defaults.self_), whole=word("whole", defaults.whole),
        subordinates=word("subordinates", derived_subordinates(defaults, division, divisions, vocabulary)),
        directly_under=word("directly_under", defaults.directly_under), tiers=word("tiers", defaults.tiers),
        committee=committee, issuer=issuer, province_abbr=abbr, departments=departments,
        institutions=tuple(profile.institutions) if profile else (), parent=parent, file=where.file,
        raw=where.raw, code=division.code if division else "", grade=word("grade", defaults.grade),
        towns=word("towns", defaults.towns), office_suffix=suffix, offices=offices,
        department_sources=sources, inferred_departments=inferred,
    )
