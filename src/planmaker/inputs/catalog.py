"""Finding and loading profiles and campaigns, bundled or the user's own.

Folders are searched in order: the ones the user names first, then the bundled
data, so that a county can keep its own edited copy of a bundled profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from planmaker.base import resources
from planmaker.base.errors import InputError, Problem
from planmaker.inputs.models import Campaign, Department, Institution, KindDefaults, Profile, VocabularyFile
from planmaker.inputs.validation import did_you_mean, locate, parse_model
from planmaker.inputs.yamlfile import load_file

CAMPAIGN_FILE = "campaign.yaml"
VOCABULARY_FILE = "_vocabulary.yaml"


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
    file: Path
    raw: Any = field(repr=False, compare=False)

    def __str__(self) -> str:
        return self.name

    @property
    def province(self) -> Jurisdiction:
        """The top of the chain (the province for a county or a hospital)."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


@dataclass(frozen=True)
class LoadedCampaign:
    id: str
    model: Campaign
    file: Path
    raw: Any = field(repr=False, compare=False)

    @property
    def folder(self) -> Path:
        return self.file.parent


class Catalog:
    def __init__(self, profile_dirs=(), campaign_dirs=()):
        self.profile_dirs = [Path(d) for d in profile_dirs] + [resources.profiles_dir()]
        self.campaign_dirs = [Path(d) for d in campaign_dirs] + [resources.campaigns_dir()]
        self._profiles: dict[Path, Jurisdiction] = {}

    # ------------------------------------------------------------ vocabulary

    @cached_property
    def vocabulary(self) -> VocabularyFile:
        path = resources.profiles_dir() / VOCABULARY_FILE
        return parse_model(VocabularyFile, load_file(path), path)

    @property
    def roles(self) -> dict[str, str]:
        return dict(self.vocabulary.roles)

    # ------------------------------------------------------------ profiles

    def profile_ids(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for folder in reversed(self.profile_dirs):
            if folder.is_dir():
                for path in sorted(folder.glob("*.yaml")):
                    if not path.name.startswith("_"):
                        found[path.stem] = path
        return dict(sorted(found.items()))

    def find_profile(self, ref: str, base: Path | None = None, origin=None) -> Path:
        """A profile by id (``liuzhou``) or by path (``./my-county.yaml``).

        ``origin``: (file, line) of the reference, or (file, line, field) for
        a profile's ``parent``."""
        file, line, *named = origin or (None, None)
        field = named[0] if named else "profile"
        what = "上级辖区配置" if field == "parent" else "辖区配置"
        if ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref:
            path = (base / ref) if base and not Path(ref).is_absolute() else Path(ref)
            if path.is_file():
                return path
            raise InputError([Problem(f"找不到{what}文件 “{ref}”", file, line, field)])
        ids = self.profile_ids()
        if ref in ids:
            return ids[ref]
        by_name = {self._peek_name(p): p for p in ids.values()}
        if ref in by_name:
            return by_name[ref]
        hint = did_you_mean(ref, list(ids) + [n for n in by_name if n])
        raise InputError([Problem(f"未知的{what} “{ref}”{hint}（可用 planmaker profiles 查看）", file, line, field)])

    @staticmethod
    def _peek_name(path: Path) -> str | None:
        try:
            raw = load_file(path)
        except InputError:
            return None
        return raw.get("name") if isinstance(raw, dict) else None

    def load_profile(self, ref: str, base: Path | None = None, origin=None, _chain=()) -> Jurisdiction:
        path = self.find_profile(ref, base, origin).resolve()
        if path in self._profiles:
            return self._profiles[path]
        if path in _chain:
            raise InputError.single("上级辖区（parent）形成了循环引用", path, None, "parent")
        raw = load_file(path)
        profile = parse_model(Profile, raw, path)
        parent = None
        if profile.parent:
            parent = self.load_profile(profile.parent, path.parent, (path, raw.line_of("parent"), "parent"),
                                       _chain + (path,))
        jurisdiction = self._resolve(path, raw, profile, parent)
        self._profiles[path] = jurisdiction
        return jurisdiction

    def _resolve(self, path: Path, raw, profile: Profile, parent: Jurisdiction | None) -> Jurisdiction:
        kinds = self.vocabulary.kinds
        if profile.kind not in kinds:
            raise InputError.single(
                f"未知的行政区划类别 “{profile.kind}”{did_you_mean(profile.kind, kinds)}"
                f"（可选：{'、'.join(kinds)}）", path, raw.line_of("kind"), "kind")
        problems = []
        for role in profile.departments:
            if role not in self.vocabulary.roles:
                problems.append(Problem(
                    f"未知的部门角色 “{role}”{did_you_mean(role, self.vocabulary.roles)}",
                    path, locate(raw, ("departments", role)), f"departments.{role}"))
        if problems:
            raise InputError(problems)
        defaults: KindDefaults = kinds[profile.kind]
        if defaults.level == "institution" and parent is None:
            # a hospital's plan speaks of its city (市委、全市) and answers to its health commission
            raise InputError.single(f"{profile.kind}的配置须用 parent 指明所在辖区（如 liuzhou）", path,
                                    raw.line_of("kind"), "parent")
        words = profile.vocabulary

        def word(name: str) -> str:
            own = getattr(words, name)
            return own if own is not None else getattr(defaults, name)

        # Only province_abbr is inherited: a name, a department or an issuer
        # taken from the parent would make the child speak as its parent.
        abbr = profile.province_abbr or (parent.province_abbr if parent else "")
        return Jurisdiction(
            id=path.stem,
            name=profile.name,
            short_name=profile.short_name,
            full_name=profile.full_name or profile.name,
            kind=profile.kind,
            level=defaults.level,
            prefix=word("prefix"),
            self=word("self_"),
            whole=word("whole"),
            subordinates=word("subordinates"),
            directly_under=word("directly_under"),
            tiers=word("tiers"),
            committee=word("committee") or word("prefix") + "委",
            issuer=profile.issuer or "",
            province_abbr=abbr,
            departments=dict(profile.departments),
            institutions=tuple(profile.institutions),
            parent=parent,
            file=path,
            raw=raw,
        )

    def children_of(self, jurisdiction: Jurisdiction) -> list[Jurisdiction]:
        children = []
        for _pid, path in self.profile_ids().items():
            # A child names its parent's id: a look at the text spares parsing every profile.
            if jurisdiction.id not in path.read_text(encoding="utf-8", errors="replace"):
                continue
            child = self.load_profile(str(path))
            # a hospital under a city issues its own plans; it is no subordinate jurisdiction
            if isinstance(child.raw, dict) and child.raw.get("parent") == jurisdiction.id \
                    and child.level != "institution":
                children.append(child)
        return children

    # ------------------------------------------------------------ campaigns

    def campaign_ids(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for folder in reversed(self.campaign_dirs):
            if folder.is_dir():
                for path in sorted(folder.glob(f"*/{CAMPAIGN_FILE}")):
                    found[path.parent.name] = path
        return dict(sorted(found.items()))

    def find_campaign(self, ref: str, base: Path | None = None, origin=None) -> Path:
        candidate = (base / ref) if base and not Path(ref).is_absolute() else Path(ref)
        if "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml")):
            if candidate.is_dir():
                candidate = candidate / CAMPAIGN_FILE
            if candidate.is_file():
                return candidate
            raise InputError([Problem(f"找不到专项模板 “{ref}”", *(origin or (None, None)), "campaign")])
        ids = self.campaign_ids()
        if ref in ids:
            return ids[ref]
        raise InputError([Problem(
            f"未知的专项模板 “{ref}”{did_you_mean(ref, ids)}（可用 planmaker campaigns 查看）",
            *(origin or (None, None)), "campaign")])

    def load_campaign(self, ref: str, base: Path | None = None, origin=None) -> LoadedCampaign:
        path = self.find_campaign(ref, base, origin).resolve()
        raw = load_file(path)
        model = parse_model(Campaign, raw, path)
        return LoadedCampaign(path.parent.name, model, path, raw)
