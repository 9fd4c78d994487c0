"""inputs.yamlfile and inputs.annex_kinds on their own."""

import pytest

from planmaker.base.errors import InputError
from planmaker.inputs.annex_kinds import CATALOGUE, COLLECTED, annex_kind
from planmaker.inputs.yamlfile import load_text


def test_every_value_knows_its_line():
    data = load_text("profile: rongan\ndates:\n  start: 2021-09\n  end: 2021-12\n", "plan.yaml")
    assert data["dates"] == {"start": "2021-09", "end": "2021-12"}  # a date stays text, as the user wrote it
    assert data.line_of("profile") == 1 and data["dates"].line_of("end") == 4


def test_a_syntax_error_names_the_file_and_the_line():
    with pytest.raises(InputError) as caught:
        load_text("profile: rongan\ndates: [2021-09\n", "plan.yaml")
    (problem,) = caught.value.problems
    assert problem.file == "plan.yaml" and problem.line is not None


def test_the_catalogue_says_which_annexes_are_summed_and_which_present_the_problem_list():
    assert [k for k, info in CATALOGUE.items() if info.collected] == ["stats"]
    assert {k for k, info in CATALOGUE.items() if info.from_problems} == {"selfcheck", "ledger"}
    assert annex_kind("tasks").implied_by_tasks and annex_kind("checklist").own_layout


def test_the_typed_list_of_collected_kinds_is_the_catalogue_s():
    """collect reads its annexes through COLLECTED (typed by their model); the flag in the catalogue says the same."""
    assert [k.key for k in COLLECTED] == [k for k, info in CATALOGUE.items() if info.collected]
    assert all(CATALOGUE[k.key] is k for k in COLLECTED)
