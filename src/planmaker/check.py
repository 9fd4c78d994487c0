"""`planmaker check`: every problem of a plan, its profile and its campaign."""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog
from .compose import compose_plan
from .errors import InputError, Problem
from .resolve import Resolved, resolve
from .validation import locate


def check_plan(plan_path: Path, catalog: Catalog | None = None) -> list[Problem]:
    catalog = catalog or Catalog()
    try:
        resolved = resolve(Path(plan_path), catalog)
        compose_plan(resolved)
    except InputError as exc:
        return exc.problems
    return date_problems(resolved)


def date_problems(resolved: Resolved) -> list[Problem]:
    problems: list[Problem] = []
    file, raw = resolved.plan_file, resolved.plan_raw

    def warn(message, loc):
        problems.append(Problem(message, file, locate(raw, loc), ".".join(loc), "warning"))

    def error(message, loc):
        problems.append(Problem(message, file, locate(raw, loc), ".".join(loc)))

    for name, value in resolved.dates.items():
        if value is None:
            warn(f"日期 {name} 未设置，文中将留空（20__年__月__日）", ("dates",))
    start, end = resolved.dates["start"], resolved.dates["end"]
    if start and end and start.first_day > end.last_day:
        error("开始日期晚于结束日期", ("dates", "start"))
    previous = None
    for item in resolved.phases:
        pid = item.model.id
        p_start, p_end = resolved.phase_dates(pid)
        if p_start is None or p_end is None:
            warn(f"阶段 {pid}（{item.model.name}）的起止日期未设置，文中将留空", ("phases",))
            continue
        if p_start.first_day > p_end.last_day:
            error(f"阶段 {pid}（{item.model.name}）开始晚于结束", ("phases", pid))
        if start and p_start.first_day < start.first_day or end and p_end.last_day > end.last_day:
            error(f"阶段 {pid}（{item.model.name}）超出专项起止时间", ("phases", pid))
        if previous and p_start.first_day < previous[1].first_day:
            error(f"阶段 {pid}（{item.model.name}）早于上一阶段 {previous[0]}，顺序不对", ("phases", pid))
        previous = (pid, p_start)
    signed = resolved.dates["signed"]
    if signed and start and signed.first_day > start.last_day:
        error("成文日期晚于专项开始日期", ("dates", "signed"))
    return problems
