"""What `check` says of a plan's dates: the period, the phases in order and within it, deadlines
and recurring reports inside it and on working days, coverage milestones that only grow."""

from __future__ import annotations

from planmaker.base.dates import PlanDate, format_date
from planmaker.base.errors import Problem
from planmaker.base.schedule import calendar_covers, holiday_name, is_workday, previous_workday
from planmaker.inputs.validation import locate
from planmaker.plan.resolve import FIXED_DATES, Resolved


class _Report:
    """Problems found in the plan file, each at the line of its field."""

    def __init__(self, resolved: Resolved):
        self.problems: list[Problem] = []
        self.file, self.raw = resolved.plan_file, resolved.plan_raw

    def __call__(self, message: str, loc: tuple, severity: str = "error") -> None:
        self.problems.append(Problem(message, self.file, locate(self.raw, loc), ".".join(loc), severity))


def date_problems(resolved: Resolved) -> list[Problem]:
    report = _Report(resolved)
    _period_problems(resolved, report)
    _phase_problems(resolved, report)
    dated = _deadline_problems(resolved, report)
    _milestone_problems(resolved, report)
    _workday_problems(dated, report)
    return report.problems


def _period_problems(resolved: Resolved, report: _Report) -> None:
    for name, value in resolved.dates.items():
        if value is None:
            report(f"日期 {name} 未设置，文中将留空（20__年__月__日）", ("dates",), "warning")
    start, end = resolved.dates["start"], resolved.dates["end"]
    if start and end and start.first_day > end.last_day:
        report("开始日期晚于结束日期", ("dates", "start"))


def _phase_problems(resolved: Resolved, report: _Report) -> None:
    start, end = resolved.dates["start"], resolved.dates["end"]
    previous = None
    for item in resolved.phases:
        pid, name = item.model.id, item.model.name
        p_start, p_end = resolved.phase_dates(pid)
        loc = ("phases", pid)
        if p_start is None or p_end is None:
            report(f"阶段 {pid}（{name}）的起止日期未设置，文中将留空", ("phases",), "warning")
            continue
        if p_start.first_day > p_end.last_day:
            report(f"阶段 {pid}（{name}）开始晚于结束", loc)
        if (start and p_start.first_day < start.first_day) or (end and p_end.last_day > end.last_day):
            report(f"阶段 {pid}（{name}）超出专项起止时间", loc)
        if previous:
            prev_id, prev_start, prev_end = previous
            if p_start.first_day < prev_start.first_day:
                report(f"阶段 {pid}（{name}）早于上一阶段 {prev_id} 开始，顺序不对", loc)
            elif _before(p_start, prev_end):
                report(f"阶段 {pid}（{name}）与上一阶段 {prev_id} 重叠：上一阶段到 {format_date(prev_end)} 才结束", loc)
        previous = (pid, p_start, p_end)


def _deadline_problems(resolved: Resolved, report: _Report) -> list[tuple]:
    """Deadlines outside the period; returns every dated entry (name, date, loc, label)
    for the working-day check."""
    start, end = resolved.dates["start"], resolved.dates["end"]
    signed = resolved.dates["signed"]
    if signed and start and signed.first_day > start.last_day:
        report("成文日期晚于专项开始日期", ("dates", "signed"))
    deadlines = [n for n in resolved.dates if n not in FIXED_DATES]
    for name in deadlines:
        value = resolved.dates[name]
        if value and start and end and not (start.first_day <= value.first_day and value.last_day <= end.last_day):
            report(f"报送时限 {name}（{format_date(value)}）不在专项起止时间之内", ("dates", name))
    # Recurring reports are computed from the period: a problem is reported at the
    # plan's recurring entry if it has one, else at its dates.
    dated: list[tuple[str, PlanDate | None, tuple[str, ...], str]] = [
        (name, resolved.dates.get(name), ("dates", name), "") for name in deadlines + ["signed"]]
    for sid, reports in resolved.series.items():
        loc = ("recurring", sid) if sid in resolved.plan.recurring else ("dates",)
        for entry in reports:
            # a report on a period is due after it: the last quarter's after the campaign's end
            dated.append((entry.name, entry.date, loc, f"{entry.label}："))
    return dated


def _milestone_problems(resolved: Resolved, report: _Report) -> None:
    """Coverage is cumulative: a later milestone of the same institutions cannot ask for less."""
    milestones = [(m, resolved.milestone_dates.get(m.id)) for m in resolved.campaign.model.milestones]

    def percent(milestone):
        return resolved.plan.milestones.get(milestone.id, milestone.percent)

    if milestones and not resolved.institutions:
        report("进度节点按机构总数的百分比计算家数，但辖区配置没有机构名单，也没有用 --institutions 给出："
               "文中的家数将留空（__家）", ("milestones",), "warning")
    for milestone, when in milestones:
        if when is None:
            report(f"进度节点 {milestone.id}（{milestone.percent}%）的日期未设置，文中的月份将留空（__月份）",
                   ("dates",), "warning")
    for (earlier, e_date), (later, l_date) in zip(milestones, milestones[1:]):
        if earlier.groups == later.groups and e_date and l_date:
            if l_date.last_day < e_date.first_day:
                report(f"进度节点 {later.id} 的日期早于上一节点 {earlier.id}", ("dates",))
            elif percent(later) < percent(earlier):
                report(f"进度节点 {later.id}（{percent(later)}%）少于上一节点 {earlier.id}（{percent(earlier)}%）",
                       ("milestones",), "warning")


def _workday_problems(dated: list[tuple], report: _Report) -> None:
    uncovered = set()
    for _name, value, loc, label in dated:
        if value is None or value.day is None:
            continue
        day = value.first_day
        if not calendar_covers(day.year):
            uncovered.add(day.year)
        if not is_workday(day):
            holiday = holiday_name(day)
            why = f"{holiday}假期" if holiday else "周末"
            report(f"{label}{format_date(value)}是{why}，不是工作日；建议改为前一个工作日"
                   f"{format_date(PlanDate(*previous_workday(day).timetuple()[:3]))}", loc, "warning")
    for year in sorted(uncovered):
        report(f"节假日数据（chinese-calendar）尚未收录 {year} 年，工作日暂按周一至周五计算", ("dates",), "warning")


def _before(later: PlanDate, earlier_end: PlanDate) -> bool:
    """Whether ``later`` starts before ``earlier_end`` is over; a phase handed
    over within one month (9月—10月, then 10月—12月) is not an overlap."""
    if later.day is None or earlier_end.day is None:
        return (later.year, later.month) < (earlier_end.year, earlier_end.month)
    return later.first_day < earlier_end.first_day
