"""What `check` says of a campaign's text: the annexes it asks for and does not ship, the dates it
writes where the plan file should, and the place names, level words and department names written
into a campaign that serves other places (inputs/lint.py finds them; this module weighs them)."""

from __future__ import annotations

import re

from planmaker.base import resources
from planmaker.base.errors import InputError, Problem
from planmaker.base.history import historical_dates
from planmaker.checks.wording import text_problems
from planmaker.inputs.annex_kinds import CATALOGUE
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.lint import word_lists
from planmaker.inputs.validation import locate
from planmaker.inputs.yamlfile import load_file
from planmaker.plan.resolve import Resolved

# A campaign holds no date: dates belong to the plan file, so that moving one moves all.
_LITERAL_DATE = re.compile(r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月|(?:19|20)\d\d-\d{1,2}-\d{1,2}")


def is_bundled(resolved: Resolved) -> bool:
    """A campaign that ships with planmaker serves every place and year: what is a warning in a
    user's own campaign is an error in it."""
    return resources.campaigns_dir().resolve() in resolved.campaign.file.resolve().parents


_ANNEX_WORDS = re.compile(r"(?:见|详见)(?:方案)?附件|（附件\d*）|\(附件\d*\)|附表")
_NOT_TEXT = {"id", "name", "description", "annexes", "date_labels"}


def annex_problems(resolved: Resolved) -> list[Problem]:
    """The campaign's text asks for a form or an annex it does not ship: a unit told to send
    a 量化统计表 must be sent one."""
    campaign = resolved.campaign
    kinds = {annex.kind for annex in campaign.model.annexes}
    problems: list[Problem] = []

    def walk(node, loc):
        if isinstance(node, dict):
            for key, value in node.items():
                if not (loc == () and key in _NOT_TEXT):
                    walk(value, loc + (key,))
        elif isinstance(node, list):
            for k, value in enumerate(node):
                walk(value, loc + (k,))
        elif isinstance(node, str):
            asked = [k.asked_as for k in CATALOGUE.values() if k.asked_as in node and k.key not in kinds]
            if not kinds and _ANNEX_WORDS.search(node):
                asked.append("附件")
            for word in asked:
                problems.append(Problem(f"正文要求报送或参见“{word}”，但专项模板没有这样的附件（annexes）："
                                        "请在 annexes 中加上它，或改正正文", campaign.file,
                                        locate(campaign.raw, loc), ".".join(map(str, loc)), "warning"))

    walk(campaign.raw, ())
    return problems


def campaign_problems(resolved: Resolved, catalog: Catalog | None = None, lint: bool = True) -> list[Problem]:
    campaign = resolved.campaign
    problems = annex_problems(resolved)
    bundled = is_bundled(resolved)
    if lint:
        catalog = catalog or Catalog()
        words = word_lists(catalog.divisions, catalog.vocabulary)
        chain = _plausible_level_words(resolved.jurisdiction, catalog)

    year = resolved.plan.year

    def walk(node, loc, file=campaign.file, raw=campaign.raw):
        if isinstance(node, str):
            # a date that records the past (2021年5月1日起施行) is a fact, not one of the plan's dates
            past = historical_dates(node, year)
            match = next((m for m in _LITERAL_DATE.finditer(node)
                          if not any(a <= m.start() < b for a, b in past)), None)
            if match:
                problems.append(Problem(
                    f"专项模板中写了具体日期 “{match.group(0)}”：日期应写在方案文件中，模板里用 dates.* 或 phases 引用",
                    file, locate(raw, loc), ".".join(map(str, loc))))
            if lint:
                problems.extend(_jurisdiction_words(node, loc, file, raw, words, bundled, chain))
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, loc + (key,), file, raw)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, loc + (i,), file, raw)

    walk(campaign.raw, ())
    if resolved.problems_source is not None:  # the problem list is campaign text too
        walk(resolved.problems_source.raw, (), resolved.problems_source.file, resolved.problems_source.raw)
    # the annexes' data files (checklist, statistics forms, self-check) are campaign text as well
    seen = {campaign.file.resolve()} | ({resolved.problems_source.file.resolve()} if resolved.problems_source else set())
    for annex in campaign.model.annexes if lint else ():
        path = (campaign.folder / annex.source).resolve() if annex.source else None
        if path is None or path in seen or not path.is_file() or campaign.folder.resolve() not in path.parents:
            continue
        seen.add(path)
        try:
            raw = load_file(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(_words_in(raw, (), path, raw, words, bundled, chain))
    return problems


_LEVELS = ("national", "province", "prefecture", "county", "institution")


def _plausible_level_words(j, catalog: Catalog) -> set[str]:
    """The level words that may be right in this plan: its own and its superiors' (我市, 全省, 省委);
    where its chain stops short of a province (a made-up 某市), every higher level's."""
    words = set()
    for node in (j, *j.ancestors()):
        words |= {node.self, node.whole, node.directly_under, node.committee, node.prefix + "纪委"}
    top = j.province.level
    for kind in catalog.vocabulary.kinds.values():
        if kind.level in _LEVELS and _LEVELS.index(kind.level) < _LEVELS.index(top):
            words |= {kind.self_, kind.whole, kind.directly_under, kind.committee or kind.prefix + "委",
                      kind.prefix + "纪委"}
    return words


def _words_in(node, loc, file, raw, words, bundled: bool, chain: set[str]) -> list[Problem]:
    if isinstance(node, str):
        return _jurisdiction_words(node, loc, file, raw, words, bundled, chain)
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    return [p for key, value in items for p in _words_in(value, loc + (key,), file, raw, words, bundled, chain)]


def _jurisdiction_words(text: str, loc, file, raw, words, bundled: bool, chain: set[str]) -> list[Problem]:
    """Place names, level words and department names written into a campaign's text.

    Every one is an error in a bundled campaign, which serves every jurisdiction. In a user's
    own, which may serve only one, it is a warning, except a level word that is wrong for this
    very plan (全盟 in a county's plan): an error."""
    found = []
    start = locate(raw, loc)
    found.extend(text_problems(text, (file, start, ".".join(map(str, loc)) or None), bundled))
    lines = text.splitlines() or [text]
    for offset, line in enumerate(lines):
        for finding in words.find(line):
            wrong_here = finding.what == "层级用语" and finding.word not in chain
            severity = "error" if bundled or wrong_here else "warning"
            # a block of several lines starts on the line after its key
            at = start + offset + (1 if len(lines) > 1 else 0) if start else None
            found.append(Problem(finding.message(), file, at, ".".join(map(str, loc)), severity))
    return found
