"""A plan made ready for its kinds of document: the Job every kind renders from.
Used by build (commands/build.py) and by check, which renders what build will."""

from __future__ import annotations

import datetime as dt

from planmaker.inputs.models import Strict
from planmaker.kinds import registry
from planmaker.kinds.base import Job
from planmaker.office.ooxml import EPOCH
from planmaker.plan.annexes import Annex
from planmaker.plan.resolve import Resolved


def document_time(resolved: Resolved) -> dt.datetime:
    """The timestamp stamped into files: the plan's own date, never the clock."""
    for name in ("signed", "start"):
        value = resolved.dates.get(name)
        if value is not None:
            return dt.datetime.combine(value.first_day, dt.time())
    return EPOCH


def titled_annexes(resolved: Resolved) -> list[Annex[Strict | None]]:
    """The plan's annexes loaded, each with its title (what collect needs of them)."""
    from planmaker.plan import annexes as ax
    from planmaker.plan.compose import plan_title
    from planmaker.plan.context import base_context

    annexes = ax.load_annexes(resolved)
    ax.annex_titles(resolved, annexes, {**base_context(resolved), "title": plan_title(resolved)})
    return annexes


def make_job(resolved: Resolved, with_institutions: bool = False) -> Job:
    """The plan composed, its annexes loaded and titled: what every kind renders from."""
    from planmaker.plan.compose import compose_plan

    annexes = titled_annexes(resolved)
    plan = compose_plan(resolved, [a.title for a in annexes])
    return Job(resolved, annexes, plan, document_time(resolved), resolved.issuer, registry.KINDS, with_institutions)
