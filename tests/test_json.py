"""`--json`: each command's document, validated against the JSON Schema the
package ships (planmaker/schemas, described in docs/JSON输出.md)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import EXAMPLES, run_cli, write_plan
from planmaker.commands.summary import schema_path
from test_collect import filled, plan_for, put

LIUZHOU = EXAMPLES / "liuzhou-2021" / "plan.yaml"


def validated(result, name: str) -> dict:
    document = json.loads(result.stdout)
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    assert document["schema"] == f"planmaker.{name}/1"
    return document


def run_json(*args):
    from click.testing import CliRunner

    from planmaker.cli import main
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_every_schema_is_shipped_and_valid():
    for name in ("check", "build", "collect", "profiles", "campaigns", "import", "error"):
        jsonschema.Draft202012Validator.check_schema(json.loads(schema_path(name).read_text(encoding="utf-8")))


def test_check_json(tmp_path):
    clean = validated(run_json("check", LIUZHOU, "--json"), "check")
    assert clean["ok"] and clean["errors"] == 0
    bad = write_plan(tmp_path, LIUZHOU.read_text(encoding="utf-8").replace("start: 2021-08", "start: 2021-13"))
    result = run_json("check", bad, "--json")
    document = validated(result, "check")
    assert result.exit_code == 1 and not document["ok"] and document["errors"] >= 1
    problem = document["problems"][0]
    assert problem["file"].endswith("plan.yaml") and problem["line"] and problem["field"]


def test_build_json(tmp_path):
    result = run_json("build", LIUZHOU, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0
    document = validated(result, "build")
    assert document["profile"] == "liuzhou" and document["counts"]["written"] == len(document["written"]) > 3
    assert all((tmp_path / "out" / p).is_file() for p in document["written"])
    again = validated(run_json("build", LIUZHOU, "-o", tmp_path / "out", "--json"), "build")
    assert again["written"] == [] and sorted(again["unchanged"]) == sorted(document["written"])


def test_bad_input_gives_an_error_document(tmp_path):
    result = run_json("build", tmp_path / "nope.yaml", "-o", tmp_path / "out", "--json")
    assert result.exit_code == 2
    document = validated(result, "error")
    assert document["command"] == "build" and "文件不存在" in document["problems"][0]["message"]
    assert not (tmp_path / "out").exists()


def test_profiles_and_campaigns_json():
    profiles = validated(run_json("profiles", "--json"), "profiles")
    liuzhou = next(p for p in profiles["profiles"] if p["id"] == "liuzhou")
    assert liuzhou["name"] == "柳州市" and liuzhou["parent"] == "guangxi"
    campaigns = validated(run_json("campaigns", "--json"), "campaigns")
    assert "unreasonable-exams" in {c["id"] for c in campaigns["campaigns"]}
    assert Path(campaigns["annex_layouts"]).is_dir()


def test_collect_json(tmp_path):
    plan = plan_for("liuzhou", report="2020-12-04")
    inbox = tmp_path / "in"
    put(inbox, "rongan-1.xlsx", filled("rongan", "form1"))
    put(inbox, "rongan-2.xlsx", filled("rongan", "form2"))
    put(inbox, "notes.txt", b"x")
    result = run_json("collect", inbox, "--plan", plan, "-o", tmp_path / "sum", "--json")
    assert result.exit_code == 1  # nine counties have not reported
    document = validated(result, "collect")
    assert not document["ok"] and len(document["files"]) == 2 and document["skipped"]
    form = document["forms"][0]
    assert [i["unit"] for i in form["included"]] == ["rongan"] and len(form["missing"]) == 9
    assert form["totals"] and all(isinstance(v, (int, float)) for v in form["totals"].values())


def test_quiet_and_verbose(tmp_path):
    quiet = run_cli("build", LIUZHOU, "-o", tmp_path / "q", "-q")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    verbose = run_cli("-v", "build", LIUZHOU, "-o", tmp_path / "q")
    assert "未变化：" in verbose.stdout and str(tmp_path / "q") in verbose.stdout
    check = run_cli("check", LIUZHOU, "-q")
    assert check.exit_code == 0 and "检查通过" not in check.stdout  # the problems only (here a warning)
    assert all(line.startswith("警告：") for line in check.stdout.splitlines())


@pytest.mark.parametrize("variable", ["PLANMAKER_PROFILES", "PLANMAKER_CAMPAIGNS"])
def test_environment_variables_give_the_folders(tmp_path, monkeypatch, variable):
    folder = tmp_path / "mine"
    (folder / "my-campaign").mkdir(parents=True) if variable == "PLANMAKER_CAMPAIGNS" else folder.mkdir()
    if variable == "PLANMAKER_PROFILES":
        (folder / "my-county.yaml").write_text("name: 测试县\nshort_name: 测试\nkind: 县\nparent: liuzhou\n"
                                               "issuer: 测试县卫生健康局\n", encoding="utf-8")
        command, key = "profiles", "my-county"
    else:
        source = (EXAMPLES.parent / "templates" / "campaigns" / "unreasonable-exams" / "campaign.yaml")
        (folder / "my-campaign" / "campaign.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        command, key = "campaigns", "my-campaign"
    monkeypatch.setenv(variable, str(folder))
    document = json.loads(run_json(command, "--json").stdout)
    assert key in {item["id"] for item in document[command]}


def test_workers_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANMAKER_WORKERS", "0")
    result = run_cli("build", LIUZHOU, "-o", tmp_path / "o")
    assert result.exit_code == 2 and "--workers 的值无效" in result.output


def test_import_json(tmp_path):
    from seed_plans import plans

    source = tmp_path / "003.txt"
    source.write_text(plans()["003"], encoding="utf-8")
    result = run_json("import", source, "-o", tmp_path / "imported", "--json")
    assert result.exit_code == 0
    document = validated(result, "import")
    assert document["jurisdiction"] == "广西壮族自治区" and document["profile"] == "guangxi"
    assert {"line": 382, "text": "附件“广西医疗卫生领域突出问题专项整治行动工作量化统计表二”：统计表，3 组 41 行（stats-2.yaml）"} \
        in document["recognised"]
    assert document["unplaced"] and all(u["line"] and u["text"] for u in document["unplaced"])
    assert document["counts"]["written"] == len(document["written"]) == 5   # campaign, plan, checklist, two forms
    assert all(Path(p).is_file() for p in document["written"]) and document["plan"] in document["written"]
    # what to change before building for another place, as the command prints it
    assert document["advice"][0].startswith("为其他辖区（如本级）照此制定方案"), document["advice"]
    assert "删去 issuer: ''（原方案没有落款；不删则不印发文机关）" in document["advice"]  # the seed's text ends unsigned
    assert any(line.startswith("dates 改为本级日期") for line in document["advice"])
    # refused: an error document, exit code 2, nothing written
    picture = tmp_path / "扫描件.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    refused = run_json("import", picture, "-o", tmp_path / "none", "--json")
    assert refused.exit_code == 2
    error = validated(refused, "error")
    assert error["command"] == "import" and not error["written"] and "PNG" in error["problems"][0]["message"]
    assert not (tmp_path / "none").exists()
