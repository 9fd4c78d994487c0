"""One resolver of place names (inputs/places.py) wherever a place is named, and department names
as the places really have them (profiles/_departments.yaml), an inferred name said so."""

from __future__ import annotations

import json
import random
from collections import defaultdict

import pytest
import yaml

from conftest import ROOT, docx_text, files_of_kind, run_cli, write_plan
from planmaker.base.errors import InputError
from planmaker.inputs.catalog import Catalog

CATALOG = Catalog()
PLACES = CATALOG.places


def codes(ref) -> list[str]:
    return [d.code for d in PLACES.resolve(ref)]


# ------------------------------------------------------------------ the resolver

@pytest.mark.parametrize("ref, code", [
    ("思南", "520624"), ("仙桃", "429004"), ("都江堰", "510181"), ("贵州省铜仁市思南县", "520624"),
    ("北京市朝阳区", "110105"), ("北京市/朝阳区", "110105"), ("北京朝阳区", "110105"), (110105, "110105"),
    ("110105", "110105"), ("铜仁市思南县", "520624"), ("贵州省思南县", "520624"), ("融水", "450225"),
    ("仙桃市", "429004"), (" 北京市 / 朝阳区 ", "110105"),
])
def test_a_place_by_any_name_a_clerk_writes(ref, code):
    assert codes(ref) == [code]


def test_a_name_several_places_share_lists_each_with_its_province():
    with pytest.raises(InputError) as exc:
        CATALOG.find_profile("朝阳")
    text = str(exc.value)
    for place in ("朝阳区（北京市，110105）", "朝阳区（吉林省长春市，220104）", "朝阳市（辽宁省，211300）",
                  "朝阳县（辽宁省朝阳市，211321）"):
        assert place in text, place


def test_no_match_offers_nothing_that_only_looks_alike():
    assert codes("思南") == ["520624"] and "柳南区" not in str(CATALOG.containing("思南"))
    with pytest.raises(InputError) as exc:
        CATALOG.find_profile("思难县")  # a typo shares characters with many places, names none
    assert "柳南" not in str(exc.value) and "思南县" not in str(exc.value)
    assert PLACES.resolve("南") == [] and CATALOG.containing("南") == []


def test_a_random_sample_of_every_kind_resolves_by_name_code_and_parents():
    by_kind = defaultdict(list)
    for division in CATALOG.divisions.by_code.values():
        if division.kind not in CATALOG.vocabulary.refused:
            by_kind[division.kind].append(division)
    pick = random.Random(21)
    sample = [d for kind in sorted(by_kind) for d in pick.sample(by_kind[kind], min(8, len(by_kind[kind])))]
    assert len({d.kind for d in sample}) == 15 and len(sample) >= 80
    for division in sample:
        chain = [d.name for d in CATALOG.divisions.chain(division)]
        assert codes(division.code) == [division.code]
        assert codes(int(division.code)) == [division.code]
        assert codes("".join(chain)) == [division.code], chain
        assert codes("/".join(chain)) == [division.code], chain
        assert division.code in codes(division.name)


# ------------------------------------------------------------------ wherever a place is named

def plan_for(tmp_path, profile: str, campaign: str = "unreasonable-exams"):
    return write_plan(tmp_path, f"""
        profile: {profile}
        campaign: {campaign}
        dates: {{start: 2025-03, end: 2025-12, signed: 2025-02-28}}
    """)


@pytest.mark.parametrize("profile", ["北京市朝阳区", "110105"], ids=["joined", "unquoted-code"])
def test_plan_file_names_the_place_as_written(tmp_path, profile):
    plan = plan_for(tmp_path, profile)
    assert yaml.safe_load(plan.read_text(encoding="utf-8"))["profile"] == (110105 if profile.isdigit() else profile)
    result = run_cli("build", plan, "-o", tmp_path / "out", "--only", "plan,tasks", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["inferred_departments"] == []
    text = "".join(docx_text(path).replace("\n", "") for kind in ("plan", "tasks") for path in files_of_kind(tmp_path / "out", kind)
                   if path.suffix == ".docx")
    assert "北京市朝阳区卫生健康委员会" in text and "北京市朝阳区发展和改革委员会" in text
    assert "卫生健康局" not in text and "发展和改革局" not in text


def test_new_takes_a_short_name_without_a_terminal(tmp_path):
    result = run_cli("new", "--profile", "思南", "--campaign", "unreasonable-exams", "--start", "2025-03",
                     "--parent-title", "", "--no-contacts", "--no-build", "-o", tmp_path / "p")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "p" / "plan.yaml").read_text(encoding="utf-8")
    assert CATALOG.load_profile(yaml.safe_load(text)["profile"]).code == "520624"
    assert "思南县卫生健康局" in text and "推断" in text and "柳南" not in result.output


def test_new_at_a_terminal_lists_namesakes_and_takes_the_corrected_department(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from planmaker import cli

    monkeypatch.setattr(cli, "_terminal", lambda: True)
    monkeypatch.chdir(tmp_path)
    answers = "\n".join(["思南", "unreasonable-exams", "2025-03", "", "思南县卫生健康委员会", ""]) + "\n"
    result = CliRunner().invoke(cli.main, ["new", "--no-build"], input=answers, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "思南县卫生健康局" in result.output and "没有查到记录" in result.output and "柳南" not in result.output
    folder = tmp_path / "新方案"
    assert yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))["profile"] == "./辖区.yaml"
    profile = yaml.safe_load((folder / "辖区.yaml").read_text(encoding="utf-8"))
    assert profile["code"] == "520624" and profile["departments"]["health"]["full"] == "思南县卫生健康委员会"
    problems = [p.message for p in _check(folder / "plan.yaml")]
    assert not [m for m in problems if "思南县卫生健康" in m and "推断" in m]


def _check(plan):
    from planmaker.commands.check import check_plan

    return check_plan(plan, Catalog())


def test_profiles_command_reads_names_the_same_way():
    result = run_cli("profiles", "北京市朝阳区")
    assert result.exit_code == 0 and "110105  北京市/朝阳区（市辖区）" in result.output


# ------------------------------------------------------------------ department names as the data states

@pytest.mark.parametrize("place, health, development", [
    ("北京市朝阳区", "北京市朝阳区卫生健康委员会", "北京市朝阳区发展和改革委员会"),
    ("东莞市", "东莞市卫生健康局", None),
    ("中山市", "中山市卫生健康局", None),
    ("铜仁市", "铜仁市卫生健康局", None),
    ("思南县", "思南县卫生健康局", None),
    ("重庆市万州区", "重庆市万州区卫生健康委员会", None),
])
def test_department_names_as_the_records_state_with_their_source(place, health, development):
    j = CATALOG.load_profile(place)
    assert j.departments["health"].full == health and j.department_sources["health"]
    if development:
        assert j.departments["development"].full == development and "http" in j.department_sources["development"]


def test_every_record_names_its_source_and_only_public_records_count_as_confirmed():
    data = yaml.safe_load((ROOT / "profiles" / "_departments.yaml").read_text(encoding="utf-8"))
    for record in data["records"]:
        public = all("http" in s or "《" in s for s in record["source"])  # an address, or a document's title
        assert record["source"] and record.get("confirmed", True) == public, record["places"]
        assert public or all("未检索到" in s for s in record["source"]), record["places"]


@pytest.mark.slow
def test_an_inferred_name_is_said_once_and_a_recorded_one_is_not(tmp_path):
    inferred = plan_for(tmp_path / "a", "仙桃")
    result = run_cli("check", "plan.yaml", cwd=tmp_path / "a")
    notices = [line for line in result.output.splitlines() if "推断" in line]
    assert len(notices) == 1 and "仙桃市卫生健康委员会" in notices[0] and "departments:" in notices[0]
    guide = (ROOT / "docs" / "辖区配置.md").read_text(encoding="utf-8")
    assert notices[0] in guide.split("<!-- 例三")[1].split("```")[1]  # the guide shows it as it is
    result = run_cli("build", inferred, "-o", tmp_path / "a" / "out", "--only", "plan", "--json")
    assert {"role": "health", "name": "仙桃市卫生健康委员会"} in json.loads(result.stdout)["inferred_departments"]
    assert result.stderr.count("推断") == 1
    recorded = plan_for(tmp_path / "b", "东莞市", "medical-chaos")
    result = run_cli("check", recorded)
    assert "东莞市卫生健康局" not in "".join(line for line in result.output.splitlines() if "推断" in line)
