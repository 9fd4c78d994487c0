"""Issue 17 in small: every per-institution kind in one batch, institution forms
with their identity, PDFs converted in bounded groups as the batch writes, and
collect's report and problem list at scale."""

from __future__ import annotations

import csv
import functools
import io
import json
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLES, run_cli, session_folder
from planmaker.inputs.catalog import Catalog
from planmaker.kinds.pdf import PdfKind
from planmaker.office.pdf import soffice
from planmaker.writing import batch as batch_module
from problem_campaign import problem_campaign

GUANGXI = EXAMPLES / "guangxi-2020" / "plan.yaml"


@functools.cache
def campaigns() -> Path:
    """广西's plan of a campaign whose statistics form institutions fill (issue 23): only such
    forms go to each institution."""
    return problem_campaign(session_folder("scale"), "profile: guangxi\ncampaign: abuses-problems\n"
                            "dates: {start: 2020-09, end: 2020-12, report: 2020-12-05}\n")


def own_forms() -> list[str]:
    return ["--plan", str(campaigns() / "plan.yaml"), "--campaigns", str(campaigns())]


def names_csv(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "类别", "等级", "性质"])
        for i in range(count):
            writer.writerow([f"第{i + 1}号卫生院", "乡镇卫生院", "一级", "公立"])
    return path


def manifest(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def test_each_institution_gets_its_own_statistics_forms(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", campaigns() / "plan.yaml", "-o", str(out), "--institutions",
                     str(names_csv(tmp_path / "n.csv", 3)), "--workers", "1", "--only", "stats",
                     "--campaigns", campaigns())
    assert result.exit_code == 0, result.output
    forms = [e for e in manifest(out) if e.get("institution")]
    assert len(forms) == 3 and {e["kind"] for e in forms} == {"stats"}  # the institutions' form for each of three
    for entry in forms:
        book = openpyxl.load_workbook(out / entry["path"])
        meta = {r[0]: r[1] for r in book["_planmaker"].iter_rows(values_only=True) if r[0]}
        assert meta["institution"] == entry["institution"] and meta["issuer_id"] == "guangxi"
        assert book.worksheets[0]["A2"].value.startswith(f"填报单位：{entry['institution']}")
        assert book["_planmaker"].sheet_state == "veryHidden" and book.worksheets[0].protection.sheet


def test_pdfs_of_institution_documents_are_made_in_bounded_groups(tmp_path, monkeypatch):
    """The batch hands the PDF kind its written documents a group at a time,
    never the whole batch: memory does not grow with the list."""
    groups: list[list[str]] = []

    def derive(self, job, made):
        groups.append([a.path for a in made])
        return [type(a)(a.path.rsplit(".", 1)[0] + "（测试）.pdf", a.kind, b"%PDF " + a.path.encode(),
                        {**a.extra, "format": "pdf", "source": a.path}) for a in made]

    monkeypatch.setattr(PdfKind, "require", lambda self: None)
    monkeypatch.setattr(PdfKind, "derive", derive)
    monkeypatch.setattr(batch_module, "DERIVE_GROUP", 5)
    out = tmp_path / "out"
    result = run_cli("build", campaigns() / "plan.yaml", "-o", str(out), "--institutions",
                     str(names_csv(tmp_path / "n.csv", 7)), "--workers", "1", "--only", "checklist,stats",
                     "--format", "pdf", "--campaigns", campaigns())
    assert result.exit_code == 0, result.output
    plan_group, *batch_groups = groups
    assert not any("按机构" in path for path in plan_group)
    handed = [path for group in batch_groups for path in group]
    assert len(handed) == 7 * 2 == len(set(handed))  # the checklist and the institutions' form, each once
    assert [len(g) for g in batch_groups] == [5, 5, 4]
    pdfs = [e for e in manifest(out) if e["path"].endswith(".pdf") and e.get("institution")]
    assert len(pdfs) == 14 and all((out / e["path"]).is_file() for e in pdfs)


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice 未安装")
def test_institution_pdfs_through_libreoffice(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", str(GUANGXI), "-o", str(out), "--institutions", str(names_csv(tmp_path / "n.csv", 2)),
                     "--workers", "1", "--only", "checklist", "--format", "pdf")
    assert result.exit_code == 0, result.output
    pdfs = [e for e in manifest(out) if e["path"].endswith(".pdf") and e.get("institution")]
    assert len(pdfs) == 2 and all((out / e["path"]).read_bytes().startswith(b"%PDF") for e in pdfs)


def test_collect_report_lists_counts_first_and_every_problem_in_csv(tmp_path):
    from planmaker.collect.report import PROBLEMS_FILE, report_text

    out = tmp_path / "out"
    names = names_csv(tmp_path / "n.csv", 60)
    built = run_cli("build", campaigns() / "plan.yaml", "-o", str(out), "--institutions", str(names), "--workers", "1",
                    "--only", "stats", "--campaigns", campaigns())
    assert built.exit_code == 0
    inbox = out / "附件3-统计表（按机构）"  # the forms come back blank: 60 empty forms
    summed = tmp_path / "汇总"
    result = run_cli("collect", str(inbox), *own_forms(), "--institutions", str(names), "-o", str(summed),
                     "--workers", "2")
    assert result.exit_code == 1
    screen = result.output
    head = screen.split("一、")[0]
    assert "应报送的机构 60 家 × 1 张表；未报送 0 份" in head and "填写有误的单元格：60 处" in head
    assert "……另有 30 项" in screen  # the screen lists 30 a section, the file all
    text = (summed / "汇总报告.txt").read_text(encoding="utf-8")
    assert "……另有" not in text and text.count("整张表没有填写任何数字") == 60
    rows = list(csv.DictReader(io.StringIO((summed / PROBLEMS_FILE).read_text(encoding="utf-8-sig"))))
    # the form of each of the region's cities (none sent its summary)
    cities = len(Catalog().children_of(Catalog().load_profile("guangxi")))
    assert cities == 14
    assert sum(r["类别"] == "missing" for r in rows) == cities
    assert sum(r["类别"] == "cell" for r in rows) == 60
    assert report_text  # the API the command prints with


def test_institution_forms_without_a_list_are_set_aside_with_a_hint(tmp_path):
    out = tmp_path / "out"
    built = run_cli("build", campaigns() / "plan.yaml", "-o", str(out), "--institutions",
                    str(names_csv(tmp_path / "n.csv", 2)), "--workers", "1", "--only", "stats", "--campaigns", campaigns())
    assert built.exit_code == 0
    summed = tmp_path / "汇总"
    result = run_cli("collect", str(out / "附件3-统计表（按机构）"), *own_forms(), "-o", str(summed))
    assert result.exit_code == 1
    text = (summed / "汇总报告.txt").read_text(encoding="utf-8")
    assert text.count("汇总机构报送的表，请用 --institutions 给出机构名单") == 2
