"""Finding and loading profiles and campaigns, bundled or the user's own.

Folders are searched in order: the ones the user names first, then the bundled
data, so that a county can keep its own edited copy of a bundled profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from planmaker.base import resources
from planmaker.base.errors import InputError, Problem
from planmaker.base.inputfile import DISK, Overlay, real_path
from planmaker.inputs.annex_kinds import CATALOGUE, choices
from planmaker.inputs.divisions import Division, Divisions, national
from planmaker.inputs.jurisdictions import Jurisdiction as Jurisdiction  # re-exported: callers get it here
from planmaker.inputs.jurisdictions import Sources, make_jurisdiction, short_name_of
from planmaker.inputs.models import Campaign, Profile
from planmaker.inputs.places import Places, looks_like_path
from planmaker.inputs.validation import bundled_model, did_you_mean, locate, parse_model
from planmaker.inputs.vocabulary import DepartmentRecords, VocabularyFile
from planmaker.inputs.yamlfile import Yaml, load_fields, load_file

CAMPAIGN_FILE = "campaign.yaml"
VOCABULARY_FILE = "_vocabulary.yaml"
RECORDS_FILE = "_departments.yaml"
_LISTED = 12  # candidates named in a message


@dataclass(frozen=True)
class LoadedCampaign:
    id: str
    model: Campaign
    file: Path
    raw: Yaml = field(repr=False, compare=False)
    files: Overlay = field(default=DISK, repr=False, compare=False)  # where its own files are read from

    @property
    def folder(self) -> Path:
        return self.file.parent

    def own_file(self, name: str) -> Path | None:
        """The campaign's file ``name``, its links resolved; None when it leads out of the campaign's folder."""
        path = self.files.real(self.folder / name)
        return path if self.files.real(self.folder) in path.parents else None


# Where a reference to a profile or campaign was written: (file, line), or (file, line, field).
Origin = tuple[Path | str | None, int | None] | tuple[Path | str | None, int | None, str]


class Catalog:
    def __init__(self, profile_dirs: Iterable[Path | str] = (), campaign_dirs: Iterable[Path | str] = ()):
        self.profile_dirs = [Path(d) for d in profile_dirs] + [resources.profiles_dir()]
        self.campaign_dirs = [Path(d) for d in campaign_dirs] + [resources.campaigns_dir()]
        self._profiles: dict[Path, Jurisdiction] = {}
        self._by_code: dict[str, Jurisdiction] = {}
        self._names: dict[str, list[Path]] | None = None
        # Listed and read once per catalog (one command): collect looks up the parent of
        # every unit, and the 3,000th lookup must cost what the first did.
        self._ids: dict[str, Path] | None = None
        self._parents: dict[str, list[Path]] | None = None
        self._heads: dict[Path, dict[str, Yaml]] = {}

    # ------------------------------------------------------------ vocabulary

    @cached_property
    def vocabulary(self) -> VocabularyFile:
        return bundled_model(VocabularyFile, VOCABULARY_FILE)

    @cached_property
    def records(self) -> DepartmentRecords:
        return bundled_model(DepartmentRecords, RECORDS_FILE)

    @property
    def roles(self) -> dict[str, str]:
        return dict(self.vocabulary.roles)

    # ------------------------------------------------------------ profiles

    def profile_ids(self) -> dict[str, Path]:
        """Every profile file by id, a user's folder before the bundled one."""
        if self._ids is None:
            found: dict[str, Path] = {}
            for folder in reversed(self.profile_dirs):
                if _is_dir(folder):
                    for path in sorted(folder.glob("*.yaml")):
                        if not path.name.startswith("_"):
                            found[path.stem] = path
            self._ids = dict(sorted(found.items()))
        return dict(self._ids)

    def _profiles_by_parent(self) -> dict[str, list[Path]]:
        """Profile files by the parent they name (as written: an id, a name or a code)."""
        if self._parents is None:
            self._parents = {}
            for path in self.profile_ids().values():
                parent = self._head(path).get("parent")  # a broken file: said when the profile is loaded
                if isinstance(parent, (str, int)):
                    self._parents.setdefault(str(parent), []).append(path)
        return self._parents

    @cached_property
    def divisions(self) -> Divisions:
        return national()

    @cached_property
    def places(self) -> Places:
        return Places(self.divisions, lambda name: short_name_of(name, self.vocabulary))

    def candidates(self, ref: object) -> list[Path | Division]:
        """Every profile and unit ``ref`` names: a profile by id or by its name, else every unit of
        the national table it names (inputs/places.py): one is the answer, several a choice."""
        text = str(ref).strip()
        ids = self.profile_ids()
        if text not in ids:  # a profile written since the folders were listed
            self._ids, self._parents, self._heads = None, None, {}
            ids = self.profile_ids()
        if text in ids:
            return [ids[text]]
        by_name = self._profiles_by_name()
        if by_name.get(text):
            return [by_name[text][0]]  # the user's own before the bundled one
        return list(self.places.resolve(ref))

    def containing(self, text: str) -> list[Path | Division]:
        """Profiles and units whose id or name holds the whole of ``text``: a search, offered to
        choose from, never taken."""
        text = "".join(str(text).split())
        if len(text) < 2:
            return []
        names = {path: name for name, paths in self._profiles_by_name().items() for path in paths}
        profiles = [path for pid, path in self.profile_ids().items() if text in pid or text in (names.get(path) or "")]
        taken = {names.get(path) for path in profiles}
        return [*profiles, *(d for d in self.places.containing(text) if d.name not in taken)]

    def label(self, found: Path | Division) -> str:
        """How a candidate is listed: 朝阳区（北京市，110105）, 柳州市中医医院（liuzhou-tcm-hospital）."""
        if isinstance(found, Division):
            return self.places.describe(found)
        return f"{self._peek_name(found) or found.stem}（{found.stem}）"

    def load_found(self, found: Path | Division) -> Jurisdiction:
        return self.from_division(found) if isinstance(found, Division) else self.load_profile(str(found))

    def find_profile(self, ref: object, base: Path | None = None, origin: Origin | None = None,
                     overlay: Overlay = DISK) -> Path | Division:
        """A profile file by id (``liuzhou``), by name or by path (``./my-county.yaml``); else the
        unit of the national table the name names (inputs/places.py): 思南县, 思南, 520624,
        北京市朝阳区, 贵州省/铜仁市/思南县.

        ``origin``: (file, line) of the reference, or (file, line, field) for
        a profile's ``parent``; a path is looked for in ``overlay`` before the disk."""
        file, line = origin[:2] if origin else (None, None)
        field = origin[2] if origin and len(origin) == 3 else "profile"
        what = "上级辖区配置" if field == "parent" else "辖区配置"
        where = (file, line, field)
        text = str(ref).strip()
        if text.endswith((".yaml", ".yml")) or (looks_like_path(text) and not self.places.resolve(text)):
            path = (base / text) if base and not Path(text).is_absolute() else Path(text)
            if overlay.is_file(path):
                return path
            raise InputError([Problem(f"找不到{what}文件 “{text}”", *where)])
        for kind, defaults in self.vocabulary.kinds.items():
            if defaults.name and text == defaults.name:
                return Division("", defaults.name, kind, "")  # 全国: the one unit of its kind
        found = self.candidates(ref)
        if len(found) == 1:
            return found[0]
        if found:
            raise InputError([Problem(f"“{text}” 可指 {len(found)} 个辖区，请写出上级（如 北京市朝阳区）或代码："
                                      f"{self._listing(found)}", *where)])
        if text.isdigit():
            raise InputError([Problem(f"全国行政区划表中没有代码 “{text}”：代码随区划调整而变，"
                                      f"可用 planmaker profiles 名称的一部分 查找现行代码", *where)])
        hint = did_you_mean(text, list(self.profile_ids())) if text.isascii() else ""
        near = self.containing(text)
        also = f"；名称中含“{text}”的有：{self._listing(near)}" if near else \
            "（可用 planmaker profiles 名称的一部分 查找）"
        raise InputError([Problem(f"未知的{what} “{text}”：既没有这个辖区配置，全国行政区划表中也没有这个辖区"
                                  f"{hint}{also}", *where)])

    def _listing(self, found: list[Path | Division]) -> str:
        shown = "；".join(self.label(f) for f in found[:_LISTED])
        return shown + (f" 等 {len(found)} 个" if len(found) > _LISTED else "")

    def _profiles_by_name(self) -> dict[str, list[Path]]:
        """Profile files by the name they state, the user's folders' first."""
        if self._names is None:
            self._names = {}
            live = set(self.profile_ids().values())
            for folder in self.profile_dirs:
                for path in sorted(folder.glob("*.yaml")) if _is_dir(folder) else ():
                    if path in live:
                        self._names.setdefault(self._peek_name(path) or "", []).append(path)
        return self._names

    def _peek_name(self, path: Path) -> str | None:
        name = self._head(path).get("name")
        return name if isinstance(name, str) else None

    def _head(self, path: Path) -> dict[str, Yaml]:
        """A profile file's name and parent, read once for the catalog's indexes."""
        if path not in self._heads:
            try:
                self._heads[path] = load_fields(path, ("name", "parent"))
            except InputError:
                self._heads[path] = {}
        return self._heads[path]

    def load_profile(self, ref: object, base: Path | None = None, origin: Origin | None = None,
                     _chain: tuple[Path, ...] = (), overlay: Overlay = DISK) -> Jurisdiction:
        found = self.find_profile(ref, base, origin, overlay)
        if isinstance(found, Division):
            return self.from_division(found)
        path = overlay.real(found)
        unwritten = overlay.name_of(path) is not None  # not kept: the disk may hold another file there
        if path in self._profiles and not unwritten:
            return self._profiles[path]
        if path in _chain:
            raise InputError.single("上级辖区（parent）形成了循环引用", path, None, "parent")
        raw = load_file(path, overlay)
        profile = parse_model(Profile, raw, path)
        where = Sources(path.stem, path, raw)
        parent = None
        if profile.parent:
            parent = self.load_profile(profile.parent, path.parent, (path, locate(raw, ("parent",)), "parent"),
                                       _chain + (path,), overlay)
        self._check_roles(profile, where)
        division = self._division_of(profile, parent, where)
        if parent is None and division is not None and division.parent:
            parent = self.from_division(self.divisions.by_code[division.parent])
        jurisdiction = make_jurisdiction(profile, division, parent, self.vocabulary, self.divisions, where,
                                         self.records)
        if not unwritten:
            self._profiles[path] = jurisdiction
        return jurisdiction

    def from_division(self, division: Division) -> Jurisdiction:
        """A unit of the national table: its own profile file if there is one, else its defaults."""
        if division.code in self._by_code:
            return self._by_code[division.code]
        for path in self._profiles_by_name().get(division.name, []):
            candidate = self.load_profile(str(path))
            if candidate.code == division.code:
                self._by_code[division.code] = candidate
                return candidate
        parent = self.from_division(self.divisions.by_code[division.parent]) if division.parent else None
        where = Sources(self.divisions.path_of(division), None, None)
        jurisdiction = make_jurisdiction(None, division, parent, self.vocabulary, self.divisions, where,
                                         self.records)
        self._by_code[division.code] = jurisdiction
        return jurisdiction

    def _division_of(self, profile: Profile, parent: Jurisdiction | None, where: Sources) -> Division | None:
        """The profile's unit in the national table: by code, or by name under its parent."""
        if profile.code:
            division = self.divisions.by_code.get(profile.code)
            if division is None:
                raise InputError([where.problem(f"全国行政区划表中没有代码 {profile.code}", "code")])
            return division
        if profile.kind in self.vocabulary.kinds and self.vocabulary.kinds[profile.kind].level == "institution":
            return None
        candidates = self.divisions.by_name.get(profile.name, [])
        if parent is not None and parent.code:
            candidates = [c for c in candidates if parent.code in {d.code for d in self.divisions.chain(c)}]
        if len(candidates) > 1:
            listed = "；".join(f"{self.divisions.path_of(c)}（{c.code}）" for c in candidates)
            raise InputError([where.problem(f"全国行政区划表中有 {len(candidates)} 个 “{profile.name}”，"
                                            f"请用 code 写明是哪一个：{listed}", "name")])
        return candidates[0] if candidates else None

    def _check_roles(self, profile: Profile, where: Sources) -> None:
        roles = self.vocabulary.roles
        problems = [where.problem(f"未知的部门角色 “{role}”{did_you_mean(role, roles)}", "departments", role)
                    for role, value in profile.departments.items() if role not in roles]
        problems += [where.problem(f"部门 “{role}” 指向未知的角色 “{value}”{did_you_mean(value, roles)}",
                                   "departments", role)
                     for role, value in profile.departments.items() if isinstance(value, str) and value not in roles]
        problems += [where.problem(f"未知的内设机构 “{office}”{did_you_mean(office, self.vocabulary.offices)}",
                                   "offices", office)
                     for office in profile.offices if office not in self.vocabulary.offices]
        if problems:
            raise InputError(problems)

    def children_of(self, jurisdiction: Jurisdiction) -> list[Jurisdiction]:
        """The subordinate jurisdictions: those whose profile names this one as parent, and
        every unit the national table puts under it."""
        children = []
        for path in self._profiles_by_parent().get(jurisdiction.id, []):
            child = self.load_profile(str(path))
            # a hospital under a city issues its own plans; it is no subordinate jurisdiction
            if isinstance(child.raw, dict) and child.raw.get("parent") == jurisdiction.id \
                    and child.level != "institution":
                children.append(child)
        if jurisdiction.code:
            known = {child.code for child in children}
            for division in self.divisions.children(jurisdiction.code):
                if division.code not in known and division.kind not in self.vocabulary.refused:
                    children.append(self.from_division(division))
        return children

    def search(self, text: str) -> list[tuple[str, str, str, str]]:
        """The units ``text`` names (inputs/places.py), then those whose name has it in it or whose
        code starts with it, and profiles whose id or name has it: (code, path, kind, profile id), in code order, profiles without code last."""
        profiles = {}
        for name, paths in self._profiles_by_name().items():
            for path in paths:
                profiles[path.stem] = name
        rows, found = [], set()
        named = self.places.resolve(text)
        known = {d.code for d in named}
        for division in named + [d for d in self.places.containing(text) if d.code not in known]:
            own = [pid for pid, name in profiles.items() if name == division.name
                   and self.load_profile(pid).code == division.code]
            rows.append((division.code, self.divisions.path_of(division), division.kind, own[0] if own else ""))
            found.update(own)
        for pid, name in sorted(profiles.items()):
            if pid not in found and (text in pid or (name and text in name)):
                j = self.load_profile(pid)
                where = self.divisions.path_of(self.divisions.by_code[j.code]) if j.code else name or pid
                rows.append((j.code, where, j.kind, pid))
        return rows

    def subordinate_departments(self, jurisdiction: Jurisdiction) -> dict[str, str]:
        """“各县（区）卫生健康局”: the subordinates' departments, by role, where they all name
        theirs alike (by short name, else by full name); the role's general name where not."""
        children = list(self.children_of(jurisdiction)) if jurisdiction.level != "county" else []
        result = {}
        for role, general in self.roles.items():
            endings = None
            for attribute, start in (("short", "prefix"), ("full", "full_name")):
                found = {_after(getattr(c.departments[role], attribute), getattr(c, start), c.name)
                         for c in children if role in c.departments}
                if children and len(found) == 1 and None not in found and all(role in c.departments for c in children):
                    endings = found.pop()
                    break
            result[role] = jurisdiction.subordinates + (endings or general)
        return result

    # ------------------------------------------------------------ campaigns

    def campaign_ids(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for folder in reversed(self.campaign_dirs):
            if _is_dir(folder):
                for path in sorted(folder.glob(f"*/{CAMPAIGN_FILE}")):
                    found[path.parent.name] = path
        return dict(sorted(found.items()))

    def find_campaign(self, ref: str, base: Path | None = None, origin: Origin | None = None,
                      overlay: Overlay = DISK) -> Path:
        file, line = origin[:2] if origin else (None, None)
        candidate = (base / ref) if base and not Path(ref).is_absolute() else Path(ref)
        if "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml")):
            if overlay.is_dir(candidate):
                candidate = candidate / CAMPAIGN_FILE
            if overlay.is_file(candidate):
                return candidate
            raise InputError([Problem(f"找不到专项模板 “{ref}”", file, line, "campaign")])
        ids = self.campaign_ids()
        if ref in ids:
            return ids[ref]
        raise InputError([Problem(
            f"未知的专项模板 “{ref}”{did_you_mean(ref, ids)}（可用 planmaker campaigns 查看）",
            file, line, "campaign")])

    def load_campaign(self, ref: str, base: Path | None = None, origin: Origin | None = None,
                      overlay: Overlay = DISK) -> LoadedCampaign:
        """The campaign ``ref`` names: an id, or a path from ``base``; its files read through ``overlay``."""
        path = overlay.real(self.find_campaign(ref, base, origin, overlay))
        raw = load_file(path, overlay)
        model = parse_model(Campaign, raw, path)
        unknown = [Problem(f"未知的附件类别 “{ref.kind}”{did_you_mean(ref.kind, CATALOGUE)}（可选：{choices()}）",
                           path, locate(raw, ("annexes", i, "kind")), f"annexes[{i + 1}].kind")
                   for i, ref in enumerate(model.annexes) if ref.kind not in CATALOGUE]
        if unknown:
            raise InputError(unknown)
        return LoadedCampaign(real_path(path).parent.name, model, path, raw, overlay)  # path may be relative: -o .


def _after(name: str, *starts: str) -> str | None:
    """卫生健康局 from 县卫生健康局 (start 县) or from 荥经县卫生健康局 (start 荥经县)."""
    for start in starts:
        if start and name.startswith(start):
            return name[len(start):]
    return None


def _is_dir(path: Path) -> bool:
    """A folder to look in; a path too long or a link loop is none (the command line says why)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False
