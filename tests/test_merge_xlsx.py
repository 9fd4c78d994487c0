"""Regenerating into a filled workbook (issue 24): cell by cell, a cell the unit filled is never changed.

A self-check form filled by a hospital and a task table filled by the office are rebuilt after the
campaign's wording changed (each build makes only that workbook's kind; every kind's base:
test_per_institution_copies_keep_no_base); and, as a property, random fills and random new labels on both."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT, run_cli
from planmaker.office.xlsx_merge import merge_xlsx

CAMPAIGNS = ROOT / "templates" / "campaigns"
SELFCHECK = "附件1-规范医疗机构诊疗服务行为专项整治行动自查表.xlsx"
TASKS = "附件1-雅安市2021年医疗机构突出问题专项整治实施方案任务分工.xlsx"


def campaign_copy(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "campaigns"
    shutil.copytree(CAMPAIGNS / name, folder / name)
    return folder


def rewrite(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def fill(path: Path, values: dict[str, str]) -> None:
    book = openpyxl.load_workbook(path)
    for ref, value in values.items():
        book.worksheets[0][ref] = value
    book.save(path)


def cells(path: Path) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row}


@pytest.mark.slow
def test_a_filled_self_check_keeps_every_answer_and_takes_the_new_labels(tmp_path):
    campaigns = campaign_copy(tmp_path, "clinical-conduct")
    plan, out = EXAMPLES / "county-conduct" / "plan.yaml", tmp_path / "out"
    assert run_cli("build", plan, "-o", out, "--campaigns", campaigns, "--only", "selfcheck").exit_code == 0
    before = cells(out / SELFCHECK)
    assert (before["C6"], before["C9"]) == ("分解住院", "留存、盗刷、冒用参保人员社会保障卡等行为")
    answers = {"C2": "怀远县某某医院", "E2": "0552-1234567", "D5": "否", "D6": "是", "E6": "存在分解住院",
               "F6": "已整改", "C9": "留存、盗刷参保人员社保卡（本院表述）"}
    fill(out / SELFCHECK, answers)
    rewrite(campaigns / "clinical-conduct" / "problems.yaml", ("- 分解住院；", "- 分解住院、挂床住院；"),
            ("冒用参保人员社会保障卡等行为", "冒用参保人员医保凭证等行为"))
    rewrite(campaigns / "clinical-conduct" / "selfcheck.yaml", ("note: 注：", "note: 注（2022年修订）："))
    result = run_cli("build", plan, "-o", out, "--campaigns", campaigns, "--json", "--only", "selfcheck")
    assert result.exit_code == 0, result.output
    after = cells(out / SELFCHECK)
    assert {ref: after[ref] for ref in answers} == answers
    assert after["C6"] == "分解住院、挂床住院"
    note = next(ref for ref, value in after.items() if isinstance(value, str) and value.startswith("注"))
    assert after[note].startswith("注（2022年修订）：")
    (merged,) = [m for m in json.loads(result.stdout)["merged"] if m["file"] == SELFCHECK]
    assert merged["changes"] == 2 and len(merged["conflicts"]) == 1
    assert merged["conflicts"][0].startswith("自查表!C9：留存、盗刷参保人员社保卡")
    assert not list(out.glob("*新生成*"))


def test_a_filled_task_table_keeps_the_offices_entries(tmp_path):
    campaigns = campaign_copy(tmp_path, "exams-prescriptions")
    plan, out = EXAMPLES / "yaan-exams" / "plan.yaml", tmp_path / "out"
    assert run_cli("build", plan, "-o", out, "--campaigns", campaigns, "--only", "tasks").exit_code == 0
    assert cells(out / TASKS)["D4"] is None
    fill(out / TASKS, {"D4": "市医保局", "C5": "市卫生健康委（医政药政科）"})
    rewrite(campaigns / "exams-prescriptions" / "campaign.yaml", ("主要包括滥用、冒用", "重点包括滥用、冒用"))
    result = run_cli("build", plan, "-o", out, "--campaigns", campaigns, "--only", "tasks")
    assert result.exit_code == 0, result.output
    after = cells(out / TASKS)
    assert after["D4"] == "市医保局" and after["C5"] == "市卫生健康委（医政药政科）"
    assert "重点包括滥用、冒用" in after["B3"]
    assert f"已合并：{out / TASKS}（1 处改动，0 处冲突）" in result.output
    assert not list(out.glob("*新生成*"))


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The blank self-check form and the task table, as built."""
    root = tmp_path_factory.mktemp("workbooks")
    for name, plan, kind in (("conduct", "county-conduct", "selfcheck"), ("yaan", "yaan-exams", "tasks")):
        assert run_cli("build", EXAMPLES / plan / "plan.yaml", "-o", root / name, "--only", kind).exit_code == 0
    return {"selfcheck": (root / "conduct" / SELFCHECK).read_bytes(), "tasks": (root / "yaan" / TASKS).read_bytes()}


def changed(data: bytes, values: dict[str, str]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    for ref, value in values.items():
        book.worksheets[0][ref] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def grid(data: bytes) -> dict[str, object]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    merged = {c for r in sheet.merged_cells.ranges for c in r.cells} - {(r.min_row, r.min_col)
                                                                          for r in sheet.merged_cells.ranges}
    return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
            if (cell.row, cell.column) not in merged}


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(["selfcheck", "tasks"]), data=st.data())
def test_random_fills_and_random_new_labels_merge_cell_by_cell(workbooks, which, data):
    base = workbooks[which]
    before = grid(base)
    refs = sorted(before)
    labelled = sorted(ref for ref, value in before.items() if value not in (None, ""))
    ours_refs = data.draw(st.sets(st.sampled_from(refs), max_size=12), label="filled")
    theirs_refs = data.draw(st.sets(st.sampled_from(labelled), max_size=8), label="relabelled")
    ours_values = {ref: f"填{n}" for n, ref in enumerate(sorted(ours_refs))}
    theirs_values = {ref: f"新{before[ref]}" for ref in theirs_refs}
    result = merge_xlsx(base, changed(base, ours_values), changed(base, theirs_values))
    merged = grid(result.data)
    for ref, value in ours_values.items():
        assert merged[ref] == value  # a cell the unit filled is never changed
    for ref in theirs_refs - ours_refs:
        assert merged[ref] == theirs_values[ref]  # a new label in an untouched cell is taken
    for ref in set(refs) - ours_refs - theirs_refs:
        assert merged[ref] == before[ref]
    assert result.changes == len(theirs_refs - ours_refs)
    assert sorted(c.split("：")[0].split("!")[1] for c in result.conflicts) == sorted(ours_refs & theirs_refs)


def test_a_new_version_with_a_row_more_is_not_merged_cell_by_cell(workbooks):
    from planmaker.office.merging import MergeRefused

    base = workbooks["tasks"]
    last = max(int(ref[1:]) for ref, value in grid(base).items() if value not in (None, "") and ref[0] == "A")
    with pytest.raises(MergeRefused, match="行有增减"):
        merge_xlsx(base, changed(base, {"D4": "市医保局"}), changed(base, {f"A{last + 1}": 5, f"B{last + 1}": "新任务"}))


@pytest.mark.slow
def test_per_institution_copies_keep_no_base(tmp_path):
    from test_batch import institutions_csv

    out = tmp_path / "out"
    names = institutions_csv(tmp_path / "名单.csv", 3)
    result = run_cli("build", EXAMPLES / "county-conduct" / "plan.yaml", "-o", out, "--institutions", names)
    assert result.exit_code == 0, result.output
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    per_institution = [e for e in entries if "/" in e["path"] and e["path"].endswith((".docx", ".xlsx"))]
    own = {e["sha256"] for e in entries if "/" not in e["path"] and e["path"].endswith((".docx", ".xlsx"))}
    assert len(per_institution) >= 3
    assert {p.name[:-5] for p in (out / ".planmaker-base").iterdir()} == own
