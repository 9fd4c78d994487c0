"""A pre-filled checklist for every institution, from a list of any size."""

import docx
from openpyxl import Workbook

from conftest import EXAMPLES, docx_text, manifest, run_cli

PLAN = EXAMPLES / "guangxi-2020" / "plan.yaml"


def institution_book(path, rows, header=("名称", "地址", "类别", "等级", "性质", "联系人", "联系电话")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def checklists(out):
    return [f for f in manifest(out)["files"] if f["kind"] == "checklist" and "institution" in f]


def header_text(path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs[:8])


def test_second_grade_public_general_hospital_has_exactly_its_boxes_ticked(tmp_path):
    source = institution_book(tmp_path / "机构.xlsx", [
        ("融安县人民医院", "融安县长安镇", "综合医院", "二级甲等", "公立", "（联系人）", "0772-0000000"),
        ("融安县某某诊所", "融安县大将镇", "诊所", "", "民营", "", ""),
    ])
    out = tmp_path / "out"
    result = run_cli("build", PLAN, "-o", out, "--only", "checklist", "--institutions", source)
    assert result.exit_code == 0, result.output
    entries = {e["institution"]: out / e["path"] for e in checklists(out)}
    assert set(entries) == {"融安县人民医院", "融安县某某诊所"}

    hospital = header_text(entries["融安县人民医院"])
    assert "医疗机构名称：融安县人民医院" in hospital and "地址：融安县长安镇" in hospital
    assert "联系电话：0772-0000000" in hospital
    assert hospital.count("☑") == 3
    for ticked in ("综合医院☑", "二级☑", "公立☑"):
        assert ticked in hospital
    for empty in ("专科医院□", "一级□", "三级□", "未定级□", "社会办医□"):
        assert empty in hospital

    clinic = header_text(entries["融安县某某诊所"])
    assert clinic.count("☑") == 2
    assert "诊所、医务室、卫生站等☑" in clinic and "社会办医☑" in clinic and "公立□" in clinic

    # the table is the campaign's checklist, not the institution's
    assert "33.合计" in docx_text(entries["融安县人民医院"])
    blank = [out / f["path"] for f in manifest(out)["files"] if f["kind"] == "checklist" and "institution" not in f]
    assert len(blank) == 1 and "☑" not in docx_text(blank[0])


def test_institutions_from_the_profile(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "tiny.yaml").write_text(
        "name: 测试县\nshort_name: 测试\nkind: 县\nissuer: 测试县卫生健康局\n"
        "departments:\n"
        "  health: {full: 测试县卫生健康局, short: 县卫生健康局}\n"
        "  insurance: {full: 测试县医疗保障局, short: 县医保局}\n"
        "  tcm: {full: 测试县卫生健康局, short: 县卫生健康局}\n"
        "institutions:\n"
        "  - {name: 测试县人民医院, category: 综合医院, grade: 二级, ownership: 公立}\n",
        encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.read_text(encoding="utf-8").replace("profile: guangxi", "profile: tiny"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", plan, "-o", out, "--only", "checklist", "--profiles", profiles)
    assert result.exit_code == 0, result.output
    (entry,) = checklists(out)
    assert entry["institution"] == "测试县人民医院"
    assert "综合医院☑" in header_text(out / entry["path"])


HOSTILE = ["../../etc/passwd", "a/b\\c", "CON", "nul.txt", ".", "..", "诊所<>:\"|?*",
           # different names that make the same file name: sanitised, truncated, or differing in case
           "Clinic?", "Clinic*", "名称" * 90 + "甲", "名称" * 90 + "乙", "ABC诊所", "abc诊所x"]


def test_three_hundred_institutions_give_three_hundred_distinct_files_inside_the_output(tmp_path):
    categories = ["综合医院", "乡镇卫生院", "社区卫生服务中心", "诊所", "门诊部", "体检中心"]
    rows = [(f"第{i}号医疗机构", "", categories[i % len(categories)], "", "民营" if i % 2 else "公立", "", "")
            for i in range(300 - len(HOSTILE))]
    rows += [(name, "", "诊所", "", "", "", "") for name in HOSTILE]
    source = institution_book(tmp_path / "list.xlsx", rows)
    out = tmp_path / "out"
    result = run_cli("build", PLAN, "-o", out, "--only", "checklist", "--institutions", source)
    assert result.exit_code == 0, result.output
    entries = checklists(out)
    assert len(entries) == 300
    paths = [(out / e["path"]).resolve() for e in entries]
    assert len({str(p).casefold() for p in paths}) == 300
    for path in paths:
        assert out.resolve() in path.parents and path.is_file()
        assert len(path.name.encode("utf-8")) < 255
    assert not (tmp_path / "etc").exists()
    names = {e["institution"] for e in entries}
    assert set(HOSTILE) <= names


def test_bad_institution_list_names_the_row(tmp_path):
    source = institution_book(tmp_path / "list.xlsx", [
        ("甲医院", "", "综合医院", "", "", "", ""),
        ("乙机构", "", "宠物医院", "", "", "", ""),
        ("", "", "诊所", "", "", "", ""),
        ("甲医院", "", "诊所", "", "", "", ""),
    ])
    out = tmp_path / "out"
    result = run_cli("build", PLAN, "-o", out, "--institutions", source)
    assert result.exit_code == 2
    assert "第3行" in result.output and "宠物医院" in result.output
    assert "第4行" in result.output and "第5行" in result.output and "第2行" in result.output
    assert not out.exists()


def test_a_campaign_brings_its_own_checklist_layout(tmp_path):
    """A clerk copies checklist.docx into the campaign folder, edits it in Word and names it in checklist.yaml."""
    import shutil

    from conftest import ROOT

    campaign = tmp_path / "campaigns" / "medical-abuses-2020"
    shutil.copytree(ROOT / "templates" / "campaigns" / "medical-abuses-2020", campaign)
    layout = docx.Document(ROOT / "templates" / "annexes" / "checklist.docx")
    layout.add_paragraph("本表由县卫生健康局印制，{{ institution.name }}留存一份。")
    layout.save(campaign / "本县检查表.docx")
    spec = campaign / "checklist.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("columns: [", "template: 本县检查表.docx\ncolumns: [", 1),
                    encoding="utf-8")
    listing = institution_book(tmp_path / "机构.xlsx", [("甲&乙医院", "某路1号", "综合医院", "二级", "公立", "", "")])
    out = tmp_path / "out"
    result = run_cli("build", PLAN, "--campaigns", tmp_path / "campaigns", "--institutions", listing,
                     "--only", "checklist", "-o", out)
    assert result.exit_code == 0, result.output
    [entry] = checklists(out)
    text = docx_text(out / entry["path"])
    assert "本表由县卫生健康局印制，甲&乙医院留存一份。" in text
    assert "甲&乙医院" in text and "33." in text  # the items are still the campaign's
