"""Dates that move together, and the date problems `check` finds."""

import datetime as dt
import re

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLES, docx_text, manifest, run_cli, write_plan
from planmaker.base.dates import PlanDate
from planmaker.base.schedule import DateExpr, Schedule, add_workdays

LIUZHOU = (EXAMPLES / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8")
DATE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?(?:[—-](?:(\d{4})年)?(\d{1,2})月)?")
ICS_DATE = re.compile(r"VALUE=DATE:(\d{8})")


def all_dates(out):
    """Every date of every output, in order, file by file."""
    found = {}
    for entry in manifest(out)["files"]:
        path = out / entry["path"]
        if path.suffix == ".docx":
            text = docx_text(path)
        elif path.suffix in (".md", ".html"):
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".ics":
            found[entry["path"]] = ICS_DATE.findall(path.read_text(encoding="utf-8"))
            continue
        elif path.suffix == ".xlsx":
            book = load_workbook(path)
            text = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                             if c.value is not None)
        else:
            continue
        found[entry["path"]] = DATE.findall(text)
    return found


def normal(match, months=0):
    """A found date as (year, month, day, end year, end month), moved by ``months``."""
    year, month, day, year2, month2 = match

    def move(y, m):
        index = int(y) * 12 + int(m) - 1 + months
        return index // 12, index % 12 + 1

    result = (*move(year, month), day)
    return result + (move(year2 or year, month2) if month2 else ())


def test_moving_the_start_moves_every_date_in_every_output(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    plan = write_plan(tmp_path / "a", LIUZHOU)
    moved = write_plan(tmp_path / "b", LIUZHOU.replace("start: 2021-08 ", "start: 2021-09 "))
    assert run_cli("build", plan, "-o", before).exit_code == 0
    assert run_cli("build", moved, "-o", after).exit_code == 0
    old, new = all_dates(before), all_dates(after)
    assert old.keys() == new.keys()
    checked = 0
    for path, dates in old.items():
        if path.endswith(".ics"):
            expected = []
            for d in dates:
                y, m, day = int(d[:4]), int(d[4:6]), int(d[6:])
                index = y * 12 + m  # one month later, same day (every ics date here is a 1st or a 20th)
                expected.append(f"{index // 12:04d}{index % 12 + 1:02d}{day:02d}")
            assert new[path] == expected, path
        else:
            assert [normal(d) for d in new[path]] == [normal(d, 1) for d in dates], path
        checked += len(dates)
    assert checked > 30
    plan_text = docx_text(next(p for p in after.glob("*工作方案.docx")))
    assert "2021年9月至2022年4月" in plan_text and "2021年9月20日" in plan_text
    assert "于2021年11月1日及2022年4月1日前" in plan_text


def test_relative_dates_evaluate_in_dependency_order():
    schedule = Schedule({
        "b.end": DateExpr.parse("a.end + 2 months"),
        "a.end": DateExpr.parse("start"),
        "start": PlanDate(2024, 9),
        "due": DateExpr.parse("b.end.last - 5 working days"),
        "sign": DateExpr.parse("start.first + 3 工作日"),
    })
    assert schedule.value("b.end") == PlanDate(2024, 11)
    # 2024-11-30 is a Saturday: five working days back is Monday the 25th
    assert schedule.value("due") == PlanDate(2024, 11, 25)
    # 2024-09-01 Sunday → 2, 3, 4 September
    assert schedule.value("sign") == PlanDate(2024, 9, 4)


def test_working_days_follow_the_official_adjusted_days():
    # 2024-09-29 was a Sunday made a working day for the National Day holiday
    assert add_workdays(dt.date(2024, 9, 27), 1) == dt.date(2024, 9, 29)
    assert add_workdays(dt.date(2024, 10, 8), -1) == dt.date(2024, 9, 30)


@pytest.mark.parametrize("text, message", [
    ("start + 1 day", "只精确到月"),
    ("strat + 1 month", "是否想写 “start”"),
])
def test_bad_relative_dates_are_explained(tmp_path, text, message):
    plan = write_plan(tmp_path, LIUZHOU.replace("signed: start.first + 19 days", f"signed: {text}"))
    result = run_cli("build", plan, "-o", tmp_path / "out")
    assert result.exit_code == 2 and message in result.output and "dates.signed" in result.output


def test_a_cycle_of_dates_is_reported(tmp_path):
    text = LIUZHOU.replace("end: summary.end ", "end: summary.end ").replace(
        "summary: {start: inspection.end + 1 month, end: summary.start + 2 months}",
        "summary: {start: inspection.end + 1 month, end: end}")
    result = run_cli("build", write_plan(tmp_path, text), "-o", tmp_path / "out")
    assert result.exit_code == 2 and "循环" in result.output


def check(tmp_path, text):
    result = run_cli("check", write_plan(tmp_path, text))
    return result.exit_code, result.output


def test_check_finds_phases_out_of_order_and_overlapping(tmp_path):
    text = LIUZHOU.replace("inspection: {start: self-check.end,", "inspection: {start: self-check.start,")
    code, output = check(tmp_path, text)
    assert code == 1 and "inspection" in output and "重叠" in output


def test_check_finds_deadlines_outside_the_campaign_and_late_signature(tmp_path):
    text = LIUZHOU.replace("final_report: summary.end.first", "final_report: summary.end.last + 10 days").replace(
        "signed: start.first + 19 days", "signed: 2021-09-03")
    code, output = check(tmp_path, text)
    assert code == 1
    assert "final_report" in output and "不在专项起止时间之内" in output
    assert "成文日期晚于专项开始日期" in output


def test_check_warns_about_holidays_and_weekends(tmp_path):
    code, output = check(tmp_path, LIUZHOU)
    assert code == 0
    assert "2021年10月1日是国庆节假期" in output and "2021年9月30日" in output
    code, output = check(tmp_path, LIUZHOU.replace("final_report: summary.end.first", "final_report: 2022-02-26"))
    assert "2022年2月26日是周末" in output


def test_a_year_the_calendar_does_not_cover_warns_instead_of_crashing(tmp_path):
    text = LIUZHOU.replace("start: 2021-08 ", "start: 2091-08 ").replace(
        "final_report: summary.end.first", "final_report: summary.end.last - 5 working days")
    code, output = check(tmp_path, text)
    assert code == 0, output
    assert "尚未收录 2092 年" in output
    assert run_cli("build", write_plan(tmp_path / "b", text), "-o", tmp_path / "out").exit_code == 0


def test_a_campaign_with_a_literal_date_is_reported(tmp_path):
    import shutil

    from conftest import ROOT
    campaigns = tmp_path / "campaigns"
    shutil.copytree(ROOT / "templates" / "campaigns" / "unreasonable-exams", campaigns / "dated")
    path = campaigns / "dated" / "campaign.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ j.whole }}各级各类医疗机构。",
                                                             "{{ j.whole }}各级各类医疗机构，2021年9月底前完成。"),
                    encoding="utf-8")
    plan = write_plan(tmp_path, LIUZHOU.replace("campaign: unreasonable-exams", "campaign: dated"))
    result = run_cli("check", plan, "--campaigns", campaigns)
    assert result.exit_code == 1 and "具体日期 “2021年9月”" in result.output and "campaign.yaml" in result.output


def test_calendar_file_holds_phases_and_deadlines(liuzhou_out):
    (ics,) = [liuzhou_out / f["path"] for f in manifest(liuzhou_out)["files"] if f["kind"] == "calendar"]
    from icalendar import Calendar
    calendar = Calendar.from_ical(ics.read_bytes())
    events = {str(e["summary"]): (e.decoded("dtstart"), e.decoded("dtend")) for e in calendar.walk("VEVENT")}
    assert events["部署阶段"] == (dt.date(2021, 8, 1), dt.date(2021, 9, 1))
    assert events["总结阶段"] == (dt.date(2022, 1, 1), dt.date(2022, 4, 1))
    assert events["截止：阶段报告报送（2021年10月1日）"][0] == dt.date(2021, 10, 1)
    assert len(events) == 1 + 4 + 2
