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


def test_a_text_is_compiled_once_and_its_budget_holds_every_time():
    from planmaker.plan.templating import _ENV

    text = "{{ name }}：{% for i in range(n) %}{{ i }}{% endfor %}"
    assert _ENV.from_string(text) is _ENV.from_string(text)
    assert render(text, {"name": "柳州", "n": 3}, "campaign.yaml", None, ()) == "柳州：012"
    assert render(text, {"name": "融安", "n": 2}, "campaign.yaml", None, ()) == "融安：01"
    for _ in range(2):  # the compiled template kept, the loop budget still counted per rendering
        with pytest.raises(InputError, match="campaign.yaml"):
            render(text, {"name": "x", "n": 10**9}, "campaign.yaml", None, ())
