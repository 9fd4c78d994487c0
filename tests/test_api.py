"""planmaker.api: the command line's jobs for library callers (docs/Python接口.md)."""

from __future__ import annotations

import inspect
import json

import jsonschema
import pytest

from conftest import EXAMPLES, ROOT, write_plan
from planmaker import api
from planmaker.commands.summary import schema_path
from test_collect import filled, plan_for, put

LIUZHOU = EXAMPLES / "liuzhou-2021" / "plan.yaml"


def test_every_function_is_typed_and_documented():
    for name in ("build", "check", "cascade", "collect", "import_plan"):
        function = getattr(api, name)
        signature = inspect.signature(function)
        assert function.__doc__ and all(p.annotation is not inspect.Parameter.empty
                                        for p in signature.parameters.values()), name
        assert signature.return_annotation is not inspect.Signature.empty, name
        assert f"api.{name}" in (ROOT / "docs" / "Python接口.md").read_text(encoding="utf-8"), name


def test_build_and_check(tmp_path):
    result = api.build(str(LIUZHOU), tmp_path / "out", only=["plan", "tasks"])
    assert result.report.written and all((tmp_path / "out" / p).is_file() for p in result.report.written)
    assert {a.kind for a in result.artifacts} == {"plan", "tasks"}
    document = api.summary(result, LIUZHOU, tmp_path / "out")
    jsonschema.validate(document, json.loads(schema_path("build").read_text(encoding="utf-8")))
    assert not [p for p in api.check(LIUZHOU) if p.severity == "error"]


def test_bad_input_raises_input_error_and_writes_nothing(tmp_path):
    bad = write_plan(tmp_path, "profile: liuzhou\ncampaign: nope\n")
    with pytest.raises(api.InputError) as caught:
        api.build(bad, tmp_path / "out")
    assert caught.value.problems[0].field == "campaign" and "nope" in caught.value.problems[0].message
    assert not (tmp_path / "out").exists()
    assert [p.severity for p in api.check(bad)] == ["error"]  # check reports, never raises for the plan
    with pytest.raises(api.InputError):
        api.build(LIUZHOU, tmp_path / "out", only=["nothing"])
    with pytest.raises(api.InputError):
        api.build(LIUZHOU, tmp_path / "out", formats=["odt"])
    with pytest.raises(api.InputError):
        api.cascade(LIUZHOU, tmp_path / "c", lead_days=99)


def test_collect_without_writing(tmp_path):
    plan = plan_for("liuzhou", report="2020-12-04")
    put(tmp_path / "in", "a.xlsx", filled("rongan", "form1"))
    result = api.collect([tmp_path / "in"], plan)
    assert result.report is None and not result.complete
    assert [s.unit_id for f in result.collection.forms for s in f.included] == ["rongan"]
    with pytest.raises(api.InputError):
        api.collect([tmp_path / "nowhere"], plan)


@pytest.mark.slow
def test_import_plan_returns_what_the_command_prints(tmp_path):
    from seed_plans import plans

    source = tmp_path / "003.txt"
    source.write_text(plans()["003"], encoding="utf-8")
    report = api.import_plan(source, tmp_path / "imported")
    assert isinstance(report, api.ImportReport) and report.jurisdiction == "广西壮族自治区"
    assert report.profile == "guangxi" and report.plan == tmp_path / "imported" / "plan.yaml"
    assert any("统计表，3 组 41 行（stats-2.yaml）" in line for line in report.recognised)
    assert all(path.is_file() for path in report.written) and report.plan in report.written
    assert not [p for p in api.check(report.plan) if p.severity == "error"]
    document = api.summary(report)
    jsonschema.validate(document, json.loads(schema_path("import").read_text(encoding="utf-8")))
    assert document["counts"]["written"] == len(report.written)
    with pytest.raises(api.InputError):           # the folder holds a campaign now
        api.import_plan(source, tmp_path / "imported")
    assert api.import_plan(source, tmp_path / "imported", force=True, profile="guangxi").written
    empty = tmp_path / "空.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(api.InputError) as caught:
        api.import_plan(empty, tmp_path / "nothing")
    assert "是空的" in caught.value.problems[0].message and not (tmp_path / "nothing").exists()
