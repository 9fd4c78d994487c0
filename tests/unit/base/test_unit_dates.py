"""base.dates and base.schedule on their own: the date forms the seeds write, and China's working days."""

import datetime as dt

import pytest

from planmaker.base.dates import PlanDate, format_date, format_span
from planmaker.base.schedule import Schedule, ScheduleError, add_workdays, is_workday, parse_date_spec, previous_workday


def d(text: str) -> PlanDate:
    return PlanDate.parse(text)


@pytest.mark.parametrize(("start", "end", "kwargs", "written"), [
    ("2021-08", "2021-08", {}, "2021年8月"),
    ("2021-09", "2021-10", {}, "2021年9月—10月"),
    ("2021-10", "2021-12", {"repeat_year": True}, "2021年10月—2021年12月"),
    ("2021-12", "2022-03", {}, "2021年12月—2022年3月"),
    ("2020-09", "2020-10", {"compact": True, "sep": "-"}, "2020年9-10月"),
    ("2021-08-01", "2021-08-20", {}, "2021年8月1日—20日"),
])
def test_periods_are_written_as_the_seeds_write_them(start, end, kwargs, written):
    assert format_span(d(start), d(end), **kwargs) == written


def test_a_date_has_no_zero_padding_and_an_unknown_one_is_a_visible_blank():
    assert format_date(d("2021-08-20")) == "2021年8月20日"
    blank = format_date(None)
    assert blank == "20__年__月__日"  # as the template-style seeds leave it


def test_working_days_follow_the_official_calendar():
    national_day = dt.date(2021, 10, 1)
    assert not is_workday(national_day)
    assert is_workday(dt.date(2021, 10, 9))  # a Saturday worked in exchange (调休)
    assert previous_workday(national_day) == dt.date(2021, 9, 30)
    assert add_workdays(dt.date(2021, 9, 30), 1) == dt.date(2021, 10, 8)


def test_a_schedule_resolves_relative_dates_and_names_an_unknown_one():
    specs = {name: parse_date_spec(value) for name, value in
             {"start": "2021-09-01", "report": "start + 1 month", "wrong": "strat + 1 month"}.items()}
    schedule = Schedule(specs)
    assert schedule.value("report") == d("2021-10-01")
    with pytest.raises(ScheduleError, match="strat"):
        schedule.value("wrong")
