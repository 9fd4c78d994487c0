"""`planmaker check`: every problem of a plan, its profile and its campaign."""

from __future__ import annotations

import re
from pathlib import Path

from planmaker.base import notices, resources
from planmaker.base.dates import PlanDate, format_date
from planmaker.base.errors import InputError, Problem
from planmaker.base.history import historical_dates
from planmaker.base.schedule import calendar_covers, holiday_name, is_workday, previous_workday
from planmaker.commands.check_wording import plan_problems, text_problems
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.lint import word_lists
from planmaker.inputs.validation import locate
from planmaker.inputs.yamlfile import load_file
from planmaker.plan.compose import compose_plan
from planmaker.plan.inferred import notice_for
from planmaker.plan.resolve import FIXED_DATES, Resolved, resolve

# A campaign holds no date: dates belong to the plan file, so that moving one moves all.
_LITERAL_DATE = re.compile(r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月|(?:19|20)\d\d-\d{1,2}-\d{1,2}")


def check_plan(plan_path: Path, catalog: Catalog | None = None) -> list[Problem]:
    catalog = catalog or Catalog()
    # Warnings raised while loading (control characters removed) belong in the
    # list and in its count, not after it.
    with notices.collecting() as warnings:
        try:
            resolved = resolve(Path(plan_path), catalog)
            document = compose_plan(resolved)
        except InputError as exc:
            return warnings + exc.problems
    from planmaker.commands.check_render import render_problems
    from planmaker.commands.check_text import text_problems as slips

    inferred = notice_for(resolved)
    return (warnings + ([inferred] if inferred else []) + campaign_problems(resolved, catalog)
            + date_problems(resolved) + plan_problems(resolved, document, is_bundled(resolved))
            + slips(document, resolved) + render_problems(resolved))


def is_bundled(resolved: Resolved) -> bool:
    return resources.campaigns_dir().resolve() in resolved.campaign.file.resolve().parents


def refuse_errors(resolved: Resolved) -> None:
    """What `build` does with the plan's problems: errors stop it, in check's words."""
    # the words a campaign should not hard-code are for check to list: a draft (an import) still builds
    errors = [p for p in campaign_problems(resolved, lint=False) + date_problems(resolved) if p.severity == "error"]
    if errors:
        raise InputError(errors + [Problem(f"planmaker check {resolved.plan_file} 列出全部问题；改正后再生成")])


# What a campaign's text may ask to be sent, and the kind of annex that ships it.
ASKED_FOR = {"统计表": "stats", "检查表": "checklist", "自查表": "selfcheck", "整改台账": "ledger", "任务分工表": "tasks"}
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
            asked = [word for word, kind in ASKED_FOR.items() if word in node and kind not in kinds]
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
    dated = [(name, resolved.dates.get(name), ("dates", name), "") for name in deadlines + ["signed"]]
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
