"""Issue 14, one test per defect found: what a clerk's real-world files do to
institution lists, forms, plans and command lines, and the Chinese message
each now gets instead of a traceback or a silent mistake."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from conftest import EXAMPLES, manifest, run_cli
from hostile_cases import (
    HEADER,
    LIUZHOU,
    ROW,
    SST,
    dimension_a1,
    entity_bomb,
    meta_unit,
    replaced,
    rewrite_member,
    row_bomb,
    shared_strings_bomb,
    with_shared_strings,
    write_xlsx,
)
from planmaker.base.errors import InputError
from planmaker.inputs.institutions import InstitutionFile, read_institutions
from zipbombs import zip_bomb

GUANGXI = EXAMPLES / "guangxi-2020" / "plan.yaml"


def warnings_of(path: Path):
    from planmaker.base import notices

    with notices.collecting() as found:
        institutions = read_institutions(path)
    return institutions, [str(p) for p in found]


# ------------------------------------------------------------------ institution lists (.xlsx)

def test_a_hidden_first_sheet_is_never_read(tmp_path):
    path = tmp_path / "名单.xlsx"
    write_xlsx(path, [("旧名单", [HEADER, ["已注销诊所乙", "", "诊所"]]), ("名单", [HEADER, ROW])], hidden=("旧名单",))
    institutions, warnings = warnings_of(path)
    assert [i.name for i in institutions] == ["甲医院"]
    assert any("隐藏的工作表 “旧名单” 未读取" in w and "“名单”" in w for w in warnings)


def test_a_dimension_of_a1_is_not_trusted(tmp_path):
    path = tmp_path / "名单.xlsx"
    dimension_a1(path)
    institutions, _ = warnings_of(path)
    assert [(i.name, i.category) for i in institutions] == [("甲医院", "综合医院")]


def test_rows_hidden_by_a_filter_are_reported(tmp_path):
    path = tmp_path / "名单.xlsx"
    write_xlsx(path, [("名单", [HEADER, ROW, ["乙医院", "", "诊所"], ["丙医院", "", "诊所"]])], hidden_rows=(3,),
               autofilter=True)
    institutions, warnings = warnings_of(path)
    assert len(institutions) == 3
    assert any("第 3 行（共 1 行）被筛选或隐藏" in w and "工作表“名单”" in w for w in warnings)


def test_every_message_names_the_sheet(tmp_path):
    path = tmp_path / "名单.xlsx"
    write_xlsx(path, [("说明", [["本表说明"]]), ("机构", [HEADER, ["甲", "", "宇宙飞船"]])], hidden=("说明",))
    with pytest.raises(InputError) as caught:
        InstitutionFile(path)
    assert all("工作表“机构”" in str(p.file) for p in caught.value.problems)
    assert "第2行" in str(caught.value)


def varied_shared_strings(path):
    """More shared strings than a list may hold (the limit is lowered to 50,000 for the test), packing 3:1."""
    import random

    from planmaker.inputs import xlsx_rows

    xlsx_rows.MAX_STRINGS = 50_000
    rng = random.Random(14)
    items = b"".join(b"<si><t>%08x</t></si>" % rng.getrandbits(32) for _ in range(60_000))
    with_shared_strings(path, SST + items + b"</sst>")


def fewer_rows(path):
    """The row bomb with 20,000 rows, as tracemalloc slows the reading sixfold: rows widened to XFD
    and kept would still be 20,000 × 16,384 cells, gigabytes (the corpus reads 100,000 rows)."""
    row_bomb(path, 20_000)


@pytest.mark.slow
@pytest.mark.parametrize("maker, words", [(shared_strings_bomb, "压缩比异常"), (varied_shared_strings, "共享文字超过"),
                                          (fewer_rows, None), (entity_bomb, "DTD")],
                         ids=["shared-strings-packed", "shared-strings-varied", "rows", "entities"])
def test_list_bombs_stop_fast_in_little_memory(tmp_path, maker, words, monkeypatch):
    from planmaker.inputs import xlsx_rows

    monkeypatch.setattr(xlsx_rows, "MAX_STRINGS", xlsx_rows.MAX_STRINGS)  # restored after the test
    path = tmp_path / "名单.xlsx"
    maker(path)
    tracemalloc.start()
    began = time.perf_counter()
    try:
        institutions, _ = warnings_of(path)
        assert words is None, "the bomb should have been refused"
        assert [i.name for i in institutions] == ["甲医院"]
    except InputError as exc:
        assert words and words in str(exc) and "名单.xlsx" in str(exc)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - began < 30
    assert peak < 300 * 1024 * 1024


def test_a_list_saved_during_the_build_does_not_change_it(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("名称,类别\n甲医院,诊所\n乙医院,诊所\n", encoding="utf-8")
    listed = InstitutionFile(path)
    path.write_text("名称,类别\n,\n", encoding="utf-8")
    assert [i.name for i in listed] == ["甲医院", "乙医院"]


def test_zero_width_marks_give_no_look_alike_files_and_full_width_spaces_stay(tmp_path):
    names = tmp_path / "名单.csv"
    names.write_text("名称,类别\n甲医院,诊所\n甲\u200b医院,诊所\n\u202e乙医院,诊所\n丙\u3000医院,诊所\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", GUANGXI, "-o", out, "--only", "checklist", "--institutions", names)
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (out / "附件2-检查表（按机构）").iterdir())
    assert files == ["丙\u3000医院.docx", "乙医院.docx", "甲医院.docx", "甲医院（2）.docx"]
    assert "丙\u3000医院" in {e.get("institution") for e in manifest(out)["files"]}


# ------------------------------------------------------------------ plans and profiles

@pytest.mark.slow
@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1b", "\x00", "\ufffe"], ids=["VT", "FF", "ESC", "NUL", "FFFE"])
def test_raw_control_characters_are_removed_with_a_warning_at_their_line(tmp_path, char):
    plan = tmp_path / "plan.yaml"
    plan.write_text(replaced("title: 广西", f"title: 广{char}西"), encoding="utf-8")
    result = run_cli("build", plan, "-o", tmp_path / "out", "--only", "plan")
    assert result.exit_code == 0, result.output
    line = next(n for n, text in enumerate(LIUZHOU.splitlines(), 1) if "title: 广西" in text)
    assert f"第{line}行" in result.output and "已删去" in result.output
    assert run_cli("check", plan).exit_code == 0


@pytest.mark.parametrize("old, new", [("start: 2021-08", "start: 2108-01"),
                                      ("start: 2021-08", "start: 2021-08 + 9999 months"),
                                      ("signed: start.first + 19 days", "signed: start.first + 9999 weeks")],
                         ids=["2108", "9999-months", "9999-weeks"])
def test_dates_past_any_calendar_are_refused_in_chinese(tmp_path, old, new):
    plan = tmp_path / "plan.yaml"
    plan.write_text(replaced(old, new), encoding="utf-8")
    for result in (run_cli("build", plan, "-o", tmp_path / "out"), run_cli("check", plan)):
        assert result.exit_code in (1, 2)
        assert "超出可用范围（1980—2099 年）" in result.output and "字段 dates." in result.output


def test_a_plan_check_rejects_is_not_built(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(replaced("end: summary.end", "end: 2021-01"), encoding="utf-8")
    checked = run_cli("check", plan)
    built = run_cli("build", plan, "-o", tmp_path / "out")
    assert checked.exit_code == 1 and built.exit_code == 2
    first_error = next(line for line in checked.output.splitlines() if line.startswith("错误"))
    assert first_error in built.output
    assert not (tmp_path / "out").exists()


def test_a_missing_parent_profile_is_reported_at_parent(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = (EXAMPLES.parent / "profiles" / "rongan.yaml").read_text(encoding="utf-8")
    (profiles / "orphan.yaml").write_text(text.replace("parent: liuzhou", "parent: nosuchcity"), encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(replaced("profile: liuzhou", "profile: orphan"), encoding="utf-8")
    result = run_cli("check", plan, "--profiles", profiles)
    assert "orphan.yaml" in result.output and "字段 parent" in result.output
    assert "未知的上级辖区配置 “nosuchcity”" in result.output


def test_a_plan_file_name_that_is_not_utf8_is_built_and_listed(tmp_path):
    name = "方案".encode("gbk").decode("utf-8", "surrogateescape") + ".yaml"
    plan = tmp_path / name
    plan.write_text(LIUZHOU, encoding="utf-8")
    result = run_cli("build", plan, "-o", tmp_path / "out", "--only", "plan")
    assert result.exit_code == 0, result.output
    assert manifest(tmp_path / "out")["plan"].endswith(".yaml")


# ------------------------------------------------------------------ command lines and the unexpected

@pytest.mark.parametrize("args, words", [
    (("-o", "{file}"), "是文件"),
    (("--institutions", "{folder}"), "是文件夹"),
], ids=["o-is-a-file", "institutions-is-a-folder"])
def test_click_path_errors_are_in_chinese(tmp_path, args, words):
    (tmp_path / "afile").write_text("x")
    filled = [a.replace("{file}", str(tmp_path / "afile")).replace("{folder}", str(tmp_path)) for a in args]
    result = run_cli("build", EXAMPLES / "liuzhou-2021" / "plan.yaml", *filled)
    assert result.exit_code == 2
    assert words in result.output and "错误" in result.output
    assert "Directory" not in result.output and "File '" not in result.output and "is a" not in result.output


def test_an_unexpected_error_gives_a_short_chinese_message_and_a_log(tmp_path, monkeypatch):
    from planmaker.commands import build

    def defect(*args, **kwargs):
        raise RuntimeError("a defect")

    monkeypatch.delenv("PLANMAKER_DEBUG", raising=False)
    monkeypatch.setattr(build, "build", defect)
    result = run_cli("build", EXAMPLES / "liuzhou-2021" / "plan.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "意外的问题" in result.output and "Traceback" not in result.output
    log = Path(result.output.split("详细信息已写入 ")[1].split("，")[0])
    assert "RuntimeError: a defect" in log.read_text(encoding="utf-8")
    log.unlink()


# ------------------------------------------------------------------ collect

@pytest.fixture(scope="module")
def city_plan():
    from test_collect import plan_for

    return plan_for("liuzhou", report="2020-12-04")


def inbox_with(folder: Path, name: str, change=None) -> Path:
    from test_collect import filled

    inbox = folder / "in"
    inbox.mkdir(exist_ok=True)
    path = inbox / name
    path.write_bytes(filled("rongan", "form1"))
    if change:
        change(path)
    return inbox


def collected(tmp_path, inbox, plan):
    result = run_cli("collect", inbox, "--plan", plan, "-o", tmp_path / "out")
    return result, (tmp_path / "out" / "汇总报告.txt").read_text(encoding="utf-8") if result.exit_code < 2 else ""


def test_a_form_whose_hidden_unit_differs_from_the_visible_one_is_not_counted(tmp_path, city_plan):
    result, report = collected(tmp_path, inbox_with(tmp_path, "融安县.xlsx", meta_unit), city_plan)
    assert result.exit_code == 1
    assert "表上的填报单位是 “融安县”" in report and "三江侗族自治县" in report
    assert "计入汇总 0 个" in report


def test_a_number_of_400_digits_is_a_cell_problem(tmp_path, city_plan):
    import re

    def huge(path):
        rewrite_member(path, "xl/worksheets/sheet1.xml",
                       lambda d: re.sub(rb'(<c r="C\d+"[^>]*><v>)\d+(</v>)', rb"\g<1>1E+400\2", d, count=1))

    result, report = collected(tmp_path, inbox_with(tmp_path, "融安县.xlsx", huge), city_plan)
    assert result.exit_code == 1
    assert "1E+400 过大" in report


def test_a_gbk_file_name_is_shown_decoded(tmp_path, city_plan):
    name = "融安表".encode("gbk").decode("utf-8", "surrogateescape") + ".xlsx"
    result, report = collected(tmp_path, inbox_with(tmp_path, name), city_plan)
    assert result.exit_code == 1
    assert "融安表.xlsx（文件名为 GBK 编码）" in report


def form_bomb(path):
    zip_bomb(path, "xl/workbook.xml", 150)


def lying_form(path):
    """200 MB of XML whose zip directory says 100 bytes (Python's zipfile would inflate it
    in one step of up to 2 GB when the member is read whole)."""
    zip_bomb(path, "xl/workbook.xml", 200, b"<a/>")
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02")
    data[entry + 24:entry + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))


@pytest.mark.slow
@pytest.mark.parametrize("maker, words", [(form_bomb, "压缩比异常"), (lying_form, "与压缩包目录中记录的大小或校验值不符")],
                         ids=["bomb", "lying-directory"])
def test_a_form_that_would_explode_is_refused_before_reading(tmp_path, city_plan, maker, words):
    tracemalloc.start()
    result, report = collected(tmp_path, inbox_with(tmp_path, "炸弹.xlsx", maker), city_plan)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.exit_code == 1
    assert words in report and "炸弹.xlsx" in report
    assert peak < 100 * 1024 * 1024


@pytest.mark.slow
def test_a_docx_template_with_a_lying_directory_is_refused(tmp_path):
    import datetime as dt

    from planmaker.office.docx_render import render_template

    template = tmp_path / "lying.docx"
    lying_form(template)
    with pytest.raises(InputError) as caught:
        render_template(template, {}, "t", "a", dt.datetime(2021, 1, 1))
    assert "与压缩包目录中记录的大小或校验值不符" in str(caught.value)
