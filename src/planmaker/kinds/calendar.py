"""The plan's phases and deadlines as an iCalendar file a calendar program imports."""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from planmaker import __version__
from planmaker.base.dates import format_date
from planmaker.base.files import Artifact
from planmaker.kinds.base import Job, Kind
from planmaker.plan.resolve import FIXED_DATES, Resolved


def _uid(title: str, key: str) -> str:
    # stable across builds, so re-importing updates events instead of duplicating them
    return hashlib.sha1(f"{title}\n{key}".encode()).hexdigest() + "@planmaker"


def _event(title: str, key: str, summary: str, first: dt.date, last: dt.date, stamp: dt.datetime,
           description: str = "") -> Event:
    event = Event()
    event.add("uid", _uid(title, key))
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + dt.timedelta(days=1))  # all-day events end the day after
    if description:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def plan_calendar(resolved: Resolved, title: str, when: dt.datetime, deadline_labels: dict[str, str]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//planmaker {__version__}//zh-CN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    stamp = when.replace(tzinfo=dt.timezone.utc)
    start, end = resolved.dates["start"], resolved.dates["end"]
    if start and end:
        calendar.add_component(_event(title, "period", f"专项期间：{title}", start.first_day, end.last_day, stamp))
    for item in resolved.phases:
        first, last = resolved.phase_dates(item.model.id)
        if first and last:
            calendar.add_component(_event(title, f"phase:{item.model.id}", item.model.name,
                                          first.first_day, last.last_day, stamp, title))
    from planmaker.plan.coverage import resolved_milestones

    # A coverage milestone's date says what is due by then: “集中整治完成40%（15家）”.
    labels = dict(deadline_labels)
    for milestone in resolved_milestones(resolved).values():
        ref = next(m.date for m in resolved.campaign.model.milestones if m.id == milestone.id)
        if ref in resolved.dates:
            labels[ref] = milestone.describe()
    dated = list(resolved.dates.items())
    for milestone in resolved_milestones(resolved).values():
        ref = next(m.date for m in resolved.campaign.model.milestones if m.id == milestone.id)
        if ref not in resolved.dates and milestone.date is not None:
            # due at a phase's start or end: an event of its own on that day
            dated.append((f"milestone_{milestone.id}", milestone.date))
            labels[f"milestone_{milestone.id}"] = milestone.describe()
    dated += [(r.name, r.date) for reports in resolved.series.values() for r in reports]
    for name, value in dated:
        if name in FIXED_DATES or value is None:
            continue
        label = labels.get(name, name)
        day = value.first_day if value.day else value.last_day
        calendar.add_component(_event(title, f"date:{name}", f"截止：{label}（{format_date(value)}）",
                                      day, day, stamp, title))
    return calendar.to_ical()


class CalendarKind(Kind):
    key = "calendar"
    summary = "各阶段、报送时限、进度节点的 .ics 日历"

    def files(self, job: Job) -> list[Artifact]:
        resolved = job.resolved
        data = plan_calendar(resolved, job.plan.title, job.when, resolved.date_labels)
        return [Artifact(f"{job.stem}.ics", self.key, data)]
