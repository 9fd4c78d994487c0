"""Who issued the plan: the place ``--profile`` names (read by the one resolver of place names,
inputs/places.py, through the catalog), else a bundled profile when one matches, else a profile
drawn from the document's own words (its kind, name and departments).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planmaker.base.errors import InputError
from planmaker.inputs.catalog import Catalog, Jurisdiction
from planmaker.inputs.jurisdictions import short_name_of

# How each role's department is written after the prefix (市卫生健康委, 县医保局 …), longest first.
ROLE_FORMS: dict[str, list[str]] = {
    "health": ["卫生健康委员会", "卫生和计划生育委员会", "卫生健康委", "卫生健康局", "卫生计生委", "卫生计生局",
               "卫健委", "卫健局", "卫计委"],
    "insurance": ["医疗保障局", "医保局"],
    "market": ["市场监督管理局", "市场监管局"],
    "tcm": ["中医药管理局", "中医药局"],
    "police": ["公安局", "公安厅", "公安分局"],
    "propaganda": ["委宣传部", "党委宣传部"],
    "development": ["发展和改革委员会", "发展和改革局", "发展改革委", "发展改革局", "发改委", "发改局"],
    "hrss": ["人力资源和社会保障局", "人力资源和社会保障厅", "人力资源社会保障局", "人力资源社会保障厅", "人社局", "人社厅"],
    "finance": ["财政局", "财政厅"],
    "civil_affairs": ["民政局", "民政厅"],
    "justice": ["司法局", "司法厅"],
    "internet": ["网信办"],
}
PREFIX_KIND = {"自治区": "自治区", "省": "省", "市": "市", "州": "州", "盟": "盟", "地区": "地区",
               "县": "县", "区": "区", "旗": "旗", "院": "医院"}
SUBORDINATE_FORMS = ["各市（州）", "各市(州)", "各市（州、地）", "各地（州、市）", "各市（地、州）", "各县（市、区）", "各县(市、区)", "各县（区）", "各县(区)", "各县（市）", "各县(市)", "各县区",
                     "各县市区", "各区县", "各旗县区", "各旗县（市、区）", "各设区市", "各地市", "各市",
                     "各乡镇（街道）", "各街道（乡镇）", "各乡（镇）", "各乡镇", "各苏木乡镇", "各科室"]


@dataclass
class Speaker:
    """The issuing jurisdiction as the document speaks of it."""

    name: str
    short_name: str
    kind: str
    prefix: str
    self_: str
    whole: str
    directly_under: str
    tiers: str
    committee: str
    subordinates: list[str]
    departments: dict[str, tuple[str, str]]      # role → (full, short) as the profile has them
    profile_ref: str                             # bundled id, or "" for the profile written beside the plan
    issuer: str = ""
    parent: Jurisdiction | None = None
    inferred: str = ""                           # how it was found, for the report
    other_places: list[str] = field(default_factory=list)  # stems of other places the text names (宜春 of 宜春市)
    file: Path | None = None                     # the profile's file, when it is one
    role_labels: dict[str, str] = field(default_factory=dict)  # health → 卫生健康行政部门, for “上级……”
    local: dict = field(default_factory=dict)    # the profile to write when it is drawn from the text
    grade: str = ""                              # 市级: the level as a grade, where the profile has one
    # role → the subordinates' department as this place's plan prints it (各县（区）卫生健康局)
    sub_departments: dict[str, str] = field(default_factory=dict)


def speaker_for(text: str, title: str, issuer: str, catalog: Catalog, ref: str | None,
                heads: tuple[str, ...] = ()) -> Speaker:
    """The issuing jurisdiction; ``heads`` are further lines that name the issuer (the masthead,
    the covering notice's issuer), weaker than the plan's own signature and title."""
    speaker = _speaker(text, title, issuer, catalog, ref, heads)
    speaker.role_labels = catalog.roles
    if speaker.profile_ref or speaker.file:
        speaker.sub_departments = catalog.subordinate_departments(catalog.load_profile(
            str(speaker.file) if speaker.file else speaker.profile_ref))
    speaker.other_places = sorted({stem for stem, name in places_in(text) if name != speaker.name}, key=len)
    return speaker


def _speaker(text: str, title: str, issuer: str, catalog: Catalog, ref: str | None,
             heads: tuple[str, ...] = ()) -> Speaker:
    if ref:
        j = catalog.load_profile(ref)
        return _from_profile(j, text, f"按 --profile 指定：{j.name}")
    prefix = dominant_prefix(text)
    named = issuer_jurisdiction((issuer, title, *heads), catalog, prefix)
    if named is not None:
        j, where = named
        return _from_profile(j, text, f"由{where}认定为{j.name}" + (f"（自带辖区配置 {j.id}）" if j.file else ""))
    if not prefix:
        raise InputError.single(UNKNOWN_ISSUER)
    for j in _candidates(catalog, title + "\n" + issuer, text, prefix):
        return _from_profile(j, text, f"由标题、落款和正文推断为自带辖区配置 {j.id}（{j.name}）")
    return _from_text(text, title, issuer, prefix)


_PLACE = re.compile(r"(自治区|自治州|自治县|地区|省|市|县|区|州|盟|旗)(?=卫生健康|卫健|人民政府|医疗保障|医保|"
                    r"人民医院|中医院|市场监|公安|财政)")


def places_in(text: str) -> list[tuple[str, str]]:
    """(stem, name) of every place the text names before a body of its (雅安市卫健委 → 雅安, 雅安市)."""
    found = []
    for m in _PLACE.finditer(text):
        stem = _stem_before(text, m.start())
        if stem and not stem.startswith(("_", "X")):
            found.append((stem, stem + m.group(1)))
    return found


def dominant_prefix(text: str) -> str:
    """The level the document speaks at: the prefix of its 我X/全X/X直 words."""
    counts: Counter = Counter()
    for prefix in PREFIX_KIND:
        p = re.escape(prefix)
        guard = "(?<!自治)" if prefix == "区" else ""
        counts[prefix] += 3 * len(re.findall(f"我{guard}{p}(?![长委级])", text))
        counts[prefix] += 2 * len(re.findall(f"全{guard}{p}(?![场面])", text))
        counts[prefix] += len(re.findall(f"(?<![各省市县区州盟旗]){guard}{p}直", text))
        counts[prefix] += len(re.findall(f"(?<![各（(、]){guard}{p}(?:卫生健康|卫健|卫计|卫生计生|医疗保障|医保)", text))
        # the level's committee and government side by side (围绕县委、县政府中心工作)
        counts[prefix] += 2 * len(re.findall(f"{guard}{p}委[、，,和]{p}(?:人民)?政府", text))
    counts["区"] -= counts["自治区"]
    # a plan whose tasks fall to offices (责任科室) and that addresses 各科室 is a hospital's own
    if counts["院"]:
        counts["院"] += 3 * len(re.findall(r"(?:责任|牵头)科室[:：]", text)) + 2 * text.count("各科室")
    # whom it addresses tells the level too: 各县区 are a prefecture's, 各市 a province's
    for form in SUBORDINATE_FORMS:
        level = _level_of_subordinates(form)
        target = {"province": "省", "county": "县"}.get(level, "市")
        if target == "市" and (counts["州"] or counts["盟"] or counts["地区"]):
            continue
        counts[target] += 2 * len(re.findall(re.escape(form) + "(?![卫医])", text)) if form != "各科室" else 0
    best, score = max(counts.items(), key=lambda kv: kv[1])
    return best if score > 0 else ""


UNKNOWN_ISSUER = ("无法判断发文机关属于哪一级、哪个辖区：落款、版头和标题中没有可识别的辖区或国家部门，正文中也没有"
                  "“我市”“全县”之类的用语。请用 --profile 指明，如 --profile 全国、--profile 四川省、--profile 荥经县")
_HOSPITAL = re.compile(r"医院|卫生院|保健院|卫生服务中心")


def issuer_jurisdiction(heads: tuple[str, ...], catalog: Catalog, prefix: str) -> tuple[Jurisdiction, str] | None:
    """The jurisdiction the issuer's own lines name (落款, title, masthead, the notice's issuer), and
    where it was read: a national body (国家卫生健康委、国务院办公厅, the first of joint issuers), or
    a place whose name the line begins with.  None where no line names one: the caller then reads
    the text's own words, and never a place the text does not name."""
    labels = ("落款", "标题", "版头", "印发通知")
    for label, line in zip(labels, heads):
        line = re.sub(r"^中共", "", (line or "").strip())
        if not line or _HOSPITAL.search(line.split("　")[0]):
            continue
        first = re.split(r"[\s、]", line)[0]
        if _national(first, catalog):
            return catalog.load_profile(_national_name(catalog)), f"{label}（{first}，国家层面）"
        found = _place_at_start(first, catalog)
        if found is None:
            continue
        if prefix and prefix != "院" and found.prefix != prefix and found.level != "national":
            continue   # a superior named first (四川省……荥经县): the text speaks at another level
        return found, f"{label}（{first}）"
    return None


def _national_name(catalog: Catalog) -> str:
    return next(d.name for d in catalog.vocabulary.kinds.values() if d.level == "national" and d.name)


def _national(line: str, catalog: Catalog) -> bool:
    """国家卫生健康委办公厅、国务院办公厅、财政部、市场监管总局…: a body of the central government."""
    if re.match(r"^(?:国家|国务院|中共中央|中央|全国)", line):
        return True
    names = {n for d in catalog.vocabulary.national.values() for n in (d.full, d.short)}
    return any(line.startswith(n) for n in names)


def _place_at_start(line: str, catalog: Catalog) -> Jurisdiction | None:
    """The longest name of a unit of the national table (or of a profile) that ``line`` begins with."""
    names = catalog.divisions.by_name
    for length in range(min(len(line), 20), 1, -1):
        name = line[:length]
        if name in names or name in catalog._profiles_by_name():
            try:
                return catalog.load_profile(name)
            except InputError:
                return None   # a name several units share (朝阳区): --profile must say which
    return None


def _candidates(catalog: Catalog, head: str, text: str, prefix: str):
    """Bundled profiles the document names, best first; a profile is parsed only when its
    name (read off its file's text) is in the document, which keeps an import fast."""
    from planmaker.base.inputfile import read_bytes
    from planmaker.inputs.yamlfile import MAX_FILE_BYTES

    scored = []
    for pid, path in catalog.profile_ids().items():
        try:
            raw = read_bytes(path, MAX_FILE_BYTES).decode("utf-8", errors="replace")
        except InputError:
            continue  # a profile that cannot be read is not this document's issuer
        names = [m.group(2).strip().strip("'\"") for m in re.finditer(r"^(name|short_name):\s*(.+)$", raw, re.MULTILINE)]
        # a profile states its short name only where it differs from the one its name gives (广西)
        names += [short_name_of(n, catalog.vocabulary) for n in names[:1]]
        if not names or not any(n in head or text.count(n) >= 2 for n in names if len(n) >= 2):
            continue
        try:
            j = catalog.load_profile(pid)
        except InputError:
            continue
        if j.prefix != prefix and not (prefix == "院" and j.level == "institution"):
            continue
        in_head = j.name in head or (len(j.short_name) >= 2 and j.short_name in head)
        count = text.count(j.name)
        if in_head or count >= 2:
            scored.append((in_head, count, j.id, j))
    for *_, j in sorted(scored, key=lambda s: (s[0], s[1], s[2]), reverse=True):
        yield j


def _from_profile(j: Jurisdiction, text: str, how: str) -> Speaker:
    departments = {role: (d.full, d.short) for role, d in j.departments.items()}
    subs = [j.subordinates] + [f for f in SUBORDINATE_FORMS if f != j.subordinates and f in text
                                and _level_of_subordinates(f) == j.level]
    return Speaker(j.name, j.short_name, j.kind, j.prefix, j.self, j.whole, j.directly_under, j.tiers,
                   j.committee, subs, departments, j.id, j.issuer, j.parent, how, file=j.file, grade=j.grade or "")


def _level_of_subordinates(form: str) -> str:
    if form in ("各设区市", "各地市", "各市") or form.startswith(("各市（", "各市(", "各地（")):
        return "province"
    if re.match(r"各(乡|街道|苏木|科室)", form):
        return "county"
    return "prefecture"


def _from_text(text: str, title: str, issuer: str, prefix: str) -> Speaker:
    if prefix == "院":
        return _hospital(text, title, issuer)
    kind = PREFIX_KIND[prefix]
    if prefix == "市" and re.search(r"(?:医政医管|法监|秘书|老龄健康|医政)股", text):
        kind = "县级市"   # a 市 whose offices are 股 is county-level
    # a county-level city names its prefecture in the body (省、宜春市卫健委): only the title and issuer count
    name = _name_in(text, title + "\n" + issuer, prefix, body_names=kind != "县级市")
    short = name[: -len(prefix)] if name.endswith(prefix) and len(name) > len(prefix) + 1 else name
    departments = _departments_in(text, name, prefix)
    subs = Counter({f: text.count(f) for f in SUBORDINATE_FORMS if f in text})
    level = {"自治区": "province", "省": "province", "院": "institution"}.get(prefix, "county")
    if prefix in ("市", "州", "盟", "地区") and kind != "县级市":
        level = "prefecture"
    subs_list = [f for f, _ in subs.most_common() if _level_of_subordinates(f) == level] or []
    whole = "全" + prefix if prefix != "院" else "全院"
    speaker = Speaker(name, short or "__", kind, prefix, "我" + prefix, whole, prefix + "直",
                      "", prefix + "委", subs_list, departments, "", issuer,
                      inferred=f"未找到匹配的辖区配置，按正文用语（我{prefix}、全{prefix}）推断为{kind}"
                               f"“{name}”，写入 辖区.yaml，请核对")
    speaker.local = _local_profile(speaker, issuer)
    return speaker


# a hospital's offices by role (profiles/_vocabulary.yaml), as the clean-hospital plans name them
OFFICE_ROLES = [("party_office", "党办|党委办"), ("discipline_office", "纪检|纪委|监察"), ("union", "工会"),
                ("audit", "审计"), ("insurance_office", "医保"), ("medical_affairs", "医务|医政"), ("nursing", "护理"),
                ("personnel", "人事|组织人事|人力资源"), ("pharmacy", "药剂|药学|药事"), ("equipment", "设备|器械"),
                ("procurement", "招标|采购"), ("operations", "经管|运营|财务"), ("cooperation", "合作|医联体|医共体"),
                ("quality", "质控|全质|质量"), ("pricing", "物价|价格")]
_OFFICES = re.compile(r"(?:责任|牵头)科室[:：]\s*(?P<names>[^）)\n]+)")


def office_role(name: str) -> str | None:
    for role, keywords in OFFICE_ROLES:
        if re.search(keywords, name):
            return role
    return None


def offices_in(text: str) -> dict[str, tuple[str, str]]:
    """The offices a hospital's plan makes responsible (责任科室：党办、纪检办), by role, first name first."""
    found: dict[str, tuple[str, str]] = {}
    for m in _OFFICES.finditer(text):
        for name in re.split(r"[、，,；;和及]", m.group("names")):
            name = name.strip()
            role = office_role(name) if name else None
            if role and role not in found:
                found[role] = (name, name)
    return found


_HOSPITAL_WORDS = {"prefix": "院", "self": "我院", "whole": "全院", "subordinates": "各科室", "directly_under": "院属",
                   "tiers": "院科两级", "committee": "院党委"}


def _hospital(text: str, title: str, issuer: str) -> Speaker:
    """A hospital's own plan.  A hospital's profile must name the county or city it stands in
    (kind 医院 needs a parent), which the text seldom says: it is written as a county-level unit
    that speaks as a hospital (我院、全院、各科室), for the clerk to complete."""
    m = re.search(r"^(?:(?!医院)[\u4e00-\u9fffX_]){2,20}?(?:中医医院|人民医院|中医院|医院|卫生院|保健院)",
                  issuer + "\n" + title, re.MULTILINE)
    name = m.group(0) if m else "__医院"
    offices = offices_in(text)
    speaker = Speaker(name, name, "县", "院", "我院", "全院", "院属", "院科两级", "院党委", ["各科室"], offices, "", issuer,
                      inferred=f"发文单位是医院（我院、全院），推断为“{name}”，写入 辖区.yaml；"
                               "请在其中用 parent 写明所在县（市、区）并把 kind 改为 医院")
    speaker.local = {"name": name, "short_name": name, "kind": "县", "vocabulary": dict(_HOSPITAL_WORDS),
                     "issuer": issuer or name,
                     "departments": {role: {"full": full, "short": short} for role, (full, short) in offices.items()}}
    return speaker


# 州 is no stop: 贵州、广州 are names
_STOP = set("的会同由报在将对及和与向按照据成立县市区省盟旗各全我本该了为是等个并从到经请交至于")
# words that end in a prefix without being a place (城市、辖区、社区、园区、景区、山区……)
_COMPOUND = {"市": "城都超门街", "区": "辖社园景山城片病地疫灾民老新发验", "县": "郡", "州": "神"}
# after a place's name: not the prefix as part of a word (县级、县域、市场、区域……)
_NAME_FOLLOWS = re.compile(r"(?![级城域区场民直委镇乡属内外])")


def _name_in(text: str, head: str, prefix: str, body_names: bool = True) -> str:
    """The jurisdiction's name as the document writes it before its departments (思南县卫生健康局)."""
    found: Counter = Counter()
    for where, weight in ((head, 10), (text, 1 if body_names else 0)):
        for m in re.finditer(re.escape(prefix) + _NAME_FOLLOWS.pattern, where):
            stem = _stem_before(where, m.start())
            # in the body, only a name before a body of its own (思南县卫生健康局), never 项目县 or 直辖市
            if stem and stem[-1] not in _COMPOUND.get(prefix, "") and stem not in _GENERIC \
                    and (weight == 10 or _PLACE.match(where, m.start())):
                found[stem + prefix] += weight
    found = Counter({k: v for k, v in found.items() if v > 0})
    if found:
        return found.most_common(1)[0][0]
    return "__" + prefix


# words that end in a level's prefix without naming a place (项目县、试点市、16个省（直辖市）)
_GENERIC = {"项目", "试点", "示范", "重点", "贫困", "所在", "直辖", "地级", "县级", "设区", "监测", "样本", "本", "每",
            "全", "各", "我", "该"}
# a verb or preposition before 市卫健委 (接受市卫健委的检查) is no place name
_NOT_PLACE_END = set("受送织调请向报由经交督导促按照据在对将把给让被及和与为从到至于是")


def _stem_before(text: str, end: int) -> str:
    placeholder = re.search(r"(?:__|X{1,2})$", text[max(0, end - 2):end])
    if placeholder:
        return placeholder.group(0)
    for length in (2, 3, 4):
        start = end - length
        if start < 0:
            break
        stem = text[start:end]
        if any(ch in _STOP or not "\u4e00" <= ch <= "\u9fff" for ch in stem) or stem[-1] in _NOT_PLACE_END:
            break
        before = text[start - 1] if start else ""
        if not before or not "\u4e00" <= before <= "\u9fff" or before in _STOP:
            return stem
    return ""


def _departments_in(text: str, name: str, prefix: str) -> dict[str, tuple[str, str]]:
    found = {}
    for role, forms in ROLE_FORMS.items():
        shorts: Counter = Counter()
        full = ""
        for form in forms:
            if name and (name + form) in text and not full:
                full = name + form
            shorts[prefix + form] += len(re.findall(("(?<!自治)" if prefix == "区" else "") + re.escape(prefix + form), text))
        shorts = +shorts   # drop the forms not found
        if shorts or full:
            short = shorts.most_common(1)[0][0] if shorts else prefix + forms[-1]
            found[role] = (full or name + short[len(prefix):], short)
    if "health" not in found:
        found["health"] = (f"{name}卫生健康局" if prefix not in ("省", "自治区") else f"{name}卫生健康委员会",
                           f"{prefix}卫生健康局")
    return found


def _local_profile(speaker: Speaker, issuer: str) -> dict:
    profile: dict[str, Any] = {"name": speaker.name, "short_name": speaker.short_name, "kind": speaker.kind}
    if speaker.subordinates:
        profile["vocabulary"] = {"subordinates": speaker.subordinates[0]}
    profile["issuer"] = issuer or speaker.departments["health"][0]
    profile["departments"] = {role: {"full": full, "short": short}
                              for role, (full, short) in speaker.departments.items()}
    return profile
