"""plan.compose.issuing_parts: the 版记's 印发日期 as every other date of the plan is printed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from planmaker.base.dates import PlanDate
from planmaker.inputs.models import Imprint, Plan
from planmaker.plan.compose import issuing_parts


def imprint_date(date) -> str:
    # built past validation: a date known only to the month is what the model would be given by a
    # DateSpec, and what the printing must already bear
    plan = Plan.model_validate({"profile": "rongan", "campaign": "c"}).model_copy(
        update={"imprint": Imprint.model_construct(cc=["某单位"], printer=None, date=date)})
    resolved = SimpleNamespace(plan=plan, issuer="融安县卫生健康局", dates={"signed": PlanDate(2021, 8, 20)})
    _, _, imprint = issuing_parts(resolved)
    return imprint.date


def test_the_imprint_date_is_printed_as_the_plans_dates_are():
    assert imprint_date(dt.date(2021, 8, 23)) == "2021年8月23日"
    assert imprint_date(PlanDate(2021, 8)) == "2021年8月"  # not “2021年8月None日”
    assert imprint_date(None) == "2021年8月20日"  # the signing date when none is given
