"""A city's plan handed down to its ten county-level units in one command."""

import re
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, docx_text, files_of_kind, manifest, run_cli, write_plan
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.divisions import national
from planmaker.plan.resolve import resolve

# the cascade of 柳州 is made once, on one worker
pytestmark = pytest.mark.xdist_group("cascade")


@pytest.fixture(scope="module")
def cascaded(tmp_path_factory):
    """柳州's plans for its ten county-level units, and their plans (the tests here read no other document)."""
    out = tmp_path_factory.mktemp("cascade")
    result = run_cli("cascade", EXAMPLES / "liuzhou-2021" / "plan.yaml", "-o", out, "--only", "plan")
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_ten_county_plans_each_passing_check_with_earlier_deadlines(cascaded):
    city = resolve(EXAMPLES / "liuzhou-2021" / "plan.yaml", Catalog())
    plans = sorted(cascaded.glob("*/plan.yaml"))
    assert len(plans) == 10
    for plan in plans:
        result = run_cli("check", plan)
        assert result.exit_code == 0, result.output
        county = resolve(plan, Catalog())
        assert county.jurisdiction.parent.name == "柳州市"
        for name in ("stage_report", "final_report"):
            assert county.dates[name].first_day < city.dates[name].first_day
        assert [t.model.id for t in county.tasks] == [t.model.id for t in city.tasks]


@pytest.mark.slow
def test_county_documents_cite_the_city_plan_and_speak_for_the_county(cascaded):
    text = docx_text(files_of_kind(cascaded / "rongan", "plan")[0])
    assert text.startswith("融安县2021年开展不合理医疗检查专项治理行动工作方案")
    assert "《柳州市2021年开展不合理医疗检查专项治理行动工作方案》" in text
    assert "全县各级各类医疗机构" in text and "融安县卫生健康局" in text
    outside = re.sub(r"按照[^《]*《[^》]*》(（[^）]*）)?", "", text)
    assert "柳州" not in outside and "全市" not in outside
    # five working days before the city's 2021-10-01 (2021-09-26 was an adjusted working Sunday)
    assert "于2021年9月26日及2022年2月22日前" in text


@pytest.mark.slow
def test_an_edited_county_plan_file_is_kept_on_a_second_cascade(cascaded):
    plan = cascaded / "rongan" / "plan.yaml"
    edited = plan.read_text(encoding="utf-8").replace("parent_document:", "number: 融卫发〔2021〕1号\nparent_document:")
    plan.write_text(edited, encoding="utf-8")
    result = run_cli("cascade", EXAMPLES / "liuzhou-2021" / "plan.yaml", "-o", cascaded, "--only", "plan")
    assert result.exit_code == 0
    assert plan.read_text(encoding="utf-8") == edited
    assert "保留原文件" in result.output


@pytest.mark.slow
def test_a_province_hands_down_to_its_cities(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text((EXAMPLES / "guangxi-2020" / "plan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("cascade", plan, "-o", tmp_path / "out", "--only", "plan")  # the plan files are what is read
    assert result.exit_code == 0, result.output
    # every prefecture-level unit the national table puts under 广西: 柳州 by its profile, the others by name
    cities = sorted(p.parent.name for p in (tmp_path / "out").glob("*/plan.yaml"))
    expected = {d.name for d in national().children("450000")} - {"柳州市"} | {"liuzhou"}
    assert set(cities) == expected and len(cities) == 14
    for name in ("liuzhou", "南宁市"):
        assert run_cli("check", tmp_path / "out" / name / "plan.yaml").exit_code == 0
    # each child's warning once, naming the plan file the clerk will open (not where it was first rendered)
    warned = [line for line in result.output.splitlines() if line.startswith("警告：")]
    assert warned and all(line.startswith(f"警告：{tmp_path / 'out'}") for line in warned), warned[:3]
    assert len(warned) == len(set(warned))


def test_a_county_has_no_subordinates_to_cascade_to(tmp_path):
    result = run_cli("cascade", EXAMPLES / "rongan-2021" / "plan.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 2 and "没有下级" in result.output


def _ezhou(folder: Path, report: str) -> Path:
    """A plan of 鄂州市 (three districts, none with a profile of its own) whose campaign is its own copy,
    referred to by a path relative to the plan: each child must find it from the folder it is written to."""
    shutil.copytree(ROOT / "templates" / "campaigns" / "medical-abuses-2020", folder / "abuses")
    return write_plan(folder, f"profile: 鄂州市\ncampaign: ./abuses\n"
                              f"dates: {{start: 2020-09, end: 2020-12, report: {report}}}\n")


def test_a_cascade_leaves_nothing_in_the_temp_folder(tmp_path, monkeypatch, own_temp_folder):
    """Each child is proved from memory, its plan laid over the folder it will be written to: no staging folder."""
    temp = own_temp_folder

    def refused(*args, **kwargs):
        raise AssertionError("cascade made a temporary folder")

    # made and removed would leave the folder empty too (the manifest's entries and openpyxl's sheets do use
    # temporary files, gone when written)
    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    plan = _ezhou(tmp_path / "市", "2020-12-05")
    out = tmp_path / "下发" / "各区"  # not there yet when the children are proved
    result = run_cli("cascade", plan, "-o", out)
    assert result.exit_code == 0, result.output
    assert list(temp.iterdir()) == []
    assert sorted(p.parent.name for p in out.glob("*/plan.yaml")) == ["华容区", "梁子湖区", "鄂城区"]
    assert "campaign: ../../../市/abuses\n" in (out / "鄂城区" / "plan.yaml").read_text(encoding="utf-8")
    assert "鄂城区" in docx_text(files_of_kind(out / "鄂城区", "plan")[0])


def test_a_childs_problem_names_its_plan_file_in_the_output_folder_at_its_line(tmp_path):
    # five working days before the city's 3 September is before the campaign starts: an error in every child
    plan = _ezhou(tmp_path / "市", "2020-09-03")
    out = tmp_path / "下发"
    result = run_cli("cascade", plan, "-o", out)
    assert result.exit_code == 2 and "未写入任何文件" in result.output
    assert not out.exists()
    for child in ("梁子湖区", "华容区", "鄂城区"):
        # the child's plan file: two lines of comment, profile, campaign, dates: start, end, report (line 8)
        assert (f"错误：{out / child / 'plan.yaml'}，第8行，字段 dates.report："
                "报送时限 report（2020年8月27日）不在专项起止时间之内") in result.output
        assert f"planmaker check {out / child / 'plan.yaml'} " in result.output
    assert "planmaker-cascade" not in result.output and tempfile.gettempdir() not in result.output


def test_only_the_plans_first_then_the_rest(tmp_path):
    """--only plan: each child gets its plan file and its plan; a cascade without --only into the same
    folder adds the rest (README), and the folder is then byte for byte the one a single cascade writes."""
    plan = write_plan(tmp_path / "市", "profile: 鄂州市\ncampaign: unreasonable-exams\n"
                                       "dates: {start: 2021-08, end: 2021-12}\n")
    first = run_cli("cascade", plan, "-o", tmp_path / "a", "--only", "plan")
    assert first.exit_code == 0, first.output
    children = sorted(p for p in (tmp_path / "a").iterdir() if p.is_dir())
    assert len(children) == 3
    for child in children:
        assert {e["kind"] for e in manifest(child)["files"]} == {"plan"}
        assert (child / "plan.yaml").is_file()
    assert run_cli("cascade", plan, "-o", tmp_path / "a").exit_code == 0
    assert run_cli("cascade", plan, "-o", tmp_path / "b").exit_code == 0
    assert {e["kind"] for e in manifest(children[0])["files"]} > {"plan", "tasks", "calendar"}

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert files(tmp_path / "a") == files(tmp_path / "b")
    unknown = run_cli("cascade", plan, "-o", tmp_path / "c", "--only", "plans")
    assert unknown.exit_code == 2 and "未知的文件类别 “plans”" in unknown.output and not (tmp_path / "c").exists()
