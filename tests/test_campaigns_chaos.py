"""医疗乱象专项整治 (seed 004 第一篇 and 第四篇): fidelity, any jurisdiction,
coverage milestones as numbers of institutions, quarterly report dates."""

from __future__ import annotations

import difflib
import unicodedata

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from icalendar import Calendar

from conftest import EXAMPLES, docx_text, files_of_kind, run_cli, seed_text, squash, write_plan
from planmaker.inputs.catalog import Catalog
from planmaker.plan.coverage import required
from test_fidelity import ratio
from test_institutions import write_csv

SEED_TITLE = "开展医疗卫生方面损害群众利益行为专项整治实施方案"
EXAMPLE_OF = {"1": "district-chaos", "4": "district-chaos-2"}
CAMPAIGN_OF = {"1": "medical-chaos", "4": "medical-chaos-practice"}


def seed_section(part: str) -> str:
    """One 篇 of seed 004, cut at its own heading and the next one (or the page footer)."""
    text = seed_text("004")
    start = text.index(f"{SEED_TITLE}【第{part}篇】") + len(f"{SEED_TITLE}【第{part}篇】")
    following = {"一": f"{SEED_TITLE}【第二篇】", "四": "上一篇"}[part]
    return text[start:text.index(following, start)]


def folded_ratio(a: str, b: str) -> float:
    """Like test_fidelity.ratio, with full-width and half-width forms folded together (NFKC):
    the scraped seed 004 writes ASCII “, ( ) : ;” where the document has “，（）：；”."""
    fold = lambda text: unicodedata.normalize("NFKC", squash(text))  # noqa: E731
    return difflib.SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


def build(plan, out, *more):
    result = run_cli("build", plan, "-o", out, *more)
    assert result.exit_code == 0, result.output
    (document,) = files_of_kind(out, "plan")
    return docx_text(document)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The examples' plans and task tables, the kinds the tests below read."""
    texts = {}
    for key, example in EXAMPLE_OF.items():
        out = tmp_path_factory.mktemp(example)
        texts[key] = (build(EXAMPLES / example / "plan.yaml", out, "--only", "plan,tasks"), out)
    return texts


# ------------------------------------------------------------------ fidelity

@pytest.mark.slow
@pytest.mark.parametrize("key,part", [("1", "一"), ("4", "四")])
def test_example_plan_matches_its_seed_section(built, key, part):
    text, _ = built[key]
    seed = seed_section(part)
    raw, folded = ratio(text, seed), folded_ratio(text, seed)
    print(f"seed 004 第{part}篇: ratio {raw:.4f}, punctuation folded {folded:.4f}")
    assert folded >= 0.9, folded
    # Without folding, only the seed's half-width punctuation stands between them.
    assert raw >= 0.85, raw


def test_first_plan_keeps_the_seed_structure(built):
    text, _ = built["1"]
    # each department in full at its first mention, short after (石家庄市公安局长安分局, then 区公安分局)
    for expected in ("（一）严厉打击各类违法违规执业行为", "（责任单位：石家庄市长安区卫生健康局）",
                     "（责任单位：区卫生健康局、区市场监管局、石家庄市公安局长安分局）",
                     "（责任单位：区公安分局、区卫生健康局）", "专项整治活动时间为2019年7月至2020年2月，分4个阶段实施",
                     "自查自纠阶段（2019年7月）", "集中整治阶段（2019年8月—10月）",
                     "检查评估阶段（2019年11月—2020年1月）", "总结交流阶段（2020年2月）",
                     "其中8月份完成机构总数的40%（__家），9月份完成机构总数的70%（__家），10月份完成机构总数的100%（__家）",
                     "分别于2019年10月10日、2020年1月10日前上报专项整治行动工作量化统计表",
                     "2020年1月15日前上报2019年全年工作总结", "健康石家庄、健康长安", "上报石家庄市卫生健康委员会"):
        assert expected in text, expected


def test_fourth_plan_keeps_the_seed_structure(built):
    text, _ = built["4"]
    for expected in ("健康河北", "动员部署阶段（2019年8月9日前）", "自查整治阶段（2019年8月12日-10月31日）",
                     "检查评估阶段（2019年11月1日-2020年1月10日）",
                     "各级医院全覆盖（__家），其他类型医疗机构（乡镇卫生院、社区卫生服务中心（站）、门诊部、诊所）"
                     "覆盖50%以上（不少于__家）",
                     "分别于2019年10月10日、2020年1月10日前报送至市卫生健康委",
                     "（六）非法获取和买卖器官"):
        assert expected in text, expected


def test_subtasks_become_rows_of_the_task_table(built):
    _, out = built["1"]
    book = next(p for p in files_of_kind(out, "tasks") if p.suffix == ".xlsx")
    rows = list(openpyxl.load_workbook(book).active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 8  # 4 + 1 + 1 + 2 subtasks and tasks
    organs = next(r for r in rows if "人体组织器官" in r[1])
    assert organs[2] == "区公安分局" and organs[3] == "区卫生健康局"
    pricing = next(r for r in rows if "术中加价" in r[1])
    assert pricing[1].startswith("坚决查处不规范收费") and "2.对违反诊疗常规" in pricing[1]
    # the table is a document of its own: full names at their first mention in it
    # (a full name wider than the column breaks after its place)
    assert pricing[3].split("\n") == ["区市场监管局", "石家庄市长安区", "发展和改革局", "区委宣传部", "区医疗保障局"]


def test_task_table_docx_names_a_task_once_over_its_subtasks(built):
    _, out = built["1"]
    document = docx.Document(next(p for p in files_of_kind(out, "tasks") if p.suffix == ".docx"))
    table = document.tables[0]
    body = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    numbers = [row[0] for row in body]
    assert numbers[:5] == ["1", "1", "1", "1", "2"]  # merged cells repeat their text in python-docx
    assert body[0][1].startswith("严厉打击各类违法违规执业行为") and "1.打击医师出租" in body[0][1]
    assert body[1][1].startswith("2.打击制售假劣药品")  # the task's title only once, on its first row
    first_cell = table.rows[1].cells[0]._tc
    assert first_cell.tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"


# ------------------------------------------------------------------ any jurisdiction

GENERAL_PLAN = """
profile: {profile}
campaign: {campaign}
{parent}
dates: {{start: 2019-07-01, end: 2020-02-29, signed: 2019-07-01, {extra_dates}}}
phases: {phases}
"""
PHASES = {
    "medical-chaos": "{self-check: {start: 2019-07, end: 2019-07}, rectification: {start: 2019-08, end: 2019-10}, "
                     "inspection: {start: 2019-11, end: 2020-01}, summary: {start: 2020-02, end: 2020-02}}",
    "medical-chaos-practice": "{deploy: {start: 2019-07-01, end: 2019-07-12}, self-check: {start: 2019-07-15, "
                              "end: 2019-10-31}, inspection: {start: 2019-11-01, end: 2020-01-10}, "
                              "summary: {start: 2020-01-13, end: 2020-02-28}}",
}
EXTRA_DATES = {
    "medical-chaos": "coverage_first: 2019-08, coverage_second: 2019-09, coverage_all: 2019-10, "
                     "annual_report: 2020-01-15",
    "medical-chaos-practice": "annual_report: 2020-01-15",
}
PROFILES = ["guangxi", "liuzhou", "rongan", "sichuan", "yaan", "yucheng", "hebei", "shijiazhuang",
            "shijiazhuang-changan"]
LEVEL_WORDS = {"province": (), "prefecture": ("我区", "我县"), "county": ("我市", "全市", "我省")}


@pytest.mark.slow
@pytest.mark.parametrize("campaign", sorted(PHASES))
@pytest.mark.parametrize("profile", PROFILES)
def test_campaign_speaks_as_any_jurisdiction(tmp_path, campaign, profile):
    """The plan's text (its annexes for any place: test_national_sample.py)."""
    catalog = Catalog()
    j = catalog.load_profile(profile)
    parent = ""
    if j.parent:  # a province cites no parent document: the text falls back to the notice's title
        parent = (f"parent_document: {{issuer: {j.parent.departments['health'].short}等部门, joint: true, "
                  "title: 关于开展医疗乱象专项整治行动的通知}")
    plan = write_plan(tmp_path, GENERAL_PLAN.format(profile=profile, campaign=campaign, parent=parent,
                                                    extra_dates=EXTRA_DATES[campaign], phases=PHASES[campaign]))
    text = build(plan, tmp_path / "out", "--only", "plan")
    own = {j.id} | {a.id for a in j.ancestors()}
    assert text.startswith(f"{j.name}医疗乱象专项整治行动实施方案")
    for word in (j.whole, j.self, j.departments["health"].full):
        assert word in text, word
    for other_id in catalog.profile_ids():
        if other_id in own:
            continue
        other = catalog.load_profile(other_id)
        for name in {other.name, other.full_name, other.short_name}:
            assert name not in text, f"{profile}/{campaign}: {name} 来自 {other_id}"
    for word in LEVEL_WORDS[j.level]:
        assert word not in text, word
    if j.parent is None:
        assert "上级有关部门《关于开展医疗乱象专项整治行动的通知》" in text


# ------------------------------------------------------------------ milestones

def institutions_file(tmp_path, hospitals=5, primary=20, clinics=11, checkup=1):
    rows = [["名称", "类别"]]
    rows += [[f"第{i}医院", "综合医院"] for i in range(1, hospitals + 1)]
    rows += [[f"第{i}卫生院", "乡镇卫生院"] for i in range(1, primary + 1)]
    rows += [[f"第{i}诊所", "诊所"] for i in range(1, clinics + 1)]
    rows += [[f"第{i}体检中心", "体检中心"] for i in range(1, checkup + 1)]
    return write_csv(tmp_path / "机构名单.csv", rows)


def test_required_rounds_up_and_is_exact_at_the_whole():
    assert [required(37, p) for p in (40, 50, 70, 100)] == [15, 19, 26, 37]
    assert required(32, 50) == 16 and required(5, 100) == 5 and required(0, 40) == 0
    assert all(required(n, 100) == n for n in range(200))


def test_monthly_milestones_count_the_institution_list(tmp_path):
    csv = institutions_file(tmp_path)  # 37 institutions, 5 of them hospitals
    out = tmp_path / "out"
    text = build(EXAMPLES / "district-chaos" / "plan.yaml", out, "--institutions", csv, "--only", "plan,calendar")
    assert ("其中8月份完成机构总数的40%（15家），9月份完成机构总数的70%（26家），"
            "10月份完成机构总数的100%（37家）") in text
    calendar = Calendar.from_ical((files_of_kind(out, "calendar")[0]).read_bytes())
    summaries = {str(e["summary"]) for e in calendar.walk("VEVENT")}
    assert "截止：集中整治完成40%（15家）（2019年8月）" in summaries
    assert "截止：季度量化统计表报送（2019年第三季度）（2019年10月10日）" in summaries
    assert "截止：季度量化统计表报送（2019年第四季度）（2020年1月10日）" in summaries


def test_hospitals_and_other_institutions_are_counted_apart(tmp_path):
    csv = institutions_file(tmp_path, hospitals=5, primary=19, clinics=12, checkup=1)
    out = tmp_path / "out"
    text = build(EXAMPLES / "district-chaos-2" / "plan.yaml", out, "--institutions", csv, "--only", "plan,calendar")
    assert "各级医院全覆盖（5家），其他类型医疗机构" in text and "覆盖50%以上（不少于16家）" in text
    calendar = Calendar.from_ical((files_of_kind(out, "calendar")[0]).read_bytes())
    summaries = {str(e["summary"]) for e in calendar.walk("VEVENT")}
    assert "截止：各级医院覆盖100%（5家）（2019年10月31日）" in summaries


def test_plan_file_changes_a_percentage(tmp_path):
    plan = (EXAMPLES / "district-chaos-2" / "plan.yaml").read_text(encoding="utf-8")
    path = write_plan(tmp_path, plan + "milestones: {others: 60, hospitals: 80}\n")
    text = build(path, tmp_path / "out", "--institutions", institutions_file(tmp_path, 5, 19, 12, 1), "--only", "plan")
    assert "各级医院覆盖80%以上（4家）" in text and "覆盖60%以上（不少于20家）" in text


@pytest.mark.slow
def test_milestones_without_a_list_stay_blank(built):
    assert "（__家）" in built["1"][0] and "（不少于__家）" in built["4"][0]


# ------------------------------------------------------------------ recurring reports, check

@pytest.mark.parametrize("example", sorted(EXAMPLE_OF.values()))
def test_check_passes_on_the_examples(example):
    result = run_cli("check", EXAMPLES / example / "plan.yaml")
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output


def test_quarterly_dates_on_a_holiday_are_reported(tmp_path):
    plan = (EXAMPLES / "district-chaos" / "plan.yaml").read_text(encoding="utf-8")
    plan = plan.replace("quarterly: {due: + 10 days}", "quarterly: {due: + 5 days}")
    result = run_cli("check", write_plan(tmp_path, plan))
    # 2019-10-05 falls in the National Day holiday
    assert "季度量化统计表报送（2019年第三季度）：2019年10月5日是国庆节假期" in result.output
    assert "recurring.quarterly" in result.output


@pytest.mark.slow
def test_quarters_follow_the_period_and_blank_without_one(tmp_path):
    plan = (EXAMPLES / "district-chaos" / "plan.yaml").read_text(encoding="utf-8")
    # signed and annual_report are written as dates: they move with the start too, or check (and
    # so build) rejects the plan (issue 14: build refuses what check rejects)
    moved = plan.replace("start: 2019-07 ", "start: 2019-04 ").replace(
        "quarterly: {due: + 10 days}", "quarterly: {due: + 7 working days, until: inspection.end}").replace(
        "signed: 2019-07-05", "signed: 2019-04-03").replace("annual_report: 2020-01-15", "annual_report: 2019-10-15")
    text = build(write_plan(tmp_path / "moved", moved), tmp_path / "out1", "--only", "plan")
    # the phases follow the start: inspection ends 2019-10, so the quarters ending 2019-06-30 and
    # 09-30 count; 7 working days after each, with National Day and its Saturday working day (10月12日)
    assert "分别于2019年7月9日、10月15日前上报" in text

    undated = "profile: shijiazhuang-changan\ncampaign: medical-chaos\n"
    text = build(write_plan(tmp_path / "undated", undated), tmp_path / "out2", "--only", "plan")
    assert "分别于20__年__月__日、__月__日前上报" in text
    assert "其中__月份完成机构总数的40%（__家）" in text
    assert "专项整治活动时间为20__年__月至20__年__月" in text


def test_bad_recurring_and_milestone_entries_are_located(tmp_path):
    plan = (EXAMPLES / "district-chaos" / "plan.yaml").read_text(encoding="utf-8")
    misspelt = write_plan(tmp_path / "a", plan + "milestones: {fist: 30}\n")
    result = run_cli("build", misspelt, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "进度节点 “fist” 不在专项模板 medical-chaos 中" in result.output and "first" in result.output
    assert "milestones.fist" in result.output

    bad_due = write_plan(tmp_path / "b", plan.replace("quarterly: {due: + 10 days}", "quarterly: {due: 十天后}"))
    result = run_cli("build", bad_due, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "报送时间 “十天后” 无法识别" in result.output and "recurring.quarterly.due" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_cascade_gives_subordinates_earlier_quarterly_dates(tmp_path):
    plan = (EXAMPLES / "district-chaos" / "plan.yaml").read_text(encoding="utf-8")
    # 鄂州市: a city of three districts (石家庄市 has 22 county-level units, and the dates are alike in each)
    city = write_plan(tmp_path / "city", plan.replace("profile: shijiazhuang-changan", "profile: 鄂州市"))
    result = run_cli("cascade", city, "-o", tmp_path / "cascade", "--only", "plan")
    assert result.exit_code == 0, result.output
    children = sorted(p.parent for p in (tmp_path / "cascade").glob("*/plan.yaml"))
    assert len(children) == 3
    child = children[0]
    assert "due: + 10 days - 5 working days" in (child / "plan.yaml").read_text(encoding="utf-8")
    text = docx_text(files_of_kind(child, "plan")[0])
    # five working days before the city's 2019-10-10 and 2020-01-10 (9月29日 was a working Sunday)
    assert "分别于2019年9月27日、2020年1月3日前上报" in text


@pytest.mark.slow
def test_check_reports_milestones_out_of_order(tmp_path):
    plan = (EXAMPLES / "district-chaos" / "plan.yaml").read_text(encoding="utf-8")
    plan = plan.replace("coverage_second: coverage_first + 1 month", "coverage_second: coverage_first - 1 month")
    result = run_cli("check", write_plan(tmp_path / "a", plan))
    assert result.exit_code == 1 and "进度节点 second 的日期早于上一节点 first" in result.output
    lower = (EXAMPLES / "district-chaos" / "plan.yaml").read_text(encoding="utf-8") + "milestones: {second: 30}\n"
    result = run_cli("check", write_plan(tmp_path / "b", lower))
    assert "进度节点 second（30%）少于上一节点 first（40%）" in result.output
