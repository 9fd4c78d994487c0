"""Every bundled campaign, built for a stratified sample of real jurisdictions with no
profile file, speaks for that jurisdiction and no other.

The sample and the word lists come from the national table and the vocabulary, not from
cases written one by one: every kind (up to two units each, all of a kind that has fewer),
the districts and counties of the 直辖市, the county-level units directly under a province,
and the prefecture-level cities without districts. At each level the campaigns are dealt out to
units of different kinds in turn (each campaign BUILDS_PER_LEVEL times), so that every campaign
is built at every level and every sampled unit builds some of them. Each campaign's
dates and phases are laid out from the campaign itself, so every date is given and no blank may remain.
"""

from __future__ import annotations

import functools
import itertools
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from docx.oxml.ns import qn

from conftest import EXAMPLES
from planmaker.commands.build import build
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.lint import office_words, word_lists

PER_KIND = 2
PER_SPECIAL = 3
BUILDS_PER_LEVEL = 2  # each campaign at each level, by units of as many different kinds
LEVELS = ("province", "prefecture", "county")
KINDS = ("省", "自治区", "直辖市", "地级市", "自治州", "盟", "地区", "市辖区", "县", "自治县", "县级市",
         "旗", "自治旗", "林区", "特区")
ONLY = ("plan", "preview", "tasks", "checklist", "stats", "selfcheck", "ledger", "calendar")
BLANKS = ("20__", "__月", "__日", "第__届")
SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")
# parameters the sample gives a value (their defaults are blanks: 第__届中央纪委__次全会)
GIVEN_PARAMS = {"discipline_meetings": "十九届中央纪委四次全会"}
CATALOG = Catalog()


def _spread(units: list, count: int) -> list:
    """``count`` units spread over the list (in code order), so that provinces differ."""
    if len(units) <= count:
        return units
    step = len(units) / count
    return [units[int(i * step + step / 2)] for i in range(count)]


def _groups() -> dict[str, list]:
    """Each level's sampled units, their kinds taking turns (a unit of each kind, then a second of
    each), then the special cases of that level."""
    table = CATALOG.divisions
    kinds = CATALOG.vocabulary.kinds
    units = sorted(table.by_code.values(), key=lambda d: d.code)
    by_kind = {kind: _spread([d for d in units if d.kind == kind], PER_KIND) for kind in KINDS}

    def parent_kind(d):
        return table.by_code[d.parent].kind if d.parent else ""

    county_kinds = {k for k, v in kinds.items() if v.level == "county"}
    special = [_spread(group, PER_SPECIAL) for group in (
        [d for d in units if d.kind in county_kinds and parent_kind(d) == "直辖市"],
        [d for d in units if d.kind in county_kinds and parent_kind(d) in ("省", "自治区")],
        [d for d in units if d.kind == "地级市" and not table.children(d.code)],
    )]
    groups = {}
    for level in LEVELS:
        lists = [by_kind[k] for k in KINDS if kinds[k].level == level]
        lists += [group for group in special if kinds[group[0].kind].level == level]
        turns = [d for turn in itertools.zip_longest(*lists) for d in turn if d is not None]
        groups[level] = list({d.code: d for d in turns}.values())
    return groups


def sample() -> dict[str, frozenset[str]]:
    """Each sampled unit and the campaigns it builds. At each level every campaign is built
    BUILDS_PER_LEVEL times, by units of different kinds, dealt out in turn so that every sampled
    unit builds at least one and none builds them all."""
    campaigns = sorted(CATALOG.campaign_ids())
    dealt: dict[str, set[str]] = {}
    for units in _groups().values():
        turn = 0
        kinds_of: dict[str, set[str]] = {c: set() for c in campaigns}
        wanted = campaigns * BUILDS_PER_LEVEL
        wanted += campaigns[: max(0, len(units) - len(wanted))]  # more units than builds: one each
        for campaign_id in wanted:
            ahead = [units[(turn + step) % len(units)] for step in range(len(units))]
            fresh = [d for d in ahead if campaign_id not in dealt.get(d.code, ())]
            unit = next((d for d in fresh if d.kind not in kinds_of[campaign_id]), fresh[0] if fresh else None)
            if unit is None:
                continue
            dealt.setdefault(unit.code, set()).add(campaign_id)
            kinds_of[campaign_id].add(unit.kind)
            turn = units.index(unit) + 1
    return {code: frozenset(ids) for code, ids in dealt.items()}


SAMPLE = sample()
CODES = list(SAMPLE)


@functools.cache
def _example_plans() -> dict[str, dict]:
    """Each campaign's first bundled example (for its params)."""
    plans = {}
    for path in sorted(EXAMPLES.glob("*/plan.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        plans.setdefault(data["campaign"], data)
    return plans


def plan_for(campaign_id: str, profile: str) -> dict:
    """Dates and phases laid over 2023-03 … 2023-12 from the campaign; the example's params
    except those that name a place (a county's own words cannot serve the sample)."""
    model = CATALOG.load_campaign(campaign_id).model
    words = word_lists(CATALOG.divisions, CATALOG.vocabulary)
    example = _example_plans().get(campaign_id, {})
    params = {k: v for k, v in (example.get("params") or {}).items()
              if not (isinstance(v, str) and words.find(v))}
    params.update({k: v for k, v in GIVEN_PARAMS.items() if k in model.params})
    phases, n = {}, max(len(model.phases), 1)
    for i, phase in enumerate(model.phases):
        first = 3 + i * 10 // n
        last = max(first, 3 + (i + 1) * 10 // n - 1)
        phases[phase.id] = {"start": f"2023-{first:02d}", "end": f"2023-{last:02d}"}
    dates = {"start": "2023-03", "end": "2023-12", "signed": "2023-02-20"}
    dates.update(dict.fromkeys(model.dates, "2023-12-15"))
    return {"profile": profile, "campaign": campaign_id, "dates": dates, "phases": phases, "params": params}


def hospital_profile(folder: Path, code: str) -> str:
    """A hospital of the sampled unit, its offices copied from the bundled hospital's."""
    own = yaml.safe_load((Path(CATALOG.find_profile("liuzhou-tcm-hospital"))).read_text(encoding="utf-8"))
    division = CATALOG.divisions.by_code[code]
    data = {"name": f"{division.name}人民医院", "kind": "医院", "parent": code,
            "departments": own["departments"]}
    path = folder / f"hospital-{code}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _docx_text(path: Path) -> str:
    """Paragraphs one a line, each table cell as one run of text (its names broken over lines
    where the column is narrow: 湖南省/医疗保障局), in document order."""
    document = docx.Document(str(path))
    parts = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif tag == "tbl":
            parts += ["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in block.iter(qn("w:tc"))]
    return "\n".join(parts)


@functools.cache  # each check reads the same builds
def texts_of(out: Path) -> dict[str, str]:
    """Every text a clerk would read: .docx paragraphs and tables, .xlsx cells, previews, .ics."""
    texts = {}
    for path in sorted(out.iterdir()):
        if path.suffix == ".docx":
            texts[path.name] = _docx_text(path)
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            # a name too wide for its cell is broken over lines: the cell is read as one run of text
            texts[path.name] = "\n".join(str(c).replace("\n", "") for ws in book.worksheets
                                         for row in ws.iter_rows(values_only=True) for c in row if c is not None)
        elif path.suffix in (".md", ".ics"):
            texts[path.name] = path.read_text(encoding="utf-8")
        elif path.suffix == ".html":
            texts[path.name] = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
    return texts


def build_all(code: str, root: Path) -> dict[str, Path]:
    """The unit's campaigns built for the unit ``code`` (a hospital of it for hospital
    campaigns), each into its own folder."""
    outputs = {}
    for campaign_id in sorted(SAMPLE[code]):
        folder = root / campaign_id
        folder.mkdir(parents=True)
        model = CATALOG.load_campaign(campaign_id).model
        hospital = "party_office" in {r for t in model.tasks for r in t.lead + t.cooperate}
        profile = hospital_profile(folder, code) if hospital else code
        plan = folder / "plan.yaml"
        plan.write_text(yaml.safe_dump(plan_for(campaign_id, profile), allow_unicode=True), encoding="utf-8")
        build(plan, folder / "out", CATALOG, only=ONLY)
        outputs[campaign_id] = folder
    return outputs


def test_the_sample_covers_every_kind_and_the_special_cases():
    table, kinds = CATALOG.divisions, CATALOG.vocabulary.kinds
    campaigns = set(CATALOG.campaign_ids())
    for level in LEVELS:  # every campaign is built at every level, by units of different kinds
        built = [(campaign_id, table.by_code[code].kind) for code, ids in SAMPLE.items()
                 for campaign_id in ids if kinds[table.by_code[code].kind].level == level]
        for campaign_id in campaigns:
            by = {kind for c, kind in built if c == campaign_id}
            assert len(by) >= BUILDS_PER_LEVEL, (level, campaign_id, by)
    kinds_sampled = [table.by_code[c].kind for c in CODES]
    assert len(CODES) >= 35 and all(SAMPLE.values())
    for kind in KINDS:
        assert kinds_sampled.count(kind) >= min(PER_KIND, sum(1 for d in table.by_code.values() if d.kind == kind)), kind
    names = {table.by_code[c].name for c in CODES}
    assert names & {"东莞市", "中山市", "儋州市", "嘉峪关市"}
    assert any(table.by_code[table.by_code[c].parent].kind == "直辖市" for c in CODES if table.by_code[c].parent)


@functools.cache
def _literal_blanks(campaign_id: str) -> frozenset[str]:
    """The blanks a campaign writes itself (每月__日前, as its seed did): they stay, whatever the plan gives."""
    campaign = CATALOG.load_campaign(campaign_id)
    own = yaml.safe_load(campaign.file.read_text(encoding="utf-8"))
    own["params"] = {k: v for k, v in (own.get("params") or {}).items() if k not in GIVEN_PARAMS}
    text = repr(own) + "".join(p.read_text(encoding="utf-8") for p in campaign.folder.glob("*.yaml")
                               if p != campaign.file)
    return frozenset(blank for blank in BLANKS if blank in text)


def _own_words(j) -> tuple[set[str], set[str], set[str]]:
    """The names, level words and department names a jurisdiction's documents may use:
    its own and its ancestors'."""
    names, levels, departments = set(), set(), set()
    for node in (j, *j.ancestors()):
        names |= {node.name, node.full_name, node.short_name}
        levels |= {node.self, node.whole, node.directly_under, node.committee, node.prefix + "纪委"}
        for d in node.departments.values():
            departments |= {d.full, d.short}
    county = j if j.level != "institution" else j.parent
    departments |= set(county.offices.values())
    # “各市卫生健康委”: the subordinates' departments, as the jurisdiction names them
    departments |= set(CATALOG.subordinate_departments(county).values())
    return names, levels, departments


def wrong_words(built: dict[str, Path]) -> list[str]:
    """Another jurisdiction's words, template syntax or blanks, in any text of ``built``."""
    words = word_lists(CATALOG.divisions, CATALOG.vocabulary)
    offices = office_words(CATALOG.vocabulary)
    wrong = []
    for campaign_id, folder in built.items():
        plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
        j = CATALOG.load_profile(plan["profile"])
        county = j if j.level != "institution" else j.parent
        names, levels, departments = _own_words(j)
        for name, text in texts_of(folder / "out").items():
            where = f"{county.name}/{campaign_id}/{name}"
            for word in SYNTAX + tuple(b for b in BLANKS if b not in _literal_blanks(campaign_id)):
                if word in text:
                    wrong.append(f"{where}: {word}")
            masked = text
            for own in sorted(names | departments, key=len, reverse=True):
                masked = masked.replace(own, "〇")
            for finding in words.find(masked):
                if finding.word not in levels and finding.word not in departments:
                    wrong.append(f"{where}: {finding.what} {finding.word}")
            for office in offices:
                if office in masked and not office.endswith(county.office_suffix):
                    wrong.append(f"{where}: 内设机构 {office}")
    return wrong


# the level words (国家, 省, 自治区, 市, 州, 盟 …) from the vocabulary's kinds, as a list ends before a short name
LEVEL_LIST = re.compile("(?:" + "|".join(sorted({"国家", *(k.prefix for k in CATALOG.vocabulary.kinds.values()
                                                              if k.level != "institution")},
                                                key=len, reverse=True)) + ")、$")


def _first_mentions_in_order(text: str, departments) -> list[str]:
    """Departments whose short name appears before their full name in ``text``."""
    fulls = sorted({d.full for d in departments}, key=len, reverse=True)
    masked = text
    for full in fulls:
        masked = masked.replace(full, "\0" * len(full))
    late = []
    for d in departments:
        if d.short == d.full or d.short in d.full and d.full.startswith(d.short):
            continue
        # after a list of levels (国家、省、州医疗保障局) the short name is the kind of department
        # at each level, not this one named short
        short_at = next((m.start() for m in re.finditer(re.escape(d.short), masked)
                         if not LEVEL_LIST.search(masked[:m.start()])), -1)
        if short_at < 0:
            continue
        full_at = text.find(d.full)
        if full_at < 0 or full_at > short_at:
            late.append(f"{d.short}（全称 {d.full}）")
    return late


def late_full_names(built: dict[str, Path]) -> list[str]:
    """Departments whose short name comes before their full name in a text of ``built``."""
    wrong = []
    for campaign_id, folder in built.items():
        plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
        j = CATALOG.load_profile(plan["profile"])
        own = list({d.full: d for d in j.departments.values()}.values())
        # a parent whose short names read as one's own (成都市 above 都江堰市) is named in full every time
        parent = j.parent if j.parent and j.parent.prefix != j.prefix else None
        above = list({d.full: d for d in (parent.departments if parent else {}).values()}.values())
        for name, text in texts_of(folder / "out").items():
            if name.endswith((".ics", ".html")) or "（按机构）" in name:
                continue  # the calendar lists events; the .html is the .md again
            for late in _first_mentions_in_order(text, own + above):
                wrong.append(f"{j.name}/{campaign_id}/{name}: {late}")
    return wrong


@pytest.mark.slow
@pytest.mark.parametrize("code", CODES)
def test_every_campaign_speaks_for_the_unit_only_and_names_departments_in_full_first(code, tmp_path):
    """One sampled unit a test, so that the builds spread over the test workers."""
    built = build_all(code, tmp_path)
    for folder in built.values():  # the builds produced what the scans read
        suffixes = {p.suffix for p in (folder / "out").iterdir()}
        assert {".docx", ".md", ".html", ".ics"} <= suffixes, folder
    books = [b for folder in built.values() for b in (folder / "out").glob("*.xlsx")]
    assert all(zipfile.is_zipfile(b) for b in books)  # some units build only campaigns without workbooks
    wrong = wrong_words(built)
    assert not wrong, "\n".join(sorted(set(wrong))[:80])
    late = late_full_names(built)
    assert not late, "\n".join(late[:60])
