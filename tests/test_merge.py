"""Regenerating into the clerk's own edited file (issue 24): a three-way merge, shown as tracked changes.

The plan is built, the clerk edits the bundle (python-docx, and separately the same file opened and
saved by LibreOffice), the plan's dates move one month later, and the plan is built again into the
same folder: the clerk's file holds every edit and every new date, the new dates as Word tracked
changes by planmaker, and no （新生成） copy is written.  A rebuild builds only the kind the clerk
edited (``--only bundle`` or ``plan``); the bases of every kind: test_the_bases_are_kept_for_the_plans_files_only."""

from __future__ import annotations

import calendar
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import EXAMPLES, convert, run_cli

PLAN = EXAMPLES / "yaan-exams" / "plan.yaml"
STEM = "雅安市2021年医疗机构突出问题专项整治实施方案"
BUNDLE = f"{STEM}（含附件）.docx"
PLAN_DOCX = f"{STEM}.docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ADDED = "办公室补充：请各单位按时报送材料。"
NEIGHBOUR = ("2、广泛加大宣传。一是形式多样宣传", "2、广泛加大宣传。一是形式丰富宣传")
DELETED = "通过持续开展专项治理"
HEADING = "三、整治内容"
FILLED = "市医保局（办公室补填）"


def later(text: str, months: int = 1) -> str:
    """The plan file with every date ``months`` later (a day past the month's end is its last day)."""
    def shift(match: re.Match) -> str:
        year, month = int(match.group(1)), int(match.group(2)) + months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        if match.group(3) is None:
            return f"{year}-{month:02d}"
        day = min(int(match.group(3)), calendar.monthrange(year, month)[1])
        return f"{year}-{month:02d}-{day:02d}"

    return re.sub(r"\b(20\d\d)-(\d\d)(?:-(\d\d))?\b", shift, text)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The plan built as it is (``first``, every kind, the folder the clerk edits) and a month later
    (``second``, the bundle only: what its new version says)."""
    root = tmp_path_factory.mktemp("merge")
    plans = {}
    for name, text, only in (("first", PLAN.read_text(encoding="utf-8"), ()),
                             ("second", later(PLAN.read_text(encoding="utf-8")), ("--only", "bundle"))):
        plans[name] = root / f"{name}.yaml"
        plans[name].write_text(text, encoding="utf-8")
        assert run_cli("build", plans[name], "-o", root / name, *only).exit_code == 0
    return root, plans


def fresh(builds, tmp_path: Path) -> Path:
    root, _ = builds
    out = tmp_path / "out"
    shutil.copytree(root / "first", out)
    return out


def edit(path: Path) -> None:
    """The clerk's edits, as python-docx makes them."""
    document = docx.Document(str(path))
    paragraphs = document.paragraphs
    find = lambda start: next(p for p in paragraphs if p.text.startswith(start))  # noqa: E731
    for run in find(HEADING).runs:
        run.bold = True
    for run in find(NEIGHBOUR[0][:8]).runs:
        run.text = run.text.replace("形式多样宣传", "形式丰富宣传")
    find(HEADING).insert_paragraph_before(ADDED)
    gone = find(DELETED)._p
    gone.getparent().remove(gone)
    cell = document.tables[0].cell(2, 3)
    assert cell.text == ""
    cell.paragraphs[0].add_run(FILLED)
    document.save(str(path))


def body(path_or_bytes) -> etree._Element:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(f"{{{W}}}body")


def texts(path_or_bytes, view: str = "accept") -> list[str]:
    """Every paragraph as Word shows it with all tracked changes accepted (or rejected)."""
    hidden, shown = ("del", "ins") if view == "accept" else ("ins", "del")
    found = []
    for p in body(path_or_bytes).iter(f"{{{W}}}p"):
        if p.xpath(f"./w:pPr/w:rPr/w:{hidden} | ancestor::w:tr/w:trPr/w:{hidden}", namespaces=NS):
            continue
        kinds = "w:t | .//w:delText | .//w:br | .//w:tab" if view == "reject" else "w:t | .//w:br | .//w:tab"
        parts = p.xpath(f"(.//{kinds})[not(ancestor::w:{hidden})][not(ancestor::w:pPr)]", namespaces=NS)
        found.append("".join({"br": "\n", "tab": "\t"}.get(etree.QName(t).localname, t.text or "") for t in parts))
    return found


def marks(path) -> list[tuple[str, str, str, str]]:
    """(ins or del, author, date, text) of every tracked change."""
    return [(etree.QName(m).localname, m.get(f"{{{W}}}author"), m.get(f"{{{W}}}date"),
             "".join(m.xpath(".//w:t/text() | .//w:delText/text()", namespaces=NS)))
            for m in body(path).xpath(".//w:ins | .//w:del", namespaces=NS)]


def changed_dates(builds, name: str) -> list[str]:
    """The paragraphs of the new version that the date change rewrote."""
    root, _ = builds
    before = set(texts(root / "first" / name))
    return [t for t in texts(root / "second" / name) if t not in before]


def assert_merged(builds, out: Path, edited_text: list[str], result) -> None:
    root, _ = builds
    merged = out / BUNDLE
    assert result.exit_code == 0, result.output
    assert not [p.name for p in out.rglob("*新生成*")]
    shown = texts(merged)
    assert ADDED in shown
    assert any(t.startswith(NEIGHBOUR[1]) for t in shown)
    assert not any(t.startswith(DELETED) for t in shown)
    assert any(FILLED in t for t in shown)
    heading = next(p for p in docx.Document(str(merged)).paragraphs if p.text == HEADING)
    assert heading.runs and all(run.bold for run in heading.runs)
    new = changed_dates(builds, BUNDLE)
    assert len(new) >= 8 and all(t in shown for t in new), [t for t in new if t not in shown][:3]
    # Every change is planmaker's, dated with the plan's document time (its signing date, a month later)
    found = marks(merged)
    assert {(kind, who, when) for kind, who, when, _ in found} == {("ins", "planmaker", "2021-09-30T00:00:00Z"),
                                                                  ("del", "planmaker", "2021-09-30T00:00:00Z")}
    assert ("del", "9") in {(k, t) for k, _, _, t in found} and ("ins", "10") in {(k, t) for k, _, _, t in found}
    # Rejecting them all gives the clerk's file back, word for word
    assert texts(merged, "reject") == edited_text
    assert f"已合并：{out / BUNDLE}" in result.output and "0 处冲突" in result.output


@pytest.mark.slow
def test_python_docx_edits_and_a_month_later_merge_as_tracked_changes(builds, tmp_path):
    _, plans = builds
    out = fresh(builds, tmp_path)
    edit(out / BUNDLE)
    edited_text = texts(out / BUNDLE)
    result = run_cli("build", plans["second"], "-o", out, "--only", "bundle")
    assert_merged(builds, out, edited_text, result)
    merged = (out / BUNDLE).read_bytes()
    again = run_cli("build", plans["second"], "-o", out, "--only", "bundle")  # nothing new: the file is left alone
    assert again.exit_code == 0 and (out / BUNDLE).read_bytes() == merged and "未改动" in again.output
    assert not [p.name for p in out.rglob("*新生成*")]


@pytest.mark.slow
def test_a_file_saved_by_libreoffice_merges_and_converts(builds, tmp_path, libreoffice):
    _, plans = builds
    out = fresh(builds, tmp_path)
    edit(out / BUNDLE)
    (saved,) = convert(libreoffice, [out / BUNDLE], tmp_path / "lo", "docx")
    shutil.copyfile(saved, out / BUNDLE)
    edited_text = texts(out / BUNDLE)
    result = run_cli("build", plans["second"], "-o", out, "--only", "bundle")
    assert_merged(builds, out, edited_text, result)
    (pdf,) = convert(libreoffice, [out / BUNDLE], tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000


def rewrite_dated_sentence(out: Path) -> None:
    document = docx.Document(str(out / PLAN_DOCX))
    dated = next(p for p in document.paragraphs if p.text == "2021年9月1日至2021年12月31日。")
    dated.runs[0].text = "自2021年9月1日起，到年底结束。"
    for run in dated.runs[1:]:
        run.text = ""
    document.save(str(out / PLAN_DOCX))


def test_a_rewritten_dated_sentence_is_a_conflict_with_the_new_one_inserted_beside_it(builds, tmp_path):
    _, plans = builds
    out = fresh(builds, tmp_path)
    rewrite_dated_sentence(out)
    result = run_cli("build", plans["second"], "-o", out, "--json", "--only", "plan")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (merged,) = [m for m in report["merged"] if m["file"] == PLAN_DOCX]
    (conflict,) = merged["conflicts"]
    assert conflict.startswith("自2021年9月1日起") and merged["changes"] > 5
    assert report["counts"]["merged"] == 1 and report["kept"] == []
    shown = texts(out / PLAN_DOCX)
    at = shown.index("自2021年9月1日起，到年底结束。")
    assert shown[at + 1] == "2021年10月1日至2022年1月31日。"
    inserted = body(out / PLAN_DOCX).xpath(".//w:p[w:pPr/w:rPr/w:ins][w:ins//w:t]", namespaces=NS)
    assert "2021年10月1日至2022年1月31日。" in ["".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in inserted]
    # Built again without accepting anything: the pending insertion follows the dates, no new conflict
    back = run_cli("build", plans["first"], "-o", out, "--only", "plan")
    assert back.exit_code == 0 and "0 处冲突" in back.output
    shown = texts(out / PLAN_DOCX)
    assert shown[shown.index("自2021年9月1日起，到年底结束。") + 1] == "2021年9月1日至2021年12月31日。"
    assert "2021年10月1日-2021年10月15日" not in "".join(shown) and "（2021年9月1日-2021年9月15日）" in "".join(shown)


def test_the_prose_report_names_each_conflict(builds, tmp_path):
    _, plans = builds
    out = fresh(builds, tmp_path)
    rewrite_dated_sentence(out)
    result = run_cli("build", plans["second"], "-o", out, "--only", "plan")
    assert f"已合并：{out / PLAN_DOCX}（" in result.output and "1 处冲突" in result.output
    assert "冲突：自2021年9月1日起" in result.output


@pytest.mark.slow
def test_merge_apply_leaves_no_marks_and_merge_off_writes_the_copy(builds, tmp_path):
    _, plans = builds
    out = fresh(builds, tmp_path)
    edit(out / BUNDLE)
    keep = (out / BUNDLE).read_bytes()
    result = run_cli("build", plans["second"], "-o", out, "--merge", "apply", "--only", "bundle")
    assert result.exit_code == 0
    assert marks(out / BUNDLE) == []
    shown = texts(out / BUNDLE)
    assert ADDED in shown and all(t in shown for t in changed_dates(builds, BUNDLE))
    (out / BUNDLE).write_bytes(keep)
    off = run_cli("build", plans["first"], "-o", out, "--merge", "off", "--only", "bundle")
    assert off.exit_code == 0 and (out / BUNDLE).read_bytes() == keep
    assert (out / BUNDLE.replace(".docx", "（新生成）.docx")).is_file()


def test_an_unreadable_edited_file_falls_back_to_the_copy_and_says_why(builds, tmp_path):
    _, plans = builds
    out = fresh(builds, tmp_path)
    (out / BUNDLE).write_bytes(b"not a word file")
    result = run_cli("build", plans["second"], "-o", out, "--json", "--only", "bundle")
    assert result.exit_code == 0
    (kept,) = json.loads(result.stdout)["kept"]
    assert kept["file"] == BUNDLE and kept["new"].endswith("（新生成）.docx") and "无法读取" in kept["reason"]
    assert (out / BUNDLE).read_bytes() == b"not a word file"


def test_the_bases_are_kept_for_the_plans_files_only_and_pruned(builds, tmp_path):
    root, plans = builds
    out = fresh(builds, tmp_path)
    listed = {e["sha256"] for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
              if e["path"].endswith((".docx", ".xlsx"))}
    assert {p.name[:-5] for p in (out / ".planmaker-base").iterdir()} == listed
    assert run_cli("build", plans["second"], "-o", out).exit_code == 0
    now = {e["sha256"] for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
           if e["path"].endswith((".docx", ".xlsx"))}
    assert {p.name[:-5] for p in (out / ".planmaker-base").iterdir()} == now
    assert sum(p.stat().st_size for p in (out / ".planmaker-base").iterdir()) < 60_000


def test_without_kept_bases_the_copy_goes_beside_once_then_merging_resumes(builds, tmp_path):
    _, plans = builds
    out = fresh(builds, tmp_path)
    shutil.rmtree(out / ".planmaker-base")  # a folder built before bases were kept
    edit(out / BUNDLE)
    once = run_cli("build", plans["second"], "-o", out, "--only", "bundle")
    assert once.exit_code == 0 and (out / BUNDLE.replace(".docx", "（新生成）.docx")).is_file()
    text = (plans["second"].read_text(encoding="utf-8")).replace("signed: 2021-09-30", "signed: 2021-09-29")
    third = plans["second"].with_name("third.yaml")
    third.write_text(text, encoding="utf-8")
    again = run_cli("build", third, "-o", out, "--only", "bundle")
    assert again.exit_code == 0 and f"已合并：{out / BUNDLE}" in again.output
    assert "2021年9月29日" in texts(out / BUNDLE) and ADDED in texts(out / BUNDLE)


def test_the_library_takes_the_same_merge_modes(builds, tmp_path):
    from planmaker.api import build
    from planmaker.base.errors import InputError

    _, plans = builds
    out = fresh(builds, tmp_path)
    edit(out / BUNDLE)
    with pytest.raises(InputError):
        build(plans["second"], out, merge="both")
    result = build(plans["second"], out, merge="apply", only=["bundle"])
    (merged,) = [m for m in result.report.merged if m.path == BUNDLE]
    assert merged.changes > 5 and merged.conflicts == [] and marks(out / BUNDLE) == []
