"""Institution lists from Excel and CSV: headers, aliases, errors, file names."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from planmaker.base.errors import InputError
from planmaker.base.files import institution_filenames
from planmaker.inputs.institution_terms import load_vocabulary
from planmaker.inputs.institutions import MAX_FILE_BYTES, read_institutions
from planmaker.inputs.models import Institution

HEADER = ["名称", "地址", "类别", "等级", "性质", "联系人", "联系电话"]
PRIMARY = "社区卫生服务中心、中心卫生院、乡（镇）卫生院等"
CLINIC = "诊所、医务室、卫生站等"


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(InputError) as caught:
        read_institutions(path)
    return caught.value.problems


# ---------------------------------------------------------------- vocabulary

def test_vocabulary_aliases_and_canonical_names():
    v = load_vocabulary()
    assert v is load_vocabulary()
    assert v.category("乡镇卫生院") == PRIMARY
    assert v.category("乡(镇)卫生院") == PRIMARY
    assert v.category("社区卫生服务中心") == PRIMARY
    assert v.category("诊所") == CLINIC
    assert v.category("门诊部") == CLINIC
    assert v.category("体检中心") == "独立设置的体检中心"
    assert v.category(" 综合 医院 ") == "综合医院"
    assert v.category("") == ""
    assert v.category("殡仪馆") is None
    assert v.grade("二甲") == "二级"
    assert v.grade("三级甲等") == "三级"
    assert v.grade("") == ""
    assert v.grade("特级") is None
    assert v.ownership("民营") == "社会办医"
    assert v.ownership("公办") == "公立"
    assert v.ownership("") == ""
    assert v.ownership("外星") is None
    assert {t.group for t in v.categories} == {"hospital", "primary", "clinic", "independent"}


def test_category_contained_in_a_longer_text_prefers_the_longest_alias():
    v = load_vocabulary()
    assert v.category("柳州市人民医院") == "综合医院"
    assert v.category("鹿寨县中西医结合医院") == "中医类医院"
    # "卫生站" is a clinic alias, but the longer "社区卫生服务站" decides.
    assert v.category("城中区社区卫生服务站") == PRIMARY
    assert v.category("某某村卫生室") == CLINIC
    # grades and ownerships match whole values only
    assert v.grade("二级甲等综合医院") is None
    assert v.ownership("民营医院") is None


def test_ambiguous_category_is_refused(tmp_path):
    v = load_vocabulary()
    assert v.category("其他诊所") is None  # 其他 and 诊所: equally long, two categories
    path = write_csv(tmp_path / "a.csv", [["名称", "类别"], ["甲", "其他诊所"]])
    [problem] = problems_of(path)
    assert problem.line == 2 and problem.field == "类别"
    assert "无法确定" in problem.message


# ---------------------------------------------------------------- reading

ROWS = [
    HEADER,
    ["柳州市人民医院", "柳州市文昌路8号", "综合医院", "三甲", "公立", "张三", "0772-2662222"],
    ["洛埠镇卫生院", "洛埠镇", "乡镇卫生院", "", "政府办", "李四", "13800138000"],
    ["阳光诊所", "", "诊所", "未定级", "民营", "", ""],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_writes(tmp_path, encoding):
    path = write_csv(tmp_path / "list.csv", ROWS, encoding)
    got = read_institutions(path)
    assert got[0] == Institution(name="柳州市人民医院", address="柳州市文昌路8号", category="综合医院",
                                 grade="三级", ownership="公立", contact="张三", phone="0772-2662222")
    assert got[1].category == PRIMARY and got[1].grade == "" and got[1].ownership == "公立"
    assert got[2].category == CLINIC and got[2].grade == "未定级" and got[2].ownership == "社会办医"


def test_gbk_detected_even_when_chinese_appears_only_late(tmp_path):
    rows = [["名称", "类别"]] + [[f"h{i}", "综合"] for i in range(5000)] + [["洛埠镇卫生院", "卫生院"]]
    path = write_csv(tmp_path / "late.csv", rows, "gbk")
    assert read_institutions(path)[-1].name == "洛埠镇卫生院"


def test_xlsx_with_numeric_phone_and_header_variants(tmp_path):
    rows = [
        ["序号", "医疗机构名称", " 地址 ", "机构类别", "医院等级", "所有制形式", "负责人", "电话", "备注"],
        [1, "某某门诊部", "某路1号", "门诊部", "", "私营", "王五", 13800138000, "x"],
        [2, "某某体检中心", "某路2号", "体检中心", "二乙", "社会办", "赵六", 7722662222.0, ""],
    ]
    path = write_xlsx(tmp_path / "list.xlsx", rows)
    a, b = read_institutions(path)
    assert (a.name, a.address, a.category, a.ownership, a.contact, a.phone) == (
        "某某门诊部", "某路1号", CLINIC, "社会办医", "王五", "13800138000")
    assert (b.category, b.grade, b.phone) == ("独立设置的体检中心", "二级", "7722662222")


@pytest.mark.parametrize("name, category, grade, ownership, phone", [
    ("机构名称", "类型", "级别", "经济类型", "手机号码"),
    ("单位名称（全称）", "医疗机构类别", "评审等级", "举办性质", "联系方式"),
    ("*名称", "类别(必填)", "等级", "办医性质", "联系电话："),
    ("名 字", "机构类型", "等级", "所有制", "手机"),
])
def test_header_variants(tmp_path, name, category, grade, ownership, phone):
    rows = [[name, category, grade, ownership, phone], ["某医院", "综合医院", "二级", "公立", "1"]]
    [got] = read_institutions(write_csv(tmp_path / "h.csv", rows))
    assert (got.name, got.category, got.grade, got.ownership, got.phone) == (
        "某医院", "综合医院", "二级", "公立", "1")


def test_title_row_above_the_header_keeps_excel_row_numbers(tmp_path):
    rows = [["某某县医疗机构名单"], [], ["名称", "类别"], ["甲医院", "综合"], ["", "火星"]]
    [problem, *_] = problems_of(write_xlsx(tmp_path / "t.xlsx", rows))
    assert problem.line == 5


def test_closer_header_wins_when_two_columns_mean_the_same(tmp_path):
    rows = [["名称", "类别", "法定代表人", "联系人"], ["甲", "综合", "法人", "经办人"]]
    [got] = read_institutions(write_csv(tmp_path / "c.csv", rows))
    assert got.contact == "经办人"


def test_blank_rows_are_skipped(tmp_path):
    rows = [["序号", "名称", "类别"], ["1", "甲医院", "综合"], ["", "", ""], ["", " ", ""],
            ["3", "", ""], ["4", "乙诊所", "诊所"]]
    for path in (write_csv(tmp_path / "b.csv", rows), write_xlsx(tmp_path / "b.xlsx", rows)):
        assert [i.name for i in read_institutions(path)] == ["甲医院", "乙诊所"]


def test_multiline_cell_counts_as_one_excel_row(tmp_path):
    rows = [["名称", "类别"], ["甲医院\n（总院）", "综合"], ["乙", "火星"]]
    [problem] = problems_of(write_csv(tmp_path / "m.csv", rows))
    assert problem.line == 3


# ---------------------------------------------------------------- errors

def test_every_problem_is_reported_with_row_and_field(tmp_path):
    rows = [
        ["医疗机构名称", "机构类别", "等级", "性质"],
        ["甲医院", "综合医院", "二级", "公立"],          # row 2
        ["乙医院", "综和医院", "", ""],                 # row 3: unknown category
        ["丙医院", "综合", "特等", ""],                 # row 4: unknown grade
        ["丁医院", "综合", "", "外资独资"],             # row 5: unknown ownership
        ["", "综合", "", ""],                           # row 6: missing name
        ["", "", "", ""],                               # row 7: blank, skipped
        [" 甲医院 ", "综合", "", ""],                   # row 8: duplicate of row 2
        ["长" * 201, "综合", "", ""],                   # row 9: too long
        ["戊医院", "", "", ""],                         # row 10: empty category
    ]
    problems = problems_of(write_csv(tmp_path / "bad.csv", rows))
    by_row = {p.line: p for p in problems}
    assert sorted(by_row) == [3, 4, 5, 6, 8, 9, 10]
    assert all(str(p.file).endswith("bad.csv") for p in problems)

    assert by_row[3].field == "机构类别"
    assert "综和医院" in by_row[3].message and "综合医院" in by_row[3].message
    assert PRIMARY in by_row[3].message  # the canonical categories are listed
    assert by_row[4].field == "等级" and "特等" in by_row[4].message
    assert by_row[5].field == "性质" and "外资独资" in by_row[5].message
    assert by_row[6].field == "医疗机构名称" and "为空" in by_row[6].message
    assert by_row[8].field == "医疗机构名称" and "第2行" in by_row[8].message
    assert by_row[9].field == "医疗机构名称" and "200" in by_row[9].message
    assert by_row[10].field == "机构类别"

    text = str(InputError(problems))
    assert "第3行" in text and "字段 机构类别" in text and "bad.csv" in text


def test_duplicate_names_ignore_case_and_bracket_width(tmp_path):
    rows = [["名称", "类别"], ["ABC诊所(分部)", "诊所"], ["abc诊所（分部）", "诊所"]]
    [problem] = problems_of(write_xlsx(tmp_path / "d.xlsx", rows))
    assert problem.line == 3 and "第2行" in problem.message


def test_did_you_mean_over_aliases(tmp_path):
    rows = [["名称", "类别"], ["甲", "社区卫生服务中"]]
    [problem] = problems_of(write_csv(tmp_path / "y.csv", rows))
    assert "是否想写 “社区卫生服务中心”" in problem.message


def test_missing_required_column_lists_the_columns_found(tmp_path):
    rows = [["名称", "地址", "备注"], ["甲", "某路", ""]]
    [problem] = problems_of(write_csv(tmp_path / "m.csv", rows))
    assert problem.line == 1
    assert "类别" in problem.message and "“地址”" in problem.message and "“备注”" in problem.message


def test_no_header_at_all(tmp_path):
    [problem] = problems_of(write_csv(tmp_path / "n.csv", [["a", "b"], ["c", "d"]]))
    assert "名称" in problem.message and "“a”" in problem.message
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert "空" in problems_of(empty)[0].message


def test_header_without_rows_is_an_error(tmp_path):
    [problem] = problems_of(write_csv(tmp_path / "h.csv", [["名称", "类别"], ["", ""]]))
    assert "没有任何机构" in problem.message


def test_unsupported_extension(tmp_path):
    for name in ("list.xls", "list.txt", "list"):
        path = tmp_path / name
        path.write_bytes(b"x")
        [problem] = problems_of(path)
        assert "不支持的文件类型" in problem.message
    assert ".xlsx" in problems_of(tmp_path / "list.xls")[0].message


def test_corrupt_xlsx(tmp_path):
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"this is not a zip file")
    with zipfile.ZipFile(tmp_path / "empty-zip.xlsx", "w") as archive:
        archive.writestr("hello.txt", "hi")
    broken = tmp_path / "broken.xlsx"
    write_xlsx(broken, [["名称", "类别"], ["甲", "综合"]])
    broken.write_bytes(broken.read_bytes()[:300])
    for path in (garbage, tmp_path / "empty-zip.xlsx", broken):
        [problem] = problems_of(path)
        assert "无法读取 Excel 文件" in problem.message


def test_file_over_the_cap_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk and no time
    [problem] = problems_of(path)
    assert "文件过大" in problem.message and "50 MB" in problem.message


def test_missing_file(tmp_path):
    assert "不存在" in problems_of(tmp_path / "nope.csv")[0].message


def test_undecodable_csv(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("名称,类别\n甲,综合\n".encode("gbk") + b"\x81\x20\xff\n")
    [problem] = problems_of(path)
    assert "编码" in problem.message and problem.line == 3


def test_xlsx_renamed_to_csv(tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", [["名称", "类别"], ["甲", "综合"]])
    renamed = path.rename(tmp_path / "list.csv")
    assert ".xlsx" in problems_of(renamed)[0].message


def test_old_xls_renamed_to_csv(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    assert ".xls" in problems_of(path)[0].message


def test_control_characters_are_dropped(tmp_path):
    path = tmp_path / "ctl.csv"
    path.write_bytes("名称,类别\n".encode() + b"a\x00b\x07c,\x1b\xe7\xbb\xbc\xe5\x90\x88\n")
    [got] = read_institutions(path)
    assert (got.name, got.category) == ("abc", "综合医院")


def test_problems_are_capped(tmp_path):
    rows = [["名称", "类别"]] + [[f"机构{i}", "火星"] for i in range(150)]
    problems = problems_of(write_csv(tmp_path / "many.csv", rows))
    assert len(problems) == 101 and "另有 50 处" in problems[-1].message


# ---------------------------------------------------------------- file names

def named(*names: str) -> list[Institution]:
    return [Institution(name=n, category="综合医院") for n in names]


def assert_safe_and_distinct(files: list[str], suffix: str = ".docx"):
    assert len({f.casefold() for f in files}) == len(files)
    for f in files:
        assert f.endswith(suffix)
        assert "/" not in f and "\\" not in f and f not in (".", "..")
        stem = f[: -len(suffix)]
        assert stem and stem == stem.strip(" .")
        assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
        assert len(f.encode("utf-8")) <= 180 + len(suffix.encode("utf-8"))


def test_hostile_names_give_distinct_safe_files():
    names = ["../../etc/passwd", "a/b\\c", "a_b_c", "CON", "con", "名称" * 200, "名称" * 201,
             ".", "..", "  ", "Clinic", "CLINIC", "clinic", "a:b", "a?b", "a*b"]
    files = institution_filenames(named(*names))
    assert len(files) == len(names)
    assert_safe_and_distinct(files)
    assert files[0] == "_.._etc_passwd.docx"
    assert files[1] == "a_b_c.docx" and files[2] == "a_b_c（2）.docx"
    assert files[3] == "_CON.docx" and files[4] == "_con（2）.docx"
    assert files[10] == "Clinic.docx" and files[11] == "CLINIC（2）.docx" and files[12] == "clinic（3）.docx"


def test_numbering_skips_names_already_taken():
    files = institution_filenames(named("甲", "甲（2）", "甲", "甲"))
    assert files == ["甲.docx", "甲（2）.docx", "甲（3）.docx", "甲（4）.docx"]


def test_three_hundred_rows_three_hundred_files(tmp_path):
    rows = [["名称", "类别"]] + [[f"第{i}卫生室", "卫生室"] for i in range(300)]
    institutions = read_institutions(write_csv(tmp_path / "300.csv", rows))
    files = institution_filenames(institutions)
    assert len(set(files)) == 300
    assert_safe_and_distinct(files)
    # names that all truncate to one prefix still come out distinct
    long = institution_filenames(named(*[("某" * 100) + str(i) for i in range(300)]), ".xlsx")
    assert len({f.casefold() for f in long}) == 300
    assert_safe_and_distinct(long, ".xlsx")
