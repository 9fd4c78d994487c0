"""Every page of every document of every bundled example, as a clerk would print it.

All the examples are built (as they are, and with a small institution list, so
that the per-institution checklists, self-checks and ledgers are printed too:
the builds of the hash table, scripts/example_hashes.py),
every .docx and .xlsx goes through one LibreOffice run with planmaker's font
set-up, and the pages are read back with their positions (tests/pagecheck.py):

- no character of a .docx is lost on paper (a punctuation mark pushed past the
  line's end, a cell too narrow);
- no page holds only the signature, or only the notes and sign-off lines of a
  table (GB/T 9704 7.3.5);
- a table that runs on to another page starts it with its header row;
- no heading (一、 in 黑体, （一） in 楷体, a title, 附件1) is the last line of a page;
- every workbook prints within the page's width, at 10 pt or more;

and, measured from the PDF's geometry (tests/pagegeometry.py: the rules and the
characters' boxes), as a clerk who prints and fills the forms by hand would:

- no character within 1 mm of a cell's rule;
- no header word broken inside a word (是否存/在), unless the document broke it there;
- the rows of the self-check form and the ledger at least 12 mm high, two lines of handwriting;
- no page the document goes on after (not its last, nor the last before an annex) more than a
  third empty;
- the 版头's 发文机关标志 within 2 mm of 35 mm below the type area's top (GB/T 9704-2012 7.2.4).
"""

from __future__ import annotations

import hashlib
import shutil

import pytest

import pagecheck
import pagegeometry as geometry
from conftest import EXAMPLES, run_cli

ISSUED = """
number: 柳卫发〔2021〕12号
masthead:
  issuers: [柳州市卫生健康委员会, 柳州市医疗保障局, 柳州市市场监督管理局]
imprint:
  cc: [自治区卫生健康委, 市纪委监委驻市卫生健康委纪检监察组, 各县区人民政府]
  date: 2021-08-23
"""

# one worker builds and prints the examples once for every test here and the hash table's (--dist loadgroup)
pytestmark = [pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                                 reason="needs LibreOffice and poppler-utils"),
              pytest.mark.xdist_group("examples"), pytest.mark.slow]


@pytest.fixture(scope="module")
def printed(tmp_path_factory, example_builds):
    """{document: its PDF} for every distinct .docx and .xlsx the examples build (conftest.example_builds,
    the builds of the hash table), and an issued plan with its 版头 and 版记."""
    root = tmp_path_factory.mktemp("pages")
    issued = root / "issued.yaml"  # an issued document: 版头 of joint issuers and 版记
    issued.write_text((EXAMPLES / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8") + ISSUED, encoding="utf-8")
    result = run_cli("build", issued, "-o", root / "issued", "--only", "plan")
    assert result.exit_code == 0, result.output
    names, seen = {}, set()  # {document: its name, as build/path}
    for out in [*example_builds.values(), root / "issued"]:
        for path in sorted(out.rglob("*")):
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
            if path.suffix in (".docx", ".xlsx") and digest not in seen:
                seen.add(digest)
                names[path] = f"{out.name}/{path.relative_to(out).as_posix()}"
    return {names[path]: (path, pdf) for path, pdf in pagecheck.convert(list(names), root / "converted").items()}


@pytest.mark.slow
def test_every_page_is_ready_to_issue(printed):
    faults = [f"{name}: {fault}" for name, (path, pdf) in sorted(printed.items())
              for fault in pagecheck.faults(path, pdf)]
    assert not faults, "\n".join(faults)


def test_every_kind_of_document_is_printed(printed):
    names = " ".join(printed)
    for part in ("工作方案.docx", "任务分工.docx", "任务分工.xlsx", "检查表", "统计表", "自查表", "整改台账", "含附件",
                 "issued/"):
        assert part in names, part


ROLES = {"body": "仿宋_GB2312", "一、 headings": "黑体", "（一） headings": "楷体_GB2312", "title": "方正小标宋简体"}


def test_each_role_prints_in_a_family_of_its_own(printed):
    """pdffonts on a plan's PDF: body, 一、 headings, （一） headings and title each in a different
    CJK family (the free family fonts.conf maps the GB/T 9704 name to), not one fallback for all."""
    import os
    import re
    import subprocess

    from planmaker.office.pdf import environment

    env = {**os.environ, **environment()}
    family = {role: subprocess.run(["fc-match", "-f", "%{postscriptname}", name], env=env, capture_output=True,
                                   text=True, check=True).stdout.split("-")[0] for role, name in ROLES.items()}
    assert len(set(family.values())) == len(ROLES), family
    (path, pdf), = [v for k, v in printed.items() if k == "liuzhou-2021/柳州市2021年开展不合理医疗检查专项治理行动工作方案.docx"]
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]).split("-")[0] for line in listed.splitlines()[2:]}
    for role, name in family.items():
        assert name in embedded, (role, name, embedded)


def _page(*lines: str) -> pagecheck.Page:
    page = pagecheck.Page(595, 842)
    for i, text in enumerate(lines):
        page.lines.append([pagecheck.Word(text, 80, 100 + 30 * i, 80 + 16 * len(text), 116 + 30 * i)])
    return page


def test_the_imprint_stands_at_the_foot_of_the_last_page(printed):
    """GB/T 9704 7.4: the 版记 is the last thing on the last page, its last line at the foot of the
    type area (bottom margin 35 mm), below the signature, not straight after it."""
    (path, pdf), = [v for k, v in printed.items() if k.startswith("issued/") and k.endswith("工作方案.docx")]
    last = pagecheck.read_pages(pdf)[-1]
    rows = sorted(((min(w.y0 for w in line), max(w.y1 for w in line), pagecheck.squash("".join(w.text for w in line)))
                   for line in last.lines), key=lambda row: row[0])
    rows = [row for row in rows if not pagecheck.PAGE_NUMBER.match(row[2])]
    printed_by = next(row for row in rows if row[2].endswith("印发"))
    signed = next(row for row in rows if row[2] == "2021年8月20日")
    foot = last.height - 35 / 25.4 * 72
    assert rows[-1] == printed_by and foot - 16 <= printed_by[1] <= foot + 2, (printed_by, foot)
    assert printed_by[0] - signed[1] > 60, "版记 follows the signature instead of standing at the page's foot"


def test_the_checks_find_what_the_clerk_found():
    """Each check, on pages laid out as the issue saw them, names the fault."""
    import collections
    facts = pagecheck.DocxFacts(collections.Counter("工作要求，结合"), headings=["三、重点任务及责任分工"],
                                closing=["柳州市卫生健康委员会", "2021年8月20日"],
                                tables=[pagecheck.Table(["序号", "重点任务", "牵头部门", "配合部门"], "市卫生健康委")])
    lost = pagecheck.lost_characters(facts, [_page("工作要求"), _page("结合")])
    assert lost and "，" in lost[0]
    stranded = pagecheck.stranded_pages(facts, [_page("正文"), _page("柳州市卫生健康委员会", "2021年8月20日", "—2—")])
    assert stranded and "page 2" in stranded[0]
    foot = pagecheck.headings_at_page_foot(facts, [_page("正文", "三、重点任务及责任分工"), _page("正文")])
    assert foot and "page 1" in foot[0]
    table_pages = [_page("序号重点任务牵头部门配合部门", "1"), _page("2", "市卫生健康委")]
    assert pagecheck.headers_not_repeated(facts, table_pages)
    table_pages[1] = _page("序号重点任务牵头部门配合部门", "2", "市卫生健康委")
    assert not pagecheck.headers_not_repeated(facts, table_pages)


@pytest.mark.slow
def test_sign_off_lines_alone_are_caught_and_the_render_keeps_them_with_the_table(tmp_path):
    """Nine rows fill a page: the sign-off lines after them fall alone onto the next one,
    which the check reports, until docx_render puts them in one row with the last row."""
    from planmaker.office.docx_render import keep_sign_off_with_table
    from planmaker.office.plan_docx import new_document

    paths = []
    for name, keep in (("alone.docx", False), ("kept.docx", True)):
        document = new_document()
        table = document.add_table(rows=0, cols=2)
        table.style = document.styles["Table Grid"]
        for i in range(9):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = f"第{i + 1}项", "检查内容\n两行"
        for text in ("注：此表供检查时使用。", "检查人：", "检查时间：    年  月  日"):
            document.add_paragraph(text)
        if keep:
            keep_sign_off_with_table(document)
        document.save(tmp_path / name)
        paths.append(tmp_path / name)
    pdfs = pagecheck.convert(paths, tmp_path / "converted")
    alone, kept = (pagecheck.faults(path, pdfs[path]) for path in paths)
    assert any("holds only closing lines" in fault for fault in alone), alone
    assert kept == [], kept


def _sheet(*glyphs, rules=(), number=1, red=False) -> geometry.Sheet:
    """A portrait page; ``glyphs`` as (text, x mm, top mm), each 12 pt; ``rules`` as (x0, y0, x1, y1) in mm."""
    mm = geometry.MM
    sheet = geometry.Sheet(595, 842, number=number)
    for text, x, top in glyphs:
        for i, ch in enumerate(text):
            sheet.glyphs.append(geometry.Glyph(ch, x * mm + 12 * i, top * mm, x * mm + 12 * (i + 1), top * mm + 12, red))
    sheet.rules += [geometry.Rule(x0 * mm, y0 * mm, x1 * mm, y1 * mm) for x0, y0, x1, y1 in rules]
    return sheet


def test_the_ruler_measures_find_what_the_clerk_found():
    """Each measure of tests/pagegeometry.py, on pages drawn as the issue saw them, names the fault;
    on pages drawn right, it says nothing."""
    rule = [(30, 100, 180, 100)]
    assert geometry.text_on_rules([_sheet(("问题", 40, 100.5), rules=rule)])  # its box 0.5 mm under the rule
    assert not geometry.text_on_rules([_sheet(("问题", 40, 101.5), rules=rule)])
    # 是否存/在 broken inside the word; 是否/存在 between words; a break the document chose is kept
    line = 12 / geometry.MM + 1
    assert geometry.broken_header_words([_sheet(("是否存", 40, 80), ("在", 40, 80 + line))], [["是否存在"]])
    assert not geometry.broken_header_words([_sheet(("是否", 40, 80), ("存在", 40, 80 + line))], [["是否存在"]])
    assert not geometry.broken_header_words([_sheet(("社会", 40, 80), ("办", 40, 80 + line))], [["社会", "办"]])
    assert geometry.broken_header_words([_sheet(("完成情况（销", 40, 80), ("号）", 40, 80 + line))],
                                        [["完成情况（销号）"]])
    # rows to write in: 10 mm is one line of handwriting, 12 mm two
    rows = [(30, y, 180, y) for y in (60, 70, 82)]
    short = geometry.short_writing_rows([_sheet(("序号", 40, 52), ("1", 40, 62), ("2", 40, 72), rules=rows)], ["序号"])
    assert len(short) == 1 and "1 rows" in short[0] and "10.0 mm" in short[0]
    # a page the document goes on after, stopping half-way down; not when the next page starts an annex
    half = [_sheet(("正文", 40, 150)), _sheet(("正文", 40, 40), number=2)]
    assert geometry.empty_pages(half, []) and not geometry.empty_pages(half, [2])
    assert not geometry.empty_pages([_sheet(("正文", 40, 250)), _sheet(("正文", 40, 40))], [])
    # the 发文机关标志 where the issue found it (37 mm from the top), and where 7.2.4 puts it
    assert geometry.masthead_position([_sheet(("柳州市文件", 40, 37.2), red=True)])
    assert not geometry.masthead_position([_sheet(("柳州市文件", 40, 72.2), red=True)])
