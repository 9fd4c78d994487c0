"""inputs.yamlfile and inputs.annex_kinds on their own."""

import pytest

from planmaker.base import notices
from planmaker.base.errors import InputError
from planmaker.inputs import yamlfile
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


# ------------------------------------------------------------------ bundled files, parsed once a process

@pytest.fixture
def bundled(tmp_path, monkeypatch):
    """A folder that load_file takes for bundled data (as profiles/ and templates/ are)."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    monkeypatch.setattr(yamlfile, "_bundled_roots", lambda: (folder.resolve(),))
    monkeypatch.setattr(yamlfile, "_PARSED", {})
    return folder


def test_a_bundled_file_is_parsed_once_and_each_caller_gets_its_own_copy(bundled, monkeypatch):
    path = bundled / "p.yaml"
    path.write_text("name: 某县\nlist: [1, 2]\n", encoding="utf-8")
    calls = []
    original = yamlfile.load_text
    monkeypatch.setattr(yamlfile, "load_text", lambda *a, **k: calls.append(a[1]) or original(*a, **k))
    first = yamlfile.load_file(path)
    first["list"].append(3)  # a caller that changes what it got changes nothing for the next
    second = yamlfile.load_file(path)
    assert calls == [str(path)]
    assert second == {"name": "某县", "list": [1, 2]} and second.line_of("list") == 2


def test_a_changed_bundled_file_is_read_again(bundled):
    path = bundled / "p.yaml"
    path.write_text("name: 某县\n", encoding="utf-8")
    assert yamlfile.load_file(path)["name"] == "某县"
    path.write_text("name: 另一个县\n", encoding="utf-8")
    assert yamlfile.load_file(path)["name"] == "另一个县"


def test_a_bundled_file_with_a_warning_warns_every_time(bundled):
    path = bundled / "p.yaml"
    path.write_text("name: 某\x0b县\n", encoding="utf-8")
    for _ in range(2):
        with notices.collecting() as heard:
            assert yamlfile.load_file(path)["name"] == "某县"
        assert heard and "控制字符" in heard[0].message


def test_files_outside_the_bundled_folders_are_not_kept(bundled, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("name: 某县\n", encoding="utf-8")
    yamlfile.load_file(path)
    assert not yamlfile._PARSED
