"""The vocabulary file (profiles/_vocabulary.yaml): what each kind of jurisdiction says and how its
departments are named, the roles, the national departments, the words the lint looks for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from planmaker.inputs.models import Department, Identifier, NonEmpty, Strict


class KindDefaults(Strict):
    # institution: a unit such as a hospital that issues its own plan (我院/全院/各科室)
    level: Literal["national", "province", "prefecture", "county", "institution"]
    # the one unit of a kind that has only one (全国): found by this name without a table or profile
    name: str | None = None
    prefix: NonEmpty
    self_: NonEmpty = Field(alias="self")
    whole: NonEmpty
    subordinates: NonEmpty
    directly_under: NonEmpty
    tiers: NonEmpty
    committee: str | None = Field(None, description="同级党委的简称，如“自治区党委”“院党委”；不写则为前缀加“委”")
    grade: NonEmpty
    towns: NonEmpty
    departments: str | None = None
    office: str = ""
    full_name: str | None = None
    subordinate_units: list[str] = []
    # a variant's keys are this model's, checked when the variant is laid over it (kind_defaults)
    variants: dict[Literal["under_municipality", "under_province", "no_counties"], dict[str, object]] = {}


# A department's names as patterns ({prefix}卫生健康局, {health.short}).
DepartmentPattern = dict[Literal["full", "short"], NonEmpty]


class VocabularyFile(Strict):
    kinds: dict[str, KindDefaults]
    aliases: dict[str, list[str]] = {}
    unit_words: dict[str, str] = {}
    refused: dict[str, str] = {}
    ethnic_groups: list[str] = []
    # a group of standard names: role → its name's patterns, or another role's key; "base": the group it extends
    departments: dict[str, dict[str, DepartmentPattern | str]] = {}
    offices: dict[Identifier, str] = {}
    other_names: dict[Identifier, list[str]] = {}
    national: dict[Identifier, Department] = {}
    roles: dict[Identifier, NonEmpty]


class RecordMatch(Strict):
    """Which places a record is about: the units themselves (``codes``) or every unit below one
    (``under``: the districts and counties of 北京市)."""

    codes: list[Annotated[str, Field(pattern=r"^\d{6}$")]] = []
    under: list[Annotated[str, Field(pattern=r"^\d{6}$")]] = []

    def covers(self, code: str, ancestors: set[str]) -> bool:
        return code in self.codes or bool(ancestors.intersection(self.under))


class DepartmentRecord(Strict):
    """Department names a class of places really has, where they depart from (or confirm) the
    standard names of their kind, with where that was read."""

    places: NonEmpty = Field(description="适用于哪些辖区，供人阅读")
    match: RecordMatch
    departments: dict[Identifier, DepartmentPattern | Identifier]
    source: list[NonEmpty] = Field(min_length=1, description="公开记录：网址及其标题")
    confirmed: bool = Field(True, description="false：来源不是该名称的公开记录，名称仍作推断提示")


class DepartmentRecords(Strict):
    """profiles/_departments.yaml."""

    varies: list[Identifier] = Field(description="名称因地而异（委/局）的部门角色：没有记录时提示为推断")
    records: list[DepartmentRecord] = []

