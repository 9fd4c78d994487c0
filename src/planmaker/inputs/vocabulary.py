"""The vocabulary file (profiles/_vocabulary.yaml): what each kind of jurisdiction says and how its
departments are named, the roles, the national departments, the words the lint looks for."""

from __future__ import annotations

from typing import Any, Literal

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
    variants: dict[Literal["under_municipality", "under_province", "no_counties"], dict[str, Any]] = {}


class VocabularyFile(Strict):
    kinds: dict[str, KindDefaults]
    aliases: dict[str, list[str]] = {}
    unit_words: dict[str, str] = {}
    refused: dict[str, str] = {}
    ethnic_groups: list[str] = []
    departments: dict[str, dict[str, Any]] = {}
    offices: dict[Identifier, str] = {}
    other_names: dict[Identifier, list[str]] = {}
    national: dict[Identifier, Department] = {}
    roles: dict[Identifier, NonEmpty]
