"""Every jurisdiction of China out of the box: the national table, finding a unit by name,
code or path, the defaults of each kind, profiles as overrides, the campaign lint, and
cascading to the real subordinate units."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import ROOT, docx_text, files_of_kind, run_cli, write_plan
from planmaker.base.errors import InputError
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.models import Profile, Vocabulary

CATALOG = Catalog()
TABLE = CATALOG.divisions
GUIDE = ROOT / "docs" / "辖区配置.md"
FILE_BLOCK = re.compile(r"<!-- (?P<example>\S+) 文件：(?P<name>[^ ]+) -->\s*```\w+\n(?P<body>.*?)```", re.S)


# ------------------------------------------------------------------ the national table

def test_table_holds_every_level_of_the_mainland():
    kinds = Counter(d.kind for d in TABLE.by_code.values())
    level = {k: v.level for k, v in CATALOG.vocabulary.kinds.items()}
    by_level = Counter(level.get(k, k) for k in kinds.elements())
    assert by_level["province"] == 31
    assert 330 <= by_level["prefecture"] <= 340
    assert 2800 <= by_level["county"] <= 2900
    for kind in ("省", "自治区", "直辖市", "地级市", "地区", "自治州", "盟", "市辖区", "县", "自治县", "县级市",
                 "旗", "自治旗", "特区", "林区"):
        assert kinds[kind] >= 1, kind
    header = TABLE.path.read_text(encoding="utf-8").splitlines()[:3]
    assert any("来源" in line and "取数时间" in line for line in header)


def test_table_places_the_special_cases():
    def unit(path):
        [found] = CATALOG.places.resolve(path)
        return found

    assert TABLE.by_code[unit("仙桃市").parent].name == "湖北省" and unit("仙桃市").kind == "县级市"
    assert TABLE.by_code[unit("济源市").parent].name == "河南省"
    assert unit("神农架林区").kind == "林区" and unit("六枝特区").kind == "特区"
    assert unit("碑林区").kind == "市辖区"  # ends in 林区, is a district
    assert TABLE.by_code[unit("北京市/朝阳区").parent].name == "北京市"
    for city in ("东莞市", "中山市", "儋州市", "嘉峪关市"):
        assert unit(city).kind == "地级市" and not TABLE.children(unit(city).code)
    assert unit("都江堰市").kind == "县级市" and unit("鄂伦春自治旗").kind == "自治旗"


# ------------------------------------------------------------------ finding a unit

@pytest.mark.parametrize("ref", ["思南县", "520624", "贵州省/铜仁市/思南县", "贵州省/思南县", "铜仁市／思南县"])
def test_a_unit_by_name_code_or_path(ref):
    j = CATALOG.load_profile(ref)
    assert (j.name, j.kind, j.parent.name, j.code) == ("思南县", "县", "铜仁市", "520624")


@pytest.mark.parametrize("name, candidates", [("朝阳区", ["朝阳区（北京市，110105）", "朝阳区（吉林省长春市，220104）"]),
                                              ("和平区", ["和平区（天津市，120101）", "和平区（辽宁省沈阳市，210102）"])])
def test_an_ambiguous_name_is_refused_with_its_candidates(name, candidates):
    with pytest.raises(InputError) as exc:
        CATALOG.load_profile(name)
    for candidate in candidates:
        assert candidate in str(exc.value)


def test_bingtuan_and_unknown_codes_are_refused_with_a_reason():
    with pytest.raises(InputError, match="新疆生产建设兵团"):
        CATALOG.load_profile("石河子市")
    with pytest.raises(InputError, match="代码随区划调整而变"):
        CATALOG.load_profile("522424")


def test_profiles_command_finds_by_part_of_name_or_code():
    result = run_cli("profiles", "思南")
    assert result.exit_code == 0 and "520624  贵州省/铜仁市/思南县（县）" in result.output
    result = run_cli("profiles", "5206")
    assert "铜仁市（地级市）  配置：tongren" in result.output and "共 11 个" in result.output
    assert run_cli("profiles", "没有这个地方").exit_code == 1


# ------------------------------------------------------------------ defaults by kind

def test_special_cases_take_their_variants():
    xiantao, dongguan, chaoyang = (CATALOG.load_profile(r) for r in ("仙桃市", "东莞市", "北京市/朝阳区"))
    assert xiantao.parent.name == "湖北省" and xiantao.departments["health"].full == "仙桃市卫生健康委员会"
    assert xiantao.offices["medical"] == "医政医管科"
    assert dongguan.subordinates == "各镇（街道）"
    assert chaoyang.parent.name == "北京市" and chaoyang.full_name == "北京市朝阳区"
    assert chaoyang.departments["police"].full == "北京市公安局朝阳分局"


def test_subordinates_follow_the_real_subordinate_units():
    assert CATALOG.load_profile("四川省").subordinates == "各市（州）"
    assert CATALOG.load_profile("兴安盟").subordinates == "各旗（县、市）"
    assert CATALOG.load_profile("阿里地区").subordinates == "各县"


def test_short_names_drop_the_kind_and_the_peoples():
    assert [CATALOG.load_profile(n).short_name for n in
            ("融水苗族自治县", "内蒙古自治区", "黔西南布依族苗族自治州", "鄂温克族自治旗", "新疆维吾尔自治区")] == \
        ["融水", "内蒙古", "黔西南", "鄂温克", "新疆"]


def test_a_kind_inconsistent_with_the_table_is_reported(tmp_path):
    (tmp_path / "djy.yaml").write_text("name: 都江堰市\nkind: 市\n", encoding="utf-8")
    catalog = Catalog(profile_dirs=[tmp_path])
    with pytest.raises(InputError, match="都江堰市在全国行政区划表中是县级市"):
        catalog.load_profile("djy")
    # a short kind that includes the table's is accepted (融水苗族自治县 written as 县)
    (tmp_path / "rs.yaml").write_text("name: 融水苗族自治县\nkind: 县\n", encoding="utf-8")
    assert catalog.load_profile("rs").kind == "自治县"


def test_a_profile_states_only_what_differs(tmp_path):
    (tmp_path / "xian.yaml").write_text(
        "name: 思南县\ndepartments:\n  health: {full: 思南县卫生健康委员会}\n  tcm: null\noffices:\n  medical: 医政股\n",
        encoding="utf-8")
    j = Catalog(profile_dirs=[tmp_path]).load_profile("xian")
    assert j.departments["health"].short == "县卫生健康委"  # the place replaced by the prefix, 委员会 by 委
    assert j.departments["discipline"].short == "驻委纪检监察组"  # follows the health department
    assert "tcm" not in j.departments and j.offices["medical"] == "医政股"
    assert j.departments["police"].full == "思南县公安局" and j.parent.name == "铜仁市"


# ------------------------------------------------------------------ the plan that names only 思南县

def test_plan_naming_only_a_county_builds(tmp_path):
    plan = write_plan(tmp_path, """
        profile: 思南县
        campaign: unreasonable-exams
        dates:
          start: 2021-09
          end: 2022-02
          signed: 2021-09-01
    """)
    assert run_cli("check", plan).exit_code == 0
    result = run_cli("build", plan, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = docx_text(files_of_kind(tmp_path / "out", "plan")[0])
    assert "全县" in text and "我县" in text
    full, short = text.find("思南县卫生健康局"), text.replace("思南县卫生健康局", "").find("县卫生健康局")
    assert full >= 0 and short >= 0 and text.find("县卫生健康局", full + len("思南县卫生健康局")) > full
    assert text.replace("思南县卫生健康局", "〇").find("县卫生健康局") > text.find("思南县卫生健康局")
    for wrong in ("全市", "我市", "市卫生健康委", "柳州", "广西"):
        assert wrong not in text, wrong


def test_a_county_under_a_city_names_the_citys_department(tmp_path):
    plan = write_plan(tmp_path, """
        profile: 思南县
        campaign: medical-chaos
        dates: {start: 2023-03, end: 2023-12, signed: 2023-02-20}
    """)
    assert run_cli("build", plan, "-o", tmp_path / "out", "--only", "preview").exit_code == 0
    text = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert "上报铜仁市卫生健康局" in text and "市卫生健康委" not in text


# ------------------------------------------------------------------ cascade

@pytest.mark.slow
def test_cascade_of_yaan_by_name_reaches_its_eight_county_level_units(tmp_path):
    plan = write_plan(tmp_path, (ROOT / "examples" / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8")
                      .replace("profile: liuzhou", "profile: 雅安市"))
    result = run_cli("cascade", plan, "-o", tmp_path / "out", "--only", "plan")
    assert result.exit_code == 0, result.output
    plans = sorted((tmp_path / "out").glob("*/plan.yaml"))
    expected = {d.name for d in TABLE.children(CATALOG.places.resolve("雅安市")[0].code)}
    assert len(plans) == len(expected) == 8
    # folders: a bundled profile's id (yucheng, yingjing), else the unit's name
    assert {CATALOG.load_profile(p.parent.name).name for p in plans} == expected
    for path in plans:
        check = run_cli("check", path)
        assert check.exit_code == 0, check.output


# ------------------------------------------------------------------ lint

@pytest.mark.slow
def test_bundled_campaigns_carry_no_jurisdictions_words(tmp_path):
    for campaign in CATALOG.campaign_ids():
        hospital = campaign == "clean-hospital"
        plan = write_plan(tmp_path / campaign, f"""
            profile: {'liuzhou-tcm-hospital' if hospital else '思南县'}
            campaign: {campaign}
        """)
        result = run_cli("check", plan)
        lines = [line for line in result.output.splitlines() if "专项模板的文字中写了" in line]
        assert not lines, "\n".join(lines)


def test_check_fails_a_campaign_with_a_level_word_and_names_file_and_line(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    source = (ROOT / "templates" / "campaigns" / "unreasonable-exams" / "campaign.yaml").read_text(encoding="utf-8")
    assert '      - "{{ j.whole }}各级各类医疗机构。"' in source
    lines = source.replace('      - "{{ j.whole }}各级各类医疗机构。"',
                           '      - "全盟各级各类医疗机构，兴安盟卫健委和{{ j.subordinates }}卫生健康局。"').splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "全盟" in text)
    (folder / "campaign.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = write_plan(tmp_path, "profile: 思南县\ncampaign: ./mine\n")
    result = run_cli("check", plan)
    assert result.exit_code == 1
    assert f"错误：{folder / 'campaign.yaml'}，第{line}行" in result.output and "层级用语 “全盟”" in result.output
    assert "警告" in result.output and "地名 “兴安盟”" in result.output  # a user's own campaign: a warning
    assert "部门名称 “卫生健康局”" in result.output


# ------------------------------------------------------------------ the guide

def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def test_guide_table_is_what_each_kind_gives():
    rows = re.findall(r"^\| (\S+) \| (\S+) \| (\S+) / (\S+) / (\S+) \| (\S+) \| (\S+) \| (\S+) \| (\S+) / (\S+) \|$",
                      guide(), flags=re.M)
    rows = [row for row in rows if row[0] != "类别"]
    kinds = [row[0] for row in rows]
    # 国家 (one unit, 全国, described below the table) has no offices of the table's kind
    assert set(kinds) == set(CATALOG.vocabulary.kinds) - {"医院", "国家"}
    national = CATALOG.load_profile("全国")
    assert (national.kind, national.self, national.whole, national.directly_under, national.subordinates,
            national.departments["health"].full, national.departments["health"].short) == (
        "国家", "我国", "全国", "委属（管）", "各省（区、市）", "国家卫生健康委员会", "国家卫生健康委")
    assert "国家" in guide() and "--profile 全国" in guide()
    for kind, ref, own, whole, under, subordinates, grade, office, full, short in rows:
        j = CATALOG.load_profile(ref)
        assert j.kind == kind
        assert (j.self, j.whole, j.directly_under, j.subordinates, j.grade, j.offices["medical"],
                j.departments["health"].full, j.departments["health"].short) == \
            (own, whole, under, subordinates, grade, office, full, short), ref


def test_guide_lists_every_profile_key():
    text = guide()
    missing = [key for key in list(Profile.model_fields) + list(Vocabulary.model_fields)
               if f"`{key.rstrip('_')}`" not in text]
    assert not missing


@pytest.mark.parametrize("example, promised", [
    ("例一", ["全县", "我县", "思南县卫生健康局"]),
    ("例二", ["我旗", "科尔沁右翼前旗卫生健康委员会", "旗卫生健康委医政股"]),
])
def test_guide_examples_build_as_it_says(tmp_path, example, promised):
    for match in FILE_BLOCK.finditer(guide()):
        if match["example"] == example:
            (tmp_path / match["name"]).write_text(match["body"], encoding="utf-8")
    assert run_cli("check", tmp_path / "plan.yaml").exit_code == 0
    result = run_cli("build", tmp_path / "plan.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = docx_text(files_of_kind(tmp_path / "out", "plan")[0])
    for words in promised:
        assert words in guide() and words in text, words
    if example == "例二":
        j = Catalog(profile_dirs=[tmp_path]).load_profile("科右前旗")
        assert j.departments["discipline"].short == "驻委纪检监察组" and "驻委纪检监察组" in guide()


@pytest.mark.slow
def test_collect_knows_the_units_a_cascade_reached(tmp_path):
    """The statistics forms of units without a profile come back recognised as the city's own."""
    plan = write_plan(tmp_path, """
        profile: 雅安市
        campaign: medical-abuses-2020
        dates: {start: 2020-09, end: 2020-12, report: 2020-12-05}
    """)
    assert run_cli("cascade", plan, "-o", tmp_path / "down", "--only", "stats").exit_code == 0
    forms = tmp_path / "in"
    forms.mkdir()
    for book in (tmp_path / "down").rglob("*统计表*.xlsx"):
        (forms / f"{book.parent.name}-{book.name}").write_bytes(book.read_bytes())
    result = run_cli("collect", forms, "--plan", plan, "-o", tmp_path / "sum")
    assert "未报送的下级单位（0）" in result.output and "不是本次统计表的文件（0）" in result.output
    assert result.output.count("整张表没有填写任何数字") == 2 * 8  # two blank forms from each of the 8 units


def test_subordinates_departments_are_named_only_when_they_agree():
    # 贵州's cities: 铜仁市 has a 卫生健康局 (its profile), the others a 卫生健康委: no guess
    assert CATALOG.subordinate_departments(CATALOG.load_profile("贵州省"))["health"] == "各市（州）卫生健康行政部门"
    assert CATALOG.subordinate_departments(CATALOG.load_profile("四川省"))["health"] == "各市（州）卫生健康委"
    assert CATALOG.subordinate_departments(CATALOG.load_profile("雅安市"))["health"] == "各县（区）卫生健康局"


def test_the_script_derives_kinds_from_suffix_and_code():
    import importlib.util

    spec = importlib.util.spec_from_file_location("divisions_script", ROOT / "scripts" / "divisions.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    data = {"provinces": {
        "北京市": {"code": "110000000000", "cities": {"": {"code": None, "counties": {"朝阳区": "110105000000"}}}},
        "湖北省": {"code": "420000000000", "cities": {
            "": {"code": None, "counties": {"仙桃市": "429004000000", "神农架林区": "429021000000"}},
            "恩施土家族苗族自治州": {"code": "422800000000", "counties": {"长阳土家族自治县": "422899000000"}}}},
        "陕西省": {"code": "610000000000", "cities": {
            "西安市": {"code": "610100000000", "counties": {"碑林区": "610103000000"}}}},
        "新疆维吾尔自治区": {"code": "650000000000", "cities": {
            "": {"code": None, "counties": {"石河子市": "659001000000"}}}},
    }}
    rows = {name: (kind, parent) for code, name, kind, parent, abbr in script.rows_from(data)}
    assert rows["北京市"] == ("直辖市", "") and rows["朝阳区"] == ("市辖区", "110000")
    assert rows["仙桃市"] == ("县级市", "420000") and rows["神农架林区"] == ("林区", "420000")
    assert rows["恩施土家族苗族自治州"] == ("自治州", "420000") and rows["长阳土家族自治县"][0] == "自治县"
    assert rows["碑林区"] == ("市辖区", "610100")
    assert rows["新疆维吾尔自治区"][0] == "自治区" and rows["石河子市"][0] == "兵团"


def test_new_takes_any_unit_of_the_national_table(tmp_path):
    args = ("new", "--campaign", "unreasonable-exams", "--start", "2024-05", "--parent-title", "",
            "--no-contacts", "--no-build")
    result = run_cli(*args, "--profile", "思南县", "-o", tmp_path / "a")
    assert result.exit_code == 0, result.output
    assert "profile: 贵州省/铜仁市/思南县" in (tmp_path / "a" / "plan.yaml").read_text(encoding="utf-8")
    result = run_cli(*args, "--profile", "朝阳区", "-o", tmp_path / "b")
    assert result.exit_code != 0 and "朝阳区（北京市，110105）" in result.output and "柳北区" not in result.output
