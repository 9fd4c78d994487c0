"""A campaign's recurring reports (every month or quarter): their due dates for the plan's period."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from planmaker.base.dates import PlanDate
from planmaker.base.errors import Problem, field_path
from planmaker.base.schedule import (
    DateExpr,
    Schedule,
    ScheduleError,
    apply_steps,
    parse_steps,
    period_ends,
    period_label,
)
from planmaker.inputs.catalog import LoadedCampaign
from planmaker.inputs.models import Plan
from planmaker.inputs.validation import locate
from planmaker.inputs.yamlfile import Yaml


@dataclass(frozen=True)
class SeriesDate:
    """One report of a recurring series (the third quarter's, …); ``date`` None while the period is not set."""

    name: str  # quarterly_1, …: the key of calendar events and check results
    label: str
    date: PlanDate | None



# The plan's dates by name, and each phase's first and last day.
Dates = Mapping[str, "PlanDate | None"]
PhaseDates = Mapping[str, "tuple[PlanDate | None, PlanDate | None]"]


def recurring_dates(plan: Plan, raw: Yaml, plan_path: Path, campaign: LoadedCampaign, dates: Dates,
                    phase_dates: PhaseDates, problems: list[Problem]) -> dict[str, list[SeriesDate]]:
    """Each recurring report's due dates: one per month or quarter that ends within the period."""
    series: dict[str, list[SeriesDate]] = {}
    for i, spec in enumerate(campaign.model.recurring):
        override = plan.recurring.get(spec.id)
        due = override.due if override and override.due else spec.due
        where = ((plan_path, raw, ("recurring", spec.id, "due")) if override and override.due
                 else (campaign.file, campaign.raw, ("recurring", i, "due")))
        try:
            steps = parse_steps(due)
        except ValueError:
            problems.append(Problem(
                f"报送时间 “{due}” 无法识别：应写成 + 10 days、+ 5 working days（或 + 10 天、+ 5 工作日）",
                where[0], locate(where[1], where[2]), field_path(where[2])))
            continue
        start, end = dates["start"], dates["end"]
        until = end
        if override and override.until is not None:
            try:
                until = _evaluate_until(override.until, dates, phase_dates)
            except ScheduleError as exc:
                loc = ("recurring", spec.id, "until")
                problems.append(Problem(str(exc), plan_path, locate(raw, loc), field_path(loc)))
                continue
        if start is None or until is None:
            # Unknown period: as many blank dates as the source document shows.
            series[spec.id] = [SeriesDate(f"{spec.id}_{n}", spec.label, None) for n in range(1, spec.blanks + 1)]
            continue
        reports = []
        for n, last in enumerate(period_ends(start.first_day, until.last_day, spec.every), start=1):
            day = apply_steps(PlanDate(last.year, last.month, last.day), steps, due)
            reports.append(SeriesDate(f"{spec.id}_{n}", f"{spec.label}（{period_label(last, spec.every)}）", day))
        series[spec.id] = reports
    return series


def _evaluate_until(spec: PlanDate | DateExpr, dates: Dates, phase_dates: PhaseDates) -> PlanDate | None:
    """``until`` may refer to the plan's dates and phases like any other date."""
    known: dict[str, object] = dict(dates)
    for pid, (first, last) in phase_dates.items():
        known[f"{pid}.start"], known[f"{pid}.end"] = first, last
    return Schedule({**known, "recurring.until": spec}).value("recurring.until")
