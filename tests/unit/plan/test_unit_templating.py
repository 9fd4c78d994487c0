"""plan.templating on its own: the campaign's Jinja, with the date filters and the sandbox."""

import pytest

from planmaker.base.dates import PlanDate
from planmaker.base.errors import InputError
from planmaker.plan.templating import render


def test_dates_and_numbers_render_as_a_clerk_writes_them():
    context = {"start": PlanDate.parse("2021-09-01"), "n": 12}
    assert render("于{{ start | date }}前，{{ n | cn }}项", context, "campaign.yaml", None, ()) == "于2021年9月1日前，十二项"


def test_a_template_cannot_reach_python():
    with pytest.raises(InputError):
        render("{{ ''.__class__.__mro__ }}", {}, "campaign.yaml", None, ())
