"""inputs.planfile: a plan file planmaker writes reads back as the same Plan."""

from hypothesis import given, settings
from hypothesis import strategies as st

from planmaker.inputs.models import Plan
from planmaker.inputs.planfile import dump_plan
from planmaker.inputs.validation import parse_model
from planmaker.inputs.yamlfile import load_text

FULL = {
    "profile": "rongan", "campaign": "unreasonable-exams", "year": 2021, "number": "融卫发〔2021〕3号",
    "dates": {"start": "2021-09", "end": "2022-03", "signed": "2021-08-27", "report": "start + 1 month",
              "later": None},
    "phases": {"deploy": {"start": "2021-09", "end": "2021-09"}},
    "parent_document": {"issuer": "柳州市卫生健康委员会", "title": "柳州市2021年开展不合理医疗检查专项治理行动工作方案",
                        "number": "柳卫发〔2021〕12号"},
    "contacts": [{"unit": "融安县卫生健康局", "name": "张三", "phone": "0772-1234567"}],
    "params": {"hospitals": 12, "note": "第一行\n第二行"},
    "milestones": {"half": 50},
}


def round_trip(plan: Plan) -> Plan:
    text = dump_plan(plan, "# 说明\n")
    assert text.startswith("# 说明\n")
    return parse_model(Plan, load_text(text, "plan.yaml"), "plan.yaml")


def test_a_written_plan_reads_back_as_the_same_plan():
    plan = Plan.model_validate(FULL)
    assert round_trip(plan) == plan
    assert "year" in dump_plan(plan) and "leading_group" not in dump_plan(plan)  # defaults are left out


@settings(max_examples=40, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
       st.integers(1, 100))
def test_any_title_and_number_survive_the_round_trip(title, percent):
    plan = Plan.model_validate({**FULL, "parent_document": {"title": title}, "milestones": {"m": percent}})
    assert round_trip(plan) == plan
