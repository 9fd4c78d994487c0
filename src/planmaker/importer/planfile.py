"""The draft plan file: which profile and campaign, the year, the parent
document, and every named date (a date equal to a phase's start or end is
written as that phase's date, so that moving the phase moves it too)."""

from __future__ import annotations

import re

from planmaker.base.dates import PlanDate
from planmaker.importer.dates import DateBook, DateMention, arabic_date
from planmaker.importer.jurisdiction import Speaker
from planmaker.importer.outline import Outline

LOCAL_PROFILE = "辖区.yaml"


def plan_dict(doc: Outline, speaker: Speaker, book: DateBook, parent_document: dict | None,
              contacts: list[dict]) -> dict:
    plan: dict = {"profile": speaker.profile_ref or f"./{LOCAL_PROFILE}", "campaign": "./"}
    if book.year:
        plan["year"] = book.year
    if doc.number:
        plan["number"] = doc.number
    issuer = doc.issuer.text if doc.issuer else ""
    if issuer != speaker.issuer or not issuer:
        plan["issuer"] = issuer   # "" when the document has no issuer line: none is printed
    if parent_document:
        plan["parent_document"] = parent_document
    plan["dates"] = _dates(doc, book)
    if book.phases:
        plan["phases"] = _phases(book, plan["dates"])
    if contacts:
        plan["contacts"] = contacts
    return plan


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
