"""Seed 000 篇二 (county conduct campaign: problem lists, self-inspection checklist,
rectification ledger) and seed 002's 清廉医院 plan (issued by a hospital)."""

import re

import docx
import pytest
from openpyxl import Workbook, load_workbook

from conftest import (
    EXAMPLES,
    convert,
    docx_text,
    files_of_kind,
    manifest,
    run_cli,
    run_into,
    seed_text,
    squash,
    write_plan,
)
from test_fidelity import ratio

CONDUCT = EXAMPLES / "county-conduct" / "plan.yaml"
HOSPITAL = EXAMPLES / "clean-hospital" / "plan.yaml"


def seed_section(prefix: str, start: str, end: str) -> str:
    """A seed's section cut by its own text, not by line numbers."""
    text = seed_text(prefix)
    first = text.index(start)
    return text[first:text.index(end, first)]


def conduct_seed() -> str:
    return seed_section("000", "为贯彻落实第__届中央纪委__次全会和省市县工作部署", "篇三：")


def hospital_seed() -> str:
    return seed_section("002", "医院清廉医院创建行动工作方案为全面落实", "2023年关于开展医药领域腐败问题集中整治活动方案")


def seed_problems() -> list[tuple[str, list[str]]]:
    """篇二 part 四 as (group name, problems), read from the seed text itself."""
    part = squash(seed_section("000", "四、重点整治问题", "五、实施步骤")).replace("-", "")
    groups = []
    for chunk in re.split(r"\([一二三四]\)", part)[1:]:
        name, rest = chunk.split("。", 1)
        rest = rest.split("问题：", 1)[1]
        items = [i.rstrip("；。") for i in re.findall(r"\d+、(.*?)(?=\d+、|$)", rest)]
        groups.append((name, items))
    return groups


@pytest.fixture(scope="module")
def conduct_out(tmp_path_factory):
    """The kinds the tests below read: the plan, the self-check form and the ledger."""
    return run_into(tmp_path_factory, "conduct", "build", CONDUCT, "--only", "plan,selfcheck,ledger")


@pytest.fixture(scope="module")
def hospital_out(tmp_path_factory):
    return run_into(tmp_path_factory, "hospital", "build", HOSPITAL, "--only", "plan")


# ------------------------------------------------------------------ fidelity

def test_seed_lists_read_as_the_seed_counts_them():
    counts = [(name, len(items)) for name, items in seed_problems()]
    assert counts == [("医疗骗保方面", 7), ("诊疗行为方面", 4), ("执业行为方面", 7), ("价格政策和收费管理方面", 7)]


def test_county_conduct_plan_matches_seed_000_part_two(conduct_out):
    (plan,) = files_of_kind(conduct_out, "plan")
    score = ratio(docx_text(plan), conduct_seed())
    assert score >= 0.9, score


def test_clean_hospital_plan_matches_seed_002(hospital_out):
    (plan,) = files_of_kind(hospital_out, "plan")
    score = ratio(docx_text(plan), hospital_seed())
    assert score >= 0.9, score


def test_plan_lists_every_problem_under_its_group(conduct_out):
    (plan,) = files_of_kind(conduct_out, "plan")
    text = docx_text(plan)
    for number, (name, items) in zip("一二三四", seed_problems()):
        count = "七" if len(items) == 7 else "四"
        assert f"（{number}）{name}。重点整治以下{count}个方面问题：" in text
        for k, item in enumerate(items, start=1):
            assert f"{k}.{item}" in squash(text), item


def test_clean_hospital_actions_carry_their_departments_and_parts(hospital_out):
    (plan,) = files_of_kind(hospital_out, "plan")
    text = docx_text(plan)
    assert "三、清廉医院创建十大行动" in text
    # each office in full at its first mention (党委办公室), short after (纪检办 in 六 after 一's 纪检监察办公室)
    assert "（一）医疗系统权力运行监督机制完善行动（责任科室：党委办公室、纪检监察办公室、工会办公室、审计科）" in text
    assert "（六）红包、回扣不良行为专项整治行动（责任科室：纪检办）" in text
    assert "（八）过度检查问题专项治理行动（责任科室：医务科、全面质量管理办公室）" in text
    assert text.count("1.具体措施：") == text.count("2.进度安排：") == text.count("3.目标成效：") == 10
    # the issuing unit is the hospital: its own words, its city's words
    for words in ("制定我院清廉医院创建行动工作方案", "各科室要及时传达学习", "是市委着眼我市实际",
                  "自治区党委、市委部署要求", "为全市清廉增辉添彩", "清廉柳州建设"):
        assert words in text, words
    assert text.rstrip().endswith("柳州市中医医院\n20__年__月__日")


# ------------------------------------------------------------------ generality

CONDUCT_PLAN = """
profile: {profile}
campaign: clinical-conduct
parent_document:
  title: 关于印发{parent}规范医疗机构诊疗服务行为专项整治行动方案的通知
dates: {{start: 2021-03, end: 2021-11, signed: 2021-03-01, report: 2021-11-26}}
phases:
  self-check: {{start: 2021-03, end: 2021-04}}
  rectification: {{start: 2021-05, end: 2021-10}}
  summary: {{start: 2021-11, end: 2021-11}}
"""

# profile: (own words, words of other jurisdictions or levels that must not appear)
CONDUCT_CASES = {
    "anhui": ("安徽省", ["全省", "安徽省卫生健康委员会"], ["蚌埠", "怀远", "全县", "我县", "全市", "县卫生健康委", "广西"]),
    "bengbu": ("蚌埠市", ["全市", "我市", "蚌埠市卫生健康委员会", "安徽省卫生健康委员会将对我市"],
               ["怀远", "全县", "我县", "县卫生健康委", "柳州", "广西"]),
    # the parent's department by name at its first mention, not a guessed “市卫生健康委”
    "huaiyuan": ("怀远县", ["全县", "我县", "怀远县卫生健康委员会", "县卫生健康委", "蚌埠市卫生健康委员会将对我县",
                           "省市县工作部署", "医疗服务监管信息平台"], ["柳州", "融安", "广西"]),
    "guangxi": ("广西壮族自治区", ["全区", "自治区卫生健康委"], ["安徽", "蚌埠", "怀远", "柳州", "全县", "全市"]),
    "liuzhou": ("柳州市", ["全市", "柳州市卫生健康委员会"], ["安徽", "蚌埠", "怀远", "融安", "全县", "我县"]),
    "rongan": ("融安县", ["全县", "融安县卫生健康局", "自治区市县工作部署"], ["安徽", "蚌埠", "怀远", "县卫生健康委"]),
}


@pytest.mark.slow
@pytest.mark.parametrize("profile", sorted(CONDUCT_CASES))
def test_conduct_campaign_speaks_for_each_level(tmp_path, profile):
    """The plan's text (every kind for any place: test_national_sample.py)."""
    name, own, foreign = CONDUCT_CASES[profile]
    parent = {"anhui": "安徽省", "bengbu": "安徽省", "huaiyuan": "安徽省"}.get(profile, "广西壮族自治区")
    plan = write_plan(tmp_path, CONDUCT_PLAN.format(profile=profile, parent=parent))
    out = tmp_path / "out"
    result = run_cli("build", plan, "-o", out, "--only", "plan")
    assert result.exit_code == 0, result.output
    text = docx_text(files_of_kind(out, "plan")[0])
    assert text.startswith(f"{name}规范医疗机构诊疗服务行为专项整治行动实施方案")
    for word in own:
        assert word in text, word
    for word in foreign:
        assert word not in text, word
    assert "自查自纠阶段（2021年3月至4月底）" in text and "总结提高阶段（2021年11月）" in text
    assert "2021年11月26日前" in text


HOSPITAL_PLAN = """
profile: {profile}
campaign: clean-hospital
params: {{specialty: {specialty}}}
dates: {{signed: 2023-06-01}}
"""

HOSPITAL_CASES = {
    "liuzhou-tcm-hospital": ("柳州市中医医院", "中医", ["是市委着眼我市实际", "自治区党委、市委部署要求", "清廉柳州建设",
                                                  "视察广西", "全市中医医疗机构资源", "国家、自治区、市医疗保障局"],
                             ["雅安", "四川", "融安", "全县", "县委"]),
    "yaan-tcm-hospital": ("雅安市中医医院", "中医", ["是市委着眼我市实际", "省委、市委部署要求", "清廉雅安建设",
                                               "视察四川", "国家、省、市医疗保障局"],
                          ["柳州", "广西", "自治区", "融安", "县委"]),
    "rongan-hospital": ("融安县人民医院", "null", ["是县委着眼我县实际", "自治区党委、市委、县委部署要求",
                                              "清廉融安建设", "为全县清廉增辉添彩", "全县医疗机构资源",
                                              "分工协作的医疗卫生服务体系"],
                        ["雅安", "四川", "中医", "我市"]),
}


@pytest.mark.parametrize("profile", sorted(HOSPITAL_CASES))
def test_clean_hospital_speaks_for_each_hospital(tmp_path, profile):
    """The plan's text, and no task table (every kind for any place: test_national_sample.py)."""
    name, specialty, own, foreign = HOSPITAL_CASES[profile]
    plan = write_plan(tmp_path, HOSPITAL_PLAN.format(profile=profile, specialty=specialty))
    out = tmp_path / "out"
    result = run_cli("build", plan, "-o", out, "--only", "plan,tasks")
    assert result.exit_code == 0, result.output
    text = docx_text(files_of_kind(out, "plan")[0])
    assert text.startswith(f"{name}清廉医院创建行动工作方案")
    for word in own + ["我院", "各科室", "（责任科室：医务科、药剂科）"]:
        assert word in text, word
    for word in foreign:
        assert word not in text, word
    assert text.rstrip().endswith(f"{name}\n2023年6月1日")
    # no task table: the actions name their departments in the text
    assert not files_of_kind(out, "tasks")


def test_hospital_without_a_department_for_a_role_is_told_which(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    source = (EXAMPLES.parent / "profiles" / "liuzhou-tcm-hospital.yaml").read_text(encoding="utf-8")
    (profiles / "my-hospital.yaml").write_text(
        "\n".join(line for line in source.splitlines() if not line.strip().startswith("pricing:")), encoding="utf-8")
    plan = write_plan(tmp_path, HOSPITAL_PLAN.format(profile="my-hospital", specialty="中医"))
    out = tmp_path / "out"
    result = run_cli("build", plan, "-o", out, "--profiles", profiles)
    assert result.exit_code == 2
    assert "pricing" in result.output and "价格管理部门" in result.output and "campaign.yaml" in result.output
    assert not out.exists()


def test_hospital_profile_needs_its_jurisdiction(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "orphan.yaml").write_text("name: 某医院\nshort_name: 某医院\nkind: 医院\n", encoding="utf-8")
    plan = write_plan(tmp_path, HOSPITAL_PLAN.format(profile="orphan", specialty="null"))
    result = run_cli("build", plan, "-o", tmp_path / "out", "--profiles", profiles)
    assert result.exit_code == 2 and "parent" in result.output and "orphan.yaml" in result.output


def test_hospitals_are_not_subordinate_jurisdictions():
    from planmaker.inputs.catalog import Catalog

    catalog = Catalog()
    names = [c.name for c in catalog.children_of(catalog.load_profile("liuzhou"))]
    assert "柳州市中医医院" not in names and "融安县" in names


# ------------------------------------------------------------------ self-check and ledger

def _rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cell = row.cells[0]
        if cell.tables and all(c._tc is cell._tc for c in row.cells):
            # the last row, kept with the sign-off lines in one row that cannot split
            rows.extend(_rows(cell.tables[0]))
        else:
            rows.append([c.text for c in row.cells])
    return rows


def _expected_items():
    return [(name, item) for name, items in seed_problems() for item in items]


def test_selfcheck_docx_asks_every_seed_problem(conduct_out):
    (blank,) = [p for p in files_of_kind(conduct_out, "selfcheck") if p.suffix == ".docx"]
    document = docx.Document(str(blank))
    (table,) = document.tables
    rows = _rows(table)
    assert rows[0] == ["序号", "问题类别", "自查内容", "是否存在", "问题描述", "整改措施"]
    expected = _expected_items()
    assert len(rows) - 1 == len(expected) == 25
    for number, (row, (group, item)) in enumerate(zip(rows[1:], expected), start=1):
        assert row[0] == str(number)
        # merged cells repeat the group's name when read; the last row, kept with the
        # sign-off lines below the table, goes on from its group's cell (empty, no rule above)
        assert row[1] == (group if number < len(expected) else "")
        assert row[2] == item
        assert row[3] == "是□  否□"
    text = docx_text(blank)
    assert text.startswith("附件1\n规范医疗机构诊疗服务行为专项整治行动自查表")
    assert "单位名称（盖章）：" in text and "自查负责人（签字）：" in text


def test_ledger_docx_tracks_every_seed_problem(conduct_out):
    (blank,) = [p for p in files_of_kind(conduct_out, "ledger") if p.suffix == ".docx"]
    document = docx.Document(str(blank))
    (table,) = document.tables
    rows = _rows(table)
    assert rows[0] == ["序号", "问题类别", "问题", "整改措施", "责任部门", "责任人", "整改时限", "完成情况（销号）"]
    expected = _expected_items()
    assert [(r[1], r[2]) for r in rows[1:26]] == expected
    assert all(r[3:] == [""] * 5 for r in rows[1:])
    assert [r[0] for r in rows[26:]] == ["26", "27", "28", "29", "30"]  # spare rows for other problems
    assert document.sections[0].page_width > document.sections[0].page_height
    assert "完成情况填写：未整改、整改中、已整改销号。" in docx_text(blank)


def _validations(sheet) -> dict[str, str]:
    return {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}


def test_selfcheck_workbook_is_fillable(conduct_out):
    (book_path,) = [p for p in files_of_kind(conduct_out, "selfcheck") if p.suffix == ".xlsx"]
    book = load_workbook(book_path)
    sheet = book["自查表"]
    assert book["_planmaker"].sheet_state == "veryHidden"
    assert sheet.protection.sheet
    assert [c.value for c in sheet[4]] == ["序号", "问题类别", "自查内容", "是否存在问题", "问题描述", "整改措施"]
    items = [sheet.cell(row=r, column=3).value for r in range(5, 30)]
    assert items == [item for _, item in _expected_items()]
    assert sheet.cell(row=5, column=2).value == "医疗骗保方面" and sheet.cell(row=12, column=2).value == "诊疗行为方面"
    assert _validations(sheet) == {"D5:D29": '"是,否"'}
    for row in (5, 29):
        assert sheet.cell(row=row, column=3).protection.locked
        for col in (4, 5, 6):
            assert not sheet.cell(row=row, column=col).protection.locked
    assert not sheet["C2"].protection.locked  # the blank form's institution name is filled in by hand


def test_ledger_workbook_is_fillable(conduct_out):
    (book_path,) = [p for p in files_of_kind(conduct_out, "ledger") if p.suffix == ".xlsx"]
    sheet = load_workbook(book_path)["整改台账"]
    assert sheet.protection.sheet
    assert [c.value for c in sheet[4]] == ["序号", "问题类别", "问题", "整改措施", "责任部门", "责任人", "整改时限",
                                           "完成情况（销号）"]
    assert [sheet.cell(row=r, column=3).value for r in range(5, 30)] == [item for _, item in _expected_items()]
    assert _validations(sheet) == {"H5:H34": '"未整改,整改中,已整改销号"'}
    for col in range(4, 9):
        assert not sheet.cell(row=5, column=col).protection.locked
    assert sheet.cell(row=5, column=3).protection.locked
    assert not sheet.cell(row=30, column=3).protection.locked  # a spare row's problem is written in
    assert sheet.page_setup.orientation == "landscape"


def _institutions(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "地址", "类别", "等级", "性质", "联系人", "联系电话"])
    sheet.append(["怀远县人民医院", "", "综合医院", "二级", "公立", "（联系人）", "0552-0000000"])
    sheet.append(["=怀远县某某诊所", "", "诊所", "", "民营", "", ""])
    sheet["A3"].data_type = "s"  # a name that looks like a formula, typed as text
    book.save(path)
    return path


@pytest.mark.slow
def test_selfcheck_and_ledger_for_each_institution(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", CONDUCT, "-o", out, "--only", "selfcheck,ledger",
                     "--institutions", _institutions(tmp_path / "机构.xlsx"))
    assert result.exit_code == 0, result.output
    files = manifest(out)["files"]
    assert {f["kind"] for f in files} == {"selfcheck", "ledger"}
    for kind in ("selfcheck", "ledger"):
        mine = [f for f in files if f["kind"] == kind and f.get("institution") == "怀远县人民医院"]
        assert sorted(f["path"].rsplit(".", 1)[1] for f in mine) == ["docx", "xlsx"]
        assert len([f for f in files if f["kind"] == kind and "institution" not in f]) == 2
        for entry in mine:
            path = out / entry["path"]
            if path.suffix == ".docx":
                text = docx_text(path)
                assert "怀远县人民医院" in text and "0552-0000000" in text
                assert not text.startswith("附件")  # sent on its own, not as the plan's annex
            else:
                sheet = load_workbook(path).worksheets[0]
                assert sheet["C2"].value == "怀远县人民医院" and sheet["E2"].value == "0552-0000000"
    odd = [f for f in files if f.get("institution") == "=怀远县某某诊所" and f["path"].endswith(".xlsx")]
    sheet = load_workbook(out / odd[0]["path"]).worksheets[0]
    assert sheet["C2"].value == "=怀远县某某诊所" and sheet["C2"].data_type == "s"  # text, not a formula


def test_same_input_same_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert run_cli("build", CONDUCT, "-o", out, "--only", "selfcheck,ledger").exit_code == 0
    for entry in manifest(first)["files"]:
        assert (first / entry["path"]).read_bytes() == (second / entry["path"]).read_bytes(), entry["path"]


@pytest.mark.slow
def test_selfcheck_and_ledger_convert_in_libreoffice(libreoffice, conduct_out, tmp_path):
    files = files_of_kind(conduct_out, "selfcheck") + files_of_kind(conduct_out, "ledger")
    assert len(files) == 4
    for pdf in convert(libreoffice, files, tmp_path / "pdf"):
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000


# ------------------------------------------------------------------ check

@pytest.mark.parametrize("plan", [CONDUCT, HOSPITAL], ids=["county-conduct", "clean-hospital"])
def test_examples_pass_check(plan):
    result = run_cli("check", plan)
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output
