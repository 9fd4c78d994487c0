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
    for name in ("build", "check", "cascade", "collect"):
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
