"""plan.resolve.resolve_data on its own: a plan given as data, resolved as the file it will be, with the
files of its folder not yet written read from memory (base.inputfile.Overlay), as import proves its result."""

from pathlib import Path

import pytest

from conftest import ROOT
from planmaker.base.errors import InputError
from planmaker.base.inputfile import Overlay
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.yamlfile import load_text
from planmaker.plan.annexes import load_annexes
from planmaker.plan.resolve import resolve, resolve_data

CAMPAIGN = ROOT / "templates" / "campaigns" / "medical-chaos"   # campaign.yaml, stats-1.yaml, stats-2.yaml
PLAN = "profile: ../我县.yaml\ncampaign: ./\ndates:\n  start: 2019-07\n"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


@pytest.fixture
def out(tmp_path) -> Path:
    """The folder the files will be written to, not made yet; the user's own profile beside it."""
    (tmp_path / "我县.yaml").write_text((ROOT / "profiles" / "rongan.yaml").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    return tmp_path / "导入"


def unwritten(out: Path, plan: str = PLAN, **more: str) -> Overlay:
    files = {path.name: path.read_text(encoding="utf-8") for path in sorted(CAMPAIGN.iterdir())}
    return Overlay(out, {**files, "plan.yaml": plan, **more})


def resolved_from_memory(out: Path, catalog: Catalog, plan: str = PLAN, **more: str):
    where = out / "plan.yaml"
    return resolve_data(load_text(plan, str(where)), where, catalog, unwritten(out, plan, **more))


def test_a_plan_as_data_finds_its_profile_beside_the_folder_and_its_campaign_in_memory(out, catalog):
    resolved = resolved_from_memory(out, catalog)
    assert resolved.jurisdiction.name == "融安县" and resolved.plan_file == out / "plan.yaml"
    assert resolved.campaign.file == out / "campaign.yaml" and resolved.campaign.id == "导入"
    assert resolved.dates["start"] is not None and resolved.dates["start"].iso() == "2019-07"
    stats = [a for a in load_annexes(resolved) if a.kind == "stats"]
    assert [a.source.file for a in stats] == [out / "stats-1.yaml", out / "stats-2.yaml"]
    assert stats[0].spec.groups  # read from memory: the folder was never made
    assert not out.exists()


def test_a_problem_names_the_plan_file_as_it_will_be_with_its_line_and_field(out, catalog):
    with pytest.raises(InputError) as raised:
        resolved_from_memory(out, catalog, PLAN + "  nonsense: 2019-08\n")
    (problem,) = raised.value.problems
    assert (problem.file, problem.line, problem.field) == (out / "plan.yaml", 5, "dates.nonsense")
    assert "nonsense" in problem.message


def test_an_annex_file_in_memory_is_named_where_it_will_be(out, catalog):
    resolved = resolved_from_memory(out, catalog, **{"stats-2.yaml": "id: f2\ntitle: 表二\ncolumns: 3\n"})
    with pytest.raises(InputError) as raised:
        load_annexes(resolved)
    assert {(p.file, p.field) for p in raised.value.problems} >= {(out / "stats-2.yaml", "columns")}
    assert all(p.line for p in raised.value.problems if p.field == "columns")


def test_a_relative_folder_is_named_as_the_caller_named_it(out, catalog, monkeypatch):
    monkeypatch.chdir(out.parent)
    resolved = resolved_from_memory(Path("导入"), catalog)
    assert resolved.plan_file == Path("导入/plan.yaml") and resolved.campaign.file == Path("导入/campaign.yaml")
    with pytest.raises(InputError) as raised:
        resolved_from_memory(Path("导入"), catalog, PLAN.replace("../我县.yaml", "../他县.yaml"))
    (problem,) = raised.value.problems
    assert (problem.file, problem.line, problem.field) == (Path("导入/plan.yaml"), 1, "profile")
    assert "他县.yaml" in problem.message


def test_resolve_reads_the_file_and_resolves_its_data_alike(out, catalog):
    out.mkdir()
    for path in CAMPAIGN.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    (out / "plan.yaml").write_text(PLAN, encoding="utf-8")
    from_disk, from_memory = resolve(out / "plan.yaml", catalog), resolved_from_memory(out, catalog)
    assert from_disk.jurisdiction.name == from_memory.jurisdiction.name == "融安县"
    assert from_disk.dates == from_memory.dates and from_disk.params == from_memory.params
    assert [t.model for t in from_disk.tasks] == [t.model for t in from_memory.tasks]
    assert from_disk.campaign.file == (out / "campaign.yaml").resolve()
