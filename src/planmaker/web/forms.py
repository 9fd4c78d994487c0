"""The new-plan form: each answer checked by the functions `planmaker new` uses, and the
plan file it makes checked by `planmaker check`; every message goes next to its field."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from planmaker.base.errors import InputError, Problem
from planmaker.commands import new as wizard
from planmaker.commands.check import check_plan
from planmaker.inputs.catalog import Catalog, Jurisdiction, LoadedCampaign

FIELDS = ("profile", "campaign", "start", "parent_title", "parent_number", "issuer", "contacts")
# check's field paths → the form's fields
_CHECK_FIELDS = {"profile": "profile", "campaign": "campaign", "dates": "start", "phases": "start",
                 "parent_document": "parent_title", "issuer": "issuer", "contacts": "contacts"}


@dataclass
class NewForm:
    values: dict[str, str]
    picked: bool = False  # the jurisdiction was chosen from the list found: its reference is exact
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)  # what check says of no one field
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def empty(cls) -> NewForm:
        return cls(dict.fromkeys(FIELDS, ""))

    @classmethod
    def read(cls, form) -> NewForm:
        values = {name: (form.get(name) or "").strip() for name in FIELDS}
        picked = bool((form.get("profile_pick") or "").strip())
        if picked:
            values["profile"] = form["profile_pick"].strip()
        return cls(values, picked)

    def error(self, name: str, exc: InputError) -> None:
        self.errors.setdefault(name, []).extend(p.message for p in exc.problems)


def candidates(catalog: Catalog, query: str, limit: int = 12) -> list[tuple[str, str]]:
    """(reference, shown name) of the jurisdictions ``query`` may mean: what `planmaker profiles`
    finds (profiles and units of the national table), else what `planmaker new` accepts."""
    query = query.strip()
    if not query:
        return []
    found: list[tuple[str, str]] = []
    for code, path, kind, pid in _search(catalog, query):
        if kind in catalog.vocabulary.refused:
            continue
        reference = pid or path
        if all(reference != ref for ref, _ in found):
            found.append((reference, f"{path}（{kind}{'，代码 ' + code if code else ''}）"))
    return found[:limit]


def _search(catalog: Catalog, query: str) -> list[tuple[str, str, str, str]]:
    """`planmaker profiles`'s search; for a name written with its province or city before it
    (北京市朝阳区), the units whose path reads as the whole name."""
    found = catalog.search(query)
    for cut in range(1, len(query) - 1) if not found else ():
        found = [row for row in catalog.search(query[cut:]) if query in row[1].replace("/", "")]
        if found:
            break
    return found


def answers(form: NewForm, catalog: Catalog) -> wizard.NewPlan | None:
    """The plan the answers make, or None with the form's errors set."""
    values = form.values
    jurisdiction: Jurisdiction | None = None
    campaign: LoadedCampaign | None = None
    try:
        if not values["profile"]:
            raise InputError.single("请填写辖区（如 思南县、北京市朝阳区），并点“查找”从列表中选择")
        if form.picked:  # an id or a path of the national table, as `planmaker profiles` lists it
            jurisdiction = catalog.load_profile(values["profile"])
        else:
            jurisdiction = wizard.choose_profile(catalog, values["profile"], None, lambda _text: None)
    except InputError as exc:
        form.error("profile", exc)
    if jurisdiction is not None:
        try:
            if not values["campaign"]:
                raise InputError.single("请选择一个专项模板")
            campaign = wizard.choose_campaign(catalog, jurisdiction, values["campaign"], None, lambda _text: None)
        except InputError as exc:
            form.error("campaign", exc)
    try:
        start = wizard.parse_month(values["start"])
    except InputError as exc:
        form.error("start", exc)
    contacts = []
    unit = ("health" if "health" in jurisdiction.departments else jurisdiction.issuer) if jurisdiction else ""
    for line in values["contacts"].splitlines():
        if line.strip():
            try:
                contacts.append(wizard.parse_contact(line, unit))
            except InputError as exc:
                form.error("contacts", exc)
    if form.errors or jurisdiction is None or campaign is None:
        return None
    title = values["parent_title"]
    return wizard.NewPlan(jurisdiction, campaign, start, title, values["parent_number"] if title else "",
                          values["issuer"] or jurisdiction.issuer, contacts)


def checked_plan(form: NewForm, plan: wizard.NewPlan, staged: Path, catalog: Catalog) -> bool:
    """Write the plan file into ``staged`` and check it as `planmaker check` would; False (and the
    messages by field) when it has errors, and the staged folder is removed."""
    path = wizard.write_plan(staged, wizard.plan_text(plan))
    problems = check_plan(path, catalog)
    for problem in problems:
        _place(form, problem)
    if any(p.severity == "error" for p in problems):
        shutil.rmtree(staged, ignore_errors=True)
        return False
    return True


def _place(form: NewForm, problem: Problem) -> None:
    top = (problem.field or "").split(".")[0].split("[")[0]
    name = _CHECK_FIELDS.get(top)
    text = problem.message if name else str(problem)
    if problem.severity == "warning":
        form.warnings.append(str(problem))
    elif name:
        form.errors.setdefault(name, []).append(text)
    else:
        form.general.append(text)
