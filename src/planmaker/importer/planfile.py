"""The draft plan file: which profile and campaign, the year, the parent
document, and every named date (a date equal to a phase's start or end is
written as that phase's date, so that moving the phase moves it too).

It is built as an ``inputs.models.Plan`` and written by ``inputs.planfile.dump_plan``, as cascade
and new write theirs: what is written is what build reads back.  Beside the fields that are the
original issuer's (its signature, its 文号, the document it implemented, its dates) a comment says
what to change before the plan is built for another place."""

from __future__ import annotations

import re

from pydantic import ValidationError

from planmaker.base.dates import PlanDate
from planmaker.importer.dates import DateBook, DateMention, arabic_date
from planmaker.importer.jurisdiction import Speaker
from planmaker.importer.outline import Outline
from planmaker.importer.paragraphs import ImportRefused
from planmaker.inputs.models import Plan
from planmaker.inputs.planfile import dump_plan

LOCAL_PROFILE = "辖区.yaml"


def build_plan(doc: Outline, speaker: Speaker, book: DateBook, parent_document: dict | None,
               contacts: list[dict], own: bool = True) -> Plan:
    """The plan file of the import, for ``speaker``'s place.  Not ``own`` when that is another place
    than the one that signed the document (import --profile naming another place): then neither the
    original's signature nor its 文号 is this plan's."""
    plan: dict = {"profile": speaker.profile_ref or f"./{LOCAL_PROFILE}", "campaign": "./"}
    if book.year:
        plan["year"] = book.year
    if doc.number and own:
        plan["number"] = doc.number
    signed = doc.issuer.text if doc.issuer else ""
    if own and (signed != speaker.issuer or not signed):
        plan["issuer"] = signed   # "" when the document has no issuer line: none is printed
    if parent_document:
        plan["parent_document"] = parent_document
    plan["dates"] = _dates(doc, book)
    if book.phases:
        plan["phases"] = _phases(book, plan["dates"])
    if contacts:
        plan["contacts"] = contacts
    try:
        return Plan.model_validate(plan)
    except ValidationError as exc:   # a defect of the importer, said as such, never a half-written file
        raise ImportRefused(f"导入结果不是有效的方案文件（这是 planmaker 的缺陷，请把原文件报告给维护者）：{exc}") from None


def plan_text(plan: Plan, source_name: str, superior_from: str = "") -> str:
    """The plan file as written: ``dump_plan``'s text with a comment above each field that belongs to
    the original issuer.  ``superior_from`` says where parent_document came from: "notice" (the covering
    印发通知) or "preamble" (a document the plan's preamble cites)."""
    header = f"# 由 planmaker import 从 {source_name} 导入。请通读并按编写指南润色。\n"
    comments = field_comments(plan, superior_from)
    out: list[str] = []
    for line in dump_plan(plan, header).splitlines(keepends=True):
        key = re.match(r"^([a-z_]+):", line)
        if key and key.group(1) in comments:
            out.extend(f"# {text}\n" for text in comments[key.group(1)])
        out.append(line)
    return "".join(out)


def field_comments(plan: Plan, superior_from: str = "") -> dict[str, list[str]]:
    """What to do with each field of the original issuer's when the plan is made for another place."""
    comments: dict[str, list[str]] = {}
    if plan.number:
        comments["number"] = [f"原方案的文号（{plan.number}）：为其他辖区制定方案时删去此行，本级文号由本级编写。"]
    if plan.issuer:
        comments["issuer"] = [f"原方案的落款（{plan.issuer}）：为其他辖区制定方案时删去此行，落款即用该辖区配置的发文机关。"]
    elif plan.issuer == "":
        comments["issuer"] = ["原方案没有落款：不印发文机关。为其他辖区制定方案时删去此行。"]
    parent = plan.parent_document
    if parent is not None:
        if superior_from == "notice":
            comments["parent_document"] = [
                f"原方案的印发通知（{parent.number or parent.title[:20]}）：本级贯彻的正是这份通知时保留；",
                "否则改为本级所依据的上级文件，或删去。"]
        else:
            comments["parent_document"] = [
                f"原方案所依据的上级文件（{parent.number or parent.title[:20]}）：据这份方案为下级制定时，",
                "改为这份方案本身（title 写方案标题，number 写其文号，issuer 写其发文机关）。"]
    comments["dates"] = ["原方案的日期：start、end 为专项起止，signed 为成文日期；为其他辖区制定方案时改为本级日期。"]
    if plan.contacts:
        comments["contacts"] = ["原方案的联系人：为其他辖区制定方案时改为本级的联系人，或删去。"]
    return comments


def _signed(doc: Outline) -> PlanDate | None:
    if not doc.signed:
        return None
    m = re.match(r"(\d{4}|20__|__)\s*年\s*(\d{1,2}|__)\s*月\s*(\d{1,2}|__)\s*日",
                 arabic_date(doc.signed.text).replace(" ", ""))
    return DateMention(*m.groups()).value(None) if m else None


def _dates(doc: Outline, book: DateBook) -> dict:
    values = dict(book.values)
    phases = list(book.phases.items())
    starts = [d for _, p in phases if (d := p.get("start")) is not None]
    ends = [d for _, p in phases if (d := p.get("end")) is not None]
    if values.get("start") is None and starts:
        values["start"] = min(starts)
    if values.get("end") is None and ends:
        values["end"] = max(ends)
    dates: dict = {"start": _iso(values.get("start")), "end": _iso(values.get("end")), "signed": _iso(_signed(doc))}
    boundaries: dict[PlanDate, str] = {}
    for pid, p in phases:
        for side in ("end", "start"):
            date = p.get(side)
            if date is not None:
                boundaries.setdefault(date, f"{pid}.{side}")
    for name, value in values.items():
        if name in ("start", "end"):
            continue
        dates[name] = boundaries.get(value, _iso(value)) if value else None
    return dates


def _phases(book: DateBook, dates: dict) -> dict:
    out = {}
    for pid, p in book.phases.items():
        entry: dict[str, str | None] = {}
        for side in ("start", "end"):
            value = p.get(side)
            if value is None:
                entry[side] = None
            elif _iso(value) == dates.get(side):
                entry[side] = side            # the campaign's own start (or end): one date, moved once
            else:
                entry[side] = _iso(value)
        out[pid] = entry
    return out


def _iso(value) -> str | None:
    return value.iso() if isinstance(value, PlanDate) else value
