"""Every page of every document of every bundled example, as a clerk would print it.

All the examples are built (as they are, and with a small institution list, so
that the per-institution checklists, self-checks and ledgers are printed too),
every .docx and .xlsx goes through one LibreOffice run with planmaker's font
set-up, and the pages are read back with their positions (tests/pagecheck.py):

- no character of a .docx is lost on paper (a punctuation mark pushed past the
  line's end, a cell too narrow);
- no page holds only the signature, or only the notes and sign-off lines of a
  table (GB/T 9704 7.3.5);
- a table that runs on to another page starts it with its header row;
- no heading (一、 in 黑体, （一） in 楷体, a title, 附件1) is the last line of a page;
- every workbook prints within the page's width, at 10 pt or more.
"""

from __future__ import annotations

import hashlib
import shutil

import pytest

import pagecheck
from conftest import EXAMPLES, run_cli

INSTITUTIONS = ("名称,类别,等级,性质,地址\n"
                "柳州市第一人民医院,综合医院,三级,公立,人民路1号\n"
                "康宁诊所,诊所,未定级,社会办医,中山路3号\n")

pytestmark = pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                                reason="needs LibreOffice and poppler-utils")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """{document: its PDF} for every distinct .docx and .xlsx the examples build."""
    root = tmp_path_factory.mktemp("pages")
    names = root / "名单.csv"
    names.write_text(INSTITUTIONS, encoding="utf-8")
    sources, seen = [], set()
    for plan in sorted(EXAMPLES.glob("*/plan.yaml")):
        for variant, extra in (("", ()), ("+institutions", ("--institutions", names, "--workers", "1"))):
            out = root / f"{plan.parent.name}{variant}"
            result = run_cli("build", plan, "-o", out, *extra)
            assert result.exit_code == 0, result.output
            for path in sorted(out.rglob("*")):
                digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
                if path.suffix in (".docx", ".xlsx") and digest not in seen:
                    seen.add(digest)
                    sources.append(path)
    return {path.relative_to(root).as_posix(): (path, pdf)
            for path, pdf in pagecheck.convert(sources, root / "converted").items()}


def test_every_page_is_ready_to_issue(printed):
    faults = [f"{name}: {fault}" for name, (path, pdf) in sorted(printed.items())
              for fault in pagecheck.faults(path, pdf)]
    assert not faults, "\n".join(faults)


def test_every_kind_of_document_is_printed(printed):
    names = " ".join(printed)
    for part in ("工作方案.docx", "任务分工.docx", "任务分工.xlsx", "检查表", "统计表", "自查表", "整改台账", "含附件"):
        assert part in names, part
